package io.atlasj.trainer.model;

import io.atlasj.workspec.ModelType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward and backward pass of an {@link SdNet} LSTM or BiLSTM written out, for training and prediction: the
 * same weights, gates (i, f, c, o), dropout sites and weighted loss as the SameDiff graph that {@link SdNet} builds
 * (the reference it is tested against, gradient by gradient), without the graph executor.
 *
 * <p>Why: in ND4J 1.0.0-M2.1 the fused {@code lstmLayer_bp} op takes about five times its forward pass, and each
 * small ND4J op costs some 20 us of overhead on this hardware, which a step-by-step LSTM pays a dozen times per step.
 * Here the matrix products go straight to OpenBLAS ({@link Blas}: the input projection of all steps, and after the
 * loop the weight gradients and the input gradient, as one product each; per step only the recurrent product), and
 * the rest,
 * the gates' sigmoids and tanhs included ({@link #tanh}: a float approximation made of arithmetic only), runs in
 * plain Java loops over the batch, which the JIT vectorises.
 *
 * <p>Layout: feature-major and time-second, a sequence of width w is a float array [w][steps][batch], so it is also
 * the [w, steps x batch] matrix the big products take, and a step of one feature is a contiguous run of the batch.
 */
final class LstmKernel {
    private final SdNet net;
    private final boolean bi;
    private final int dirs;
    private final int[] units;
    private final int nIn;
    private final boolean classify;
    // native buffers for the products, kept between batches (so a kernel serves one thread at a time)
    private final Blas.Buf[] xs; // each layer's input, for its backward pass
    private final Blas.Buf wx = new Blas.Buf();
    private final Blas.Buf wr = new Blas.Buf();
    private final Blas.Buf zs = new Blas.Buf();
    private final Blas.Buf hs = new Blas.Buf();
    private final Blas.Buf recs = new Blas.Buf();
    private final Blas.Buf dzs = new Blas.Buf();
    private final Blas.Buf dzStep = new Blas.Buf();
    private final Blas.Buf dhs = new Blas.Buf();
    private final Blas.Buf hPrevs = new Blas.Buf();
    private final Blas.Buf out = new Blas.Buf();
    private final Blas.Buf onesBuf = new Blas.Buf();
    private float[] ones = new float[0];
    /**
     * The large per-batch arrays by role, kept and reused: a batch's sequences are megabytes, which G1 allocates as
     * humongous objects (and then collects) when they are made anew per batch. Each is at least as long as asked;
     * code that uses one writes it whole, or clears it, before reading it.
     */
    private final Map<String, float[]> arena = new java.util.HashMap<>();

    LstmKernel(SdNet net) {
        if (net.arch.type() != ModelType.LSTM && net.arch.type() != ModelType.BILSTM) {
            throw new IllegalArgumentException("not an LSTM: " + net.arch.type().id());
        }
        this.net = net;
        this.bi = net.arch.type() == ModelType.BILSTM;
        this.dirs = bi ? 2 : 1;
        @SuppressWarnings("unchecked")
        List<Integer> hidden = (List<Integer>) net.arch.hyper().get("hidden");
        this.units = hidden.stream().mapToInt(Integer::intValue).toArray();
        this.nIn = net.arch.nIn();
        this.classify = net.arch.heads().get(0).classify();
        this.xs = new Blas.Buf[units.length];
        for (int l = 0; l < units.length; l++) {
            xs[l] = new Blas.Buf();
        }
        if (net.params.isEmpty()) {
            net.build(false); // creates the weights from the seed
        }
    }

    /** The loss of a batch and the gradients of every weight (by the weights' names). */
    record Pass(double loss, Map<String, INDArray> gradients) {
    }

    /** What the forward pass keeps of one layer for the backward pass. */
    private static final class Layer {
        int in;
        int u;
        // the layer's input (after the previous layer's dropout) is in xs[l]: [in, T*B], the first's [T*B, in]
        boolean rowMajor; // x is [T*B, in]: row t*B + b is step t of window b
        float[] h; // [u*dirs][T][B], its output before dropout
        float[] mask; // [u*dirs][T][B] keep-mask on the output, or null
        float[][] gates = new float[2][]; // per direction [4u][T][B]: i, f, g, o after their activations
        float[][] cells = new float[2][]; // per direction [u][T][B]
        float[][] tanhCells = new float[2][];
    }

    private static final class Forward {
        int batch;
        int steps;
        Layer[] layers;
        float[] features; // [width][B], after dropout
        float[] featureMask; // [width][B] or null
        float[] out; // [B][k]: probabilities or values
    }

    /** The forward pass for x [batch, steps, nIn]: [batch, k] class probabilities or values. */
    synchronized INDArray predict(INDArray x) {
        Forward f = forward(x, Map.of());
        return Floats.array(f.out, f.batch, f.out.length / Math.max(1, f.batch));
    }

    /**
     * The forward pass over windows of consecutive rows, as {@link #predict} of the windows: window b is rows
     * {@code ends[b] - len + 1 .. ends[b]} of {@code rows} ([R][nIn], row-major). Windows that end at neighbouring
     * rows share all but one row, so the first layer's input projection is made once per row the windows cover, not
     * once per step of every window, and no window is copied: a prediction pass over a part's rows does a fraction of
     * the input products and copies of {@link #predict}. Windows too far apart to share rows go through
     * {@link #predict}.
     */
    synchronized INDArray predictWindows(float[] rows, int[] ends, int len) {
        int batch = ends.length;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int e : ends) {
            lo = Math.min(lo, e - len + 1);
            hi = Math.max(hi, e);
        }
        long span = batch == 0 ? 0 : (long) hi - lo + 1;
        if (batch == 0 || span > (long) len * batch / 2) {
            float[] x = new float[batch * len * nIn];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(rows, (ends[b] - len + 1) * nIn, x, b * len * nIn, len * nIn);
            }
            return predict(Floats.array(x, batch, len, nIn));
        }
        int[] off = new int[batch];
        for (int b = 0; b < batch; b++) {
            off[b] = ends[b] - len + 1 - lo;
        }
        xs[0].put(rows, lo * nIn, (int) span * nIn);
        Forward f = layers(batch, len, Map.of(), new Windows((int) span, off));
        return Floats.array(f.out, f.batch, f.out.length / Math.max(1, f.batch));
    }

    /**
     * The first layer's input in {@link #predictWindows}: {@code span} consecutive rows in {@code xs[0]} ([span, nIn]),
     * window b's first step at row {@code off[b]} of them.
     */
    private record Windows(int span, int[] off, boolean consecutive) {
        Windows(int span, int[] off) {
            this(span, off, consecutive(off));
        }

        private static boolean consecutive(int[] off) {
            for (int b = 1; b < off.length; b++) {
                if (off[b] != off[0] + b) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Rows {@code from .. from + rows} of the rows' projection [4u][span] at each window's step {@code t} into
         * {@code to}, [rows][B]: one copy per row when the windows end at consecutive rows (a part's rows without gaps).
         */
        void gather(float[] zr, int from, int rows, int t, int batch, float[] to) {
            for (int j = 0; j < rows; j++) {
                int at = (from + j) * span + t;
                if (consecutive) {
                    System.arraycopy(zr, at + off[0], to, j * batch, batch);
                } else {
                    for (int b = 0; b < batch; b++) {
                        to[j * batch + b] = zr[at + off[b]];
                    }
                }
            }
        }
    }

    /** The kept array for {@code role}, of at least {@code n} values (see {@link #arena}). */
    private float[] scratch(String role, int n) {
        float[] a = arena.get(role);
        if (a == null || a.length < n) {
            a = new float[n];
            arena.put(role, a);
        }
        return a;
    }

    /** Lets go of the kept arrays and native buffers (they come back, empty, when the kernel is used again). */
    synchronized void release() {
        arena.clear();
        for (Blas.Buf b : xs) {
            b.free();
        }
        for (Blas.Buf b : new Blas.Buf[] {wx, wr, zs, hs, recs, dzs, dzStep, dhs, hPrevs, out, onesBuf}) {
            b.free();
        }
        ones = new float[0];
    }

    private Forward forward(INDArray xNts, Map<String, INDArray> dropout) {
        int batch = (int) xNts.size(0);
        int steps = (int) xNts.size(1);
        float[] v = Floats.into(xNts, scratch("x", batch * steps * nIn)); // [B][T][nIn]
        float[] in = scratch("in", nIn * steps * batch); // [T][B][nIn]: whole rows copied, no scattered writes
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(v, (b * steps + t) * nIn, in, (t * batch + b) * nIn, nIn);
            }
        }
        xs[0].put(in, nIn * steps * batch);
        return layers(batch, steps, dropout, null);
    }

    /**
     * The layers and the head, the first layer's input already in {@code xs[0]}: [T*B, nIn], or the rows of
     * {@code windows}.
     */
    private Forward layers(int batch, int steps, Map<String, INDArray> dropout, Windows windows) {
        Forward f = new Forward();
        f.batch = batch;
        f.steps = steps;
        f.layers = new Layer[units.length];
        float[] in = null;
        int width = nIn;
        for (int l = 0; l < units.length; l++) {
            Layer layer = new Layer();
            layer.in = width;
            layer.u = units[l];
            layer.rowMajor = l == 0;
            if (l > 0) {
                xs[l].put(in, width * steps * batch);
            }
            int w = layer.u * dirs;
            layer.h = scratch("h" + l, w * steps * batch);
            for (int d = 0; d < dirs; d++) {
                forward(l, d, layer, steps, batch, l == 0 ? windows : null);
            }
            f.layers[l] = layer;
            in = layer.h;
            INDArray m = l < units.length - 1 ? dropout.get("drop_lstm" + l) : null; // [B, T, w]
            if (m != null) {
                float[] mv = Floats.of(m);
                layer.mask = scratch("mask" + l, w * steps * batch);
                in = scratch("dropped" + l, w * steps * batch);
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < steps; t++) {
                        for (int j = 0; j < w; j++) {
                            int at = (j * steps + t) * batch + b;
                            layer.mask[at] = mv[(b * steps + t) * w + j];
                            in[at] = layer.h[at] * layer.mask[at];
                        }
                    }
                }
            }
            width = w;
        }
        Layer last = f.layers[units.length - 1];
        int u = last.u;
        float[] features = new float[width * batch];
        for (int j = 0; j < u; j++) {
            System.arraycopy(last.h, (j * steps + steps - 1) * batch, features, j * batch, batch);
            if (bi) { // the backward direction's state after the window's first step
                System.arraycopy(last.h, ((u + j) * steps) * batch, features, (u + j) * batch, batch);
            }
        }
        INDArray m = dropout.get("drop_lstm" + (units.length - 1)); // [B, width]
        if (m != null) {
            float[] mv = Floats.of(m);
            f.featureMask = new float[width * batch];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < width; j++) {
                    f.featureMask[j * batch + b] = mv[b * width + j];
                    features[j * batch + b] *= mv[b * width + j];
                }
            }
        }
        f.features = features;
        float[] hw = Floats.of(net.params.get("head0_W")); // [width, k]
        float[] hb = Floats.of(net.params.get("head0_b"));
        int k = hb.length;
        float[] out = new float[batch * k];
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double z = hb[c];
                for (int j = 0; j < width; j++) {
                    z += features[j * batch + b] * hw[j * k + c];
                }
                out[b * k + c] = (float) z;
                max = Math.max(max, z);
            }
            if (classify) {
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(out[b * k + c] - max);
                }
                for (int c = 0; c < k; c++) {
                    out[b * k + c] = (float) (Math.exp(out[b * k + c] - max) / sum);
                }
            }
        }
        f.out = out;
        return f;
    }

    private INDArray weights(String name, int d) {
        INDArray a = net.params.get(name);
        return bi ? a.slice(d) : a;
    }

    /**
     * One direction of layer {@code l} over all steps; writes its rows of the layer's output.
     *
     * @param windows the first layer's input as rows shared by the windows ({@link #predictWindows}), or null
     */
    private void forward(int l, int d, Layer layer, int steps, int batch, Windows windows) {
        int u = layer.u;
        int g4 = 4 * u;
        int tb = steps * batch;
        int n = u * batch; // one gate (or the cell, or h) of one step: [u][B]
        wx.put(Floats.of(weights("lstm" + l + "_Wx", d))); // [in, 4u]
        // the input projection: of every step at once, [4u, in] x [in, T*B], kept for the backward pass; or of each
        // row the windows share once, [4u, in] x [in, span], read by every step of every window that reads the row
        float[] z = null;
        float[] zr = null;
        if (windows == null) {
            z = scratch("z" + l + "." + d, g4 * tb);
            Blas.gemm(true, layer.rowMajor, g4, tb, layer.in, wx, xs[l], 0f, zs);
            zs.get(0, z, 0, g4 * tb);
        } else {
            zr = scratch("zrows", g4 * windows.span());
            Blas.gemm(true, true, g4, windows.span(), layer.in, wx, xs[l], 0f, zs);
            zs.get(0, zr, 0, g4 * windows.span());
        }
        float[] bias = Floats.of(weights("lstm" + l + "_b", d));
        wr.put(Floats.of(weights("lstm" + l + "_Wr", d))); // [u, 4u]
        // the step's values, each [u][B] and read with the same index, so that the JIT vectorises every loop (with
        // two arrays at different offsets, or two stores in one loop, C2 cannot rule out aliasing and does not)
        float[][] gate = new float[4][n]; // i, f, g, o
        float[][] spread = new float[4][n]; // each gate's bias over [u][B], so a gate is one loop over n values
        for (int q = 0; q < 4; q++) {
            for (int j = 0; j < u; j++) {
                java.util.Arrays.fill(spread[q], j * batch, (j + 1) * batch, bias[q * u + j]);
            }
        }
        float[][] rec = new float[4][n]; // Wr' h_prev by gate, zero before the first step
        float[] cPrev = new float[n];
        float[] cNow = new float[n];
        float[] tcNow = new float[n];
        float[] hNow = new float[n];
        float[] c = z != null ? scratch("c" + l + "." + d, u * tb) : null;
        float[] tc = z != null ? scratch("tc" + l + "." + d, u * tb) : null;
        float[] h = layer.h;
        int hRow = d * u;
        for (int s = 0; s < steps; s++) {
            int t = d == 0 ? s : steps - 1 - s;
            if (s > 0) { // + Wr' h_prev: the step's one native call
                hs.put(hNow);
                Blas.gemm(true, false, g4, batch, u, wr, hs, 0f, recs);
                for (int q = 0; q < 4; q++) {
                    recs.get(q * n, rec[q], 0, n);
                }
                float[] swap = cPrev;
                cPrev = cNow;
                cNow = swap;
            }
            for (int q = 0; q < 4; q++) { // i, f and o sigmoids, the candidate g a tanh
                float[] g = gate[q];
                float[] r = rec[q];
                if (z != null) {
                    gather(z, q * u, u, steps, t, batch, g);
                } else {
                    windows.gather(zr, q * u, u, t, batch, g);
                }
                if (q == 2) {
                    tanhOfSum(g, spread[q], r, n);
                } else {
                    sigmoidOfSum(g, spread[q], r, n);
                }
                if (z != null) {
                    scatter(g, z, q * u, u, steps, t, batch);
                }
            }
            float[] gi = gate[0];
            float[] gf = gate[1];
            float[] gg = gate[2];
            float[] go = gate[3];
            cell(gi, gg, gf, cPrev, cNow, n); // c_prev is zero before the first step
            tanhOf(cNow, tcNow, n);
            product(go, tcNow, hNow, n);
            if (z != null) { // what the backward pass reads; a prediction over shared rows has none
                scatter(cNow, c, 0, u, steps, t, batch);
                scatter(tcNow, tc, 0, u, steps, t, batch);
            }
            scatter(hNow, h, hRow, u, steps, t, batch);
        }
        layer.gates[d] = z;
        layer.cells[d] = c;
        layer.tanhCells[d] = tc;
    }

    // The element-wise work of a step, each loop in a small method of its own. Written out inside forward(), the
    // same loops ran at several times the cost in C2's code of that long method (JDK 17: the three-epoch LSTM
    // benchmark spent 7.2 s in forward passes, 2.0 s with the loops here); the likely cause is the size of the method
    // C2 optimised at once, not traced further. backward()'s loops are moved the same way (no change measured).

    /** {@code g = tanh(g + b + r)}, element-wise over the first {@code n} values. */
    private static void tanhOfSum(float[] g, float[] b, float[] r, int n) {
        for (int k = 0; k < n; k++) {
            g[k] = tanh(g[k] + b[k] + r[k]);
        }
    }

    /** {@code g = sigmoid(g + b + r)}, element-wise. */
    private static void sigmoidOfSum(float[] g, float[] b, float[] r, int n) {
        for (int k = 0; k < n; k++) {
            g[k] = sigmoid(g[k] + b[k] + r[k]);
        }
    }

    /** {@code y = tanh(x)}, element-wise. */
    private static void tanhOf(float[] x, float[] y, int n) {
        for (int k = 0; k < n; k++) {
            y[k] = tanh(x[k]);
        }
    }

    /** The cell, {@code c = i g + f c_prev}, element-wise. */
    private static void cell(float[] gi, float[] gg, float[] gf, float[] cPrev, float[] c, int n) {
        for (int k = 0; k < n; k++) {
            c[k] = gi[k] * gg[k] + gf[k] * cPrev[k];
        }
    }

    /** {@code out = a b}, element-wise. */
    private static void product(float[] a, float[] b, float[] out, int n) {
        for (int k = 0; k < n; k++) {
            out[k] = a[k] * b[k];
        }
    }

    /**
     * A step's gradients at the gates' inputs ({@code dzg4}: i, f, g, o) from those at its output and cell, and the
     * cell gradient carried to the step before ({@code dcNext}); {@code dh} gains the next step's {@code dhNext}.
     */
    private static void gateGradients(float[] gi, float[] gf, float[] gg, float[] go, float[] th, float[] cPrev,
                                      float[] dh, float[] dc, float[] dhNext, float[] dcNext, float[][] dzg4, int n) {
        for (int k = 0; k < n; k++) {
            dh[k] += dhNext[k];
        }
        for (int k = 0; k < n; k++) {
            dc[k] = dh[k] * go[k] * (1 - th[k] * th[k]) + dcNext[k];
        }
        float[] dzi = dzg4[0];
        float[] dzf = dzg4[1];
        float[] dzg = dzg4[2];
        float[] dzo = dzg4[3];
        for (int k = 0; k < n; k++) {
            dzo[k] = dh[k] * th[k] * go[k] * (1 - go[k]);
        }
        for (int k = 0; k < n; k++) {
            dzi[k] = dc[k] * gg[k] * gi[k] * (1 - gi[k]);
        }
        for (int k = 0; k < n; k++) {
            dzg[k] = dc[k] * gi[k] * (1 - gg[k] * gg[k]);
        }
        for (int k = 0; k < n; k++) { // c_prev is zero before the first step
            dzf[k] = dc[k] * cPrev[k] * gf[k] * (1 - gf[k]);
        }
        for (int k = 0; k < n; k++) {
            dcNext[k] = dc[k] * gf[k];
        }
    }

    /** Rows {@code from .. from + rows} of a [w][T][B] sequence at step {@code t} into {@code to}, [rows][B]. */
    private static void gather(float[] seq, int from, int rows, int steps, int t, int batch, float[] to) {
        for (int j = 0; j < rows; j++) {
            System.arraycopy(seq, ((from + j) * steps + t) * batch, to, j * batch, batch);
        }
    }

    /** The reverse of {@link #gather}: [rows][B] into rows {@code from ..} of a [w][T][B] sequence at step t. */
    private static void scatter(float[] step, float[] seq, int from, int rows, int steps, int t, int batch) {
        for (int j = 0; j < rows; j++) {
            System.arraycopy(step, j * batch, seq, ((from + j) * steps + t) * batch, batch);
        }
    }

    /**
     * tanh in float precision (within 4e-7 of the exact value everywhere) with multiplications, additions and one
     * division only, so the JIT vectorises the loops that call it: a rational minimax approximation of odd degree 13
     * over even degree 6 on [-7.9, 7.9], where float tanh reaches 1. ND4J's transform (a scalar libm call a value, and
     * some 20 us a call) and Math.tanh (some 16 ns a value) were a fifth of an epoch.
     */
    static float tanh(float v) {
        float x = Math.max(-7.9053111f, Math.min(7.9053111f, v));
        float x2 = x * x;
        float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = x2 * p + -8.60467152213735e-11f;
        p = x2 * p + 5.12229709037114e-08f;
        p = x2 * p + 1.48572235717979e-05f;
        p = x2 * p + 6.37261928875436e-04f;
        p = x2 * p + 4.89352455891786e-03f;
        float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = x2 * q + 2.26843463243900e-03f;
        q = x2 * q + 4.89352518554385e-03f;
        return x * p / q;
    }

    /** The logistic sigmoid through {@link #tanh}: 1 / (1 + e^-v) = (1 + tanh(v / 2)) / 2. */
    static float sigmoid(float v) {
        return 0.5f + 0.5f * tanh(0.5f * v);
    }

    /**
     * The weighted loss of a batch (as the graph's: the sum over rows of weight x cross-entropy or squared error,
     * times {@code lambda}) and its gradients. {@code y} [B, k], {@code w} [B], {@code dropout} the keep-masks by the
     * graph's placeholder names.
     */
    synchronized Pass lossAndGradients(INDArray x, INDArray y, INDArray w, double lambda, Map<String, INDArray> dropout) {
        Forward f = forward(x, dropout);
        int batch = f.batch;
        int steps = f.steps;
        float[] lab = Floats.of(y);
        float[] wt = Floats.of(w);
        int k = f.out.length / batch;
        float[] dLogits = new float[batch * k];
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            double scale = wt[b] * lambda;
            for (int c = 0; c < k; c++) {
                int i = b * k + c;
                if (classify) {
                    loss -= lab[i] == 0 ? 0 : scale * lab[i] * Math.log(Math.max(f.out[i], 1e-30));
                    dLogits[i] = (float) (scale * (f.out[i] - lab[i])); // softmax with cross-entropy, one-hot labels
                } else {
                    double e = f.out[i] - lab[i];
                    loss += scale * e * e;
                    dLogits[i] = (float) (scale * 2 * e);
                }
            }
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        int width = f.features.length / batch;
        float[] hw = Floats.of(net.params.get("head0_W")); // [width, k]
        float[] gw = new float[width * k];
        float[] gb = new float[k];
        float[] dFeatures = new float[width * batch];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < k; c++) {
                float dl = dLogits[b * k + c];
                gb[c] += dl;
                for (int j = 0; j < width; j++) {
                    gw[j * k + c] += f.features[j * batch + b] * dl;
                    dFeatures[j * batch + b] += hw[j * k + c] * dl;
                }
            }
        }
        if (f.featureMask != null) {
            for (int i = 0; i < dFeatures.length; i++) {
                dFeatures[i] *= f.featureMask[i];
            }
        }
        Layer lastLayer = f.layers[units.length - 1];
        int u = lastLayer.u;
        float[] dOut = scratch("dOut", width * steps * batch);
        java.util.Arrays.fill(dOut, 0, width * steps * batch, 0f); // only the rows the head reads get gradients
        for (int j = 0; j < u; j++) {
            System.arraycopy(dFeatures, j * batch, dOut, (j * steps + steps - 1) * batch, batch);
            if (bi) {
                System.arraycopy(dFeatures, (u + j) * batch, dOut, ((u + j) * steps) * batch, batch);
            }
        }
        for (int l = units.length - 1; l >= 0; l--) {
            Layer layer = f.layers[l];
            float[] dIn = l > 0 ? scratch("dIn" + l, layer.in * steps * batch) : null;
            if (dIn != null) {
                java.util.Arrays.fill(dIn, 0, layer.in * steps * batch, 0f); // the directions add to it
            }
            // a BiLSTM's weights are [2, ...]: direction d's gradients are the d-th contiguous block
            float[] gWx = new float[dirs * layer.in * 4 * layer.u];
            float[] gWr = new float[dirs * layer.u * 4 * layer.u];
            float[] gB = new float[dirs * 4 * layer.u];
            for (int d = 0; d < dirs; d++) {
                backward(l, d, layer, dOut, dIn, gWx, gWr, gB, steps, batch);
            }
            grads.put("lstm" + l + "_Wx", Floats.array(gWx, net.params.get("lstm" + l + "_Wx").shape()));
            grads.put("lstm" + l + "_Wr", Floats.array(gWr, net.params.get("lstm" + l + "_Wr").shape()));
            grads.put("lstm" + l + "_b", Floats.array(gB, net.params.get("lstm" + l + "_b").shape()));
            if (l > 0) {
                float[] mask = f.layers[l - 1].mask;
                if (mask != null) {
                    for (int i = 0; i < layer.in * steps * batch; i++) {
                        dIn[i] *= mask[i];
                    }
                }
                dOut = dIn;
            }
        }
        grads.put("head0_W", Floats.array(gw, width, k));
        grads.put("head0_b", Floats.array(gb, k));
        return new Pass(loss, grads);
    }

    /** Backpropagation through time of one direction of layer {@code l}: adds to the gradients and to dIn. */
    private void backward(int l, int d, Layer layer, float[] dOut, float[] dIn, float[] gWx, float[] gWr, float[] gB,
                          int steps, int batch) {
        int u = layer.u;
        int g4 = 4 * u;
        int tb = steps * batch;
        int n = u * batch;
        float[] a = layer.gates[d];
        float[] c = layer.cells[d];
        float[] tc = layer.tanhCells[d];
        float[] h = layer.h;
        int hRow = d * u;
        wr.put(Floats.of(weights("lstm" + l + "_Wr", d))); // [u, 4u]
        dzStep.size(g4 * batch);
        float[] dz = scratch("dz", g4 * tb);
        float[] hPrev = scratch("hPrev", u * tb); // h of the step before each step (zero before the first)
        // the step's values, [u][B] each, one store a loop (see forward)
        float[] gi = new float[n];
        float[] gf = new float[n];
        float[] gg = new float[n];
        float[] go = new float[n];
        float[] th = new float[n];
        float[] cPrev = new float[n];
        float[] dh = new float[n];
        float[] dc = new float[n];
        float[] dhNext = new float[n]; // from the step after, zero at the last
        float[] dcNext = new float[n];
        float[][] dzg4 = {new float[n], new float[n], new float[n], new float[n]}; // i, f, g, o
        for (int s = steps - 1; s >= 0; s--) {
            int t = d == 0 ? s : steps - 1 - s;
            int prev = d == 0 ? t - 1 : t + 1;
            gather(a, 0, u, steps, t, batch, gi);
            gather(a, u, u, steps, t, batch, gf);
            gather(a, 2 * u, u, steps, t, batch, gg);
            gather(a, 3 * u, u, steps, t, batch, go);
            gather(tc, 0, u, steps, t, batch, th);
            gather(dOut, hRow, u, steps, t, batch, dh);
            if (s > 0) {
                gather(c, 0, u, steps, prev, batch, cPrev);
            } else {
                java.util.Arrays.fill(cPrev, 0f);
            }
            gateGradients(gi, gf, gg, go, th, cPrev, dh, dc, dhNext, dcNext, dzg4, n);
            for (int q = 0; q < 4; q++) {
                scatter(dzg4[q], dz, q * u, u, steps, t, batch);
            }
            if (s == 0) {
                for (int j = 0; j < u; j++) {
                    java.util.Arrays.fill(hPrev, (j * steps + t) * batch, (j * steps + t + 1) * batch, 0f);
                }
            }
            if (s > 0) { // dh_prev = Wr dz
                for (int j = 0; j < u; j++) {
                    System.arraycopy(h, ((hRow + j) * steps + prev) * batch, hPrev, (j * steps + t) * batch, batch);
                }
                for (int q = 0; q < 4; q++) {
                    dzStep.put(q * n, dzg4[q]);
                }
                Blas.gemm(false, false, u, batch, g4, wr, dzStep, 0f, dhs);
                dhs.get(dhNext);
            }
        }
        int in = layer.in;
        dzs.put(dz, g4 * tb);
        Blas.gemm(layer.rowMajor, true, in, g4, tb, xs[l], dzs, 0f, out); // [in, T*B] x [T*B, 4u]
        out.get(0, gWx, d * in * g4, in * g4);
        hPrevs.put(hPrev, u * tb);
        Blas.gemm(false, true, u, g4, tb, hPrevs, dzs, 0f, out); // [u, T*B] x [T*B, 4u]
        out.get(0, gWr, d * u * g4, u * g4);
        if (ones.length < tb) {
            ones = new float[tb];
            java.util.Arrays.fill(ones, 1f);
            onesBuf.put(ones);
        }
        Blas.rowSums(g4, tb, dzs, onesBuf, out);
        out.get(0, gB, d * g4, g4);
        if (dIn != null) { // [in, 4u] x [4u, T*B]
            wx.put(Floats.of(weights("lstm" + l + "_Wx", d)));
            Blas.gemm(false, false, in, tb, g4, wx, dzs, 0f, out);
            float[] dx = scratch("dx", in * tb);
            out.get(0, dx, 0, in * tb);
            for (int i = 0; i < in * tb; i++) {
                dIn[i] += dx[i];
            }
        }
    }
}
