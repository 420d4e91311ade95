package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.results.Probabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Packed training: many small dense networks of one shape (linear, logistic, or dense with the same hidden layers and
 * activation) trained together on one fold, in the manner of horizontal fusion. What makes a model itself stays its
 * own: the initialisation from its seed, its shuffle order and dropout masks (from its seed and the epoch), its
 * learning rate and schedule, penalties, clipping, optimizer state and early stopping. A model's numbers therefore do
 * not depend on which models it was packed with: trained in a pack of one it gives the same curves and predictions
 * within float tolerance ({@code PackedDenseTest}).
 *
 * <p>The loop runs model by model in plain Java on the heap ({@link DenseLoops}), each layer's values kept unit by
 * unit over the batch's rows, so that every loop vectorises; ND4J's per-op calls on these small shapes cost more than
 * the arithmetic. The fold's rows are copied once into float arrays; models that share a shuffle (one seed, other
 * settings) share each gathered batch, and their first layers' weight gradients are one OpenBLAS product of that
 * batch with their output gradients (a sum over rows, which Java's loops cannot vectorise). One validation pass an
 * epoch gives the loss, the metric and the monitored value. Losses are the data losses (cross-entropy, mean squared
 * error) without the penalties. Dropout is inverted dropout on each hidden layer's output. The kept weights (best
 * epoch) are written as a DL4J {@link MultiLayerNetwork} of the same layers, so every reader of model files reads
 * them as before.
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
    /**
     * The size (inputs times units) from which a layer runs on OpenBLAS ({@code Net.dense}, {@code Net.wideBack}); a
     * tiny model's 30-by-8 and 8-by-3 layers stay in Java, where a product's call and copies would cost more than the
     * arithmetic.
     */
    private static final int BLAS_MIN = 1024;

    /** The least true-class probability a row's log loss takes, as {@link Importance#loss} clips it. */
    private static final double MIN_ROW_P = 1e-7;

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
        Pack p = saved == null ? new Pack(specs, data, classify, null, null)
                : new Pack(pick(specs, saved.state().at()), data, classify, null, null);
        if (saved != null) {
            p.restore(saved.pack(), saved.state().step());
        }
        List<TrainingResult> results = run(specs, p, listeners, modelFiles, t0, saved, ckpt);
        PackCheckpoint.delete(ckpt);
        return results;
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
                Pack left = new Pack(pick(specs, idx), data, classify, null, null);
                int[] places = new int[idx.length];
                for (int s = 0; s < idx.length; s++) {
                    left.setKept(s, leftKept.get(idx[s]));
                    places[s] = s;
                }
                finish(left, idx, places, failure, searched, finished, importance, modelFiles);
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
            SplittableRandom[] dropRnd = new SplittableRandom[k];
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
                dropRnd[s] = new SplittableRandom(m.seed() * 31 + e + 0x9E3779B97F4A7C15L);
                any |= active[j];
            }
            if (!any) {
                break;
            }
            p.epoch(order, lr, dropRnd);
            double[] sums = p.lossSum;
            boolean validated = data.validation().rows() > 0;
            boolean composite = false;
            for (int s = 0; s < k; s++) {
                composite |= active[at[s]] && "val_composite".equals(specs.get(at[s]).training().get("monitor"));
            }
            // every model's loss and metric in one pass that keeps no outputs, whatever its pack-mates monitor; the
            // outputs themselves only for a composite score
            double[][] scored = validated ? p.score(data.validation(), p.w, p.b) : null;
            Pack.Predictions val = validated && composite ? p.predict(data.validation(), p.w, p.b) : null;
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
                double valLoss = scored != null ? scored[0][s] : trainLoss;
                double metric = scored != null ? scored[1][s] : Double.NaN;
                curves.get(j).add(new TrainingResult.Epoch(e, trainLoss, valLoss, metric, books[j].lr));
                String monitor = (String) specs.get(j).training().get("monitor");
                double monitored = switch (monitor) {
                    case "val_accuracy", "val_rmse" -> validated ? metric : -trainLoss;
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
                Pack narrowed = new Pack(next.length == 0 ? List.of() : pick(specs, next), data, classify, p, staying);
                p.free();
                p = narrowed;
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
        p.free();
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
    private static final class Pack {
        final List<ModelSpec> specs;
        final PreparedData data;
        final boolean classify;
        final int k;
        final int f;
        final int c;
        final int[] dims;
        final int layers;
        final int act;
        final int batch;
        final boolean sgd;
        /**
         * Per layer l, every model's parameters back to back: weights [model][dims[l]][dims[l + 1]] and biases
         * [model][dims[l + 1]]; the kept (best) ones; Adam's moments (Nesterov's velocity in m1).
         */
        final float[][] w;
        final float[][] b;
        final float[][] bestW;
        final float[][] bestB;
        final float[][] m1W;
        final float[][] m1B;
        final float[][] m2W;
        final float[][] m2B;
        /** Per model: L2, L1, decoupled decay (AdamW), Nesterov momentum, the clip norm, the dropout rate. */
        final float[] l2;
        final float[] l1;
        final float[] decay;
        final float[] momentum;
        final double[] clip;
        final double[] dropout;
        final boolean anyL1;
        final boolean anyL2;
        final boolean anyClip;
        final boolean anyDropout;
        /** The training rows (each its features) and targets. */
        final float[][] trainX;
        final float[] trainY;
        /** Each part's rows as floats, by identity. */
        final Map<PreparedData.Part, float[][]> partRows = new java.util.IdentityHashMap<>();
        /** Per model: the training loss summed over an epoch's batches. */
        final double[] lossSum;
        long step;
        /** This epoch's rate per model (0 for a model that is done). */
        private float[] lr;
        /** This epoch's groups: the places of the models that share a shuffle, so their batch is gathered once. */
        private int[][] groups;
        private Work work;

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
            this.act = DenseLoops.activation(first.type() == ModelType.DNN
                    ? (String) first.hyper().get("activation") : "identity");
            this.batch = Math.max(1, Math.min((Integer) first.training().get("batchSize"), data.train().rows()));
            this.sgd = "sgd".equals(first.training().get("optimizer"));
            w = new float[layers][];
            b = new float[layers][];
            bestW = new float[layers][];
            bestB = new float[layers][];
            m1W = new float[layers][];
            m1B = new float[layers][];
            m2W = new float[layers][];
            m2B = new float[layers][];
            for (int l = 0; l < layers; l++) {
                int ws = dims[l] * dims[l + 1];
                int bs = dims[l + 1];
                if (from != null) {
                    w[l] = narrow(from.w[l], ws, places);
                    b[l] = narrow(from.b[l], bs, places);
                    bestW[l] = narrow(from.bestW[l], ws, places);
                    bestB[l] = narrow(from.bestB[l], bs, places);
                    m1W[l] = narrow(from.m1W[l], ws, places);
                    m1B[l] = narrow(from.m1B[l], bs, places);
                    m2W[l] = narrow(from.m2W[l], ws, places);
                    m2B[l] = narrow(from.m2B[l], bs, places);
                } else {
                    w[l] = new float[k * ws];
                    b[l] = new float[k * bs];
                    m1W[l] = new float[k * ws];
                    m1B[l] = new float[k * bs];
                    m2W[l] = new float[k * ws];
                    m2B[l] = new float[k * bs];
                }
            }
            if (from != null) {
                step = from.step;
            }
            // each model starts where DL4J starts it for its seed (Xavier weights, zero biases)
            for (int j = 0; j < k && from == null; j++) {
                ModelSpec m = specs.get(j);
                Nd4j.getRandom().setSeed(m.seed());
                MultiLayerNetwork net = new MultiLayerNetwork(Dl4jTrainer.configure(m, f, c, classify));
                net.init();
                for (int l = 0; l < layers; l++) {
                    float[] iw = Floats.of(net.getParam(l + "_W"));
                    float[] ib = Floats.of(net.getParam(l + "_b"));
                    System.arraycopy(iw, 0, w[l], j * iw.length, iw.length);
                    System.arraycopy(ib, 0, b[l], j * ib.length, ib.length);
                }
            }
            for (int l = 0; l < layers && from == null; l++) {
                bestW[l] = w[l].clone();
                bestB[l] = b[l].clone();
            }
            l2 = new float[k];
            l1 = new float[k];
            decay = new float[k];
            clip = new double[k];
            dropout = new double[k];
            momentum = new float[k];
            for (int j = 0; j < k; j++) {
                ModelSpec m = specs.get(j);
                Map<String, Object> t = m.training();
                double l2j = m.hyper().containsKey("l2") ? (Double) m.hyper().get("l2") : 0;
                double wd = (Double) t.get("weightDecay");
                if ("adamw".equals(t.get("optimizer"))) {
                    decay[j] = (float) wd;
                } else {
                    l2j += wd;
                }
                l2[j] = (float) l2j;
                l1[j] = m.hyper().containsKey("l1") ? ((Double) m.hyper().get("l1")).floatValue() : 0f;
                clip[j] = (Double) t.get("clip");
                dropout[j] = m.hyper().containsKey("dropout") ? (Double) m.hyper().get("dropout") : 0;
                momentum[j] = ((Double) t.get("momentum")).floatValue();
            }
            anyL2 = any(l2);
            anyL1 = any(l1);
            anyClip = java.util.Arrays.stream(clip).anyMatch(x -> x > 0);
            anyDropout = layers > 1 && java.util.Arrays.stream(dropout).anyMatch(x -> x > 0);
            lossSum = new double[k];
            if (from != null) {
                partRows.putAll(from.partRows);
                trainX = from.trainX;
                trainY = from.trainY;
            } else {
                trainX = rows(data.train());
                trainY = targets(data.train());
            }
        }

        /** The slices {@code places} (of {@code per} values each) of a per-model array, as a new array. */
        private static float[] narrow(float[] a, int per, int[] places) {
            float[] out = new float[places.length * per];
            for (int s = 0; s < places.length; s++) {
                System.arraycopy(a, places[s] * per, out, s * per, per);
            }
            return out;
        }

        /** One epoch of every model of the pack: its batches in each model's {@code order}, at its rate {@code lr}. */
        void epoch(int[][] order, float[] lr, SplittableRandom[] dropRnd) {
            int n = data.train().rows();
            this.lr = lr;
            // models of one seed share their order (the same array): one group, one gathered batch
            Map<int[], List<Integer>> byOrder = new java.util.IdentityHashMap<>();
            List<List<Integer>> gs = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                List<Integer> g = byOrder.get(order[s]);
                if (g == null) {
                    g = new ArrayList<>();
                    byOrder.put(order[s], g);
                    gs.add(g);
                }
                g.add(s);
            }
            groups = new int[gs.size()][];
            for (int q = 0; q < groups.length; q++) {
                groups[q] = gs.get(q).stream().mapToInt(Integer::intValue).toArray();
            }
            if (work == null) {
                work = new Work(batch);
            }
            java.util.Arrays.fill(lossSum, 0);
            for (int s = 0; s < n; s += batch) {
                step(order, s, Math.min(batch, n - s), dropRnd);
            }
        }

        /** A batch's inputs, targets and gradients, reused across batches. */
        private final class Work {
            /** The batch's inputs unit by unit ([feature][row]). */
            final float[][] xt;
            final int[] y;
            final float[] yv;
            /** Per layer: every model's gradients ([model][in][out], [model][out]). */
            final float[][] gW = new float[layers][];
            final float[][] gB = new float[layers][];
            final Net net;
            /**
             * The first layer's weight gradient of a group's models as one product by OpenBLAS, each model's output
             * gradients ([model unit][row]) times the batch's rows (rows x features): Java's loops over the features
             * or the rows would be short or a reduction, which C2 does not vectorise. Native: freed with the pack.
             */
            final float[] xflat;
            final float[] gflat;
            final Blas.Buf xb = new Blas.Buf();
            final Blas.Buf db = new Blas.Buf();
            final Blas.Buf gb = new Blas.Buf();

            Work(int rows) {
                xt = new float[f][rows];
                xflat = new float[rows * f];
                gflat = new float[k * dims[1] * f];
                xb.size((long) rows * f);
                db.size((long) k * dims[1] * rows);
                gb.size((long) k * dims[1] * f);
                y = new int[rows];
                yv = new float[rows];
                for (int l = 0; l < layers; l++) {
                    gW[l] = new float[k * dims[l] * dims[l + 1]];
                    gB[l] = new float[k * dims[l + 1]];
                }
                net = new Net(rows, true);
            }

            void free() {
                xb.free();
                db.free();
                gb.free();
                net.free();
            }
        }

        /** Frees the pack's native buffers now (they grow again if it trains on). */
        void free() {
            if (work != null) {
                work.free();
                work = null;
            }
        }

        /** One gradient step of every model on its batch (rows {@code start ..} of its order); adds to lossSum. */
        private void step(int[][] order, int start, int rows, SplittableRandom[] dropRnd) {
            step++;
            Work wk = work;
            for (int l = 0; l < layers; l++) {
                java.util.Arrays.fill(wk.gW[l], 0f);
                java.util.Arrays.fill(wk.gB[l], 0f);
            }
            int h = dims[1];
            for (int[] g : groups) {
                gather(order[g[0]], start, rows, wk);
                wk.xb.put(wk.xflat, rows * f);
                for (int t = 0; t < g.length; t++) {
                    wk.net.train(g[t], rows, wk, dropRnd[g[t]], t * h);
                }
                // the group's first-layer gradients: [model unit][row] x [row][feature]
                int gh = g.length * h;
                Blas.gemm(false, false, gh, f, rows, wk.db, wk.xb, 0f, wk.gb);
                wk.gb.get(0, wk.gflat, 0, gh * f);
                for (int t = 0; t < g.length; t++) {
                    int j = g[t];
                    for (int u = 0; u < h; u++) {
                        for (int i = 0; i < f; i++) {
                            wk.gW[0][(j * f + i) * h + u] += wk.gflat[(t * h + u) * f + i];
                        }
                    }
                }
            }
            for (int l = 0; l < layers; l++) {
                if (anyL2 || anyL1) {
                    penalties(l, wk.gW[l]);
                }
                if (anyClip) {
                    clip(l, wk.gW[l], wk.gB[l]);
                }
                update(l, wk.gW[l], wk.gB[l]);
            }
        }

        /** The rows {@code order[start ..]} of the training set into the work's inputs and targets. */
        private void gather(int[] order, int start, int rows, Work wk) {
            for (int r = 0; r < rows; r++) {
                int row = order[start + r];
                float[] x = trainX[row];
                System.arraycopy(x, 0, wk.xflat, r * f, f);
                for (int i = 0; i < f; i++) {
                    wk.xt[i][r] = x[i];
                }
                if (classify) {
                    wk.y[r] = (int) trainY[row];
                } else {
                    wk.yv[r] = trainY[row];
                }
            }
        }

        /**
         * One model's network on up to {@code cap} rows at a time, unit by unit: its layers' values and gradients, with
         * buffers reused model after model.
         */
        private final class Net {
            final float[][][] z = new float[layers][][];
            final float[][][] a = new float[layers][][];
            final float[][][] masks = new float[layers][][];
            /** Per layer l >= 1: the gradient at its inputs. */
            final float[][][] da = new float[layers][][];
            final float[][] top;
            /** The softmax's buffers (classifiers). */
            final DenseLoops.Rows sm;
            /** The activations' exponentials, a unit's rows at a time. */
            final double[] curve;
            /**
             * Per hidden layer and unit, what a training pass's activation leaves for its slope in the backward pass
             * ({@link DenseLoops#keepsSlope}: tanh, sigmoid, gelu), so that its exponentials are taken once; null for
             * the others.
             */
            final double[][][] slopes;
            /** A wide layer's weights, inputs and outputs in OpenBLAS's buffers ({@link #dense}, {@link #wideBack}). */
            private final Blas.Buf wideW = new Blas.Buf();
            private final Blas.Buf wideIn = new Blas.Buf();
            private final Blas.Buf wideOut = new Blas.Buf();
            private final Blas.Buf wideG = new Blas.Buf();

            /** Buffers for up to {@code cap} rows; with {@code training}, the {@link #slopes} too. */
            Net(int cap, boolean training) {
                for (int l = 0; l < layers; l++) {
                    z[l] = new float[dims[l + 1]][cap];
                    if (l < layers - 1) {
                        a[l] = new float[dims[l + 1]][cap];
                        masks[l] = anyDropout ? new float[dims[l + 1]][cap] : null;
                    }
                    if (l > 0) {
                        da[l] = new float[dims[l]][cap];
                    }
                }
                top = new float[c][cap];
                sm = classify ? new DenseLoops.Rows(c, cap) : null;
                curve = new double[cap];
                slopes = training && DenseLoops.keepsSlope(act) ? new double[layers - 1][][] : null;
                for (int l = 0; slopes != null && l < layers - 1; l++) {
                    slopes[l] = new double[dims[l + 1]][cap];
                }
            }

            /**
             * A dense layer ({@link DenseLoops#layer}'s arguments): a wide one ({@link #BLAS_MIN} weights or more) as
             * one OpenBLAS product of its weights (transposed) and its inputs, {@code out = W^T in + bias}, the rest in
             * Java's loops. Java's loops over a wide layer's units run at memory speed (each input row read once a
             * unit); the copies to and from OpenBLAS's buffers are small beside the product.
             */
            void dense(float[][] in, int inW, float[] w, int wo, float[] bias, int bo, float[][] out, int width,
                       int n) {
                if (inW * width < BLAS_MIN) {
                    DenseLoops.layer(in, inW, w, wo, bias, bo, out, width, n);
                    return;
                }
                wideW.put(w, wo, inW * width);
                wideIn.size((long) inW * n);
                for (int i = 0; i < inW; i++) {
                    wideIn.put(i * n, in[i], n);
                }
                Blas.gemm(true, false, width, n, inW, wideW, wideIn, 0f, wideOut);
                for (int u = 0; u < width; u++) {
                    wideOut.get(u * n, out[u], 0, n);
                    DenseLoops.plus(out[u], bias[bo + u], n);
                }
            }

            /**
             * A wide layer's backward pass ({@link DenseLoops#gradient} and {@link DenseLoops#backLayer}): its
             * weight gradient {@code g[wo ..] = in d^T} (the model's slice of g, at its weights' offset, zero before)
             * and its inputs' gradient {@code da = W d}, two OpenBLAS products on one copy of the output gradients
             * {@code d}. Java's loops
             * over rows for the weight gradient are sums C2 does not vectorise (a 64-by-64 layer's took half of a
             * dense 30-64-64-3 network's time).
             */
            void wideBack(float[][] in, int inW, float[][] d, int width, float[] w, int wo, float[] g, float[][] da,
                          int n) {
                wideIn.size((long) inW * n);
                wideOut.size((long) width * n);
                for (int i = 0; i < inW; i++) {
                    wideIn.put(i * n, in[i], n);
                }
                for (int u = 0; u < width; u++) {
                    wideOut.put(u * n, d[u], n);
                }
                Blas.gemm(false, true, inW, width, n, wideIn, wideOut, 0f, wideG);
                wideG.get(0, g, wo, inW * width);
                wideW.put(w, wo, inW * width);
                Blas.gemm(false, false, inW, n, width, wideW, wideOut, 0f, wideIn);
                for (int i = 0; i < inW; i++) {
                    wideIn.get(i * n, da[i], 0, n);
                }
            }

            /** Frees the native buffers now (they grow again if the network is used again). */
            void free() {
                wideW.free();
                wideIn.free();
                wideOut.free();
                wideG.free();
            }

            /**
             * Model {@code j}'s outputs on {@code n} rows of inputs {@code x} ([feature][row]) by weights {@code ws},
             * {@code bs}: its output layer's values (logits, or the regression's value), [output][row]. Dropout from
             * {@code rnd} when not null.
             */
            float[][] forward(int j, float[][] ws, float[][] bs, float[][] x, int n, SplittableRandom rnd) {
                dense(x, dims[0], ws[0], j * dims[0] * dims[1], bs[0], j * dims[1], z[0], dims[1], n);
                return above(j, ws, bs, n, rnd);
            }

            /**
             * As {@link #forward} from the first layer's values already in {@code z[0]}: the layers above it; a
             * training network keeps each activation's slope values in {@link #slopes} for its backward pass.
             */
            float[][] above(int j, float[][] ws, float[][] bs, int n, SplittableRandom rnd) {
                for (int l = 0; l < layers - 1; l++) {
                    int out = dims[l + 1];
                    for (int u = 0; u < out; u++) {
                        DenseLoops.activate(act, z[l][u], a[l][u], n, slopes != null ? slopes[l][u] : curve);
                    }
                    if (rnd != null && dropout[j] > 0) {
                        drawMask(masks[l], out, n, dropout[j], rnd);
                        for (int u = 0; u < out; u++) {
                            DenseLoops.multiply(masks[l][u], a[l][u], n);
                        }
                    }
                    int next = dims[l + 2];
                    dense(a[l], out, ws[l + 1], j * out * next, bs[l + 1], j * next, z[l + 1], next, n);
                }
                return z[layers - 1];
            }

            /**
             * Model {@code j}'s forward pass on the work's batch, its loss (added to lossSum) and its gradients (added
             * to the work's; its first layer's output gradients into the work's native buffer from row {@code unit}).
             */
            void train(int j, int rows, Work wk, SplittableRandom rnd, int unit) {
                float[][] out = forward(j, w, b, wk.xt, rows, anyDropout ? rnd : null);
                double loss = 0;
                if (classify) {
                    DenseLoops.softmax(out, top, c, rows, sm);
                    for (int r = 0; r < rows; r++) {
                        float[] py = top[wk.y[r]];
                        sm.p[r] = Math.max(py[r], 1e-12f);
                        py[r] -= 1f;
                    }
                    loss = -DenseLoops.sumLogs(sm.p, rows, sm.products);
                    for (int q = 0; q < c; q++) {
                        DenseLoops.divide(top[q], rows, rows);
                    }
                } else {
                    float two = (float) (2.0 / rows);
                    float[] o = out[0];
                    float[] t = top[0];
                    for (int r = 0; r < rows; r++) {
                        float e = o[r] - wk.yv[r];
                        loss += (double) e * e;
                        t[r] = e * two;
                    }
                }
                lossSum[j] += loss;
                float[][] dz = top;
                for (int l = layers - 1; l >= 0; l--) {
                    int inW = dims[l];
                    int outW = dims[l + 1];
                    DenseLoops.sums(dz, outW, wk.gB[l], j * outW, rows);
                    if (l == 0) {
                        // its first layer's weight gradient comes from the group's product (step)
                        for (int u = 0; u < outW; u++) {
                            wk.db.put((unit + u) * rows, dz[u], rows);
                        }
                        break;
                    }
                    if (inW * outW >= BLAS_MIN) {
                        wideBack(a[l - 1], inW, dz, outW, w[l], j * inW * outW, wk.gW[l], da[l], rows);
                    } else {
                        DenseLoops.gradient(a[l - 1], inW, dz, outW, wk.gW[l], j * inW * outW, rows);
                        DenseLoops.backLayer(w[l], j * inW * outW, dz, outW, da[l], inW, rows);
                    }
                    for (int u = 0; u < inW; u++) {
                        if (rnd != null && dropout[j] > 0) {
                            DenseLoops.multiply(masks[l - 1][u], da[l][u], rows);
                        }
                        if (slopes != null) {
                            DenseLoops.derivativeKept(act, z[l - 1][u], da[l][u], rows, slopes[l - 1][u]);
                        } else {
                            DenseLoops.derivative(act, z[l - 1][u], da[l][u], rows, curve);
                        }
                    }
                    dz = da[l];
                }
            }
        }

        /** L2 and L1 penalties on layer {@code l}'s weights, added to their gradients. */
        private void penalties(int l, float[] gw) {
            int per = dims[l] * dims[l + 1];
            for (int j = 0; j < k; j++) {
                float p2 = l2[j];
                float p1 = l1[j];
                for (int i = j * per; i < (j + 1) * per; i++) {
                    float v = w[l][i];
                    if (p2 != 0) {
                        gw[i] += v * p2;
                    }
                    if (p1 != 0) {
                        gw[i] += Math.signum(v) * p1;
                    }
                }
            }
        }

        /** ClipL2PerLayer per model: the layer's gradient (weights and biases) scaled to at most {@code clip}. */
        private void clip(int l, float[] gw, float[] gb) {
            int per = dims[l] * dims[l + 1];
            int pb = dims[l + 1];
            for (int j = 0; j < k; j++) {
                if (clip[j] <= 0) {
                    continue;
                }
                double nw = 0;
                for (int i = j * per; i < (j + 1) * per; i++) {
                    nw += (double) gw[i] * gw[i];
                }
                double nb = 0;
                for (int i = j * pb; i < (j + 1) * pb; i++) {
                    nb += (double) gb[i] * gb[i];
                }
                double norm = Math.sqrt(nw + nb);
                if (norm > clip[j]) {
                    float factor = (float) (clip[j] / norm);
                    for (int i = j * per; i < (j + 1) * per; i++) {
                        gw[i] *= factor;
                    }
                    for (int i = j * pb; i < (j + 1) * pb; i++) {
                        gb[i] *= factor;
                    }
                }
            }
        }

        private void update(int l, float[] gw, float[] gb) {
            int per = dims[l] * dims[l + 1];
            int pb = dims[l + 1];
            for (int j = 0; j < k; j++) {
                if (sgd) {
                    nesterov(w[l], m1W[l], gw, j * per, per, lr[j], momentum[j]);
                    nesterov(b[l], m1B[l], gb, j * pb, pb, lr[j], momentum[j]);
                    continue;
                }
                if (decay[j] != 0) {
                    // AdamW as DL4J's WeightDecay applies it: lr * decay * w (the weights before the step), decoupled
                    // from the gradient, on weights only
                    float dl = decay[j];
                    float r = lr[j];
                    for (int i = j * per; i < (j + 1) * per; i++) {
                        w[l][i] -= w[l][i] * dl * r;
                    }
                }
                DenseLoops.adam(w[l], m1W[l], m2W[l], gw, j * per, per, lr[j], step - 1, BETA1, BETA2, EPS);
                DenseLoops.adam(b[l], m1B[l], m2B[l], gb, j * pb, pb, lr[j], step - 1, BETA1, BETA2, EPS);
            }
        }

        /** Nesterov momentum as DL4J's Nesterovs: v = mu v - lr g; p += -mu v_prev + (1 + mu) v. */
        private static void nesterov(float[] p, float[] v, float[] g, int from, int n, float lr, float mu) {
            for (int i = from; i < from + n; i++) {
                float prev = v[i];
                float vi = v[i] * mu - g[i] * lr;
                v[i] = vi;
                p[i] = p[i] + -(prev * mu) + vi * (mu + 1);
            }
        }

        /** Every array a checkpoint keeps: per layer w, b, bestW, bestB, m1W, m1B, m2W, m2B. */
        INDArray[] arrays() {
            INDArray[] out = new INDArray[8 * layers];
            for (int l = 0; l < layers; l++) {
                float[][] a = {w[l], b[l], bestW[l], bestB[l], m1W[l], m1B[l], m2W[l], m2B[l]};
                for (int i = 0; i < 8; i++) {
                    out[8 * l + i] = Floats.array(a[i].clone(), shape(l, i % 2 == 1, k));
                }
            }
            return out;
        }

        /** The shape of layer {@code l}'s weights ({@code bias} false) or biases for {@code models} models. */
        private long[] shape(int l, boolean bias, int models) {
            return bias ? new long[]{models, 1, dims[l + 1]} : new long[]{models, dims[l], dims[l + 1]};
        }

        /** Puts back what {@link #arrays} gave, and the optimizer's step count. */
        void restore(INDArray[] a, long step) {
            for (int l = 0; l < layers; l++) {
                float[][] to = {w[l], b[l], bestW[l], bestB[l], m1W[l], m1B[l], m2W[l], m2B[l]};
                for (int i = 0; i < 8; i++) {
                    if (!java.util.Arrays.equals(shape(l, i % 2 == 1, k), a[8 * l + i].shape())) {
                        throw new IllegalArgumentException("checkpoint array " + (8 * l + i) + " has shape "
                                + java.util.Arrays.toString(a[8 * l + i].shape()) + ", the pack "
                                + java.util.Arrays.toString(shape(l, i % 2 == 1, k)));
                    }
                    Floats.into(a[8 * l + i], to[i]);
                }
            }
            this.step = step;
        }

        /** The kept weights of the model at place {@code s}: per layer W [in, out] then b [1, out] (copies). */
        INDArray[] kept(int s) {
            INDArray[] out = new INDArray[2 * layers];
            for (int l = 0; l < layers; l++) {
                int per = dims[l] * dims[l + 1];
                int pb = dims[l + 1];
                out[2 * l] = Floats.array(java.util.Arrays.copyOfRange(bestW[l], s * per, (s + 1) * per),
                        dims[l], dims[l + 1]);
                out[2 * l + 1] = Floats.array(java.util.Arrays.copyOfRange(bestB[l], s * pb, (s + 1) * pb),
                        1, dims[l + 1]);
            }
            return out;
        }

        /** Sets the kept weights of the model at place {@code s} to {@code kept} ({@link #kept}'s layout). */
        void setKept(int s, INDArray[] kept) {
            for (int l = 0; l < layers; l++) {
                int per = dims[l] * dims[l + 1];
                int pb = dims[l + 1];
                System.arraycopy(Floats.of(kept[2 * l]), 0, bestW[l], s * per, per);
                System.arraycopy(Floats.of(kept[2 * l + 1]), 0, bestB[l], s * pb, pb);
            }
        }

        /** Copies the current weights of the model at place {@code j} into its kept (best) weights. */
        private void keep(int j) {
            for (int l = 0; l < layers; l++) {
                int per = dims[l] * dims[l + 1];
                int pb = dims[l + 1];
                System.arraycopy(w[l], j * per, bestW[l], j * per, per);
                System.arraycopy(b[l], j * pb, bestB[l], j * pb, pb);
            }
        }

        /** Rows a prediction pass takes at once. */
        private static final int CHUNK = 512;

        /** What a prediction pass ({@link #pass}) does with one model's outputs on one chunk of rows. */
        private interface ChunkOutputs {
            /**
             * Model {@code j}'s outputs on rows {@code from .. from + rows} ([output][row]: a classifier's
             * probabilities, whose softmax buffers {@code net.sm} hold, or a regression's values).
             */
            void accept(int j, int from, int rows, float[][] out, Net net);
        }

        /**
         * Every model's outputs on {@code part}, without dropout, by the weights {@code ws}, {@code bs}, chunk by
         * chunk of {@link #CHUNK} rows into {@code each}.
         */
        private void pass(PreparedData.Part part, float[][] ws, float[][] bs, ChunkOutputs each) {
            int n = part.rows();
            float[][] x = rows(part);
            int chunk = Math.min(CHUNK, Math.max(1, n));
            float[][] xt = new float[f][chunk];
            Net net = new Net(chunk, false);
            try {
                for (int s = 0; s < n; s += chunk) {
                    int rows = Math.min(chunk, n - s);
                    transpose(x, s, rows, xt);
                    for (int j = 0; j < k; j++) {
                        float[][] out = net.forward(j, ws, bs, xt, rows, null);
                        if (classify) {
                            DenseLoops.softmax(out, net.top, c, rows, net.sm);
                            out = net.top;
                        }
                        each.accept(j, s, rows, out, net);
                    }
                }
            } finally {
                net.free();
            }
        }

        /** Every model's outputs on {@code part}, without dropout, by the weights {@code ws}, {@code bs}. */
        private Predictions predict(PreparedData.Part part, float[][] ws, float[][] bs) {
            int n = part.rows();
            float[] outAll = new float[k * n * c];
            pass(part, ws, bs, (j, from, rows, out, net) -> {
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < c; q++) {
                        outAll[(j * n + from + r) * c + q] = out[q][r];
                    }
                }
            });
            return new Predictions(outAll, n);
        }

        /**
         * Every model's loss and metric on {@code part} by the weights {@code ws}, {@code bs}, without dropout, without
         * keeping the outputs ({@code [0]}: losses, {@code [1]}: metrics, by place): those of {@link Predictions#loss}
         * and {@link Predictions#metric} on {@link #predict}'s outputs, the metrics and a regression's loss summed
         * row by row in the same order, a classifier's loss as {@link DenseLoops#sumLogs} sums it (within about 4e-15
         * a product of sixteen rows).
         */
        private double[][] score(PreparedData.Part part, float[][] ws, float[][] bs) {
            int n = part.rows();
            double[] y = part.y();
            double[] loss = new double[k];
            double[] metric = new double[k];
            pass(part, ws, bs, (j, from, rows, out, net) -> {
                if (classify) {
                    metric[j] += DenseLoops.trueClass(out, c, y, from, rows, 1e-12, net.sm.p);
                    loss[j] -= DenseLoops.sumLogs(net.sm.p, rows, net.sm.products);
                } else {
                    for (int r = 0; r < rows; r++) {
                        double d = out[0][r] - y[from + r];
                        loss[j] += d * d;
                        metric[j] += d * d;
                    }
                }
            });
            for (int j = 0; j < k; j++) {
                loss[j] = n == 0 ? Double.NaN : loss[j] / n;
                metric[j] = classify ? metric[j] / n : Math.sqrt(metric[j] / n);
            }
            return new double[][]{loss, metric};
        }

        /** Rows {@code s .. s + rows} of {@code x} unit by unit into {@code xt} ([feature][row]). */
        private void transpose(float[][] x, int s, int rows, float[][] xt) {
            for (int r = 0; r < rows; r++) {
                float[] row = x[s + r];
                for (int i = 0; i < f; i++) {
                    xt[i][r] = row[i];
                }
            }
        }

        /**
         * Every model's permutation importance ({@link Importance}: the same latest validation rows, the same
         * shuffles for its seed, the same losses) from its kept weights. Shuffling input column {@code q} changes a
         * model's first layer by a rank-one term: {@code z = x W + b} becomes {@code z + d w_q}, with {@code d} the
         * shuffled column minus the column and {@code w_q} row {@code q} of {@code W}. So the first layer's product
         * on the unshuffled rows is computed once per model and each column costs an outer product and the layers
         * above it. Null when the validation part has fewer than two rows.
         */
        double[][] importance() {
            PreparedData.Part v = Importance.latest(data.validation(), Importance.MAX_ROWS);
            int n = v.rows();
            if (n < 2) {
                return null;
            }
            float[][] x = convert(v);
            float[][] xt = new float[f][n];
            transpose(x, 0, n, xt);
            double[] y = v.y();
            double[][] imp = new double[k][f];
            float[][] base = new float[dims[1]][n];
            Net net = new Net(n, false);
            // models of one seed share their shuffles: each seed's column differences are made once
            Map<Long, List<Integer>> bySeed = new java.util.LinkedHashMap<>();
            for (int j = 0; j < k; j++) {
                bySeed.computeIfAbsent(specs.get(j).seed(), s -> new ArrayList<>()).add(j);
            }
            for (Map.Entry<Long, List<Integer>> e : bySeed.entrySet()) {
                float[][] d = differences(x, n, e.getKey());
                for (int j : e.getValue()) {
                    importance(j, xt, y, n, d, base, net, imp[j]);
                }
            }
            net.free();
            return imp;
        }

        /**
         * Model {@code j}'s importance into {@code imp} ({@link #importance()}; {@code d}: its seed's column
         * differences).
         */
        private void importance(int j, float[][] xt, double[] y, int n, float[][] d, float[][] base, Net net,
                                double[] imp) {
            int h = dims[1];
            // the first layer on the rows as they are, kept in base
            net.dense(xt, f, bestW[0], j * f * h, bestB[0], j * h, base, h, n);
            double baseSum = 0;
            for (int q = -1; q < f; q++) { // -1: the rows as they are
                float[][] z1 = net.z[0];
                for (int u = 0; u < h; u++) {
                    float wq = q < 0 ? 0f : bestW[0][(j * f + q) * h + u];
                    if (q < 0) {
                        System.arraycopy(base[u], 0, z1[u], 0, n);
                    } else {
                        DenseLoops.sumOf(base[u], wq, d[q], z1[u], n);
                    }
                }
                float[][] out = net.above(j, bestW, bestB, n, null);
                // -log p of the true class, p clipped at 1e-7 as Importance.loss does
                double sum = classify ? DenseLoops.logLoss(out, c, n, y, MIN_ROW_P, net.sm)
                        : squaredError(out[0], n, y);
                if (q < 0) {
                    baseSum = sum;
                } else {
                    imp[q] = sum / n - baseSum / n;
                }
            }
        }

        /** Per column, the shuffled column less the column ({@link Importance#shuffle} for {@code seed}). */
        private float[][] differences(float[][] x, int n, long seed) {
            float[][] d = new float[f][n];
            for (int q = 0; q < f; q++) {
                int[] perm = Importance.shuffle(n, seed, q);
                for (int i = 0; i < n; i++) {
                    d[q][i] = x[perm[i]][q] - x[i][q];
                }
            }
            return d;
        }

        private static double squaredError(float[] out, int n, double[] y) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                double e = out[r] - y[r];
                sum += e * e;
            }
            return sum;
        }

        /** Model j's network as DL4J layers with its kept weights. */
        private MultiLayerNetwork network(int j) {
            ModelSpec m = specs.get(j);
            MultiLayerNetwork net = new MultiLayerNetwork(Dl4jTrainer.configure(m, f, c, classify));
            net.init();
            INDArray[] kw = kept(j);
            for (int l = 0; l < layers; l++) {
                net.setParam(l + "_W", kw[2 * l]);
                net.setParam(l + "_b", kw[2 * l + 1]);
            }
            return net;
        }

        /** The rows of a part as floats (each row its features), converted once per part. */
        private float[][] rows(PreparedData.Part p) {
            return partRows.computeIfAbsent(p, this::convert);
        }

        private float[][] convert(PreparedData.Part p) {
            float[][] x = new float[p.rows()][f];
            for (int i = 0; i < p.rows(); i++) {
                double[] r = p.x()[i];
                for (int q = 0; q < f; q++) {
                    x[i][q] = (float) r[q];
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
                double[] prob = new double[n * c];
                for (int i = 0; i < n; i++) {
                    int arg = 0;
                    for (int q = 0; q < c; q++) {
                        prob[i * c + q] = out[(j * n + i) * c + q];
                        if (prob[i * c + q] > prob[i * c + arg]) {
                            arg = q;
                        }
                    }
                    values[i] = arg;
                }
                return new TrainingResult.Predictions(values, Probabilities.of(c, prob));
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

    /**
     * An inverted-dropout mask ([unit][row], drawn unit by unit) of rate {@code p} from {@code rnd}: a
     * {@link SplittableRandom}, whose draws are plain arithmetic, where {@link java.util.Random}'s atomic update
     * per draw took half of a dropout network's training time.
     */
    static void drawMask(float[][] m, int units, int n, double p, SplittableRandom rnd) {
        float scale = (float) (1 / (1 - p));
        // nextDouble() < p, without its branch (taken at random, so mispredicted a rate's share of the time):
        // nextDouble() is (nextLong() >>> 11) * 2^-53, and for a 53-bit x, x * 2^-53 < p exactly when x < ceil(p 2^53)
        long below = (long) Math.ceil(p * 0x1.0p53);
        for (int u = 0; u < units; u++) {
            float[] mu = m[u];
            for (int r = 0; r < n; r++) {
                long x = rnd.nextLong() >>> 11;
                mu[r] = scale * (float) ((below - 1 - x) >>> 63); // 1 when x >= below: kept
            }
        }
    }
}
