package io.atlasj.trainer.model;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float arrays in and out of ND4J in one bulk copy. ND4J 1.0.0-M2.1 fills {@code Nd4j.create(float[], ...)} and
 * reads {@code data().asFloat()} one element at a time through an indexer (some 5 ns a value, a third of an LSTM
 * epoch's time when profiled); a copy through the array's native memory as a {@link FloatBuffer} is a memcpy.
 */
final class Floats {
    private Floats() {
    }

    /** A new c-ordered float array of {@code shape} holding {@code v} (whose length must be the shape's). */
    static INDArray array(float[] v, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != v.length) {
            throw new IllegalArgumentException(v.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        if (v.length == 0) { // an empty array, as ND4J makes them (a workspace refuses a buffer of length 0)
            try (org.nd4j.linalg.api.memory.MemoryWorkspace none =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.create(DataType.FLOAT, shape);
            }
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        buffer(a).put(v);
        // written on the host: a GPU backend copies it to the device before its next use (a no-op on the CPU)
        Nd4j.getAffinityManager().tagLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
        return a;
    }

    /** [rows, width] from rows of equal width. */
    static INDArray matrix(float[][] rows, int width) {
        float[] v = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * width, width);
        }
        return array(v, rows.length, width);
    }

    /** [n, len, width] from n windows of len rows of equal width. */
    static INDArray cube(float[][][] x) {
        int n = x.length;
        int len = n == 0 ? 0 : x[0].length;
        int width = len == 0 ? 0 : x[0][0].length;
        float[] v = new float[n * len * width];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < len; k++) {
                System.arraycopy(x[b][k], 0, v, (b * len + k) * width, width);
            }
        }
        return array(v, n, len, width);
    }

    /** The values of {@code a} in c order (a copy). */
    static float[] of(INDArray a) {
        INDArray c = dense(a);
        float[] v = new float[(int) c.length()];
        if (v.length > 0) {
            buffer(c).get(v);
        }
        return v;
    }

    /** The values of {@code a} in c order into {@code to} (at least as long); returns {@code to}. */
    static float[] into(INDArray a, float[] to) {
        INDArray c = dense(a);
        if (c.length() > 0) {
            buffer(c).get(to, 0, (int) c.length());
        }
        return to;
    }

    /**
     * {@code a} as a float array whose buffer holds exactly its values in c order from its start: itself, or a copy
     * (a view, another order, or strides that are not c's, as a permutation's, which ND4J may still report as 'c').
     */
    private static INDArray dense(INDArray a) {
        INDArray c = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        if (c.isView() || c.ordering() != 'c' || c.offset() != 0 || c.data().length() != c.length()
                || !java.util.Arrays.equals(c.stride(), Nd4j.getStrides(c.shape(), 'c'))) {
            c = c.dup('c');
        }
        return c;
    }

    /** The native memory of a dense, offset-0 float array (as {@link #array} and ND4J ops create them). */
    static FloatBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
