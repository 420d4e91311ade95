package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelType;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model file put to use on the newest bar: what the live runner feeds with scaled feature rows. Rows go in as
 * float32, as in training, and the network runs in inference mode (no dropout), so a bar gives the output the
 * training run stored for it up to the order of float sums. Not thread-safe: one runner thread calls it.
 *
 * <ul>
 *   <li>Dense, logistic and linear models (DL4J {@code MultiLayerNetwork} files) read the bar's row; so do
 *       gradient-boosted trees (XGBoost files), with the trees of the rounds up to the best one.</li>
 *   <li>The SameDiff models read the rows of the bars before it as their training windows were made, through the
 *       code that made their stored predictions: LSTMs and BiLSTMs the unbroken run of adjacent rows ending at the bar
 *       (up to their sequence length, {@code LstmKernel}); the Transformer its masked window of the last
 *       {@code sequenceLength} bars; the hybrid one masked window per timeframe ({@code windowLength} steps of its
 *       stride) and the cross-timeframe mask; the multi-task network the bar's row, its first head being the
 *       prediction ({@code SdInputs}, {@code SameDiffTrainer.outputs}).</li>
 * </ul>
 * Ensembles combine their members' outputs at the bar as the batch combination did ({@code Ensembles}): {@code
 * majority} gives each class its share of the members' votes (the class most members predict, ties to the lower
 * class), {@code max-confidence} the output of the member most confident in its own class (the first such member on a
 * tie). Each member reads its own window of the rows it is given.
 */
public final class Predictor implements AutoCloseable {
    private final MultiLayerNetwork net;
    /** A tree model's booster and the rounds that predict (both replaced by a fine-tuning). */
    private ml.dmlc.xgboost4j.java.Booster trees;
    private int[] treeRange;
    private final SdNet sd;
    /** A SameDiff network's weights with its optimizer state (what fine-tuning changes and a version saves). */
    private final SameDiffTrainer.State sdState;
    private final SdNet.Graph infer;
    private final LstmKernel lstm;
    private final int inputs;
    private final int window;
    private final int outputs;
    private final float[][] row;
    /** An ensemble's members (null for any other model) and how they vote. */
    private final java.util.List<Predictor> members;
    private final String vote;

    private Predictor(MultiLayerNetwork net, SameDiffTrainer.State sd, int inputs, int window, int outputs) {
        this(net, null, null, sd, inputs, window, outputs);
    }

    private Predictor(java.util.List<Predictor> members, String vote) {
        this.net = null;
        this.trees = null;
        this.treeRange = null;
        this.sd = null;
        this.sdState = null;
        this.lstm = null;
        this.infer = null;
        this.inputs = members.get(0).inputs;
        this.window = members.stream().mapToInt(Predictor::window).max().orElse(1);
        this.outputs = members.get(0).outputs;
        this.row = null;
        this.members = java.util.List.copyOf(members);
        this.vote = vote;
    }

    /**
     * An ensemble of loaded members, voting {@code majority} or {@code max-confidence}.
     *
     * @throws IllegalArgumentException when the members are not classifiers of the same classes and inputs
     */
    public static Predictor ensemble(java.util.List<Predictor> members, String vote) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs members");
        }
        if (!vote.equals("majority") && !vote.equals("max-confidence")) {
            throw new IllegalArgumentException("ensemble vote '" + vote + "': majority or max-confidence");
        }
        for (Predictor m : members) {
            if (m.outputs < 2 || m.outputs != members.get(0).outputs || m.inputs != members.get(0).inputs) {
                throw new IllegalArgumentException("an ensemble combines classifiers of the same classes and inputs");
            }
        }
        return new Predictor(members, vote);
    }

    private Predictor(MultiLayerNetwork net, ml.dmlc.xgboost4j.java.Booster trees, int[] treeRange,
                      SameDiffTrainer.State sdState, int inputs, int window, int outputs) {
        this.net = net;
        this.trees = trees;
        this.treeRange = treeRange;
        this.sdState = sdState;
        SdNet sd = sdState == null ? null : sdState.net;
        this.sd = sd;
        boolean recurrent = sd != null && (sd.arch.type() == ModelType.LSTM || sd.arch.type() == ModelType.BILSTM);
        this.lstm = recurrent ? sd.kernel() : null;
        this.infer = sd != null ? sd.build(false) : null; // the LSTMs' too: batch outputs are named by its output
        this.inputs = inputs;
        this.window = window;
        this.outputs = outputs;
        this.row = new float[1][inputs];
        this.members = null;
        this.vote = null;
    }

    /** The number of outputs: classes, or 1 for a regression. */
    public int outputs() {
        return outputs;
    }

    /**
     * How many base bars, the bar's and those before it, the model reads: 1, a sequence model's length, or the
     * hybrid's longest timeframe's span.
     */
    public int window() {
        return window;
    }



    /**
     * Whether {@link #fineTune} works for this model: DL4J networks, every SameDiff network (LSTM, BiLSTM,
     * transformer, multi-task, hybrid), and gradient-boosted trees whose file says how they were grown (trained since
     * tree fine-tuning exists); not ensembles.
     */
    public boolean fineTunes() {
        if (trees != null) {
            try {
                return GbmTrainer.fineTunes(trees);
            } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
                throw new IllegalStateException("XGBoost: " + e.getMessage(), e);
            }
        }
        return net != null || sd != null && SameDiffTrainer.fineTunes(sd.arch.type());
    }

    /**
     * Loads a model file written by training.
     *
     * @param inputs the number of features its rows have (checked against the network's first layer)
     */
    public static Predictor load(Path modelFile, ModelType type, int inputs) throws IOException {
        return load(modelFile, type, inputs, false);
    }

    /**
     * As {@link #load(Path, ModelType, int)}; with {@code optimizer}, a network also gets the optimizer state its file
     * holds (a fine-tuned version's, so fine-tuning goes on with its moments in a restarted runner); without, its
     * moments start afresh.
     */
    public static Predictor load(Path modelFile, ModelType type, int inputs, boolean optimizer) throws IOException {
        if (type == ModelType.ENSEMBLE) {
            throw new IllegalArgumentException("an ensemble has no model file of its own: load its members and "
                    + "combine them with Predictor.ensemble");
        }
        if (type == ModelType.GBM) {
            try {
                ml.dmlc.xgboost4j.java.Booster b = ml.dmlc.xgboost4j.java.XGBoost.loadModel(modelFile.toString());
                long takes = b.getNumFeature();
                if (takes != inputs) {
                    b.dispose();
                    throw new IllegalArgumentException(modelFile + ": the trees take " + takes
                            + " inputs, the featureset has " + inputs + " features");
                }
                int rounds;
                try {
                    rounds = GbmTrainer.servedRounds(b);
                } catch (IllegalArgumentException e) {
                    b.dispose();
                    throw new IOException(modelFile + ": " + e.getMessage(), e);
                }
                float[][] probe = b.inplace_predict(new float[inputs], 1, inputs, Float.NaN, new int[] {0, rounds});
                return new Predictor(null, b, new int[] {0, rounds}, null, inputs, 1, probe[0].length);
            } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
                throw new IOException(modelFile + ": XGBoost cannot read it: " + e.getMessage(), e);
            }
        }
        if (type.sameDiff()) {
            SameDiffTrainer.State st = SdModelFile.read(modelFile);
            SdNet.Arch arch = st.net.arch;
            if (arch.nIn() != inputs) {
                throw new IllegalArgumentException(modelFile + ": the network takes " + arch.nIn()
                        + " inputs, the featureset has " + inputs + " features");
            }
            int span = switch (arch.type()) {
                case MULTI_TASK -> 1;
                case HYBRID_TRANSFORMER -> ((Integer) arch.hyper().get("windowLength") - 1)
                        * arch.groups().stream().mapToInt(SdNet.Group::stride).max().orElse(1) + 1;
                default -> arch.seqLen();
            };
            int width = arch.heads().get(0).classify() ? arch.heads().get(0).width() : 1;
            if (!optimizer) {
                st.updater.clear();
                st.iteration = 0;
            }
            return new Predictor(null, st, inputs, span, width);
        }
        MultiLayerNetwork net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(modelFile.toFile(),
                optimizer);
        long in = net.layerInputSize(0);
        if (in != inputs) {
            throw new IllegalArgumentException(modelFile + ": the network takes " + in + " inputs, the featureset has "
                    + inputs + " features");
        }
        return new Predictor(net, null, inputs, 1, (int) net.layerSize(net.getnLayers() - 1));
    }

    /**
     * A bounded fine-tuning step on the inputs fetched back for matched outcomes: {@code steps} passes of an optimizer
     * over these frames as one batch, at learning rate {@code lr}. Frame {@code i} is the scaled rows {@code
     * windows[i]} of the bars opening at {@code times[i]} (ascending, its own bar last; one row for a model with a
     * {@link #window()} of 1), its target {@code targets[i]}: a class index, or a regression target in the scaled units
     * the model predicts.
     * <ul>
     *   <li>A DL4J network takes its own optimizer and configuration, with the learning rate set on every layer
     *       (replacing its schedule). Its moments go on from its file's when loaded with them (a fine-tuned
     *       version's), else start afresh.</li>
     *   <li>A SameDiff network takes steps of {@code optimizer} (its training's: Adam, AdamW or SGD with Nesterov
     *       momentum, with its weight decay, clipping and L2) on its windows, made as training made them, with its
     *       dropout on (masks from {@code seed}); its moments are its file's when loaded with them (a fine-tuned
     *       version's), else start afresh. The hybrid's next-candle heads learn from the rows these windows hold; a multi-task network's
     *       other heads from {@code others} ({@link SameDiffTrainer#fineTune}).</li>
     *   <li>Gradient-boosted trees boost {@code steps} more rounds on these rows, each at learning rate (XGBoost's
     *       {@code eta}) {@code lr}, grown as training grew its trees; the trees a trained model kept after its best
     *       round are dropped first, and from then on every round's trees predict ({@link GbmTrainer#fineTuned}). A
     *       tree model grows by {@code steps} rounds per fine-tuning.</li>
     * </ul>
     * A loss that is not finite leaves the model as it was and returns false.
     *
     * @param others    a multi-task network's other heads' targets, per frame and head, made as training made them
     *                  (NaN: unknown, out of that head's loss); null for other models
     * @param optimizer how a SameDiff network's training stepped its weights (a DL4J network's file holds its own)
     * @param barMillis the bars' length (which bars are adjacent, for windows)
     */
    public boolean fineTune(long[][] times, double[][][] windows, double[] targets, double[][] others, int classes,
                            Optimizer optimizer, double lr, int steps, long barMillis, long seed) {
        if (!fineTunes()) {
            throw new IllegalArgumentException(trees != null ? "these trees' file does not say how they were grown "
                    + "(trained before tree fine-tuning existed): train the model again to fine-tune it"
                    : "fine-tuning is built for neural networks and trees, not ensembles");
        }
        int n = windows.length;
        if (trees != null) {
            float[] x = new float[n * inputs];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                double[] last = windows[i][windows[i].length - 1];
                for (int c = 0; c < inputs; c++) {
                    x[i * inputs + c] = (float) last[c];
                }
                y[i] = (float) targets[i];
            }
            try {
                ml.dmlc.xgboost4j.java.Booster next = GbmTrainer.fineTuned(trees, treeRange[1], x, n, inputs, y, lr,
                        steps, seed);
                if (next == null) {
                    return false; // the model as it was
                }
                trees.dispose();
                trees = next;
                treeRange = new int[] {0, next.getNumBoostedRound()};
                return true;
            } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
                throw new IllegalStateException("XGBoost: " + e.getMessage(), e);
            }
        }
        if (sd != null) {
            java.util.TreeMap<Long, double[]> context = new java.util.TreeMap<>();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < times[i].length; k++) {
                    context.put(times[i][k], windows[i][k]);
                }
            }
            long[] ct = context.keySet().stream().mapToLong(Long::longValue).toArray();
            double[][] cx = context.values().toArray(new double[0][]);
            long[] pt = new long[n];
            double[][] px = new double[n][];
            int[] index = new int[n];
            for (int i = 0; i < n; i++) {
                pt[i] = times[i][times[i].length - 1];
                px[i] = windows[i][windows[i].length - 1];
                index[i] = java.util.Arrays.binarySearch(ct, pt[i]);
            }
            boolean classify = classes > 0;
            PreparedData.Part part = new PreparedData.Part(pt, px, targets.clone(), index);
            PreparedData.Part none = new PreparedData.Part(new long[0], new double[0][], new double[0], new int[0]);
            java.util.List<PreparedData.Target> extra = new java.util.ArrayList<>();
            java.util.List<SdNet.Head> heads = sd.arch.heads();
            for (int h = 1; others != null && sd.arch.type() == io.atlasj.workspec.ModelType.MULTI_TASK
                    && h < heads.size(); h++) {
                double[] v = new double[ct.length];
                java.util.Arrays.fill(v, Double.NaN);
                for (int i = 0; i < n; i++) {
                    v[index[i]] = others[i][h - 1];
                }
                extra.add(new PreparedData.Target(heads.get(h).name(), heads.get(h).classify() ? heads.get(h).width()
                        : 0, 0, 1, null, v));
            }
            PreparedData data = new PreparedData(0, classify ? DatasetOptions.Task.CLASSIFICATION
                    : DatasetOptions.Task.REGRESSION, classify ? classes : 0, part, none, none, null, null, 0, 1,
                    new PreparedData.Context(ct, cx, barMillis), extra);
            return SameDiffTrainer.fineTune(sdState, data, optimizer, lr, steps, seed);
        }
        float[][] x = new float[n][inputs];
        for (int i = 0; i < n; i++) {
            double[] last = windows[i][windows[i].length - 1];
            for (int c = 0; c < inputs; c++) {
                x[i][c] = (float) last[c];
            }
        }
        int outputs = classes > 0 ? classes : 1;
        float[][] y = new float[n][outputs];
        for (int i = 0; i < n; i++) {
            if (classes > 0) {
                y[i][(int) targets[i]] = 1f;
            } else {
                y[i][0] = (float) targets[i];
            }
        }
        net.setLearningRate(lr);
        org.nd4j.linalg.dataset.DataSet d = new org.nd4j.linalg.dataset.DataSet(Nd4j.create(x), Nd4j.create(y));
        INDArray before = net.params().dup();
        INDArray moments = net.getUpdater() == null || net.getUpdater().getStateViewArray() == null ? null
                : net.getUpdater().getStateViewArray().dup();
        int iteration = net.getIterationCount();
        for (int s = 0; s < steps; s++) {
            net.fit(d);
            if (!Double.isFinite(net.score())) { // the network as it was
                net.setParams(before);
                if (moments != null) {
                    net.getUpdater().getStateViewArray().assign(moments);
                }
                net.setIterationCount(iteration);
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the model as it is now, with its optimizer's state (durably: temporary file, flush, rename); returns the
     * file's SHA-256.
     */
    public String save(Path file) throws IOException {
        if (sdState != null) {
            return SdModelFile.write(file, sdState, true);
        }
        if (trees != null) {
            return GbmTrainer.write(trees, file);
        }
        if (net == null) {
            throw new IllegalStateException("only the models that fine-tune are saved by the live runner");
        }
        return Checkpoint.writeNetwork(file, net, true, true);
    }

    /**
     * The model's output for one scaled row (a model with a {@link #window()} of 1): class probabilities for a
     * classifier, the (scaled) value for a regression.
     */
    public double[] predict(double[] scaled) {
        return predict(new long[] {0}, new double[][] {scaled}, 1);
    }

    /**
     * The model's output at the last of {@code rows}: the scaled rows of the bars opening at {@code times}
     * (ascending, within the model's {@link #window()} of the last, bar length {@code barMillis}). A bar without a
     * row (absent, or a feature without a value) is left out, as the matrix training read had no such row.
     */
    public double[] predict(long[] times, double[][] rows, long barMillis) {
        int last = rows.length - 1;
        if (rows[last].length != inputs) {
            throw new IllegalArgumentException("a row of " + rows[last].length + " values for a model of " + inputs);
        }
        if (members != null) {
            return combine(times, rows, barMillis);
        }
        if (lstm != null) {
            int len = 1; // the unbroken run of adjacent bars ending at the last, as SdInputs makes training's windows
            while (len < window && len <= last && times[last] - times[last - len] == (long) len * barMillis) {
                len++;
            }
            float[] x = new float[len * inputs];
            for (int k = 0; k < len; k++) {
                double[] v = rows[last - len + 1 + k];
                for (int c = 0; c < inputs; c++) {
                    x[k * inputs + c] = (float) v[c];
                }
            }
            return doubles(Floats.of(lstm.predict(Floats.array(x, 1, len, inputs))));
        }
        if (trees != null) {
            float[] x = new float[inputs];
            for (int c = 0; c < inputs; c++) {
                x[c] = (float) rows[last][c];
            }
            try {
                return doubles(trees.inplace_predict(x, 1, inputs, Float.NaN, treeRange)[0]);
            } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
                throw new IllegalStateException("XGBoost: " + e.getMessage(), e);
            }
        }
        if (sd != null) {
            PreparedData.Part at = new PreparedData.Part(new long[] {times[last]}, new double[][] {rows[last]},
                    new double[] {0}, new int[] {last});
            PreparedData.Part none = new PreparedData.Part(new long[0], new double[0][], new double[0], new int[0]);
            boolean classify = sd.arch.heads().get(0).classify();
            PreparedData data = new PreparedData(0, classify ? DatasetOptions.Task.CLASSIFICATION
                    : DatasetOptions.Task.REGRESSION, classify ? outputs : 0, at, none, none, null, null, 0, 1,
                    new PreparedData.Context(times, rows, barMillis));
            return doubles(SameDiffTrainer.outputs(sd, infer, new SdInputs(sd.arch, data), at)[0][0]);
        }
        for (int c = 0; c < inputs; c++) {
            row[0][c] = (float) rows[last][c];
        }
        INDArray out = net.output(Nd4j.create(row), false);
        double[] v = new double[(int) out.size(1)];
        for (int c = 0; c < v.length; c++) {
            v[c] = out.getDouble(0, c);
        }
        return v;
    }

    /**
     * The model's outputs for every row of {@code part} of {@code data} (rows x outputs), computed as training computed
     * its stored predictions: in batches, windows from {@code data}'s context for the sequence models.
     */
    public double[][] predict(PreparedData data, PreparedData.Part part) {
        int n = part.rows();
        double[][] out = new double[n][];
        if (n == 0) {
            return out;
        }
        if (readsRows()) {
            return predictRows(GbmTrainer.flat(part.x()), n);
        }
        float[][] o = SameDiffTrainer.outputs(sd, infer, new SdInputs(sd.arch, data), part)[0];
        for (int i = 0; i < n; i++) {
            out[i] = doubles(o[i]);
        }
        return out;
    }

    /**
     * A row model's (dense, logistic, linear, trees) outputs for {@code n} rows given as one float32 row-major matrix
     * of {@link #inputs} columns: one pass.
     */
    double[][] predictRows(float[] x, int n) {
        double[][] out = new double[n][];
        if (trees != null) {
            try {
                float[][] o = trees.inplace_predict(x, n, inputs, Float.NaN, treeRange);
                for (int i = 0; i < n; i++) {
                    out[i] = doubles(o[i]);
                }
            } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
                throw new IllegalStateException("XGBoost: " + e.getMessage(), e);
            }
            return out;
        }
        if (net == null) {
            throw new IllegalStateException("a sequence model reads windows, not rows");
        }
        INDArray o = net.output(Floats.array(x, n, inputs), false);
        int w = (int) o.size(1);
        float[] flat = Floats.of(o); // one copy: a row view per row costs more than the pass
        for (int i = 0; i < n; i++) {
            double[] v = new double[w];
            for (int c = 0; c < w; c++) {
                v[c] = flat[i * w + c];
            }
            out[i] = v;
        }
        return out;
    }

    /** Whether the model reads one row at a time (dense, logistic, linear, trees, not the SameDiff networks). */
    boolean readsRows() {
        return net != null || trees != null;
    }

    /** The members' outputs at the last row, each from the rows within its own window, combined by the vote. */
    private double[] combine(long[] times, double[][] rows, long barMillis) {
        int last = rows.length - 1;
        double[] out = new double[outputs];
        int[] votes = new int[outputs];
        double best = -1;
        for (Predictor m : members) {
            int from = last;
            while (from > 0 && times[last] - times[from - 1] < (long) m.window * barMillis) {
                from--;
            }
            double[] y = m.predict(java.util.Arrays.copyOfRange(times, from, last + 1),
                    java.util.Arrays.copyOfRange(rows, from, last + 1), barMillis);
            int arg = 0;
            for (int c = 1; c < y.length; c++) {
                arg = y[c] > y[arg] ? c : arg;
            }
            if (vote.equals("majority")) {
                votes[arg]++;
            } else if (m == members.get(0) || y[arg] > best) { // the first member unless another is more confident
                best = y[arg];
                out = y.clone();
            }
        }
        if (vote.equals("majority")) {
            for (int c = 0; c < outputs; c++) {
                out[c] = (double) votes[c] / members.size();
            }
        }
        return out;
    }

    /** Frees the native memory of a tree model (XGBoost's booster); the networks' arrays are left to the GC. */
    @Override
    public void close() {
        if (members != null) {
            members.forEach(Predictor::close);
        }
        if (trees != null) {
            trees.dispose();
        }
        if (lstm != null) {
            lstm.release();
        }
    }

    private static double[] doubles(float[] f) {
        double[] v = new double[f.length];
        for (int c = 0; c < v.length; c++) {
            v[c] = f[c];
        }
        return v;
    }
}
