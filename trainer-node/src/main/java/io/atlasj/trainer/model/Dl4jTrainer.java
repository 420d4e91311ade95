package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.results.Probabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J (ND4J CPU backend) training of linear and logistic regression and dense networks, with Adam, AdamW
 * (decoupled weight decay) or SGD with Nesterov momentum, learning-rate schedules (step, exponential, one-cycle,
 * reduce-on-plateau), gradient clipping, dropout, L1/L2, layer norm, and early stopping on a validation metric
 * with the best epoch's weights kept; packs of them by {@link PackedDense}. The LSTM and BiLSTM (ND4J's fused
 * lstmLayer op), the causal Transformer, the hybrid multi-timeframe transformer and the multi-task network are
 * SameDiff graphs trained by {@link SameDiffTrainer}.
 *
 * <p>Deterministic on the CPU backend for a given seed (one OpenMP thread per slot).
 */
public final class Dl4jTrainer implements ModelTrainer {

    @Override
    public boolean packs() {
        return true;
    }

    /** Dense, logistic and linear models of one shape together ({@link PackedDense}). */
    @Override
    public List<TrainingResult> trainPack(List<ModelSpec> specs, PreparedData data, List<Listener> listeners,
                                          List<java.nio.file.Path> modelFiles) {
        return PackedDense.train(specs, data, listeners, modelFiles);
    }

    @Override
    public TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, java.nio.file.Path modelFile,
                                java.nio.file.Path warmStart) {
        long t0 = System.nanoTime();
        List<TrainingResult.Epoch> curves = new ArrayList<>();
        if (spec.type() == ModelType.GBM) {
            return GbmTrainer.train(spec, data, listener, modelFile, warmStart);
        }
        if (spec.type().sameDiff()) {
            if (data.train().rows() == 0 || data.features() == 0) {
                return TrainingResult.failed("no training rows or no features", curves, 0);
            }
            return SameDiffTrainer.train(spec, data, listener, modelFile, warmStart);
        }
        if (!(spec.type() == ModelType.LINEAR || spec.type() == ModelType.LOGISTIC || spec.type() == ModelType.DNN)) {
            return TrainingResult.failed("model type " + spec.type().id() + " is combined from its members' results "
                    + "by the runner, not trained", curves, 0);
        }
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        if (spec.type() == ModelType.LINEAR && classify || spec.type() == ModelType.LOGISTIC && !classify) {
            return TrainingResult.failed(spec.type().id() + " does not fit a " + data.task().name().toLowerCase()
                    + " task", curves, 0);
        }
        if (data.train().rows() == 0 || data.features() == 0) {
            return TrainingResult.failed("no training rows or no features", curves, 0);
        }
        Map<String, Object> t = spec.training();
        Nd4j.getRandom().setSeed(spec.seed());
        java.util.Optional<Checkpoint.Loop> resumed = Checkpoint.find(modelFile, spec.key());
        MultiLayerNetwork net = null;
        INDArray resumedBest = null;
        if (resumed.isPresent()) {
            try {
                net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                        Checkpoint.net(modelFile, resumed.get()).toFile(), true); // with the optimizer state
                resumedBest = Checkpoint.readArrays(Checkpoint.best(modelFile, resumed.get())).get("params");
            } catch (java.io.IOException | RuntimeException ex) {
                Checkpoint.setAside(modelFile, "it cannot be restored: " + ex);
                resumed = java.util.Optional.empty();
                net = null;
                Nd4j.getRandom().setSeed(spec.seed());
            }
        }
        if (net == null) {
            net = new MultiLayerNetwork(configure(spec, data.features(), classify ? data.classes() : 1, classify));
            net.init();
            if (warmStart != null) {
                try {
                    MultiLayerNetwork from = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                            warmStart.toFile(), false); // the weights only: the optimizer starts afresh
                    if (!java.util.Arrays.equals(from.params().shape(), net.params().shape())
                            || from.getnLayers() != net.getnLayers()) {
                        return TrainingResult.failed("warmStart: " + warmStart + " has " + from.getnLayers()
                                + " layers and " + from.params().length() + " weights, this model " + net.getnLayers()
                                + " and " + net.params().length() + ": warm start needs the same architecture and inputs",
                                curves, millis(t0));
                    }
                    net.setParams(from.params());
                } catch (java.io.IOException | RuntimeException ex) {
                    return TrainingResult.failed("warmStart: cannot read the model " + warmStart + ": " + ex.getMessage(),
                            curves, millis(t0));
                }
            }
        }
        Feed feed = new RowFeed(data, classify);
        DataSet train = feed.whole(data.train());
        DataSet val = data.validation().rows() > 0 ? feed.whole(data.validation()) : null;
        int epochs = (Integer) t.get("epochs");
        int batch = (Integer) t.get("batchSize");
        String monitor = (String) t.get("monitor");
        double baseLr = (Double) t.get("lr");
        EpochBook book = new EpochBook(t, baseLr);
        INDArray bestParams = null;
        int first = 0;
        long lastCheckpoint = System.nanoTime();
        if (resumed.isPresent()) {
            Checkpoint.Loop l = resumed.get();
            bestParams = resumedBest;
            curves.addAll(l.curves());
            first = l.nextEpoch();
            book.resume(l);
        }
        for (int e = first; e < epochs; e++) {
            // each epoch's shuffle and dropout come from the seed and the epoch, so a resumed run repeats them
            Random rnd = new Random(spec.seed() * 31 + e);
            Nd4j.getRandom().setSeed(spec.seed() * 31 + e);
            book.lr = learningRate(t, baseLr, book.lr, e, epochs);
            double lr = book.lr;
            net.setLearningRate(lr);
            List<DataSet> batches = feed.batches(data.train(), batch, rnd);
            double sum = 0;
            for (DataSet b : batches) {
                net.fit(b);
                sum += net.score() * b.numExamples();
            }
            double trainLoss = sum / train.numExamples();
            if (!Double.isFinite(trainLoss)) {
                return TrainingResult.failed("the training loss became " + trainLoss + " at epoch " + e
                        + " (lower lr, enable clip, or check the inputs)", curves, millis(t0));
            }
            // one validation pass gives the loss, the metric and the monitored value
            TrainingResult.Predictions vp = val == null ? null : predict(net, feed, data.validation(), classify);
            double valLoss = vp == null ? trainLoss : Scores.loss(vp, data.validation().y(), classify);
            double metric = vp == null ? Double.NaN : Scores.metric(vp, data.validation().y(), classify);
            curves.add(new TrainingResult.Epoch(e, trainLoss, valLoss, metric, lr));
            double monitored = switch (monitor) {
                case "val_accuracy", "val_rmse" -> val == null ? -trainLoss : metric;
                case "val_composite" -> val == null ? -trainLoss
                        : Scores.composite(vp, data.validation().y(), classify, classify ? data.classes() : 0);
                default -> valLoss;
            };
            EpochBook.Verdict verdict = book.observe(e, monitored, valLoss, bestParams == null);
            if (verdict == EpochBook.Verdict.STOP) {
                listener.epoch(curves.get(curves.size() - 1));
                break;
            }
            if (verdict == EpochBook.Verdict.IMPROVED) {
                bestParams = net.params().dup();
            }
            // checkpoints by elapsed time: a model that trains in seconds writes none, a long one one every interval
            if (modelFile != null && e + 1 < epochs
                    && System.nanoTime() - lastCheckpoint >= listener.checkpointEveryMillis() * 1_000_000L) {
                lastCheckpoint = System.nanoTime();
                try {
                    String netSha = Checkpoint.writeNetwork(Checkpoint.net(modelFile, e + 1), net, true, false);
                    Checkpoint.saveLoop(modelFile, book.loop(spec.key(), e + 1, curves), netSha,
                            Map.of("params", bestParams));
                } catch (java.io.IOException ex) {
                    return TrainingResult.failed("cannot save a checkpoint beside " + modelFile + ": " + ex.getMessage(),
                            curves, millis(t0));
                }
            }
            listener.epoch(curves.get(curves.size() - 1));
            if (e + 1 < epochs && listener.stop(curves.get(curves.size() - 1)) != null) {
                break; // the run's search stopped this trial: its best weights so far are kept
            }
        }
        net.setParams(bestParams);
        if (modelFile != null) {
            try {
                Checkpoint.writeNetwork(modelFile, net, true, false); // result.json, flushed, names its SHA-256
                Checkpoint.delete(modelFile);
            } catch (java.io.IOException ex) {
                return TrainingResult.failed("cannot save the model to " + modelFile + ": " + ex.getMessage(), curves,
                        millis(t0));
            }
        }
        // no pass over the training rows: a result keeps no predictions of them (result schema 8)
        return new TrainingResult(true, null, curves, book.bestEpoch, null,
                predict(net, feed, data.validation(), classify), predict(net, feed, data.test(), classify), millis(t0));
    }

    static MultiLayerConfiguration configure(ModelSpec spec, int nIn, int nOut, boolean classify) {
        Map<String, Object> h = spec.hyper();
        Map<String, Object> t = spec.training();
        double lr = (Double) t.get("lr");
        double wd = (Double) t.get("weightDecay");
        String optimizer = (String) t.get("optimizer");
        IUpdater updater = optimizer.equals("sgd") ? new Nesterovs(lr, (Double) t.get("momentum")) : new Adam(lr);
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(spec.seed()).dataType(DataType.FLOAT)
                .updater(updater);
        double l2 = h.containsKey("l2") ? (Double) h.get("l2") : 0;
        if (optimizer.equals("adamw") && wd > 0) {
            // decoupled from the gradient: AdamW. DL4J 1.0.0-M2.1's network applies its WeightDecay twice a step
            // (measured: a coefficient c decays the weights as 2c does in the packed and SameDiff loops), so half the
            // coefficient gives lr * weightDecay * w once, as they do (PackedDenseTest)
            b.weightDecay(wd / 2, true);
        } else {
            l2 += wd;
        }
        if (l2 > 0) {
            b.l2(l2);
        }
        if (h.containsKey("l1") && (Double) h.get("l1") > 0) {
            b.l1((Double) h.get("l1"));
        }
        double clip = (Double) t.get("clip");
        if (clip > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(clip);
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        int in = nIn;
        if (spec.type() == ModelType.DNN) {
            @SuppressWarnings("unchecked")
            List<Integer> hidden = (List<Integer>) h.get("hidden");
            Activation act = Activation.valueOf(((String) h.get("activation")).toUpperCase().replace("LEAKYRELU", "LEAKYRELU"));
            double dropout = (Double) h.get("dropout");
            for (int units : hidden) {
                DenseLayer.Builder d = new DenseLayer.Builder().nIn(in).nOut(units).activation(act)
                        .hasLayerNorm((Boolean) h.get("layerNorm"));
                if (dropout > 0) {
                    d.dropOut(1 - dropout); // DL4J takes the probability of keeping a unit
                }
                list.layer(d.build());
                in = units;
            }
        }
        list.layer(new OutputLayer.Builder(classify ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
                .nIn(in).nOut(nOut).activation(classify ? Activation.SOFTMAX : Activation.IDENTITY).build());
        return list.build();
    }

    /** The learning rate of epoch {@code e} for step, exponential and one-cycle schedules (plateau: the caller). */
    static double learningRate(Map<String, Object> t, double base, double current, int e, int epochs) {
        String schedule = (String) t.get("schedule");
        double gamma = (Double) t.get("scheduleGamma");
        int step = (Integer) t.get("scheduleStep");
        return switch (schedule) {
            case "step" -> base * Math.pow(gamma, e / step);
            case "exponential" -> base * Math.pow(gamma, e);
            case "one-cycle" -> {
                // linear warm-up from base/25 to base over the first 30% of epochs, then cosine down to base/1e4
                double warm = Math.max(1, 0.3 * epochs);
                if (e < warm) {
                    yield base / 25 + (base - base / 25) * e / warm;
                }
                double p = (e - warm) / Math.max(1, epochs - warm);
                yield base / 1e4 + (base - base / 1e4) * 0.5 * (1 + Math.cos(Math.PI * p));
            }
            case "plateau" -> current;
            default -> base;
        };
    }

    /** How rows become network inputs. */
    interface Feed {
        DataSet whole(PreparedData.Part p);

        List<DataSet> batches(PreparedData.Part p, int batch, Random rnd);
    }

    /** Dense inputs: the part's rows as they are, shuffled into minibatches each epoch. */
    static final class RowFeed implements Feed {
        private final boolean classify;
        private final int classes;
        private final java.util.Map<PreparedData.Part, DataSet> cache = new java.util.IdentityHashMap<>();

        RowFeed(PreparedData data, boolean classify) {
            this.classify = classify;
            this.classes = data.classes();
        }

        @Override
        public DataSet whole(PreparedData.Part p) {
            return cache.computeIfAbsent(p, x -> dataSet(x, classify, classes));
        }

        /**
         * Minibatches of the rows in a shuffled order (the same order {@link PackedDense} draws for the seed and
         * epoch), each pulled from the part's arrays by index: no per-row DataSets.
         */
        @Override
        public List<DataSet> batches(PreparedData.Part p, int batch, Random rnd) {
            DataSet all = whole(p);
            int[] order = shuffled(p.rows(), rnd);
            List<DataSet> out = new ArrayList<>();
            for (int s = 0; s < order.length; s += batch) {
                int[] rows = java.util.Arrays.copyOfRange(order, s, Math.min(order.length, s + batch));
                out.add(new DataSet(Nd4j.pullRows(all.getFeatures(), 1, rows),
                        Nd4j.pullRows(all.getLabels(), 1, rows)));
            }
            return out;
        }
    }

    /**
     * {@code shuffled(n, new Random(seed))}, the same permutation, drawn by {@link Random}'s documented generator (a
     * 48-bit linear congruential one, {@code nextInt(bound)} as its Javadoc specifies) on a local {@code long} instead
     * of Random's atomic seed, whose compare-and-set on every draw was 8% of a thousand tiny models' training time.
     */
    static int[] shuffled(int n, long seed) {
        final long mult = 0x5DEECE66DL;
        final long mask = (1L << 48) - 1;
        long s = (seed ^ mult) & mask;
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int bound = i + 1;
            s = (s * mult + 0xBL) & mask;
            int r = (int) (s >>> 17);
            int m = bound - 1;
            if ((bound & m) == 0) {
                r = (int) ((bound * (long) r) >> 31);
            } else {
                for (int u = r; u - (r = u % bound) + m < 0; ) {
                    s = (s * mult + 0xBL) & mask;
                    u = (int) (s >>> 17);
                }
            }
            int x = o[i];
            o[i] = o[r];
            o[r] = x;
        }
        return o;
    }

    /** 0..n-1 shuffled by Fisher-Yates with {@code rnd} (each model's epoch order, alone or packed). */
    static int[] shuffled(int n, Random rnd) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int s = rnd.nextInt(i + 1);
            int x = o[i];
            o[i] = o[s];
            o[s] = x;
        }
        return o;
    }

    private static DataSet dataSet(PreparedData.Part p, boolean classify, int classes) {
        int n = p.rows();
        int f = p.x().length == 0 ? 0 : p.x()[0].length;
        float[][] x = new float[n][f];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < f; c++) {
                x[i][c] = (float) p.x()[i][c];
            }
        }
        INDArray features = Floats.matrix(x, f);
        INDArray labels;
        if (classify) {
            float[][] y = new float[n][classes];
            for (int i = 0; i < n; i++) {
                y[i][(int) p.y()[i]] = 1f;
            }
            labels = Floats.matrix(y, classes);
        } else {
            float[][] y = new float[n][1];
            for (int i = 0; i < n; i++) {
                y[i][0] = (float) p.y()[i];
            }
            labels = Floats.matrix(y, 1);
        }
        return new DataSet(features, labels);
    }

    static TrainingResult.Predictions predict(MultiLayerNetwork net, Feed feed, PreparedData.Part p, boolean classify) {
        int n = p.rows();
        if (n == 0) {
            return TrainingResult.Predictions.of(new float[0][], classify);
        }
        DataSet d = feed.whole(p);
        INDArray out = net.output(d.getFeatures(), false, d.getFeaturesMaskArray(), null);
        double[] values = new double[n];
        if (!classify) {
            for (int i = 0; i < n; i++) {
                values[i] = out.getDouble(i, 0);
            }
            return new TrainingResult.Predictions(values, null);
        }
        int k = (int) out.size(1);
        double[] prob = new double[n * k];
        for (int i = 0; i < n; i++) {
            int arg = 0;
            for (int c = 0; c < k; c++) {
                prob[i * k + c] = out.getDouble(i, c);
                if (prob[i * k + c] > prob[i * k + arg]) {
                    arg = c;
                }
            }
            values[i] = arg;
        }
        return new TrainingResult.Predictions(values, Probabilities.of(k, prob));
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
