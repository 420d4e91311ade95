package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects bad rows while a file is parsed. In strict mode the file is rejected after parsing (all problems are
 * counted, the first few are shown); with {@code --skip-bad-rows} the bad rows are dropped and reported.
 */
final class Problems {
    static final int SHOWN = 5;
    private final Path file;
    private final boolean skipBadRows;
    private final List<RowProblem> first = new ArrayList<>();
    private long count;
    private final java.util.Map<String, Long> reasons = new java.util.LinkedHashMap<>();
    private static final int MAX_REASONS = 20;

    /**
     * A problem's kind: its field and message with the values taken out (numbers, times, quoted text), so that a
     * summary can say "12,447 x time: out of order: <time> is before the bar of line <n>".
     */
    static String reason(String field, String message) {
        String m = message.replaceAll("'[^']*'", "'...'")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z", "<time>")
                .replaceAll("-?\\d+(\\.\\d+)?([eE]-?\\d+)?", "<n>");
        return (field == null ? "" : field + ": ") + m;
    }

    /** How many bad rows of each kind ({@link #reason}), in the order first met. */
    java.util.Map<String, Long> reasons() {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
    }

    Problems(Path file, boolean skipBadRows) {
        this.file = file;
        this.skipBadRows = skipBadRows;
    }

    void add(long line, String field, String message) {
        count++;
        String reason = reason(field, message);
        reasons.merge(reasons.size() < MAX_REASONS || reasons.containsKey(reason) ? reason : "other problems", 1L,
                Long::sum);
        if (first.size() < SHOWN) {
            first.add(new RowProblem(line, field, message));
        }
    }

    /** Problems of one record (a JSON object, a message) that has no CsvRow. */
    Sink sinkFor(long line) {
        return new Sink(line);
    }

    final class Sink {
        private final long line;
        private boolean bad;

        private Sink(long line) {
            this.line = line;
        }

        void problem(String field, String message) {
            if (!bad) {
                add(line, field, message);
            }
            bad = true;
        }

        boolean bad() {
            return bad;
        }
    }

    long count() {
        return count;
    }

    List<RowProblem> first() {
        return List.copyOf(first);
    }

    /** Throws with the problems found, skipping or not: the file has too few good rows to import ({@code why}). */
    void reject(String why) {
        throw new ImportException(file, first, count, why + "; fix the file (the rows above show what is wrong)");
    }

    /** Throws when bad rows were found and the user did not ask to skip them. */
    void throwIfRejected() {
        if (count > 0 && !skipBadRows) {
            throw new ImportException(file, first, count,
                    "fix the file, or import its good rows with --skip-bad-rows");
        }
    }
}
