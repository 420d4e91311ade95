package io.atlasj.workspec.results;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Objects;

/**
 * The class probabilities of a part's rows: {@code rows x classes} values, row-major in one array.
 *
 * <p>Why one array: a part has tens of thousands of rows, and a run has thousands of models. As one small array per
 * row ({@code double[rows][classes]}), a tiny classifier's 40,000 rows were 40,000 objects the garbage collector traced
 * and copied, and a thousand-model run's heap was mostly such rows (about 1.8 MB a model, against 0.96 MB here).
 *
 * <p>Not copied on the way in or out: {@link #of(int, double[])} keeps the array it is given and {@link #values()}
 * returns it, so neither may be changed afterwards.
 */
public final class Probabilities {
    private final int rows;
    private final int classes;
    private final double[] values;

    private Probabilities(int rows, int classes, double[] values) {
        this.rows = rows;
        this.classes = classes;
        this.values = values;
    }

    /** {@code values}, row-major: row r's probability of class k is {@code values[r * classes + k]} (kept, not copied). */
    public static Probabilities of(int classes, double[] values) {
        if (classes < 0 || classes == 0 && values.length > 0 || classes > 0 && values.length % classes != 0) {
            throw new IllegalArgumentException(values.length + " probabilities are not rows of " + classes + " classes");
        }
        return new Probabilities(classes == 0 ? 0 : values.length / classes, classes, values);
    }

    /** The rows copied into one array; every row must have as many classes as the first (also how JSON reads them). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Probabilities of(double[][] rows) {
        int classes = rows.length == 0 ? 0 : rows[0].length;
        double[] v = new double[rows.length * classes];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != classes) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " probabilities, row 0 has "
                        + classes);
            }
            System.arraycopy(rows[r], 0, v, r * classes, classes);
        }
        return new Probabilities(rows.length, classes, v);
    }

    public int rows() {
        return rows;
    }

    public int classes() {
        return classes;
    }

    /** Row {@code r}'s probability of class {@code k} (a class out of range is an error, not the next row's). */
    public double get(int r, int k) {
        return values[r * classes + Objects.checkIndex(k, classes)];
    }

    /** Row {@code r} as an array of its own. */
    public double[] row(int r) {
        return Arrays.copyOfRange(values, r * classes, (r + 1) * classes);
    }

    /** The values themselves, row-major (not a copy: do not change them). */
    public double[] values() {
        return values;
    }

    /** One array per row (copies; also how JSON writes them). */
    @JsonValue
    public double[][] toArrays() {
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = row(r);
        }
        return out;
    }

    /** The rows {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public Probabilities rows(int from, int to) {
        return new Probabilities(to - from, classes, Arrays.copyOfRange(values, from * classes, to * classes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Probabilities p && p.classes == classes && p.rows == rows && Arrays.equals(p.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * classes + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Probabilities[" + rows + " rows x " + classes + " classes]";
    }
}
