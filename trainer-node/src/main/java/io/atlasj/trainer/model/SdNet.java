package io.atlasj.trainer.model;

import io.atlasj.workspec.ModelType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff networks (LSTM and BiLSTM, causal Transformer, hybrid multi-timeframe transformer, multi-task dense
 * network), built
 * from an {@link Arch}. The weights live in {@link #params} (initialised from the seed on the first build); each
 * build makes a graph over those same arrays, so a training graph (with dropout and losses) and an inference graph
 * (without dropout) share one set of weights, and a saved model is its Arch plus its arrays.
 *
 * <p>Attention is written out (projections, scaled dot products, an additive bias, softmax) rather than taken from
 * {@code sd.nn.multiHeadDotProductAttention}, because the bias carries both the causal mask (no position attends to a
 * later one) and the mask of missing steps or timeframes, each an exact zero weight after the softmax.
 *
 * <p>Placeholders: see {@link #X}, {@link #BIAS}, {@link #label(int)}, {@link #weight(int)}, {@link #lambda(int)}
 * and the dropout masks listed in {@link Graph#dropouts()} (made by the trainer from the seed, so training is
 * deterministic).
 */
final class SdNet {
    static final String X = "x";
    static final String BIAS = "bias";
    static final String LOSS = "loss";
    static final double MASKED = -1e9;

    /**
     * What a network is. {@code groups} (hybrid only) gives each timeframe's input width; {@code heads} the outputs in
     * order (the primary label first).
     */
    record Arch(ModelType type, Map<String, Object> hyper, int nIn, int seqLen, List<Group> groups, List<Head> heads,
                long seed) {
        Arch {
            hyper = Map.copyOf(hyper);
            groups = List.copyOf(groups);
            heads = List.copyOf(heads);
        }

        int dModel() {
            return (Integer) hyper.get("dModel");
        }

        int heads_() {
            return (Integer) hyper.get("heads");
        }

        int layers() {
            return (Integer) hyper.get("layers");
        }

        double dropout() {
            return (Double) hyper.get("dropout");
        }
    }

    /**
     * One timeframe of the hybrid: its name (market and timeframe), its stride in base bars, and its columns of the
     * feature matrix.
     */
    record Group(String name, int stride, int[] columns) {
    }

    /** One output: a softmax over {@code width} classes, or {@code width} regression values. */
    record Head(String name, boolean classify, int width) {
    }

    /**
     * A dropout site: a placeholder of [rows x width] keep-masks, rows = batch x {@code perExample}; with
     * {@code perExample} 0, of [batch x steps x width] masks (an LSTM's sequence output, as long as the batch's windows).
     */
    record Dropout(String name, int perExample, int width, double p) {
    }

    /** A built graph with its output names (one per head) and its dropout sites. */
    record Graph(SameDiff sd, List<String> outputs, List<Dropout> dropouts) {
    }

    final Arch arch;
    final Map<String, INDArray> params = new LinkedHashMap<>();
    /** An LSTM's written-out passes, made once: its buffers are kept from batch to batch (see {@link #kernel}). */
    private LstmKernel kernel;
    private final Random init;

    SdNet(Arch arch) {
        this.arch = arch;
        this.init = new Random(arch.seed());
        if (arch.type() == ModelType.TRANSFORMER || arch.type() == ModelType.HYBRID_TRANSFORMER) {
            if (arch.dModel() % arch.heads_() != 0) {
                throw new IllegalArgumentException("dModel (" + arch.dModel() + ") must be a multiple of heads ("
                        + arch.heads_() + ")");
            }
        }
    }

    /** The LSTM or BiLSTM's kernel (reading {@link #params} as they are at each call), one per network. */
    synchronized LstmKernel kernel() {
        if (kernel == null) {
            kernel = new LstmKernel(this);
        }
        return kernel;
    }

    static String label(int head) {
        return "y" + head;
    }

    static String weight(int head) {
        return "w" + head;
    }

    static String lambda(int head) {
        return "lambda" + head;
    }

    static String groupX(int g) {
        return "x_tf" + g;
    }

    static String groupBias(int g) {
        return "bias_tf" + g;
    }

    static final String TF_BIAS = "bias_cross";

    /** Builds a graph over the shared weights; with {@code train}, dropout sites and the weighted loss are added. */
    Graph build(boolean train) {
        SameDiff sd = SameDiff.create();
        Builder b = new Builder(sd, train);
        SDVariable features = switch (arch.type()) {
            case TRANSFORMER -> b.transformer();
            case HYBRID_TRANSFORMER -> b.hybrid();
            case MULTI_TASK -> b.dense();
            case LSTM, BILSTM -> b.lstm();
            default -> throw new IllegalArgumentException("no SameDiff network for " + arch.type().id());
        };
        List<String> outputs = new ArrayList<>();
        SDVariable loss = null;
        int width = b.width > 0 ? b.width : arch.dModel();
        for (int h = 0; h < arch.heads().size(); h++) {
            Head head = arch.heads().get(h);
            SDVariable logits = b.linear("head" + h, features, width, head.width());
            SDVariable out = head.classify() ? sd.math.exp("out" + h, logSoftmax(logits, 1)) : sd.identity("out" + h, logits);
            outputs.add(out.name());
            if (train) {
                SDVariable y = sd.placeHolder(label(h), DataType.FLOAT, -1, head.width());
                SDVariable w = sd.placeHolder(weight(h), DataType.FLOAT, -1);
                SDVariable perRow = head.classify()
                        ? logSoftmax(logits, 1).mul(y).sum(1).neg()
                        : head.width() == 1 ? sd.math.square(logits.sub(y)).reshape(-1)
                        : sd.math.square(logits.sub(y)).sum(1).mul(1.0 / head.width());
                // a dot product, not sum(): reducing a dimension of length 1 (a batch of one row, a single
                // regression output) fails inside ND4J 1.0.0-M2.1's graph execution, and so does the gradient of a
                // [1,1] x [1,1] product: a zero is appended to both sides, so a batch of one row trains too
                SDVariable zero = sd.constant(Nd4j.zeros(DataType.FLOAT, 1));
                SDVariable term = sd.concat(0, perRow, zero).reshape(1, -1).mmul(sd.concat(0, w, zero).reshape(-1, 1))
                        .mul(sd.placeHolder(lambda(h), DataType.FLOAT));
                loss = loss == null ? term : loss.add(term);
            }
        }
        if (train) {
            sd.identity(LOSS, loss);
            sd.setLossVariables(LOSS);
        }
        return new Graph(sd, outputs, b.dropouts);
    }

    /**
     * log(softmax(x)) along {@code dim}, written with max, exp, sum and log (stable: the row maximum is subtracted).
     * ND4J's own softmax ops are avoided: their "dimension" property does not survive the graph copy that SameDiff
     * makes to build the gradient function in 1.0.0-M2.1.
     */
    static SDVariable logSoftmax(SDVariable x, int dim) {
        SameDiff sd = x.getSameDiff();
        SDVariable shifted = x.sub(x.max(true, dim));
        return shifted.sub(sd.math.log(sd.math.exp(shifted).sum(true, dim)));
    }

    /** Graph construction helpers; weights come from {@link #params}, created on first use. */
    private final class Builder {
        final SameDiff sd;
        final boolean train;
        final List<Dropout> dropouts = new ArrayList<>();
        /** The width of the features the heads read, when it is not dModel. */
        int width;

        Builder(SameDiff sd, boolean train) {
            this.sd = sd;
            this.train = train;
        }

        SDVariable param(String name, long rows, long cols, double std, double constant) {
            if (sd.hasVariable(name)) {
                return sd.getVariable(name); // a shared weight used again (the hybrid's encoder)
            }
            INDArray a = params.computeIfAbsent(name, n -> {
                float[] v = new float[(int) (rows * cols)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (std > 0 ? init.nextGaussian() * std : constant);
                }
                return rows == 1 ? Nd4j.create(v, new long[] {cols}, DataType.FLOAT)
                        : Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
            });
            return sd.var(name, a);
        }

        /** x [n, in] times W [in, out] plus b. Glorot-scaled normal weights, zero bias. */
        SDVariable linear(String name, SDVariable x, int in, int out) {
            SDVariable w = param(name + "_W", in, out, Math.sqrt(2.0 / (in + out)), 0);
            SDVariable bias = param(name + "_b", 1, out, 0, 0);
            return x.mmul(w).add(bias);
        }

        SDVariable layerNorm(String name, SDVariable x, int width) {
            return sd.nn.layerNorm(x, param(name + "_g", 1, width, 0, 1), param(name + "_b", 1, width, 0, 0), false, 1);
        }

        /** Inverted dropout with a keep-mask placeholder fed by the trainer; nothing at inference. */
        SDVariable dropout(String name, SDVariable x, int perExample, int width, double p) {
            if (!train || p <= 0) {
                return x;
            }
            dropouts.add(new Dropout("drop_" + name, perExample, width, p));
            return x.mul(sd.placeHolder("drop_" + name, DataType.FLOAT, -1, width));
        }

        /**
         * Pre-norm causal encoder layers over x [batch*len, d]: x + attention(LN(x)), x + FF(LN(x)), then a final
         * LN. {@code bias} is [batch, 1, len, len]: 0 where attention is allowed, {@link #MASKED} elsewhere.
         */
        SDVariable encoder(String prefix, String tag, SDVariable x, SDVariable bias, int len) {
            int d = arch.dModel();
            int ff = arch.hyper().containsKey("ffDim") ? (Integer) arch.hyper().get("ffDim") : 2 * d;
            double p = arch.dropout();
            for (int l = 0; l < arch.layers(); l++) {
                String n = prefix + "l" + l;
                SDVariable a = attention(n + "_att", layerNorm(n + "_ln1", x, d), bias, len);
                x = x.add(dropout(tag + n + "_att", a, len, d, p));
                SDVariable f = sd.nn.gelu(linear(n + "_ff1", layerNorm(n + "_ln2", x, d), d, ff));
                f = linear(n + "_ff2", dropout(tag + n + "_ff", f, len, ff, p), ff, d);
                x = x.add(dropout(tag + n + "_ffo", f, len, d, p));
            }
            return layerNorm(prefix + "ln_f", x, d);
        }

        /** Multi-head scaled dot-product self-attention over sequences of {@code len}, x [batch*len, d]. */
        SDVariable attention(String n, SDVariable x, SDVariable bias, int len) {
            int d = arch.dModel();
            int h = arch.heads_();
            int dh = d / h;
            SDVariable q = split(linear(n + "_q", x, d, d), len, h, dh);
            SDVariable k = split(linear(n + "_k", x, d, d), len, h, dh);
            SDVariable v = split(linear(n + "_v", x, d, d), len, h, dh);
            SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(dh)); // [b*h, len, len]
            scores = scores.reshape(-1, h, len, len).add(bias).reshape(-1, len, len);
            SDVariable weights = sd.math.exp(logSoftmax(scores, 2));
            SDVariable o = sd.mmul(weights, v); // [b*h, len, dh]
            o = o.reshape(-1, h, len, dh).permute(0, 2, 1, 3).reshape(-1, d);
            return linear(n + "_o", o, d, d);
        }

        /** [batch*len, h*dh] to [batch*h, len, dh]. */
        SDVariable split(SDVariable x, int len, int h, int dh) {
            return x.reshape(-1, len, h, dh).permute(0, 2, 1, 3).reshape(-1, len, dh);
        }

        /**
         * Position {@code at} of each sequence of x [batch*len, d], as [batch, d]: a product with a one-hot column
         * rather than a strided slice, whose gradient op in ND4J 1.0.0-M2.1 checks the index against the wrong
         * dimension (it fails as soon as the position exceeds the width).
         */
        SDVariable pick(SDVariable x, int len, int d, int at) {
            float[][] oneHot = new float[len][1];
            oneHot[at][0] = 1f;
            SDVariable cols = x.reshape(-1, len, d).permute(0, 2, 1).reshape(-1, len); // [batch*d, len]
            return cols.mmul(sd.constant(Nd4j.create(oneHot))).reshape(-1, d);
        }

        /** Fixed sinusoidal position encodings [len, d]. */
        SDVariable positions(int len, int d) {
            float[][] pe = new float[len][d];
            for (int pos = 0; pos < len; pos++) {
                for (int i = 0; i < d; i++) {
                    double angle = pos / Math.pow(10_000, (2 * (i / 2)) / (double) d);
                    pe[pos][i] = (float) (i % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
                }
            }
            return sd.constant(Nd4j.create(pe));
        }

        /** Windows x [batch, len, in] to the last position's encoding [batch, d]. */
        SDVariable sequence(String prefix, SDVariable x, SDVariable bias, int len, int in, SDVariable embedding) {
            int d = arch.dModel();
            SDVariable h = linear(prefix + "in", x.reshape(-1, in), in, d);
            h = h.reshape(-1, len, d).add(positions(len, d));
            if (embedding != null) {
                h = h.add(embedding);
            }
            h = dropout(prefix + "in", h.reshape(-1, d), len, d, arch.dropout());
            SDVariable enc = encoder("enc_", "", h, bias, len);
            return pick(enc, len, d, len - 1);
        }

        SDVariable transformer() {
            SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, arch.seqLen(), arch.nIn());
            SDVariable bias = sd.placeHolder(BIAS, DataType.FLOAT, -1, 1, arch.seqLen(), arch.seqLen());
            return sequence("", x, bias, arch.seqLen(), arch.nIn(), null);
        }

        /**
         * Each timeframe's window through its own input projection and the shared encoder (same weights for every
         * timeframe) plus a learned timeframe embedding; then one attention layer across the timeframes' last-step
         * encodings (missing timeframes masked), read at the base timeframe's token.
         */
        SDVariable hybrid() {
            int d = arch.dModel();
            int len = (Integer) arch.hyper().get("windowLength");
            int g = arch.groups().size();
            List<SDVariable> tokens = new ArrayList<>();
            for (int i = 0; i < g; i++) {
                int in = arch.groups().get(i).columns().length;
                SDVariable x = sd.placeHolder(groupX(i), DataType.FLOAT, -1, len, in);
                SDVariable bias = sd.placeHolder(groupBias(i), DataType.FLOAT, -1, 1, len, len);
                SDVariable emb = param("tf_emb" + i, 1, d, 0.02, 0);
                SDVariable h = linear("tf" + i + "_in", x.reshape(-1, in), in, d).reshape(-1, len, d)
                        .add(positions(len, d)).add(emb);
                h = dropout("tf" + i + "_in", h.reshape(-1, d), len, d, arch.dropout());
                SDVariable enc = encoder("enc_", "tf" + i + "_", h, bias, len); // shared weights: the same names for every timeframe
                tokens.add(pick(enc, len, d, len - 1).add(emb));
            }
            SDVariable all = sd.stack(1, tokens.toArray(new SDVariable[0])).reshape(-1, d); // [b*g, d]
            SDVariable cross = sd.placeHolder(TF_BIAS, DataType.FLOAT, -1, 1, g, g);
            SDVariable a = attention("cross_att", layerNorm("cross_ln", all, d), cross, g);
            SDVariable out = all.add(dropout("cross", a, g, d, arch.dropout()));
            out = layerNorm("cross_lnf", out, d);
            return pick(out, g, d, 0);
        }

        /**
         * Stacked LSTM (or bidirectional LSTM) layers over windows x [batch, steps, nIn] through ND4J's fused
         * {@code lstmLayer} op (gates i, f, c, o; forget-gate bias 1). The time axis is left open: a batch's windows all
         * have the same number of real steps (the trainer groups them by length), so no step is ever padded or masked
         * and the op keeps its batched matrix products (its per-example sequence-length path is 10x slower). Every
         * layer but the last returns its whole sequence (dropout on its outputs); the last returns its state after the
         * window's last step, and for a BiLSTM the backward direction's state after reading the window back to its
         * first step (as PyTorch's h_n), concatenated.
         */
        @SuppressWarnings("unchecked")
        SDVariable lstm() {
            boolean bi = arch.type() == ModelType.BILSTM;
            int dirs = bi ? 2 : 1;
            SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, -1, arch.nIn());
            List<Integer> hidden = (List<Integer>) arch.hyper().get("hidden");
            double p = (Double) arch.hyper().get("dropout");
            int in = arch.nIn();
            for (int i = 0; i < hidden.size(); i++) {
                int u = hidden.get(i);
                boolean last = i == hidden.size() - 1;
                String n = "lstm" + i;
                LSTMLayerWeights w = LSTMLayerWeights.builder()
                        .weights(gates(n + "_Wx", bi ? new long[] {2, in, 4L * u} : new long[] {in, 4L * u},
                                Math.sqrt(2.0 / (in + 4 * u)), 0, u))
                        .rWeights(gates(n + "_Wr", bi ? new long[] {2, u, 4L * u} : new long[] {u, 4L * u},
                                Math.sqrt(2.0 / (5 * u)), 0, u))
                        .bias(gates(n + "_b", bi ? new long[] {2, 4L * u} : new long[] {4L * u}, 0, 1, u))
                        .build();
                LSTMLayerConfig c = LSTMLayerConfig.builder().lstmdataformat(LSTMDataFormat.NTS)
                        .directionMode(bi ? LSTMDirectionMode.BIDIR_CONCAT : LSTMDirectionMode.FWD)
                        .gateAct(LSTMActivations.SIGMOID).cellAct(LSTMActivations.TANH).outAct(LSTMActivations.TANH)
                        .retFullSequence(!last).retLastH(last).retLastC(false).build();
                SDVariable out = sd.rnn().lstmLayer(x, w, c)[0];
                if (last) {
                    // [batch, u], or [2, batch, u] for both directions: to [batch, 2u] (forward first)
                    x = dropout(n, bi ? out.permute(1, 0, 2).reshape(-1, 2L * u) : out, 1, u * dirs, p);
                } else if (train && p > 0) { // [batch, steps, u * dirs]
                    dropouts.add(new Dropout("drop_" + n, 0, u * dirs, p));
                    x = out.mul(sd.placeHolder("drop_" + n, DataType.FLOAT, -1, -1, u * dirs));
                } else {
                    x = out;
                }
                in = u * dirs;
            }
            width = in;
            return x;
        }

        /**
         * An LSTM weight of the given shape, created on first use: normal(0, std) values, or {@code constant} for
         * every value except the forget gate's (the second block of {@code units} along the last axis), which is 1.
         */
        SDVariable gates(String name, long[] shape, double std, double forget, int units) {
            INDArray a = params.computeIfAbsent(name, k -> {
                int n = 1;
                for (long d : shape) {
                    n *= (int) d;
                }
                float[] v = new float[n];
                int last = (int) shape[shape.length - 1];
                for (int i = 0; i < n; i++) {
                    int col = i % last;
                    v[i] = (float) (std > 0 ? init.nextGaussian() * std
                            : col >= units && col < 2 * units ? forget : 0);
                }
                return Nd4j.create(v, shape, DataType.FLOAT);
            });
            return sd.var(name, a);
        }

        @SuppressWarnings("unchecked")
        SDVariable dense() {
            SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, arch.nIn());
            int in = arch.nIn();
            int i = 0;
            for (int units : (List<Integer>) arch.hyper().get("hidden")) {
                x = sd.nn.relu(linear("dense" + i, x, in, units), 0);
                x = dropout("dense" + i, x, 1, units, (Double) arch.hyper().get("dropout"));
                in = units;
                i++;
            }
            width = in;
            return x;
        }
    }
}
