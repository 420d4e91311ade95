package io.atlasj.marketdata.imports;

/**
 * One CSV record (split by {@link CsvFile}) with typed accessors that record a {@link RowProblem} instead of throwing, so that every bad
 * field of a file is reported with its line and column name.
 */
final class CsvRow {
    private final Problems problems;
    private CsvFields fields;
    private final CsvFields given = new CsvFields();
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
        if (record instanceof CsvFields f) {
            fields = f; // a record of CsvFile: its characters, no String per field
        } else {
            given.startRecord();
            for (String s : record) {
                given.addText(s);
            }
            fields = given;
        }
        this.line = line;
        this.bad = false;
        if (fields.size() < minColumns || fields.size() > maxColumns) {
            String expected = minColumns == maxColumns ? String.valueOf(minColumns) : minColumns + " to " + maxColumns;
            problem(null, "expected " + expected + " columns, found " + fields.size());
            return false;
        }
        return true;
    }

    int size() {
        return fields.size();
    }

    String text(int i) {
        return fields.text(i);
    }

    /** Whether field {@code i} is empty after trimming (without making a String of it). */
    boolean isEmpty(int i) {
        return fields.isEmpty(i);
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
        if (fields.isEmpty(i)) {
            problem(field, "empty, a number is required");
            return Double.NaN;
        }
        if (decimalComma && fields.contains(i, '.')) {
            problem(field, "'" + abbreviate(fields.text(i)) + "' has a point, and --decimal-comma says numbers are "
                    + "written 1673,58 (no thousands separators)");
            return Double.NaN;
        }
        try {
            double v = decimalComma ? fields.parseDoubleCommaDecimal(i) : fields.parseDouble(i);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                problem(field, "not a finite number: '" + shown(i) + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            String s = shown(i);
            problem(field, "not a number: '" + abbreviate(s) + "'" + (DECIMAL_COMMA.matcher(s).matches()
                    ? " (a decimal comma? give --decimal-comma)" : ""));
            return Double.NaN;
        }
    }

    /** Field {@code i} as the number parser read it (with --decimal-comma, its commas as points). */
    private String shown(int i) {
        return decimalComma ? fields.text(i).replace(',', '.') : fields.text(i);
    }

    /** A number that must be greater than zero (prices). */
    double positive(int i, String field) {
        double v = number(i, field);
        if (!bad && v <= 0) {
            problem(field, "must be positive, got " + fields.text(i));
        }
        return v;
    }

    /** A number that must not be negative (volumes). */
    double nonNegative(int i, String field) {
        double v = number(i, field);
        if (!bad && v < 0) {
            problem(field, "must not be negative, got " + fields.text(i));
        }
        return v;
    }

    long integer(int i, String field) {
        try {
            return fields.parseLong(i);
        } catch (NumberFormatException e) {
            String s = fields.text(i);
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
