package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Packed training: many small dense networks of one shape (linear, logistic, or dense with the same hidden layers and
 * activation) trained together on one fold, as one set of batched matrix products over a leading "model" axis
 * ({@code [models, rows, units]}), in the manner of horizontal fusion. What makes a model itself stays its own: the
 * initialisation from its seed, its shuffle order and dropout masks (from its seed and the epoch), its learning
 * rate and schedule, penalties, clipping, optimizer state and early stopping. A model's numbers therefore do not
 * depend on which models it was packed with: trained in a pack of one it gives the same curves and predictions within
 * float tolerance ({@code PackedDenseTest}).
 *
 * <p>The loop is lean: the fold's rows are copied once into float arrays, each batch is gathered by the models'
 * shuffled indices straight into preallocated ND4J buffers, temporaries live in a workspace that is reset every
 * batch, the training loss is summed on the device and read once an epoch, and one validation pass a epoch gives
 * the loss, the metric and the monitored value. Losses are the data losses (cross-entropy, mean squared error)
 * without the penalties. Dropout is inverted dropout on each hidden layer's output. The kept weights (best epoch) are
 * written as a DL4J {@link MultiLayerNetwork} of the same layers, so every reader of model files reads them as before.
 *
 * <p>Not packed (trained alone by {@link Dl4jTrainer}): LSTM and transformer types, layer norm, and warm starts. A
 * pack is checkpointed by elapsed time as a model alone is ({@link PackCheckpoint}): a pack cut short goes on from its
 * last checkpoint, each model as if never cut.
 */
public final class PackedDense {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PackedDense.class);
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    /** Floats of first-layer products the importance keeps across input columns (64 MB); beyond, it recomputes them. */
    private static final long BASE_FLOATS = 16L << 20;
    /** The most a row adds to a log loss: its true class's probability clipped at 1e-7 ({@link Importance#loss}). */
    private static final double MAX_ROW_LOSS = -Math.log(1e-7);
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder().initialSize(0)
            .overallocationLimit(0.2).policyReset(ResetPolicy.BLOCK_LEFT).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policySpill(SpillPolicy.REALLOCATE).build();

    private PackedDense() {
    }

    /** Whether {@code m} can be trained in a pack (its type, activation, options); otherwise it trains alone. */
    public static boolean packable(ModelSpec m) {
        return io.atlasj.trainer.engine.Packs.packable(m);
    }

    /**
     * Trains {@code specs} (packable, of one {@link io.atlasj.trainer.engine.Packs#of pack}) together on {@code data}; returns one result per
     * spec, in order. {@code listeners.get(k)} hears model k's epochs (an exception from it stops the whole pack);
     * {@code modelFiles.get(k)}, when not null, receives model k's kept weights.
     */
    public static List<TrainingResult> train(List<ModelSpec> specs, PreparedData data,
                                             List<ModelTrainer.Listener> listeners, List<Path> modelFiles) {
        long t0 = System.nanoTime();
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        int k = specs.size();
        List<TrainingResult> out = new ArrayList<>();
        for (ModelSpec m : specs) {
            if (!packable(m) || !io.atlasj.trainer.engine.Packs.of(m).equals(io.atlasj.trainer.engine.Packs.of(specs.get(0)))) {
                throw new IllegalArgumentException("not one pack: " + m.key() + " (" + m.type().id() + " " + m.hyper()
                        + ") beside " + specs.get(0).key());
            }
            if (m.type() == ModelType.LINEAR && classify || m.type() == ModelType.LOGISTIC && !classify) {
                out.add(TrainingResult.failed(m.type().id() + " does not fit a "
                        + data.task().name().toLowerCase(java.util.Locale.ROOT) + " task", List.of(), 0));
            }
        }
        if (!out.isEmpty()) {
            // a type that does not fit the task fails every model of the pack alike (they share type and task)
            return java.util.Collections.nCopies(k, out.get(0));
        }
        if (data.train().rows() == 0 || data.features() == 0) {
            return java.util.Collections.nCopies(k, TrainingResult.failed("no training rows or no features",
                    List.of(), 0));
        }
        // a checkpoint of this very pack (its keys, fold and rows) left by a run cut short: go on from it
        Path ckpt = PackCheckpoint.file(modelFiles);
        ModelSpec first = specs.get(0);
        int[] dims = dims(first, data.features(), classify ? data.classes() : 1);
        PackCheckpoint.Saved saved = PackCheckpoint.read(ckpt, specs.stream().map(ModelSpec::key).toList(),
                data.fold(), data.train().rows(), dims.length - 1);
        if (saved != null) {
            String why = PackCheckpoint.misfit(saved, specs.size(), dims);
            if (why != null) {
                PackCheckpoint.setAside(ckpt, why);
                saved = null;
            }
        }
        try (Pack p = saved == null ? new Pack(specs, data, classify, null, null)
                : new Pack(pick(specs, saved.state().at()), data, classify, null, null)) {
            if (saved != null) {
                p.restore(saved.pack(), saved.state().step());
            }
            List<TrainingResult> results = run(specs, p, listeners, modelFiles, t0, saved, ckpt);
            PackCheckpoint.delete(ckpt);
            return results;
        }
    }

    /**
     * The epochs of a pack. Models that stop (early stopping, the run's search, a loss that is no longer finite) leave
     * it: once at most three quarters of its models still train, the pack is narrowed to them ({@link Pack#Pack
     * narrowed}), so stopped models cost nothing more. A model's numbers do not change with its pack's width.
     */
    private static List<TrainingResult> run(List<ModelSpec> specs, Pack first, List<ModelTrainer.Listener> listeners,
                                            List<Path> modelFiles, long t0, PackCheckpoint.Saved saved, Path ckpt) {
        PreparedData data = first.data;
        boolean classify = first.classify;
        int total = specs.size();
        int n = data.train().rows();
        int maxEpochs = 0;
        EpochBook[] books = new EpochBook[total];
        List<List<TrainingResult.Epoch>> curves = new ArrayList<>();
        boolean[] active = new boolean[total];
        boolean[] kept = new boolean[total];
        String[] failure = new String[total];
        int[] epochs = new int[total];
        /** Per model, once it has left the pack: its train, validation and test predictions (null when failed). */
        TrainingResult.Predictions[][] finished = new TrainingResult.Predictions[total][];
        /** Per model: its inputs' permutation importance from its kept weights; null when not measured. */
        double[][] importance = new double[total][];
        /** Per model: stopped by the run's search (its importance is not wanted: the time is what stopping saves). */
        boolean[] searched = new boolean[total];
        /** Per model: why the run's search stopped it (kept in a checkpoint, told again on a resume). */
        String[] stops = new String[total];
        for (int j = 0; j < total; j++) {
            Map<String, Object> t = specs.get(j).training();
            books[j] = new EpochBook(t, (Double) t.get("lr"));
            epochs[j] = (Integer) t.get("epochs");
            maxEpochs = Math.max(maxEpochs, epochs[j]);
            curves.add(new ArrayList<>());
            active[j] = true;
        }
        Pack p = first;
        int[] at = new int[total]; // the model of each of the pack's places
        for (int j = 0; j < total; j++) {
            at[j] = j;
        }
        /** The kept weights of the models that have left the pack (for a checkpoint). */
        Map<Integer, INDArray[]> leftKept = new java.util.TreeMap<>();
        int start = 0;
        if (saved != null) {
            PackCheckpoint.State st = saved.state();
            start = st.nextEpoch();
            at = st.at().clone();
            for (int j = 0; j < total; j++) {
                active[j] = st.active()[j];
                kept[j] = st.kept()[j];
                failure[j] = st.failure()[j];
                searched[j] = st.searched()[j];
                stops[j] = st.stops()[j];
                if (stops[j] != null) {
                    listeners.get(j).stoppedBefore(stops[j]);
                }
                double[] bk = st.books()[j];
                books[j].best = bk[0];
                books[j].bestEpoch = (int) bk[1];
                books[j].sinceBest = (int) bk[2];
                books[j].lr = bk[3];
                books[j].plateau = (int) bk[4];
                books[j].plateauBest = bk[5];
                curves.get(j).addAll(st.curves().get(j));
            }
            leftKept.putAll(saved.leftKept());
            if (!leftKept.isEmpty()) {
                // the models that had left: their predictions and importance made again from their kept weights
                int[] idx = leftKept.keySet().stream().mapToInt(Integer::intValue).toArray();
                try (Pack left = new Pack(pick(specs, idx), data, classify, null, null)) {
                    int[] places = new int[idx.length];
                    for (int s = 0; s < idx.length; s++) {
                        left.setKept(s, leftKept.get(idx[s]));
                        places[s] = s;
                    }
                    finish(left, idx, places, failure, searched, finished, importance, modelFiles);
                }
            }
            LOG.info("a pack of {} models from {} goes on from its checkpoint at epoch {} ({} still training)",
                    total, specs.get(0).key(), start, at.length);
        }
        long every = Long.MAX_VALUE;
        for (ModelTrainer.Listener l : listeners) {
            every = Math.min(every, l.checkpointEveryMillis());
        }
        long lastSave = System.nanoTime();
        for (int e = start; e < maxEpochs; e++) {
            int k = p.k;
            int[][] order = new int[k][];
            Random[] dropRnd = new Random[k];
            float[] lr = new float[k];
            boolean any = false;
            // models of one seed share their shuffle: a sweep repeats its seeds over its other settings
            Map<Long, int[]> orders = new java.util.HashMap<>();
            for (int s = 0; s < k; s++) {
                int j = at[s];
                ModelSpec m = specs.get(j);
                Map<String, Object> t = m.training();
                if (active[j] && e >= epochs[j]) {
                    active[j] = false;
                }
                books[j].lr = Dl4jTrainer.learningRate(t, (Double) t.get("lr"), books[j].lr, e, epochs[j]);
                lr[s] = active[j] ? (float) books[j].lr : 0f;
                // each model's shuffle and dropout come from its seed and the epoch, whatever its pack
                long shuffleSeed = m.seed() * 31 + e;
                order[s] = orders.computeIfAbsent(shuffleSeed, x -> Dl4jTrainer.shuffled(n, x));
                dropRnd[s] = new Random(m.seed() * 31 + e + 0x9E3779B97F4A7C15L);
                any |= active[j];
            }
            if (!any) {
                break;
            }
            p.epoch(order, lr, dropRnd);
            float[] sums = p.lossSum.toFloatVector();
            Pack.Predictions val = data.validation().rows() > 0 ? p.predict(data.validation(), p.w, p.b) : null;
            boolean[] asked = new boolean[k];
            for (int s = 0; s < k; s++) {
                int j = at[s];
                if (!active[j]) {
                    continue;
                }
                double trainLoss = sums[s] / (double) n;
                if (!Double.isFinite(trainLoss)) {
                    failure[j] = "the training loss became " + trainLoss + " at epoch " + e
                            + " (lower lr, enable clip, or check the inputs)";
                    active[j] = false;
                    continue;
                }
                double[] vy = data.validation().y();
                double valLoss = val == null ? trainLoss : val.loss(s, vy);
                double metric = val == null ? Double.NaN : val.metric(s, vy);
                curves.get(j).add(new TrainingResult.Epoch(e, trainLoss, valLoss, metric, books[j].lr));
                String monitor = (String) specs.get(j).training().get("monitor");
                double monitored = switch (monitor) {
                    case "val_accuracy", "val_rmse" -> val == null ? -trainLoss : metric;
                    case "val_composite" -> val == null ? -trainLoss
                            : Scores.composite(val.of(s), vy, classify, classify ? p.c : 0);
                    default -> valLoss;
                };
                EpochBook.Verdict v = books[j].observe(e, monitored, valLoss, !kept[j]);
                if (v == EpochBook.Verdict.IMPROVED) {
                    p.keep(s);
                    kept[j] = true;
                }
                listeners.get(j).epoch(curves.get(j).get(curves.get(j).size() - 1));
                if (v == EpochBook.Verdict.STOP) {
                    active[j] = false;
                } else {
                    asked[s] = true;
                }
            }
            // every model's epoch is told before any is asked whether the run's search stops it: the models of a
            // pack finish the epoch together, so each is judged with all of them known
            int live = 0;
            for (int s = 0; s < k; s++) {
                int j = at[s];
                String why = asked[s] && active[j] && e + 1 < epochs[j]
                        ? listeners.get(j).stop(curves.get(j).get(curves.get(j).size() - 1)) : null;
                if (why != null) {
                    active[j] = false; // stopped by the run's search; its best weights so far are kept
                    searched[j] = true;
                    stops[j] = why;
                }
                live += active[j] && e + 1 < epochs[j] ? 1 : 0;
            }
            if (live > 0 && live <= k * 3 / 4) {
                int[] leaving = new int[k - live];
                int[] staying = new int[live];
                int a = 0;
                int b = 0;
                for (int s = 0; s < k; s++) {
                    int j = at[s];
                    if (active[j] && e + 1 < epochs[j]) {
                        staying[b++] = s;
                    } else {
                        leaving[a++] = s;
                    }
                }
                for (int s : leaving) {
                    leftKept.put(at[s], p.kept(s));
                }
                finish(p, at, leaving, failure, searched, finished, importance, modelFiles);
                int[] next = new int[live];
                for (int s = 0; s < live; s++) {
                    next[s] = at[staying[s]];
                }
                p = new Pack(next.length == 0 ? List.of() : pick(specs, next), data, classify, p, staying);
                at = next;
            }
            if (ckpt != null && live > 0 && (System.nanoTime() - lastSave) / 1_000_000L >= every) {
                double[][] bk = new double[total][];
                for (int j = 0; j < total; j++) {
                    EpochBook b = books[j];
                    bk[j] = new double[] {b.best, b.bestEpoch, b.sinceBest, b.lr, b.plateau, b.plateauBest};
                }
                PackCheckpoint.State st = new PackCheckpoint.State(PackCheckpoint.VERSION,
                        specs.stream().map(ModelSpec::key).toList(), data.fold(), data.train().rows(), e + 1, p.step,
                        at, active, kept, failure, searched, stops, bk, curves,
                        leftKept.keySet().stream().mapToInt(Integer::intValue).toArray());
                try {
                    PackCheckpoint.write(ckpt, st, p.arrays(), leftKept);
                } catch (IOException ex) {
                    // a checkpoint is for a resume only: the pack trains on without it
                    LOG.warn("cannot write the pack's checkpoint {}: {}", ckpt, ex.getMessage());
                }
                lastSave = System.nanoTime();
            }
        }
        int[] all = new int[p.k];
        for (int s = 0; s < p.k; s++) {
            all[s] = s;
        }
        finish(p, at, all, failure, searched, finished, importance, modelFiles);
        long millis = (System.nanoTime() - t0) / 1_000_000L;
        List<TrainingResult> out = new ArrayList<>();
        for (int j = 0; j < total; j++) {
            if (failure[j] != null) {
                out.add(TrainingResult.failed(failure[j], curves.get(j), millis / total));
            } else {
                TrainingResult.Predictions[] pr = finished[j];
                out.add(new TrainingResult(true, null, curves.get(j), books[j].bestEpoch, pr[0], pr[1], pr[2],
                        millis / total, List.of(), importance[j]));
            }
        }
        return out;
    }

    /**
     * The models at the pack's places {@code places} are done: each one's predictions by its kept weights, and its
     * model file written (a failure to write it becomes its failure).
     */
    private static void finish(Pack p, int[] at, int[] places, String[] failure, boolean[] searched,
                               TrainingResult.Predictions[][] finished, double[][] importance,
                               List<Path> modelFiles) {
        boolean any = false;
        for (int s : places) {
            any |= failure[at[s]] == null;
        }
        if (!any) {
            return;
        }
        Pack.Predictions va = p.predict(p.data.validation(), p.bestW, p.bestB);
        Pack.Predictions te = p.predict(p.data.test(), p.bestW, p.bestB);
        boolean wanted = false;
        for (int s : places) {
            wanted |= failure[at[s]] == null && !searched[at[s]];
        }
        // every model of the pack at once, from the kept weights in memory (not each model's file read back)
        double[][] imp = wanted ? p.importance() : null;
        for (int s : places) {
            int j = at[s];
            if (failure[j] != null) {
                continue;
            }
            if (modelFiles != null && modelFiles.get(j) != null) {
                try {
                    Checkpoint.writeNetwork(modelFiles.get(j), p.network(s), false, false);
                } catch (IOException ex) {
                    failure[j] = "cannot save the model to " + modelFiles.get(j) + ": " + ex.getMessage();
                    continue;
                }
            }
            finished[j] = new TrainingResult.Predictions[]{null, va.of(s), te.of(s)};
            importance[j] = imp == null || searched[j] ? null : imp[s];
        }
    }

    /** The layer sizes of a pack of {@code first}'s shape: inputs, each hidden layer, outputs. */
    private static int[] dims(ModelSpec first, int inputs, int outputs) {
        List<Integer> hidden = first.type() == ModelType.DNN ? hidden(first) : List.of();
        int[] dims = new int[hidden.size() + 2];
        dims[0] = inputs;
        for (int i = 0; i < hidden.size(); i++) {
            dims[i + 1] = hidden.get(i);
        }
        dims[dims.length - 1] = outputs;
        return dims;
    }

    private static List<ModelSpec> pick(List<ModelSpec> specs, int[] idx) {
        List<ModelSpec> out = new ArrayList<>();
        for (int j : idx) {
            out.add(specs.get(j));
        }
        return out;
    }

    /** The arrays and per-model state of one packed loop. */
    private static final class Pack implements AutoCloseable {
        final List<ModelSpec> specs;
        final PreparedData data;
        final boolean classify;
        final int k;
        final int f;
        final int c;
        final int[] dims;
        final int layers;
        final String activation;
        final int batch;
        final boolean sgd;
        final INDArray[] w;
        final INDArray[] b;
        final INDArray[] bestW;
        final INDArray[] bestB;
        final INDArray[] m1W;
        final INDArray[] m1B;
        final INDArray[] m2W;
        final INDArray[] m2B;
        /** Per model [k,1,1]: the learning rate this epoch (0 for a model that is done), L2, L1, decoupled decay. */
        final INDArray lrArr;
        final INDArray l2;
        final INDArray l1;
        final INDArray decay;
        final double[] clip;
        final boolean anyL1;
        final boolean anyL2;
        final boolean anyDecay;
        final boolean anyClip;
        final double[] dropout;
        final boolean anyDropout;
        /** Per model [k,1,1]: Nesterov momentum. */
        final INDArray momentum;
        final float[] trainX;
        final float[] trainY;
        final MemoryWorkspace ws;
        /** Each part's rows as floats, by identity. */
        final Map<PreparedData.Part, float[]> partRows = new java.util.IdentityHashMap<>();
        /** Prediction inputs by chunk size, reused. */
        final Map<Integer, INDArray> inputs = new java.util.HashMap<>();
        /** Per model: the training loss summed over an epoch's batches. */
        final INDArray lossSum;
        /** Whether this pack made its workspace (a narrowed pack uses its origin's). */
        final boolean ownsWorkspace;
        private Batch full;
        private Batch tail;
        long step;

        /**
         * A pack of {@code specs}: new (weights from each model's seed, as DL4J starts it) when {@code from} is null;
         * otherwise narrowed from {@code from} to its places {@code places} (weights, kept weights, optimizer state
         * and step carried over).
         */
        Pack(List<ModelSpec> specs, PreparedData data, boolean classify, Pack from, int[] places) {
            this.specs = specs;
            this.data = data;
            this.classify = classify;
            this.k = specs.size();
            this.f = data.features();
            this.c = classify ? data.classes() : 1;
            ModelSpec first = specs.get(0);
            this.dims = dims(first, f, c);
            this.layers = dims.length - 1;
            this.activation = first.type() == ModelType.DNN ? (String) first.hyper().get("activation") : "identity";
            this.batch = Math.max(1, Math.min((Integer) first.training().get("batchSize"), data.train().rows()));
            this.sgd = "sgd".equals(first.training().get("optimizer"));
            w = new INDArray[layers];
            b = new INDArray[layers];
            bestW = new INDArray[layers];
            bestB = new INDArray[layers];
            m1W = new INDArray[layers];
            m1B = new INDArray[layers];
            m2W = new INDArray[layers];
            m2B = new INDArray[layers];
            if (from != null) {
                for (int l = 0; l < layers; l++) {
                    w[l] = narrow(from.w[l], places);
                    b[l] = narrow(from.b[l], places);
                    bestW[l] = narrow(from.bestW[l], places);
                    bestB[l] = narrow(from.bestB[l], places);
                    m1W[l] = narrow(from.m1W[l], places);
                    m1B[l] = narrow(from.m1B[l], places);
                    m2W[l] = narrow(from.m2W[l], places);
                    m2B[l] = narrow(from.m2B[l], places);
                }
                step = from.step;
            }
            // each model starts where DL4J starts it for its seed (Xavier weights, zero biases)
            float[][][] initW = new float[layers][k][];
            float[][][] initB = new float[layers][k][];
            for (int j = 0; j < k && from == null; j++) {
                ModelSpec m = specs.get(j);
                Nd4j.getRandom().setSeed(m.seed());
                MultiLayerNetwork net = new MultiLayerNetwork(Dl4jTrainer.configure(m, f, c, classify));
                net.init();
                for (int l = 0; l < layers; l++) {
                    initW[l][j] = Floats.of(net.getParam(l + "_W"));
                    initB[l][j] = Floats.of(net.getParam(l + "_b"));
                }
            }
            for (int l = 0; l < layers && from == null; l++) {
                float[] wAll = new float[k * dims[l] * dims[l + 1]];
                float[] bAll = new float[k * dims[l + 1]];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(initW[l][j], 0, wAll, j * dims[l] * dims[l + 1], dims[l] * dims[l + 1]);
                    System.arraycopy(initB[l][j], 0, bAll, j * dims[l + 1], dims[l + 1]);
                }
                w[l] = Floats.array(wAll, k, dims[l], dims[l + 1]);
                b[l] = Floats.array(bAll, k, 1, dims[l + 1]);
                bestW[l] = w[l].dup();
                bestB[l] = b[l].dup();
                m1W[l] = Nd4j.zeros(DataType.FLOAT, k, dims[l], dims[l + 1]);
                m1B[l] = Nd4j.zeros(DataType.FLOAT, k, 1, dims[l + 1]);
                m2W[l] = Nd4j.zeros(DataType.FLOAT, k, dims[l], dims[l + 1]);
                m2B[l] = Nd4j.zeros(DataType.FLOAT, k, 1, dims[l + 1]);
            }
            lrArr = Nd4j.zeros(DataType.FLOAT, k, 1, 1);
            float[] l2v = new float[k];
            float[] l1v = new float[k];
            float[] dv = new float[k];
            clip = new double[k];
            dropout = new double[k];
            float[] mo = new float[k];
            for (int j = 0; j < k; j++) {
                ModelSpec m = specs.get(j);
                Map<String, Object> t = m.training();
                double l2 = m.hyper().containsKey("l2") ? (Double) m.hyper().get("l2") : 0;
                double wd = (Double) t.get("weightDecay");
                if ("adamw".equals(t.get("optimizer"))) {
                    dv[j] = (float) wd;
                } else {
                    l2 += wd;
                }
                l2v[j] = (float) l2;
                l1v[j] = m.hyper().containsKey("l1") ? ((Double) m.hyper().get("l1")).floatValue() : 0f;
                clip[j] = (Double) t.get("clip");
                dropout[j] = m.hyper().containsKey("dropout") ? (Double) m.hyper().get("dropout") : 0;
                mo[j] = ((Double) t.get("momentum")).floatValue();
            }
            l2 = Nd4j.create(l2v, new long[]{k, 1, 1});
            l1 = Nd4j.create(l1v, new long[]{k, 1, 1});
            decay = Nd4j.create(dv, new long[]{k, 1, 1});
            anyL2 = any(l2v);
            anyL1 = any(l1v);
            anyDecay = any(dv);
            anyClip = java.util.Arrays.stream(clip).anyMatch(x -> x > 0);
            anyDropout = layers > 1 && java.util.Arrays.stream(dropout).anyMatch(x -> x > 0);
            momentum = Nd4j.create(mo, new long[]{k, 1, 1});
            lossSum = Nd4j.zeros(DataType.FLOAT, k);
            if (from != null) {
                partRows.putAll(from.partRows);
                trainX = from.trainX;
                trainY = from.trainY;
                ws = from.ws;
                ownsWorkspace = false;
            } else {
                trainX = rows(data.train());
                trainY = targets(data.train());
                ws = Nd4j.getWorkspaceManager().createNewWorkspace(WS, "atlas-pack-" + Thread.currentThread().getId());
                ownsWorkspace = true;
            }
        }

        /** The slices {@code places} of a [models, ...] array, as a new array. */
        private static INDArray narrow(INDArray a, int[] places) {
            long[] shape = a.shape().clone();
            shape[0] = places.length;
            INDArray out = Nd4j.create(a.dataType(), shape);
            for (int s = 0; s < places.length; s++) {
                out.slice(s).assign(a.slice(places[s]));
            }
            return out;
        }

        /** One epoch of every model of the pack: its batches in each model's {@code order}, at its rate {@code lr}. */
        void epoch(int[][] order, float[] lr, Random[] dropRnd) {
            int n = data.train().rows();
            if (full == null) {
                full = new Batch(batch);
                tail = n % batch == 0 ? full : new Batch(n % batch);
            }
            lrArr.assign(Nd4j.create(lr, new long[]{k, 1, 1}));
            lossSum.assign(0);
            for (int s = 0; s < n; s += batch) {
                Batch bt = s + batch <= n ? full : tail;
                bt.gather(order, s);
                try (MemoryWorkspace scope = ws.notifyScopeEntered()) {
                    step(bt, lr, dropRnd, lossSum);
                }
            }
        }

        /** One gradient step of every model on its batch; adds each model's summed loss to {@code lossSum}. */
        private void step(Batch bt, float[] lr, Random[] dropRnd, INDArray lossSum) {
            int rows = bt.rows;
            INDArray[] acts = new INDArray[layers + 1];
            INDArray[] pre = new INDArray[layers];
            INDArray[] masks = new INDArray[layers];
            acts[0] = bt.x;
            for (int l = 0; l < layers; l++) {
                INDArray z = Nd4j.matmul(acts[l], w[l]).addi(b[l]);
                pre[l] = z;
                if (l < layers - 1) {
                    INDArray a = activate(z);
                    if (anyDropout) {
                        masks[l] = bt.mask(l, dims[l + 1], dropRnd);
                        a.muli(masks[l]);
                    }
                    acts[l + 1] = a;
                } else {
                    acts[l + 1] = classify ? softmax(z) : z;
                }
            }
            INDArray outAct = acts[layers];
            INDArray dz;
            if (classify) {
                INDArray logp = Transforms.log(Transforms.max(outAct, 1e-12, true), false);
                lossSum.subi(logp.muli(bt.y).sum(1, 2));
                dz = outAct.sub(bt.y).divi(rows);
            } else {
                INDArray d = outAct.sub(bt.y);
                lossSum.addi(d.mul(d).sum(1, 2));
                dz = d.muli(2.0 / rows);
            }
            step++;
            for (int l = layers - 1; l >= 0; l--) {
                INDArray gw = Nd4j.matmul(acts[l], dz, null, true, false, false);
                INDArray gb = dz.sum(true, 1);
                INDArray next = null;
                if (l > 0) {
                    INDArray da = Nd4j.matmul(dz, w[l], null, false, true, false);
                    if (masks[l - 1] != null) {
                        da.muli(masks[l - 1]);
                    }
                    next = da.muli(derivative(pre[l - 1], acts[l]));
                }
                if (anyL2) {
                    gw.addi(w[l].mul(l2));
                }
                if (anyL1) {
                    gw.addi(Transforms.sign(w[l], true).muli(l1));
                }
                if (anyClip) {
                    clip(gw, gb);
                }
                update(l, gw, gb);
                dz = next;
            }
        }

        /** ClipL2PerLayer per model: the layer's gradient (weights and biases) scaled to at most {@code clip}. */
        private void clip(INDArray gw, INDArray gb) {
            float[] nw = gw.norm2(1, 2).toFloatVector();
            float[] nb = gb.norm2(1, 2).toFloatVector();
            float[] factor = new float[k];
            for (int j = 0; j < k; j++) {
                double norm = Math.sqrt((double) nw[j] * nw[j] + (double) nb[j] * nb[j]);
                factor[j] = clip[j] > 0 && norm > clip[j] ? (float) (clip[j] / norm) : 1f;
            }
            INDArray fa = Nd4j.create(factor, new long[]{k, 1, 1});
            gw.muli(fa);
            gb.muli(fa);
        }

        private void update(int l, INDArray gw, INDArray gb) {
            if (sgd) {
                nesterov(w[l], m1W[l], gw);
                nesterov(b[l], m1B[l], gb);
                return;
            }
            adam(w[l], m1W[l], m2W[l], gw);
            adam(b[l], m1B[l], m2B[l], gb);
            if (anyDecay) {
                w[l].subi(w[l].mul(decay).muli(lrArr)); // AdamW: decoupled from the gradient
            }
        }

        /**
         * Adam as DL4J applies it (ND4J's fused updater op, bias-corrected), with a unit rate: the gradient becomes the
         * step, which each model's rate then scales.
         */
        private void adam(INDArray p, INDArray m, INDArray v, INDArray g) {
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(g, v, m, 1.0, BETA1, BETA2, EPS,
                    (int) step - 1));
            p.subi(g.muli(lrArr));
        }

        /** Nesterov momentum as DL4J's Nesterovs: v = mu v - lr g; p += -mu v_prev + (1 + mu) v. */
        private void nesterov(INDArray p, INDArray v, INDArray g) {
            INDArray mu = momentum;
            INDArray prev = v.dup();
            v.muli(mu).subi(g.mul(lrArr));
            p.addi(prev.muli(mu).negi()).addi(v.mul(mu.add(1)));
        }

        private INDArray activate(INDArray z) {
            return switch (activation) {
                case "relu" -> Transforms.relu(z, true);
                case "tanh" -> Transforms.tanh(z, true);
                case "sigmoid" -> Transforms.sigmoid(z, true);
                case "leakyrelu" -> Transforms.leakyRelu(z, 0.01, true);
                // DL4J's Activation.GELU: the same ND4J op, so the saved network predicts what the pack computed
                case "gelu" -> Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.GELU(z,
                        z.ulike()));
                default -> z.dup();
            };
        }

        /** The hidden activation's derivative at {@code z} ({@code a}: its output, after dropout). */
        private INDArray derivative(INDArray z, INDArray a) {
            return switch (activation) {
                case "relu" -> Transforms.sign(a, true); // 1 where the unit was active and kept, else 0
                case "leakyrelu" -> z.gt(0).castTo(DataType.FLOAT).muli(0.99).addi(0.01);
                case "tanh" -> {
                    INDArray t = Transforms.tanh(z, true);
                    yield t.muli(t).rsubi(1);
                }
                case "sigmoid" -> {
                    INDArray s = Transforms.sigmoid(z, true);
                    yield s.mul(s.rsub(1));
                }
                case "gelu" -> Nd4j.getExecutioner().exec(
                        new org.nd4j.linalg.api.ops.impl.transforms.strict.GELUDerivative(z, z.ulike()));
                default -> Nd4j.onesLike(z);
            };
        }

        private static INDArray softmax(INDArray z) {
            INDArray e = Transforms.exp(z.sub(z.max(true, 2)), false);
            return e.divi(e.sum(true, 2));
        }

        /** Every array a checkpoint keeps: per layer w, b, bestW, bestB, m1W, m1B, m2W, m2B. */
        INDArray[] arrays() {
            INDArray[] out = new INDArray[8 * layers];
            for (int l = 0; l < layers; l++) {
                INDArray[] a = {w[l], b[l], bestW[l], bestB[l], m1W[l], m1B[l], m2W[l], m2B[l]};
                System.arraycopy(a, 0, out, 8 * l, 8);
            }
            return out;
        }

        /** Puts back what {@link #arrays} gave, and the optimizer's step count. */
        void restore(INDArray[] a, long step) {
            for (int l = 0; l < layers; l++) {
                INDArray[] to = {w[l], b[l], bestW[l], bestB[l], m1W[l], m1B[l], m2W[l], m2B[l]};
                for (int i = 0; i < 8; i++) {
                    if (!java.util.Arrays.equals(to[i].shape(), a[8 * l + i].shape())) {
                        throw new IllegalArgumentException("checkpoint array " + (8 * l + i) + " has shape "
                                + java.util.Arrays.toString(a[8 * l + i].shape()) + ", the pack "
                                + java.util.Arrays.toString(to[i].shape()));
                    }
                    to[i].assign(a[8 * l + i]);
                }
            }
            this.step = step;
        }

        /** The kept weights of the model at place {@code s}: per layer W then b (copies). */
        INDArray[] kept(int s) {
            INDArray[] out = new INDArray[2 * layers];
            for (int l = 0; l < layers; l++) {
                out[2 * l] = bestW[l].slice(s).dup();
                out[2 * l + 1] = bestB[l].slice(s).dup();
            }
            return out;
        }

        /** Sets the kept weights of the model at place {@code s} to {@code kept} ({@link #kept}'s layout). */
        void setKept(int s, INDArray[] kept) {
            for (int l = 0; l < layers; l++) {
                bestW[l].slice(s).assign(kept[2 * l]);
                bestB[l].slice(s).assign(kept[2 * l + 1]);
            }
        }

        /** Copies every model's current weights into its kept (best) weights. */
        private void keep(int j) {
            for (int l = 0; l < layers; l++) {
                bestW[l].slice(j).assign(w[l].slice(j));
                bestB[l].slice(j).assign(b[l].slice(j));
            }
        }

        /** Every model's outputs on {@code part}, without dropout, in chunks of the batch size. */
        private Predictions predict(PreparedData.Part part, INDArray[] weights, INDArray[] bs) {
            int n = part.rows();
            float[] x = rows(part);
            float[] outAll = new float[k * n * c];
            int chunk = Math.max(batch, 1024);
            for (int s = 0; s < n; s += chunk) {
                int rows = Math.min(chunk, n - s);
                float[] block = new float[k * rows * f];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(x, s * f, block, j * rows * f, rows * f);
                }
                INDArray input = inputs.computeIfAbsent(rows, r -> Nd4j.create(DataType.FLOAT, k, r, f));
                Floats.buffer(input).put(block);
                try (MemoryWorkspace scope = ws.notifyScopeEntered()) {
                    INDArray a = input;
                    for (int l = 0; l < layers; l++) {
                        INDArray z = Nd4j.matmul(a, weights[l]).addi(bs[l]);
                        a = l < layers - 1 ? activate(z) : classify ? softmax(z) : z;
                    }
                    float[] o = Floats.of(a);
                    for (int j = 0; j < k; j++) {
                        System.arraycopy(o, j * rows * c, outAll, (j * n + s) * c, rows * c);
                    }
                }
            }
            return new Predictions(outAll, n);
        }

        /**
         * Every model's permutation importance ({@link Importance}: the same latest validation rows, the same
         * shuffles for its seed, the same losses) from its kept weights, every model at once. Shuffling input column
         * {@code j} changes a model's first layer by a rank-one term: {@code z = x W + b} becomes {@code z + d w_j},
         * with {@code d} the shuffled column minus the column and {@code w_j} row {@code j} of {@code W}. So the first
         * layer's product on the unshuffled rows is computed once and each column costs an outer product and the
         * layers above it. Null when the validation part has fewer than two rows.
         */
        double[][] importance() {
            PreparedData.Part v = Importance.latest(data.validation(), Importance.MAX_ROWS);
            int n = v.rows();
            if (n < 2) {
                return null;
            }
            float[] x = convert(v);
            double[] y = v.y();
            int chunk = Math.max(batch, 1024);
            int chunks = (n + chunk - 1) / chunk;
            // the first layer's product per row chunk, kept across the columns when it fits in BASE_FLOATS
            boolean keep = (long) k * n * dims[1] <= BASE_FLOATS;
            INDArray[] base = new INDArray[chunks];
            double[] baseSum = new double[k];
            double[][] sum = new double[k][f];
            for (int j = -1; j < f; j++) { // -1: the rows as they are
                int[][] perm = j < 0 ? null : permutations(n, j);
                INDArray wj = j < 0 ? null : bestW[0].get(NDArrayIndex.all(), NDArrayIndex.interval(j, j + 1),
                        NDArrayIndex.all());
                for (int q = 0; q < chunks; q++) {
                    int s0 = q * chunk;
                    int rows = Math.min(chunk, n - s0);
                    if (keep && base[q] == null) {
                        base[q] = firstLayer(x, s0, rows); // outside the workspace: kept across the columns
                    }
                    float[] out;
                    float[] lse = null;
                    try (MemoryWorkspace scope = ws.notifyScopeEntered()) {
                        INDArray z1 = keep ? base[q] : firstLayer(x, s0, rows);
                        INDArray z = z1;
                        if (j >= 0) {
                            float[] d = new float[k * rows];
                            // models of one seed share their shuffle (the same array): gathered once, copied after
                            Map<int[], Integer> first = new java.util.IdentityHashMap<>();
                            for (int s = 0; s < k; s++) {
                                int[] ps = perm[s];
                                Integer done = first.putIfAbsent(ps, s);
                                if (done != null) {
                                    System.arraycopy(d, done * rows, d, s * rows, rows);
                                    continue;
                                }
                                for (int i = 0; i < rows; i++) {
                                    d[s * rows + i] = x[ps[s0 + i] * f + j] - x[(s0 + i) * f + j];
                                }
                            }
                            z = z1.add(Nd4j.matmul(Floats.array(d, k, rows, 1), wj));
                        }
                        INDArray a = z;
                        for (int l = 1; l < layers; l++) {
                            a = Nd4j.matmul(activate(a), bestW[l]).addi(bestB[l]);
                        }
                        if (classify) {
                            // log-softmax without the softmax's division: the logits less their row's largest, and
                            // the log of their exponentials' sum, taken in ND4J (no Java log a row)
                            INDArray shifted = a.sub(a.max(true, 2));
                            out = Floats.of(shifted);
                            lse = Floats.of(Transforms.log(Transforms.exp(shifted, false).sum(true, 2), false));
                        } else {
                            out = Floats.of(a);
                        }
                    }
                    for (int s = 0; s < k; s++) {
                        double add = 0;
                        for (int i = 0; i < rows; i++) {
                            if (classify) {
                                // -log p of the true class, p clipped at 1e-7 as Importance.loss does
                                add += Math.min(MAX_ROW_LOSS, lse[s * rows + i] - out[(s * rows + i) * c + (int) y[s0
                                        + i]]);
                            } else {
                                double e = out[s * rows + i] - y[s0 + i];
                                add += e * e;
                            }
                        }
                        if (j < 0) {
                            baseSum[s] += add;
                        } else {
                            sum[s][j] += add;
                        }
                    }
                }
            }
            double[][] imp = new double[k][f];
            for (int s = 0; s < k; s++) {
                for (int j = 0; j < f; j++) {
                    imp[s][j] = sum[s][j] / n - baseSum[s] / n;
                }
            }
            return imp;
        }

        /** Each model's shuffle of column {@code j} ({@link Importance#shuffle}), one per distinct seed. */
        private int[][] permutations(int n, int j) {
            int[][] out = new int[k][];
            Map<Long, int[]> bySeed = new java.util.HashMap<>();
            for (int s = 0; s < k; s++) {
                out[s] = bySeed.computeIfAbsent(specs.get(s).seed(), seed -> Importance.shuffle(n, seed, j));
            }
            return out;
        }

        /** Every model's first-layer product {@code x W + b} on rows {@code [s0, s0 + rows)}: [model][row][unit]. */
        private INDArray firstLayer(float[] x, int s0, int rows) {
            float[] block = new float[k * rows * f];
            for (int s = 0; s < k; s++) {
                System.arraycopy(x, s0 * f, block, s * rows * f, rows * f);
            }
            INDArray input = Floats.array(block, k, rows, f);
            return Nd4j.matmul(input, bestW[0]).addi(bestB[0]);
        }

        /** Model j's network as DL4J layers with its kept weights. */
        private MultiLayerNetwork network(int j) {
            ModelSpec m = specs.get(j);
            MultiLayerNetwork net = new MultiLayerNetwork(Dl4jTrainer.configure(m, f, c, classify));
            net.init();
            for (int l = 0; l < layers; l++) {
                net.setParam(l + "_W", bestW[l].slice(j).dup('c'));
                net.setParam(l + "_b", bestB[l].slice(j).reshape(1, dims[l + 1]).dup('c'));
            }
            return net;
        }

        /** The rows of a part as one float array (rows x features), converted once per part. */
        private float[] rows(PreparedData.Part p) {
            return partRows.computeIfAbsent(p, this::convert);
        }

        private float[] convert(PreparedData.Part p) {
            float[] x = new float[p.rows() * f];
            for (int i = 0; i < p.rows(); i++) {
                double[] r = p.x()[i];
                for (int q = 0; q < f; q++) {
                    x[i * f + q] = (float) r[q];
                }
            }
            return x;
        }

        private float[] targets(PreparedData.Part p) {
            float[] y = new float[p.rows()];
            for (int i = 0; i < p.rows(); i++) {
                y[i] = (float) p.y()[i];
            }
            return y;
        }

        @Override
        public void close() {
            if (ownsWorkspace) {
                ws.destroyWorkspace();
            }
        }

        /** Preallocated inputs and targets of one batch size, filled by the models' shuffled indices. */
        private final class Batch {
            final int rows;
            final INDArray x;
            final INDArray y;
            final FloatBuffer xb;
            final FloatBuffer yb;
            final float[] xs;
            final float[] ys;
            final Map<Integer, INDArray> masks = new java.util.HashMap<>();

            Batch(int rows) {
                this.rows = rows;
                x = Nd4j.create(DataType.FLOAT, k, rows, f);
                y = Nd4j.create(DataType.FLOAT, k, rows, c);
                xb = Floats.buffer(x);
                yb = Floats.buffer(y);
                xs = new float[k * rows * f];
                ys = new float[k * rows * c];
            }

            /** Inverted-dropout masks of hidden layer {@code l} for every model, from its generator; reused. */
            INDArray mask(int l, int units, Random[] rnd) {
                INDArray m = masks.get(l);
                if (m == null) {
                    // kept across batches: outside the workspace that is reset after each one
                    try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                        m = Nd4j.create(DataType.FLOAT, k, rows, units);
                    }
                    masks.put(l, m);
                }
                float[] v = new float[k * rows * units];
                for (int j = 0; j < k; j++) {
                    double p = dropout[j];
                    int off = j * rows * units;
                    if (p <= 0) {
                        java.util.Arrays.fill(v, off, off + rows * units, 1f);
                        continue;
                    }
                    float scale = (float) (1 / (1 - p));
                    for (int i = 0; i < rows * units; i++) {
                        v[off + i] = rnd[j].nextDouble() < p ? 0f : scale;
                    }
                }
                Floats.buffer(m).put(v);
                return m;
            }

            void gather(int[][] order, int start) {
                java.util.Arrays.fill(ys, 0f);
                // models of one seed share their order (the same array): their batch is gathered row by row
                // once, then copied whole
                java.util.Map<int[], Integer> first = new java.util.IdentityHashMap<>();
                for (int j = 0; j < k; j++) {
                    int[] o = order[j];
                    Integer done = first.putIfAbsent(o, j);
                    if (done != null) {
                        System.arraycopy(xs, done * rows * f, xs, j * rows * f, rows * f);
                        System.arraycopy(ys, done * rows * c, ys, j * rows * c, rows * c);
                        continue;
                    }
                    for (int i = 0; i < rows; i++) {
                        int r = o[start + i];
                        System.arraycopy(trainX, r * f, xs, (j * rows + i) * f, f);
                        if (classify) {
                            ys[(j * rows + i) * c + (int) trainY[r]] = 1f;
                        } else {
                            ys[j * rows + i] = trainY[r];
                        }
                    }
                }
                xb.clear();
                xb.put(xs);
                yb.clear();
                yb.put(ys);
            }
        }

        /** Outputs of every model on one part: [model][row][output]. */
        private final class Predictions {
            final float[] out;
            final int n;

            Predictions(float[] out, int n) {
                this.out = out;
                this.n = n;
            }

            /** As {@link Scores#loss} of {@link #of}(j), without building it. */
            double loss(int j, double[] y) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    if (classify) {
                        sum -= Math.log(Math.max(1e-12, out[(j * n + i) * c + (int) y[i]]));
                    } else {
                        double d = out[j * n + i] - y[i];
                        sum += d * d;
                    }
                }
                return n == 0 ? Double.NaN : sum / n;
            }

            /** As {@link Scores#metric} of {@link #of}(j): accuracy (the first largest probability) or RMSE. */
            double metric(int j, double[] y) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    if (classify) {
                        int base = (j * n + i) * c;
                        int arg = 0;
                        for (int q = 1; q < c; q++) {
                            if (out[base + q] > out[base + arg]) {
                                arg = q;
                            }
                        }
                        sum += arg == (int) y[i] ? 1 : 0;
                    } else {
                        double d = out[j * n + i] - y[i];
                        sum += d * d;
                    }
                }
                return classify ? sum / n : Math.sqrt(sum / n);
            }

            TrainingResult.Predictions of(int j) {
                double[] values = new double[n];
                if (!classify) {
                    for (int i = 0; i < n; i++) {
                        values[i] = out[j * n + i];
                    }
                    return new TrainingResult.Predictions(values, null);
                }
                double[][] prob = new double[n][c];
                for (int i = 0; i < n; i++) {
                    int arg = 0;
                    for (int q = 0; q < c; q++) {
                        prob[i][q] = out[(j * n + i) * c + q];
                        if (prob[i][q] > prob[i][arg]) {
                            arg = q;
                        }
                    }
                    values[i] = arg;
                }
                return new TrainingResult.Predictions(values, prob);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> hidden(ModelSpec m) {
        return (List<Integer>) m.hyper().get("hidden");
    }

    private static boolean any(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyTrue(boolean[] v) {
        for (boolean x : v) {
            if (x) {
                return true;
            }
        }
        return false;
    }
}
