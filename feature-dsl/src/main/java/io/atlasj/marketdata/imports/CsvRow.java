package io.atlasj.marketdata.imports;

/**
 * One CSV record (split by {@link CsvFile}) with typed accessors that record a {@link RowProblem} instead of throwing, so that every bad
 * field of a file is reported with its line and column name.
 */
final class CsvRow {
    private final Problems problems;
    private String[] fields;
    private long line;
    private boolean bad;
    private final boolean decimalComma;

    CsvRow(Problems problems) {
        this(problems, false);
    }

    /** As {@link #CsvRow(Problems)}; with {@code decimalComma} numbers are written {@code 1673,58}. */
    CsvRow(Problems problems, boolean decimalComma) {
        this.problems = problems;
        this.decimalComma = decimalComma;
    }

    private static final java.util.regex.Pattern DECIMAL_COMMA = java.util.regex.Pattern.compile("[-+]?\\d+,\\d+");

    /**
     * {@link Double#parseDouble}'s syntax and result, bit for bit, about three times as fast: Jackson's copy of
     * FastDoubleParser (correctly rounded, as {@code Double.parseDouble} is), which number parsing was a third of an
     * import's parsing time. {@code CsvRowTest} checks the two agree.
     */
    static double parseDouble(String s) {
        return com.fasterxml.jackson.core.io.NumberInput.parseDouble(s, true);
    }

    /**
     * Takes the record at {@code line} as split by {@link CsvFile}; returns false (and records a problem) when the
     * column count is off.
     */
    boolean reset(java.util.List<String> record, long line, int minColumns, int maxColumns) {
        return reset(record.toArray(new String[0]), line, minColumns, maxColumns);
    }

    private boolean reset(String[] split, long line, int minColumns, int maxColumns) {
        this.line = line;
        this.bad = false;
        this.fields = split;
        if (fields.length < minColumns || fields.length > maxColumns) {
            String expected = minColumns == maxColumns ? String.valueOf(minColumns) : minColumns + " to " + maxColumns;
            problem(null, "expected " + expected + " columns, found " + fields.length);
            return false;
        }
        return true;
    }

    int size() {
        return fields.length;
    }

    String text(int i) {
        return fields[i].trim();
    }

    long line() {
        return line;
    }

    boolean bad() {
        return bad;
    }

    void problem(String field, String message) {
        if (!bad) {
            problems.add(line, field, message);
        }
        bad = true;
    }

    double number(int i, String field) {
        String s = fields[i].trim();
        if (s.isEmpty()) {
            problem(field, "empty, a number is required");
            return Double.NaN;
        }
        if (decimalComma) {
            if (s.indexOf('.') >= 0) {
                problem(field, "'" + abbreviate(s) + "' has a point, and --decimal-comma says numbers are written "
                        + "1673,58 (no thousands separators)");
                return Double.NaN;
            }
            s = s.replace(',', '.');
        }
        try {
            double v = parseDouble(s);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                problem(field, "not a finite number: '" + s + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            problem(field, "not a number: '" + abbreviate(s) + "'" + (DECIMAL_COMMA.matcher(s).matches()
                    ? " (a decimal comma? give --decimal-comma)" : ""));
            return Double.NaN;
        }
    }

    /** A number that must be greater than zero (prices). */
    double positive(int i, String field) {
        double v = number(i, field);
        if (!bad && v <= 0) {
            problem(field, "must be positive, got " + fields[i].trim());
        }
        return v;
    }

    /** A number that must not be negative (volumes). */
    double nonNegative(int i, String field) {
        double v = number(i, field);
        if (!bad && v < 0) {
            problem(field, "must not be negative, got " + fields[i].trim());
        }
        return v;
    }

    long integer(int i, String field) {
        String s = fields[i].trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            // Some files write integers as 1.0E12 or 1678.0: accept those when they are whole.
            try {
                double d = parseDouble(s);
                if (d == Math.rint(d) && Math.abs(d) < 9.0e18) {
                    return (long) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problem(field, "not an integer: '" + abbreviate(s) + "'");
            return 0;
        }
    }

    /** Checks high >= low and that open and close lie within [low, high]. */
    void checkOhlc(double open, double high, double low, double close) {
        checkOhlc("", open, high, low, close);
    }

    /** As {@link #checkOhlc(double, double, double, double)} for fields named with {@code prefix} ({@code bid_}). */
    void checkOhlc(String prefix, double open, double high, double low, double close) {
        if (bad) {
            return;
        }
        if (high < low) {
            problem(prefix + "high", prefix + "high " + high + " is below " + prefix + "low " + low);
        } else if (open > high || open < low) {
            problem(prefix + "open", prefix + "open " + open + " lies outside [" + prefix + "low " + low + ", "
                    + prefix + "high " + high + "]");
        } else if (close > high || close < low) {
            problem(prefix + "close", prefix + "close " + close + " lies outside [" + prefix + "low " + low + ", "
                    + prefix + "high " + high + "]");
        }
    }

    /** At most 30 characters of {@code s}, with control characters and damaged bytes written as escapes. */
    static String abbreviate(String s) {
        String a = s.length() <= 30 ? s : s.substring(0, 27) + "...";
        StringBuilder b = new StringBuilder(a.length());
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFD') {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
