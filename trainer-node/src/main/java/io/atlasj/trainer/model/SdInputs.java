package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.ModelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The input placeholders of an {@link SdNet} for some rows of a part: plain rows (multi-task), windows of one
 * length (LSTM), masked windows (transformer), or one masked window per timeframe plus the timeframe mask (hybrid). Also the hybrid's next-candle
 * targets. Nothing here looks past a row's own time for inputs. For LSTMs the context is read once, when the inputs are
 * made (as floats, and each row's unbroken run): a changed context needs new inputs.
 */
final class SdInputs {
    private final SdNet.Arch arch;
    private final PreparedData data;

    /**
     * For each matrix row, how many rows just before it extend its unbroken run (adjacent bars, every value finite),
     * or null when the network reads no LSTM windows. Computed once, so a window's length costs nothing per batch.
     */
    private final int[] before;
    /** LSTMs: the context's rows as floats, [rows][nIn], non-finite values as 0, so a window is one array copy. */
    private final float[] rows;

    SdInputs(SdNet.Arch arch, PreparedData data) {
        this.arch = arch;
        this.data = data;
        if (arch.type() != ModelType.MULTI_TASK && data.context() == null) {
            throw new IllegalArgumentException(arch.type().id() + " needs the matrix context (windows of rows)");
        }
        if (arch.type() == ModelType.LSTM || arch.type() == ModelType.BILSTM) {
            PreparedData.Context ctx = data.context();
            long[] time = ctx.time();
            double[][] cx = ctx.x();
            before = new int[time.length];
            for (int r = 1; r < before.length; r++) {
                before[r] = time[r] - time[r - 1] == ctx.barMillis() && allFinite(cx[r - 1]) ? before[r - 1] + 1 : 0;
            }
            int w = arch.nIn();
            rows = new float[before.length * w];
            for (int r = 0; r < before.length; r++) {
                for (int c = 0; c < w; c++) {
                    rows[r * w + c] = finite(cx[r][c]);
                }
            }
        } else {
            before = null;
            rows = null;
        }
    }

    /** LSTMs: the context's rows as floats, [rows][nIn] row-major (non-finite values as 0); null for other types. */
    float[] contextRows() {
        return rows;
    }

    Map<String, org.nd4j.linalg.api.ndarray.INDArray> inputs(PreparedData.Part p, int[] which) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> m = new HashMap<>();
        switch (arch.type()) {
            case MULTI_TASK -> {
                float[][] x = new float[which.length][arch.nIn()];
                for (int b = 0; b < which.length; b++) {
                    for (int c = 0; c < arch.nIn(); c++) {
                        x[b][c] = finite(p.x()[which[b]][c]);
                    }
                }
                m.put(SdNet.X, Floats.matrix(x, arch.nIn()));
            }
            case LSTM, BILSTM -> {
                // the windows of one call have the same length (see groups): x [batch, steps, nIn], no padding
                int len = which.length == 0 ? 1 : run(p.index()[which[0]], arch.seqLen());
                float[] x = new float[which.length * len * arch.nIn()];
                for (int b = 0; b < which.length; b++) {
                    int row = p.index()[which[b]];
                    if (run(row, arch.seqLen()) != len) {
                        throw new IllegalStateException("an LSTM batch mixes window lengths; group it first");
                    }
                    System.arraycopy(rows, (row - len + 1) * arch.nIn(), x, b * len * arch.nIn(), len * arch.nIn());
                }
                m.put(SdNet.X, Floats.array(x, which.length, len, arch.nIn()));
            }
            case TRANSFORMER -> {
                int[] all = allColumns();
                Window w = window(p, which, all, 1, arch.seqLen());
                m.put(SdNet.X, Floats.cube(w.x));
                m.put(SdNet.BIAS, Floats.array(bias(w.present), which.length, 1, arch.seqLen(), arch.seqLen()));
            }
            case HYBRID_TRANSFORMER -> {
                int len = (Integer) arch.hyper().get("windowLength");
                int g = arch.groups().size();
                boolean[][] tf = new boolean[which.length][g];
                for (int i = 0; i < g; i++) {
                    SdNet.Group group = arch.groups().get(i);
                    Window w = window(p, which, group.columns(), group.stride(), len);
                    m.put(SdNet.groupX(i), Floats.cube(w.x));
                    m.put(SdNet.groupBias(i), Floats.array(bias(w.present), which.length, 1, len, len));
                    for (int b = 0; b < which.length; b++) {
                        tf[b][i] = i == 0 || w.present[b][len - 1]; // the base timeframe is always there
                    }
                }
                float[] cross = new float[which.length * g * g];
                for (int b = 0; b < which.length; b++) {
                    for (int q = 0; q < g; q++) {
                        for (int k = 0; k < g; k++) {
                            cross[(b * g + q) * g + k] = tf[b][k] ? 0f : (float) SdNet.MASKED;
                        }
                    }
                }
                m.put(SdNet.TF_BIAS, Floats.array(cross, which.length, 1, g, g));
            }
            default -> throw new IllegalArgumentException("no SameDiff inputs for " + arch.type().id());
        }
        return m;
    }

    /**
     * Whether each timeframe of the hybrid is present at each of the given rows (its own value at the row's time is
     * known); a missing timeframe is masked out of the cross-timeframe attention.
     */
    boolean[][] timeframesPresent(PreparedData.Part p, int[] which) {
        int len = (Integer) arch.hyper().get("windowLength");
        boolean[][] out = new boolean[which.length][arch.groups().size()];
        for (int i = 0; i < arch.groups().size(); i++) {
            Window w = window(p, which, arch.groups().get(i).columns(), arch.groups().get(i).stride(), len);
            for (int b = 0; b < which.length; b++) {
                out[b][i] = i == 0 || w.present[b][len - 1];
            }
        }
        return out;
    }

    /**
     * The hybrid's next-candle target of timeframe {@code g} for row {@code i} of the part: the timeframe's inputs at
     * the row one stride later, if that row is in the same part and known (else null: not in the loss).
     */
    float[] nextCandle(PreparedData.Part p, int i, int g, java.util.BitSet partRows) {
        SdNet.Group group = arch.groups().get(g);
        PreparedData.Context ctx = data.context();
        int row = p.index()[i];
        int next = find(ctx.time(), ctx.time()[row] + group.stride() * ctx.barMillis());
        if (next < 0 || !partRows.get(next)) {
            return null;
        }
        double[][] cx = ctx.x();
        float[] y = new float[group.columns().length];
        for (int c = 0; c < y.length; c++) {
            double v = cx[next][group.columns()[c]];
            if (!Double.isFinite(v)) {
                return null;
            }
            y[c] = (float) v;
        }
        return y;
    }

    /**
     * The positions in {@code which} to feed together: all of them, or for an LSTM those whose windows have the same
     * length (most batches: one group of full windows; rows just after a gap or the data's start: shorter ones).
     */
    List<int[]> groups(PreparedData.Part p, int[] which) {
        if (arch.type() != ModelType.LSTM && arch.type() != ModelType.BILSTM) {
            int[] all = new int[which.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return List.of(all);
        }
        Map<Integer, List<Integer>> byLength = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (int i = 0; i < which.length; i++) {
            byLength.computeIfAbsent(run(p.index()[which[i]], arch.seqLen()), k -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : byLength.values()) {
            out.add(g.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * How many of the {@code len} rows ending at matrix row {@code row} form an unbroken run of consecutive bars with
     * finite values (at least 1: the row itself). An LSTM reads only these, from the first; a gap ends its window.
     */
    int run(int row, int len) {
        return Math.min(len, 1 + before[row]);
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private record Window(float[][][] x, boolean[][] present) {
    }

    /**
     * Windows of {@code len} steps ending at each row, one step every {@code stride} base bars, found by time (a step
     * whose row is absent, or whose values are not all finite, is missing). Missing steps are zero in {@code x} and
     * false in {@code present}; attention never looks at them.
     */
    private Window window(PreparedData.Part p, int[] which, int[] columns, int stride, int len) {
        PreparedData.Context ctx = data.context();
        double[][] cx = ctx.x();
        float[][][] x = new float[which.length][len][columns.length];
        boolean[][] present = new boolean[which.length][len];
        for (int b = 0; b < which.length; b++) {
            int row = p.index()[which[b]];
            for (int k = len - 1; k >= 0; k--) {
                long t = ctx.time()[row] - (long) (len - 1 - k) * stride * ctx.barMillis();
                int r = stride == 1 ? (row - (len - 1 - k) >= 0 && ctx.time()[row - (len - 1 - k)] == t
                        ? row - (len - 1 - k) : find(ctx.time(), t)) : find(ctx.time(), t);
                if (r < 0) {
                    continue;
                }
                boolean ok = true;
                for (int c = 0; c < columns.length; c++) {
                    double v = cx[r][columns[c]];
                    ok &= Double.isFinite(v);
                    x[b][k][c] = finite(v);
                }
                present[b][k] = ok;
                if (!ok) {
                    Arrays.fill(x[b][k], 0f);
                }
            }
        }
        return new Window(x, present);
    }

    /** [batch, len*len] additive attention bias: causal, and missing keys masked (a query always sees itself). */
    private static float[] bias(boolean[][] present) {
        int n = present.length;
        int len = n == 0 ? 0 : present[0].length;
        float[] out = new float[n * len * len];
        for (int b = 0; b < n; b++) {
            for (int q = 0; q < len; q++) {
                for (int k = 0; k < len; k++) {
                    boolean allowed = k == q || k < q && present[b][k];
                    out[(b * len + q) * len + k] = allowed ? 0f : (float) SdNet.MASKED;
                }
            }
        }
        return out;
    }

    private int[] allColumns() {
        int[] c = new int[arch.nIn()];
        for (int i = 0; i < c.length; i++) {
            c[i] = i;
        }
        return c;
    }

    private static int find(long[] time, long t) {
        int i = Arrays.binarySearch(time, t);
        return i >= 0 ? i : -1;
    }

    private static float finite(double v) {
        return Double.isFinite(v) ? (float) v : 0f;
    }
}
