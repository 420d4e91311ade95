package io.atlasj.cli;

import io.atlasj.marketdata.UtcTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How the CLI (and the console's helpers) write and read times, numbers and tables. */
public final class Formats {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    public static String time(long epochMillis) {
        return UTC.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A duration as {@code 3d 4h 5m 6s}, leaving out zero parts. */
    static String duration(long millis) {
        if (millis <= 0) {
            return "-";
        }
        Duration d = Duration.ofMillis(millis);
        StringBuilder sb = new StringBuilder();
        if (d.toDaysPart() > 0) {
            sb.append(d.toDaysPart()).append("d ");
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append("h ");
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append("m ");
        }
        if (d.toSecondsPart() > 0 || sb.length() == 0) {
            sb.append(d.toSecondsPart()).append("s ");
        }
        return sb.toString().trim();
    }

    /**
     * Parses a UTC time given as {@code 2013-11-25}, {@code 2013-11-25T12:00}, {@code 2013-11-25 12:00:00},
     * {@code 2013-11-25T12:00:00Z} or epoch milliseconds.
     */
    public static long parseTime(String text, String option) {
        String s = text.trim();
        if (s.matches("-?\\d{10,}")) {
            return Long.parseLong(s);
        }
        return UtcTime.parseIso(s).orElseThrow(() -> new UserException(option + ": cannot read the time '" + text
                + "'; write it as 2013-11-25, 2013-11-25T12:00 or 2013-11-25T12:00:00Z (UTC), or epoch milliseconds"));
    }

    /** Left-aligned text columns, right-aligned numbers (cells that start with a digit or '-'). */
    public static String table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
        }
        for (List<String> r : rows) {
            for (int c = 0; c < r.size(); c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, width, false);
        for (List<String> r : rows) {
            appendRow(sb, r, width, true);
        }
        return sb.toString();
    }

    /**
     * A table written as its rows come, for more rows than memory should hold: the columns are as wide as the header
     * and the first {@link #SIZING_ROWS} rows make them; a longer cell later widens only its own row.
     */
    public static final class StreamingTable {
        public static final int SIZING_ROWS = 1000;
        private final java.io.PrintWriter out;
        private final List<String> header;
        private final List<List<String>> first = new java.util.ArrayList<>();
        private int[] width;

        public StreamingTable(java.io.PrintWriter out, List<String> header) {
            this.out = out;
            this.header = List.copyOf(header);
        }

        public void row(List<String> cells) {
            if (width == null) {
                first.add(cells);
                if (first.size() == SIZING_ROWS) {
                    flushFirst();
                }
                return;
            }
            StringBuilder sb = new StringBuilder();
            appendRow(sb, cells, width, true);
            out.print(sb);
        }

        /** Writes what is buffered (all rows of a short table). */
        public void finish() {
            if (width == null) {
                flushFirst();
            }
            out.flush();
        }

        private void flushFirst() {
            String t = table(header, first);
            out.print(t);
            width = new int[header.size()];
            for (int c = 0; c < header.size(); c++) {
                width[c] = header.get(c).length();
                for (List<String> r : first) {
                    width[c] = Math.max(width[c], r.get(c).length());
                }
            }
            first.clear();
        }
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width, boolean alignNumbers) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean numeric = alignNumbers && c > 0 && cell.matches("-?[0-9][0-9,.]*%?");
            String pad = " ".repeat(Math.max(0, width[c] - cell.length()));
            sb.append(numeric ? pad + cell : cell + (c == cells.size() - 1 ? "" : pad));
            if (c < cells.size() - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }
}
