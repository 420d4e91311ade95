package io.atlasj.trainer.model;

import io.atlasj.workspec.ModelType;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward and backward pass of an {@link SdNet} LSTM or BiLSTM written out, for training and prediction: the
 * same weights, gates (i, f, c, o), dropout sites and weighted loss as the SameDiff graph that {@link SdNet} builds
 * (the reference it is tested against, gradient by gradient), without the graph executor.
 *
 * <p>Why: in ND4J 1.0.0-M2.1 the fused {@code lstmLayer_bp} op takes about five times its forward pass, and each
 * small ND4J op costs some 20 us of overhead on this hardware, which a step-by-step LSTM pays a dozen times per step.
 * Here the matrix products go to BLAS through ND4J (the input projection of all steps, and after the loop the
 * weight gradients and the input gradient, as one product each; per step only the recurrent product), the gates'
 * sigmoids and tanhs are one vectorised ND4J sigmoid per step (tanh(v) = 2 sigmoid(2v) - 1), and the rest of the
 * element-wise arithmetic runs in plain Java loops over the batch, which the JIT vectorises.
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
        INDArray x; // [in, T*B], the layer's input (after the previous layer's dropout)
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
    INDArray predict(INDArray x) {
        Forward f = forward(x, Map.of());
        return Nd4j.create(f.out, new long[] {f.batch, f.out.length / Math.max(1, f.batch)}, 'c');
    }

    private Forward forward(INDArray xNts, Map<String, INDArray> dropout) {
        Forward f = new Forward();
        int batch = (int) xNts.size(0);
        int steps = (int) xNts.size(1);
        f.batch = batch;
        f.steps = steps;
        f.layers = new Layer[units.length];
        float[] v = xNts.dup('c').data().asFloat(); // [B][T][nIn]
        float[] in = new float[nIn * steps * batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                for (int k = 0; k < nIn; k++) {
                    in[(k * steps + t) * batch + b] = v[(b * steps + t) * nIn + k];
                }
            }
        }
        int width = nIn;
        for (int l = 0; l < units.length; l++) {
            Layer layer = new Layer();
            layer.in = width;
            layer.u = units[l];
            layer.x = Nd4j.create(in, new long[] {width, (long) steps * batch}, 'c');
            int w = layer.u * dirs;
            layer.h = new float[w * steps * batch];
            for (int d = 0; d < dirs; d++) {
                forward(l, d, layer, steps, batch);
            }
            f.layers[l] = layer;
            in = layer.h;
            INDArray m = l < units.length - 1 ? dropout.get("drop_lstm" + l) : null; // [B, T, w]
            if (m != null) {
                float[] mv = m.dup('c').data().asFloat();
                layer.mask = new float[w * steps * batch];
                in = new float[w * steps * batch];
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
            float[] mv = m.dup('c').data().asFloat();
            f.featureMask = new float[width * batch];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < width; j++) {
                    f.featureMask[j * batch + b] = mv[b * width + j];
                    features[j * batch + b] *= mv[b * width + j];
                }
            }
        }
        f.features = features;
        float[] hw = net.params.get("head0_W").dup('c').data().asFloat(); // [width, k]
        float[] hb = net.params.get("head0_b").dup('c').data().asFloat();
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

    /** One direction of layer {@code l} over all steps; writes its rows of the layer's output. */
    private void forward(int l, int d, Layer layer, int steps, int batch) {
        int u = layer.u;
        int g4 = 4 * u;
        int tb = steps * batch;
        // the input projection of every step at once: [4u, in] x [in, T*B]
        float[] z = Nd4j.gemm(weights("lstm" + l + "_Wx", d), layer.x, true, false).dup('c').data().asFloat();
        float[] bias = weights("lstm" + l + "_b", d).dup('c').data().asFloat();
        INDArray wr = weights("lstm" + l + "_Wr", d); // [u, 4u]
        INDArray hBuf = Nd4j.create(DataType.FLOAT, u, batch);
        INDArray rBuf = Nd4j.create(DataType.FLOAT, g4, batch);
        INDArray zBuf = Nd4j.create(DataType.FLOAT, g4, batch);
        INDArray cBuf = Nd4j.create(DataType.FLOAT, u, batch);
        FloatBuffer hIn = floats(hBuf);
        FloatBuffer rOut = floats(rBuf);
        FloatBuffer zIo = floats(zBuf);
        FloatBuffer cIo = floats(cBuf);
        float[] rec = new float[g4 * batch];
        float[] step = new float[g4 * batch]; // this step's gates, [4u][B]
        float[] cs = new float[u * batch];
        float[] c = new float[u * tb];
        float[] tc = new float[u * tb];
        float[] h = layer.h;
        int hRow = d * u;
        for (int s = 0; s < steps; s++) {
            int t = d == 0 ? s : steps - 1 - s;
            int prev = d == 0 ? t - 1 : t + 1;
            if (s > 0) { // + Wr' h_prev
                hIn.clear();
                for (int j = 0; j < u; j++) {
                    hIn.put(h, ((hRow + j) * steps + prev) * batch, batch);
                }
                Nd4j.gemm(wr, hBuf, rBuf, true, false, 1.0, 0.0);
                rOut.clear();
                rOut.get(rec);
            }
            // pre-activations; the candidate's doubled, as tanh(v) = 2 sigmoid(2v) - 1: one vectorised ND4J sigmoid
            // over the step's gates (Math.exp in a Java loop costs some 16 ns a value)
            for (int r = 0; r < g4; r++) {
                int at = (r * steps + t) * batch;
                float br = bias[r];
                float scale = r >= 2 * u && r < 3 * u ? 2f : 1f;
                int o = r * batch;
                if (s > 0) {
                    for (int b = 0; b < batch; b++) {
                        step[o + b] = scale * (z[at + b] + br + rec[o + b]);
                    }
                } else {
                    for (int b = 0; b < batch; b++) {
                        step[o + b] = scale * (z[at + b] + br);
                    }
                }
            }
            zIo.clear();
            zIo.put(step);
            Nd4j.exec(new Sigmoid(zBuf, zBuf));
            zIo.clear();
            zIo.get(step);
            for (int i = 2 * u * batch; i < 3 * u * batch; i++) {
                step[i] = 2 * step[i] - 1;
            }
            for (int r = 0; r < g4; r++) {
                System.arraycopy(step, r * batch, z, (r * steps + t) * batch, batch);
            }
            for (int j = 0; j < u; j++) {
                int i0 = j * batch;
                int f0 = (u + j) * batch;
                int g0 = (2 * u + j) * batch;
                int ap = (j * steps + prev) * batch;
                for (int b = 0; b < batch; b++) {
                    cs[i0 + b] = step[i0 + b] * step[g0 + b] + (s > 0 ? step[f0 + b] * c[ap + b] : 0f);
                }
            }
            for (int i = 0; i < cs.length; i++) {
                step[i] = 2 * cs[i]; // [u][B] scratch for tanh(c)
            }
            cIo.clear();
            cIo.put(step, 0, cs.length);
            Nd4j.exec(new Sigmoid(cBuf, cBuf));
            cIo.clear();
            cIo.get(rec, 0, cs.length); // rec is free until the next step
            for (int j = 0; j < u; j++) {
                int ac = (j * steps + t) * batch;
                int ao = ((3 * u + j) * steps + t) * batch;
                int ah = ((hRow + j) * steps + t) * batch;
                for (int b = 0; b < batch; b++) {
                    float cv = cs[j * batch + b];
                    float th = 2 * rec[j * batch + b] - 1;
                    c[ac + b] = cv;
                    tc[ac + b] = th;
                    h[ah + b] = z[ao + b] * th;
                }
            }
        }
        layer.gates[d] = z;
        layer.cells[d] = c;
        layer.tanhCells[d] = tc;
    }

    /**
     * The weighted loss of a batch (as the graph's: the sum over rows of weight x cross-entropy or squared error,
     * times {@code lambda}) and its gradients. {@code y} [B, k], {@code w} [B], {@code dropout} the keep-masks by the
     * graph's placeholder names.
     */
    Pass lossAndGradients(INDArray x, INDArray y, INDArray w, double lambda, Map<String, INDArray> dropout) {
        Forward f = forward(x, dropout);
        int batch = f.batch;
        int steps = f.steps;
        float[] lab = y.dup('c').data().asFloat();
        float[] wt = w.dup('c').data().asFloat();
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
        float[] hw = net.params.get("head0_W").dup('c').data().asFloat(); // [width, k]
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
        float[] dOut = new float[width * steps * batch];
        for (int j = 0; j < u; j++) {
            System.arraycopy(dFeatures, j * batch, dOut, (j * steps + steps - 1) * batch, batch);
            if (bi) {
                System.arraycopy(dFeatures, (u + j) * batch, dOut, ((u + j) * steps) * batch, batch);
            }
        }
        for (int l = units.length - 1; l >= 0; l--) {
            Layer layer = f.layers[l];
            float[] dIn = l > 0 ? new float[layer.in * steps * batch] : null;
            INDArray gWx = Nd4j.zeros(DataType.FLOAT, net.params.get("lstm" + l + "_Wx").shape());
            INDArray gWr = Nd4j.zeros(DataType.FLOAT, net.params.get("lstm" + l + "_Wr").shape());
            INDArray gB = Nd4j.zeros(DataType.FLOAT, net.params.get("lstm" + l + "_b").shape());
            for (int d = 0; d < dirs; d++) {
                backward(l, d, layer, dOut, dIn, bi ? gWx.slice(d) : gWx, bi ? gWr.slice(d) : gWr,
                        bi ? gB.slice(d) : gB, steps, batch);
            }
            grads.put("lstm" + l + "_Wx", gWx);
            grads.put("lstm" + l + "_Wr", gWr);
            grads.put("lstm" + l + "_b", gB);
            if (l > 0) {
                float[] mask = f.layers[l - 1].mask;
                if (mask != null) {
                    for (int i = 0; i < dIn.length; i++) {
                        dIn[i] *= mask[i];
                    }
                }
                dOut = dIn;
            }
        }
        grads.put("head0_W", Nd4j.create(gw, new long[] {width, k}, 'c'));
        grads.put("head0_b", Nd4j.create(gb, new long[] {k}, 'c'));
        return new Pass(loss, grads);
    }

    /** Backpropagation through time of one direction of layer {@code l}: adds to the gradients and to dIn. */
    private void backward(int l, int d, Layer layer, float[] dOut, float[] dIn, INDArray gWx, INDArray gWr,
                          INDArray gB, int steps, int batch) {
        int u = layer.u;
        int g4 = 4 * u;
        int tb = steps * batch;
        float[] a = layer.gates[d];
        float[] c = layer.cells[d];
        float[] tc = layer.tanhCells[d];
        float[] h = layer.h;
        int hRow = d * u;
        INDArray wr = weights("lstm" + l + "_Wr", d); // [u, 4u]
        INDArray dzBuf = Nd4j.create(DataType.FLOAT, g4, batch);
        INDArray dhBuf = Nd4j.create(DataType.FLOAT, u, batch);
        FloatBuffer dzIn = floats(dzBuf);
        FloatBuffer dhOut = floats(dhBuf);
        float[] dz = new float[g4 * tb];
        float[] hPrev = new float[u * tb]; // h of the step before each step (zero before the first)
        float[] dhNext = new float[u * batch];
        float[] dcNext = new float[u * batch];
        for (int s = steps - 1; s >= 0; s--) {
            int t = d == 0 ? s : steps - 1 - s;
            int prev = d == 0 ? t - 1 : t + 1;
            for (int j = 0; j < u; j++) {
                int ai = (j * steps + t) * batch;
                int af = ((u + j) * steps + t) * batch;
                int ag = ((2 * u + j) * steps + t) * batch;
                int ao = ((3 * u + j) * steps + t) * batch;
                int ac = (j * steps + t) * batch;
                int ap = (j * steps + prev) * batch;
                int ah = ((hRow + j) * steps + t) * batch;
                int an = j * batch;
                for (int b = 0; b < batch; b++) {
                    float dh = dOut[ah + b] + (s < steps - 1 ? dhNext[an + b] : 0f);
                    float o = a[ao + b];
                    float th = tc[ac + b];
                    float dc = dh * o * (1 - th * th) + (s < steps - 1 ? dcNext[an + b] : 0f);
                    float i = a[ai + b];
                    float g = a[ag + b];
                    float fg = a[af + b];
                    dz[ao + b] = dh * th * o * (1 - o);
                    dz[ai + b] = dc * g * i * (1 - i);
                    dz[ag + b] = dc * i * (1 - g * g);
                    dz[af + b] = s > 0 ? dc * c[ap + b] * fg * (1 - fg) : 0f;
                    dcNext[an + b] = dc * fg;
                }
                if (s > 0) {
                    System.arraycopy(h, ((hRow + j) * steps + prev) * batch, hPrev, ac, batch);
                }
            }
            if (s > 0) { // dh_prev = Wr dz
                dzIn.clear();
                for (int r = 0; r < g4; r++) {
                    dzIn.put(dz, (r * steps + t) * batch, batch);
                }
                Nd4j.gemm(wr, dzBuf, dhBuf, false, false, 1.0, 0.0);
                dhOut.clear();
                dhOut.get(dhNext);
            }
        }
        INDArray dZ = Nd4j.create(dz, new long[] {g4, tb}, 'c');
        Nd4j.gemm(layer.x, dZ, gWx, false, true, 1.0, 1.0); // [in, T*B] x [T*B, 4u]
        Nd4j.gemm(Nd4j.create(hPrev, new long[] {u, tb}, 'c'), dZ, gWr, false, true, 1.0, 1.0);
        gB.addi(dZ.sum(1));
        if (dIn != null) { // [in, 4u] x [4u, T*B]
            float[] dx = Nd4j.gemm(weights("lstm" + l + "_Wx", d), dZ, false, false).dup('c').data().asFloat();
            for (int i = 0; i < dx.length; i++) {
                dIn[i] += dx[i];
            }
        }
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
