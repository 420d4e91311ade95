package io.atlasj.marketdata.imports;

import java.nio.CharBuffer;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The fields of one CSV record as character ranges of one reused buffer: numbers are parsed from the characters,
 * and a field becomes a {@code String} only when asked for ({@link #get}, an error message). Making a {@code String}
 * of every field was a third of an import's parsing time. As a {@code List<String>} it is a view of the current
 * record: it changes when the next record is read, so a caller that keeps one copies it ({@code List.copyOf}).
 */
final class CsvFields extends AbstractList<String> implements RandomAccess {
    private char[] chars = new char[512];
    private CharBuffer view = CharBuffer.wrap(chars);
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int count;
    private int used;
    private char[] scratch = new char[64];

    /** Starts a new record. */
    void startRecord() {
        count = 0;
        used = 0;
    }

    /** Appends a field of {@code len} characters from {@code buf} at {@code off}. */
    void addField(char[] buf, int off, int len) {
        if (used + len > chars.length) {
            chars = java.util.Arrays.copyOf(chars, Math.max(chars.length * 2, used + len));
            view = CharBuffer.wrap(chars);
        }
        if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
            ends = java.util.Arrays.copyOf(ends, count * 2);
        }
        System.arraycopy(buf, off, chars, used, len);
        starts[count] = used;
        used += len;
        ends[count] = used;
        count++;
    }

    /** Appends a field given as text (rows of Parquet and Arrow files come as text). */
    void addText(String s) {
        addField(s.toCharArray(), 0, s.length());
    }

    @Override
    public int size() {
        return count;
    }

    /** The characters of the record's fields so far. */
    int chars() {
        return used;
    }

    /** The field as read, untrimmed. */
    @Override
    public String get(int i) {
        java.util.Objects.checkIndex(i, count);
        return new String(chars, starts[i], ends[i] - starts[i]);
    }

    /** The first character of field {@code i} after leading spaces and control characters (as {@link String#trim}). */
    private int from(int i) {
        int s = starts[i];
        int e = ends[i];
        while (s < e && chars[s] <= ' ') {
            s++;
        }
        return s;
    }

    /** The end of field {@code i} before trailing spaces and control characters. */
    private int to(int i) {
        int s = starts[i];
        int e = ends[i];
        while (e > s && chars[e - 1] <= ' ') {
            e--;
        }
        return e;
    }

    /** The field trimmed as by {@link String#trim}. */
    String text(int i) {
        int s = from(i);
        return new String(chars, s, Math.max(s, to(i)) - s);
    }

    /** Whether the trimmed field is empty. */
    boolean isEmpty(int i) {
        return from(i) >= to(i);
    }

    /** Whether the field holds only white space (as {@link String#isBlank}). */
    boolean isBlank(int i) {
        for (int k = starts[i]; k < ends[i]; k++) {
            if (!Character.isWhitespace(chars[k])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the trimmed field contains {@code c}. */
    boolean contains(int i, char c) {
        for (int k = from(i), e = to(i); k < e; k++) {
            if (chars[k] == c) {
                return true;
            }
        }
        return false;
    }

    /** The trimmed field as {@link CsvRow#parseDouble} reads it (the same syntax and bits), without a String. */
    double parseDouble(int i) {
        int s = from(i);
        return com.fasterxml.jackson.core.io.NumberInput.parseDouble(chars, s, Math.max(s, to(i)) - s, true);
    }

    /** As {@link #parseDouble}, with the field's commas read as decimal points. */
    double parseDoubleCommaDecimal(int i) {
        int s = from(i);
        int n = Math.max(s, to(i)) - s;
        if (scratch.length < n) {
            scratch = new char[n];
        }
        for (int k = 0; k < n; k++) {
            char c = chars[s + k];
            scratch[k] = c == ',' ? '.' : c;
        }
        return com.fasterxml.jackson.core.io.NumberInput.parseDouble(scratch, 0, n, true);
    }

    /**
     * The trimmed field as {@link Long#parseLong(String)} reads it. An optional sign and 1 to 18 ASCII digits (every
     * time and count in a market data file) are read here, without {@code Long.parseLong}'s Unicode digit look-up per
     * character (15% of a kline parser's time); anything else, long or odd, goes to {@code Long.parseLong}, which
     * gives its value or its error.
     */
    long parseLong(int i) {
        int s = from(i);
        int e = Math.max(s, to(i));
        int k = s;
        boolean negative = false;
        if (k < e && (chars[k] == '-' || chars[k] == '+')) {
            negative = chars[k] == '-';
            k++;
        }
        int digits = e - k;
        if (digits >= 1 && digits <= 18) {
            long v = 0;
            for (; k < e; k++) {
                int d = chars[k] - '0';
                if (d < 0 || d > 9) {
                    return Long.parseLong(view, s, e, 10);
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }
        return Long.parseLong(view, s, e, 10);
    }
}
