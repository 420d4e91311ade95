package io.atlasj.trainer.model;

import io.atlasj.features.Feature;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Training of the SameDiff networks ({@link SdNet}): the causal Transformer, the hybrid multi-timeframe transformer
 * and the multi-task network. The loop is written here rather than with {@code SameDiff.fit}: gradients come from
 * {@code calculateGradientsAndOutputs}, and each weight has its own ND4J updater (Adam or Nesterov momentum) whose
 * state arrays we own, so they can be saved and resumed; clipping is by the global gradient L2 norm; AdamW's weight
 * decay is decoupled (applied to the weights, not the gradient). The same schedules, early stopping and best-epoch
 * checkpoint as {@link Dl4jTrainer}.
 */
final class SameDiffTrainer {
    private SameDiffTrainer() {
    }

    static {
        QuietSameDiff.install();
    }

    /** A trained network, its updater state, and the epoch after which it was saved. */
    static final class State {
        final SdNet net;
        final Map<String, INDArray> updater = new LinkedHashMap<>();
        int iteration;
        int epoch;

        State(SdNet net) {
            this.net = net;
        }
    }

    /** The network's shape for this spec and fold; throws IllegalArgumentException with a clear message. */
    static SdNet.Arch arch(ModelSpec spec, PreparedData data) {
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        List<SdNet.Head> heads = new ArrayList<>();
        heads.add(new SdNet.Head(spec.label().id(), classify, classify ? data.classes() : 1));
        List<SdNet.Group> groups = List.of();
        int seq = 0;
        Map<String, Object> hyper = new HashMap<>(spec.hyper());
        switch (spec.type()) {
            case TRANSFORMER, LSTM, BILSTM -> seq = (Integer) hyper.get("sequenceLength");
            case MULTI_TASK -> {
                for (PreparedData.Target t : data.extraTargets()) {
                    heads.add(new SdNet.Head(t.label(), t.classify(), t.classify() ? t.classes() : 1));
                }
                multiTaskWeights(spec, heads.size(), 0); // checks the lengths
            }
            case HYBRID_TRANSFORMER -> {
                if (!classify) {
                    throw new IllegalArgumentException("hybrid-transformer predicts an action class: give the unit a "
                            + "classification task");
                }
                groups = groups(spec, data.features());
                for (SdNet.Group g : groups) {
                    heads.add(new SdNet.Head("next " + g.name(), false, g.columns().length));
                }
            }
            default -> throw new IllegalArgumentException(spec.type().id() + " is not a SameDiff model");
        }
        return new SdNet.Arch(spec.type(), hyper, data.features(), seq, groups, heads, spec.seed());
    }

    /**
     * The hybrid's timeframes: the feature columns grouped by (market, timeframe), where a feature's timeframe is the
     * coarsest timeframe of its leaves (the base timeframe when none is named), keeping the timeframes listed in the
     * {@code timeframes} hyperparameter. The base timeframe comes first.
     */
    static List<SdNet.Group> groups(ModelSpec spec, int columns) {
        List<Feature> features = spec.featureset().features();
        if (features.size() != columns) {
            throw new IllegalArgumentException("hybrid-transformer: the matrix has " + columns + " feature columns but "
                    + "the featureset declares " + features.size());
        }
        Timeframe base = spec.featureset().baseTimeframe();
        @SuppressWarnings("unchecked")
        List<String> wanted = (List<String>) spec.hyper().get("timeframes");
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        Map<String, Timeframe> tfOf = new HashMap<>();
        List<String> available = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            Timeframe tf = coarsest(features.get(c), base);
            String market = market(features.get(c), io.atlasj.features.MarketRef.of(spec.featureset().baseMarket()));
            String key = market + " " + tf.label();
            if (!available.contains(tf.label())) {
                available.add(tf.label());
            }
            if (wanted.contains(tf.label())) {
                byGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                tfOf.put(key, tf);
            }
        }
        for (String w : wanted) {
            Timeframe tf;
            try {
                tf = Timeframe.parse(w);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("hybrid-transformer: timeframes: " + e.getMessage());
            }
            if (tf.millis() < base.millis() || tf.millis() % base.millis() != 0) {
                throw new IllegalArgumentException("hybrid-transformer: timeframe " + w + " is not a multiple of the base "
                        + "timeframe " + base.label());
            }
            if (!available.contains(tf.label())) {
                throw new IllegalArgumentException("hybrid-transformer: timeframe " + w + " has no features in featureset "
                        + spec.featureset().name() + " (its timeframes: " + String.join(", ", available)
                        + "); set the model's timeframes to those to encode");
            }
        }
        List<String> keys = new ArrayList<>(byGroup.keySet());
        keys.sort(java.util.Comparator.comparingLong((String k) -> tfOf.get(k).millis()));
        if (tfOf.get(keys.get(0)).millis() != base.millis()) {
            throw new IllegalArgumentException("hybrid-transformer: timeframes must include the base timeframe "
                    + base.label() + " (the action is predicted at its token)");
        }
        List<SdNet.Group> out = new ArrayList<>();
        for (String k : keys) {
            out.add(new SdNet.Group(k, (int) (tfOf.get(k).millis() / base.millis()),
                    byGroup.get(k).stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    private static Timeframe coarsest(Feature f, Timeframe base) {
        Timeframe t = f.timeframe() == null ? base : f.timeframe();
        for (Feature in : f.inputs()) {
            Timeframe u = coarsest(in, base);
            if (u.millis() > t.millis()) {
                t = u;
            }
        }
        return t;
    }

    /** The market a feature reads: the first leaf's, completed by the featureset's base market. */
    private static String market(Feature f, io.atlasj.features.MarketRef base) {
        if (f.isLeaf() || f.inputs().isEmpty()) {
            return f.market() == null ? base.toString() : f.market().orElse(base).toString();
        }
        for (Feature in : f.inputs()) {
            if (!"Const".equals(in.kind())) {
                return market(in, base);
            }
        }
        return base.toString();
    }

    /**
     * The multi-task loss weights at epoch {@code e}: {@code lossWeights} (all 1 when empty), replaced by stage
     * {@code s}'s weights ({@code stageWeights[s*heads .. s*heads+heads-1]}) from epoch {@code stageEpochs[s]} on.
     */
    static double[] multiTaskWeights(ModelSpec spec, int heads, int e) {
        return multiTaskWeights(spec.hyper(), heads, e);
    }

    /** As above, from a network's hyperparameters (a served model's, whose spec is not at hand). */
    @SuppressWarnings("unchecked")
    static double[] multiTaskWeights(Map<String, Object> hyper, int heads, int e) {
        List<Number> base = (List<Number>) hyper.get("lossWeights");
        List<Number> stages = (List<Number>) hyper.get("stageEpochs");
        List<Number> staged = (List<Number>) hyper.get("stageWeights");
        if (!base.isEmpty() && base.size() != heads) {
            throw new IllegalArgumentException("multi-task: lossWeights has " + base.size() + " weights but the "
                    + "featureset gives " + heads + " heads (one per label, the unit's label first)");
        }
        if (staged.size() != stages.size() * heads) {
            throw new IllegalArgumentException("multi-task: stageWeights must hold heads x stages = " + heads + " x "
                    + stages.size() + " = " + stages.size() * heads + " weights, got " + staged.size());
        }
        for (int s = 1; s < stages.size(); s++) {
            if (stages.get(s).intValue() <= stages.get(s - 1).intValue()) {
                throw new IllegalArgumentException("multi-task: stageEpochs must increase, got " + stages);
            }
        }
        double[] w = new double[heads];
        for (int h = 0; h < heads; h++) {
            w[h] = base.isEmpty() ? 1 : base.get(h).doubleValue();
        }
        for (int s = 0; s < stages.size(); s++) {
            if (e >= stages.get(s).intValue()) {
                for (int h = 0; h < heads; h++) {
                    w[h] = staged.get(s * heads + h).doubleValue();
                }
            }
        }
        return w;
    }

    static TrainingResult train(ModelSpec spec, PreparedData data, ModelTrainer.Listener listener, Path modelFile,
                                Path warmStart) {
        long t0 = System.nanoTime();
        List<TrainingResult.Epoch> curves = new ArrayList<>();
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        java.util.Optional<Checkpoint.Loop> resumed = Checkpoint.find(modelFile, spec.key());
        State resume = null;
        Map<String, INDArray> resumedBest = null;
        if (resumed.isPresent()) {
            try {
                resume = SdModelFile.read(Checkpoint.net(modelFile, resumed.get()));
                resumedBest = Checkpoint.readArrays(Checkpoint.best(modelFile, resumed.get()));
            } catch (java.io.IOException | RuntimeException e) {
                Checkpoint.setAside(modelFile, "it cannot be restored: " + e);
                resumed = java.util.Optional.empty();
                resume = null;
                resumedBest = null;
            }
        }
        SdNet.Arch arch;
        try {
            arch = resume != null ? resume.net.arch : arch(spec, data);
        } catch (IllegalArgumentException e) {
            return TrainingResult.failed(e.getMessage(), curves, 0);
        }
        Map<String, Object> t = spec.training();
        Nd4j.getRandom().setSeed(spec.seed());
        State state;
        SdNet net;
        SdNet.Graph train;
        SdNet.Graph infer;
        SdInputs inputs;
        LstmKernel kernel; // LSTMs: the written-out passes, not the graph executor
        try {
            state = resume != null ? resume : new State(new SdNet(arch));
            net = state.net;
            if (resume == null && warmStart != null) {
                String why = warmStart(net, warmStart);
                if (why != null) {
                    return TrainingResult.failed(why, curves, millis(t0));
                }
            }
            train = net.build(true);
            infer = net.build(false);
            inputs = new SdInputs(arch, data);
            kernel = arch.type() == ModelType.LSTM || arch.type() == ModelType.BILSTM ? net.kernel() : null;
        } catch (IllegalArgumentException e) {
            return TrainingResult.failed(e.getMessage(), curves, 0);
        }
        int epochs = (Integer) t.get("epochs");
        int batch = (Integer) t.get("batchSize");
        String monitor = (String) t.get("monitor");
        double baseLr = (Double) t.get("lr");
        Optimizer opt = Optimizer.of(t, spec.hyper());
        IUpdater config = opt.updater(baseLr);
        List<String> names = new ArrayList<>(net.params.keySet());
        Map<String, GradientUpdater> updaters = new LinkedHashMap<>();
        for (String n : names) {
            long size = config.stateSize(net.params.get(n).length());
            INDArray view = state.updater.computeIfAbsent(n, k -> Nd4j.zeros(DataType.FLOAT, 1, size));
            updaters.put(n, config.instantiate(view, false));
        }
        EpochBook book = new EpochBook(t, baseLr);
        Map<String, INDArray> bestParams = null;
        BitSet trainRows = rows(data.train());
        int first = 0;
        if (resumed.isPresent()) {
            Checkpoint.Loop l = resumed.get();
            curves.addAll(l.curves());
            first = l.nextEpoch();
            book.resume(l);
            bestParams = resumedBest;
        }
        long lastCheckpoint = System.nanoTime();
        for (int e = first; e < epochs; e++) {
            // each epoch's shuffle and dropout masks come from the seed and the epoch: a resumed run repeats them
            Random rnd = new Random(spec.seed() * 31 + e);
            java.util.SplittableRandom masks = new java.util.SplittableRandom(spec.seed() * 31 + e); // 10x faster
            book.lr = Dl4jTrainer.learningRate(t, baseLr, book.lr, e, epochs);
            double lr = book.lr;
            setLr(config, lr);
            double[] lambdas = arch.type() == ModelType.MULTI_TASK ? multiTaskWeights(spec, arch.heads().size(), e)
                    : lambdas(arch, spec);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < data.train().rows(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, rnd);
            double sum = 0;
            for (int s = 0; s < order.size(); s += batch) {
                int[] which = order.subList(s, Math.min(order.size(), s + batch)).stream().mapToInt(Integer::intValue)
                        .toArray();
                double loss;
                Map<String, INDArray> grads;
                try {
                    Batch b = batch(arch, data, inputs, train, kernel, data.train(), which, trainRows, lambdas, masks,
                            names);
                    loss = b.loss();
                    grads = b.gradients();
                } catch (RuntimeException ex) { // an ND4J op refused the shapes or values: a failed model
                    return TrainingResult.failed("ND4J failed in epoch " + e + ": " + ex.getMessage(), curves,
                            millis(t0));
                }
                if (!Double.isFinite(loss)) {
                    return TrainingResult.failed("the training loss became " + loss + " at epoch " + e
                            + " (lower lr, enable clip, or check the inputs)", curves, millis(t0));
                }
                sum += loss * which.length;
                step(net, grads, names, updaters, lr, opt, state.iteration, e);
                state.iteration++;
            }
            state.epoch = e + 1;
            double trainLoss = sum / Math.max(1, data.train().rows());
            Eval val = data.validation().rows() > 0
                    ? evaluate(net, infer, inputs, data, data.validation(), classify, lambdas) : null;
            double valLoss = val == null ? trainLoss : val.loss;
            double metric = val == null ? Double.NaN : val.metric;
            curves.add(new TrainingResult.Epoch(e, trainLoss, valLoss, metric, lr));
            double monitored = switch (monitor) {
                case "val_accuracy", "val_rmse" -> val == null ? -trainLoss : metric;
                case "val_composite" -> val == null ? -trainLoss : val.composite;
                default -> valLoss;
            };
            if (arch.type() == ModelType.MULTI_TASK && e > 0 && !java.util.Arrays.equals(lambdas,
                    multiTaskWeights(spec, arch.heads().size(), e - 1))) {
                // a new stage optimises another objective: the best checkpoint is chosen within the last stage
                book.restartBest();
                bestParams = null;
            }
            EpochBook.Verdict verdict = book.observe(e, monitored, valLoss, bestParams == null);
            if (verdict == EpochBook.Verdict.STOP) {
                listener.epoch(curves.get(curves.size() - 1));
                break;
            }
            if (verdict == EpochBook.Verdict.IMPROVED) {
                bestParams = copy(net.params);
            }
            // checkpoints by elapsed time (every epoch when the interval is 0)
            if (modelFile != null && e + 1 < epochs
                    && System.nanoTime() - lastCheckpoint >= listener.checkpointEveryMillis() * 1_000_000L) {
                lastCheckpoint = System.nanoTime();
                try {
                    String netSha = SdModelFile.write(Checkpoint.net(modelFile, e + 1), state, false);
                    Checkpoint.saveLoop(modelFile, book.loop(spec.key(), e + 1, curves), netSha, bestParams);
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
        if (bestParams != null) {
            bestParams.forEach((n, a) -> net.params.get(n).assign(a));
        }
        if (modelFile != null) {
            try {
                SdModelFile.write(modelFile, state, false);
                Checkpoint.delete(modelFile);
            } catch (java.io.IOException ex) {
                return TrainingResult.failed("cannot save the model to " + modelFile + ": " + ex.getMessage(), curves,
                        millis(t0));
            }
        }
        float[][][] va = outputs(net, infer, inputs, data.validation());
        float[][][] te = outputs(net, infer, inputs, data.test());
        if (kernel != null) {
            kernel.release(); // its kept arrays are the size of a prediction batch: not held while results are written
        }
        List<TrainingResult.Head> extra = new ArrayList<>();
        if (arch.type() == ModelType.MULTI_TASK) {
            for (int h = 1; h < arch.heads().size(); h++) {
                boolean c = arch.heads().get(h).classify();
                extra.add(new TrainingResult.Head(arch.heads().get(h).name(), null,
                        TrainingResult.Predictions.of(va[h], c), TrainingResult.Predictions.of(te[h], c)));
            }
        }
        // no pass over the training rows: a result keeps no predictions of them (result schema 8)
        return new TrainingResult(true, null, curves, book.bestEpoch, null,
                TrainingResult.Predictions.of(va[0], classify), TrainingResult.Predictions.of(te[0], classify),
                millis(t0), extra);
    }

    /** A batch's summed loss and its gradients by weight name. */
    private record Batch(double loss, Map<String, INDArray> gradients) {
    }

    /**
     * The loss and gradients of the rows {@code which} of {@code part}: one graph call (or LSTM kernel pass) per group
     * of windows of one length, added up; dropout masks drawn from {@code masks}.
     */
    private static Batch batch(SdNet.Arch arch, PreparedData data, SdInputs inputs, SdNet.Graph train,
                               LstmKernel kernel, PreparedData.Part part, int[] which, BitSet partRows,
                               double[] lambdas, java.util.SplittableRandom masks, List<String> names) {
        Map<String, INDArray> batchTargets = new HashMap<>();
        targets(arch, data, inputs, part, which, partRows, batchTargets, lambdas);
        List<int[]> groups = inputs.groups(part, which);
        double loss = 0;
        Map<String, INDArray> grads = null;
        for (int[] g : groups) {
            int[] rows = new int[g.length];
            for (int i = 0; i < g.length; i++) {
                rows[i] = which[g[i]];
            }
            Map<String, INDArray> ph = inputs.inputs(part, rows);
            int steps = ph.containsKey(SdNet.X) && ph.get(SdNet.X).rank() == 3 ? (int) ph.get(SdNet.X).size(1) : 1;
            batchTargets.forEach((k, v) -> ph.put(k, groups.size() == 1 || v.rank() == 0 ? v : pick(v, g)));
            for (SdNet.Dropout d : train.dropouts()) {
                ph.put(d.name(), d.perExample() == 0
                        ? keepMask(rows.length * steps, d.width(), d.p(), masks).reshape(rows.length, steps, d.width())
                        : keepMask(rows.length * d.perExample(), d.width(), d.p(), masks));
            }
            double groupLoss;
            Map<String, INDArray> groupGrads;
            if (kernel != null) {
                LstmKernel.Pass pass = kernel.lossAndGradients(ph.get(SdNet.X), ph.get(SdNet.label(0)),
                        ph.get(SdNet.weight(0)), lambdas[0], ph);
                groupLoss = pass.loss();
                groupGrads = pass.gradients();
            } else {
                OutAndGrad og = train.sd().calculateGradientsAndOutputs(ph, List.of(SdNet.LOSS), names);
                groupLoss = og.getOutputs().get(SdNet.LOSS).getDouble(0);
                groupGrads = og.getGradients();
            }
            loss += groupLoss;
            if (grads == null) {
                grads = groups.size() == 1 ? groupGrads : copy(groupGrads);
            } else {
                for (String n : names) {
                    grads.get(n).addi(groupGrads.get(n));
                }
            }
        }
        return new Batch(loss, grads);
    }

    /** Whether {@link #fineTune} takes a network of this type: one head, learned from the label's outcomes. */
    static boolean fineTunes(ModelType type) {
        return type == ModelType.LSTM || type == ModelType.BILSTM || type == ModelType.TRANSFORMER
                || type == ModelType.MULTI_TASK || type == ModelType.HYBRID_TRANSFORMER;
    }

    /**
     * Fine-tunes a served network (the live runner's event-driven training): {@code steps} steps of {@code opt} (the
     * network's training optimizer, with its weight decay, clipping and L2) at learning rate {@code lr} over all of
     * {@code data}'s training rows as one batch (windows from its context, as training made them), the network's
     * dropout on with masks from {@code seed}. The optimizer's moments are {@code state}'s (a fine-tuned version's,
     * loaded with them) when they fit the optimizer, else they start afresh with its step count. The weights change in
     * place. Returns false, with the weights as they were, when the loss is not finite.
     *
     * <p>Heads: the served (first) head learns from {@code data}'s targets. The hybrid's next-candle heads learn
     * from every row of {@code data}'s context, all of it known by now (the rows one stride after a frame, where the
     * context holds them), weighted by its {@code candleLossWeight}. A multi-task network's other heads learn from
     * {@code data}'s extra targets (NaN where unknown), all heads weighted as in the training's last stage; without
     * extra targets (a result that did not record how they were made) they stay out of the loss.
     */
    static boolean fineTune(State state, PreparedData data, Optimizer opt, double lr, int steps, long seed) {
        SdNet net = state.net;
        SdNet.Arch arch = net.arch;
        if (!fineTunes(arch.type())) {
            throw new IllegalArgumentException("fine-tuning is built for LSTM, BiLSTM, transformer, multi-task and "
                    + "hybrid networks, not " + arch.type().id());
        }
        SdNet.Graph train = net.build(true);
        SdInputs inputs = new SdInputs(arch, data);
        LstmKernel kernel = arch.type() == ModelType.LSTM || arch.type() == ModelType.BILSTM ? net.kernel() : null;
        List<String> names = new ArrayList<>(net.params.keySet());
        IUpdater config = opt.updater(lr);
        Map<String, INDArray> before = copy(net.params);
        Map<String, INDArray> moments = copy(state.updater);
        int iteration = state.iteration;
        boolean fresh = false;
        for (String n : names) {
            INDArray view = state.updater.get(n);
            fresh |= view == null || view.length() != config.stateSize(net.params.get(n).length());
        }
        if (fresh) {
            // none kept, or another optimizer's: the moments start afresh, and so does Adam's bias correction
            state.updater.clear();
            state.iteration = 0;
        }
        Map<String, GradientUpdater> updaters = new LinkedHashMap<>();
        for (String n : names) {
            INDArray view = state.updater.computeIfAbsent(n, k -> Nd4j.zeros(DataType.FLOAT, 1,
                    config.stateSize(net.params.get(k).length())));
            updaters.put(n, config.instantiate(view, false));
        }
        double[] lambdas = new double[arch.heads().size()];
        lambdas[0] = 1;
        if (arch.type() == ModelType.MULTI_TASK && !data.extraTargets().isEmpty()) {
            lambdas = multiTaskWeights(arch.hyper(), lambdas.length, Integer.MAX_VALUE); // its last stage's
        }
        if (arch.type() == ModelType.HYBRID_TRANSFORMER) {
            for (int h = 1; h < lambdas.length; h++) {
                lambdas[h] = ((Number) arch.hyper().get("candleLossWeight")).doubleValue();
            }
        }
        int[] which = java.util.stream.IntStream.range(0, data.train().rows()).toArray();
        // every row of the context is known by now: the hybrid's next candles may come from any of them
        BitSet trainRows = new BitSet();
        trainRows.set(0, data.context().time().length);
        java.util.SplittableRandom masks = new java.util.SplittableRandom(seed);
        boolean done = false;
        try {
            for (int s = 0; s < steps; s++) {
                Batch b = batch(arch, data, inputs, train, kernel, data.train(), which, trainRows, lambdas, masks,
                        names);
                if (!Double.isFinite(b.loss())) {
                    return false;
                }
                step(net, b.gradients(), names, updaters, lr, opt, state.iteration, state.epoch);
                state.iteration++;
            }
            done = true;
            return true;
        } finally {
            if (!done) { // a loss that is not finite, or an ND4J failure: the network as it was
                before.forEach((n, a) -> net.params.get(n).assign(a));
                state.updater.clear();
                state.updater.putAll(moments);
                state.iteration = iteration;
            }
            if (kernel != null) {
                kernel.release();
            }
        }
    }

    /** Copies the weights of the model in {@code file} into {@code net}; null, or why it cannot. */
    private static String warmStart(SdNet net, Path file) {
        SdNet from;
        try {
            from = SdModelFile.read(file).net;
        } catch (java.io.IOException | RuntimeException e) {
            return "warmStart: cannot read the model " + file + ": " + e.getMessage();
        }
        net.build(false); // creates this network's weights
        if (from.arch.type() != net.arch.type() || !from.params.keySet().equals(net.params.keySet())) {
            return "warmStart: " + file + " is a " + from.arch.type().id() + " with other layers than this "
                    + net.arch.type().id() + ": warm start needs the same architecture";
        }
        for (Map.Entry<String, INDArray> e : from.params.entrySet()) {
            INDArray to = net.params.get(e.getKey());
            if (!java.util.Arrays.equals(to.shape(), e.getValue().shape())) {
                return "warmStart: weight " + e.getKey() + " of " + file + " has shape "
                        + java.util.Arrays.toString(e.getValue().shape()) + ", this model "
                        + java.util.Arrays.toString(to.shape()) + ": warm start needs the same architecture and inputs";
            }
            to.assign(e.getValue());
        }
        return null;
    }

    private static double[] lambdas(SdNet.Arch arch, ModelSpec spec) {
        double[] l = new double[arch.heads().size()];
        l[0] = 1;
        for (int h = 1; h < l.length; h++) {
            l[h] = (Double) spec.hyper().get("candleLossWeight"); // hybrid: the next-candle heads
        }
        return l;
    }

    /** Labels, per-row weights (1/known rows of the batch, 0 where the target is unknown) and loss weights. */
    static void targets(SdNet.Arch arch, PreparedData data, SdInputs inputs, PreparedData.Part p, int[] which,
                        BitSet partRows, Map<String, INDArray> ph, double[] lambdas) {
        for (int h = 0; h < arch.heads().size(); h++) {
            SdNet.Head head = arch.heads().get(h);
            float[][] y = new float[which.length][head.width()];
            float[] w = new float[which.length];
            int known = 0;
            for (int b = 0; b < which.length; b++) {
                int i = which[b];
                float[] v = null;
                if (h == 0) {
                    v = one(head, p.y()[i]);
                } else if (arch.type() == ModelType.MULTI_TASK && !data.extraTargets().isEmpty()) {
                    // (none: a live fine-tuning of a model whose result does not say how they were made)
                    v = one(head, data.extraTargets().get(h - 1).values()[p.index()[i]]);
                } else if (arch.type() == ModelType.HYBRID_TRANSFORMER) {
                    v = inputs.nextCandle(p, i, h - 1, partRows);
                }
                if (v != null) {
                    y[b] = v;
                    w[b] = 1;
                    known++;
                }
            }
            for (int b = 0; b < which.length; b++) {
                w[b] = known == 0 ? 0 : w[b] / known;
            }
            ph.put(SdNet.label(h), Floats.matrix(y, head.width()));
            ph.put(SdNet.weight(h), Floats.array(w, which.length));
            ph.put(SdNet.lambda(h), Nd4j.scalar((float) lambdas[h]));
        }
    }

    private static float[] one(SdNet.Head head, double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        float[] y = new float[head.width()];
        if (head.classify()) {
            int c = (int) v;
            if (c < 0 || c >= head.width()) {
                throw new IllegalArgumentException("class " + v + " outside 0.." + (head.width() - 1) + " for "
                        + head.name());
            }
            y[c] = 1f;
        } else {
            y[0] = (float) v;
        }
        return y;
    }

    /**
     * One optimizer step over all weights: global-norm clipping, L2 or decoupled weight decay, the {@code l2}
     * penalty on weight matrices (not biases, gains or embeddings, as DL4J's l2), the updater.
     */
    private static void step(SdNet net, Map<String, INDArray> grads, List<String> names,
                             Map<String, GradientUpdater> updaters, double lr, Optimizer opt, int iteration,
                             int epoch) {
        double wd = opt.weightDecay();
        double l2 = opt.l2();
        boolean adamw = opt.adamw();
        double clip = opt.clip();
        double scale = 1;
        if (clip > 0) {
            double sq = 0;
            for (String n : names) {
                double g = grads.get(n).norm2Number().doubleValue();
                sq += g * g;
            }
            double norm = Math.sqrt(sq);
            scale = norm > clip ? clip / norm : 1;
        }
        for (String n : names) {
            INDArray p = net.params.get(n);
            INDArray g = grads.get(n).castTo(DataType.FLOAT).dup().reshape(1, p.length());
            if (scale != 1) {
                g.muli(scale);
            }
            if (wd > 0 && !adamw) {
                g.addi(p.reshape(1, p.length()).mul(wd));
            }
            if (l2 > 0 && (n.endsWith("_W") || n.endsWith("_Wx") || n.endsWith("_Wr"))) {
                g.addi(p.reshape(1, p.length()).mul(l2));
            }
            updaters.get(n).applyUpdater(g, iteration, epoch);
            if (wd > 0 && adamw) {
                p.muli(1 - lr * wd);
            }
            p.subi(g.reshape(p.shape()));
        }
    }

    private static void setLr(IUpdater u, double lr) {
        if (u instanceof Adam a) {
            a.setLearningRate(lr);
        } else if (u instanceof Nesterovs n) {
            n.setLearningRate(lr);
        }
    }

    private static INDArray keepMask(int rows, int width, double p, java.util.SplittableRandom rnd) {
        float[] m = new float[rows * width];
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < m.length; i++) {
            m[i] = rnd.nextDouble() < p ? 0f : keep;
        }
        return Floats.array(m, rows, width);
    }

    /** Rows {@code at} of a [batch, ...] or [batch] array. */
    private static INDArray pick(INDArray a, int[] at) {
        if (a.rank() == 1) {
            return Nd4j.pullRows(a.reshape(-1, 1), 1, at).reshape(-1);
        }
        return Nd4j.pullRows(a, 1, at);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        params.forEach((n, a) -> c.put(n, a.dup()));
        return c;
    }

    static BitSet rows(PreparedData.Part p) {
        BitSet b = new BitSet();
        for (int i : p.index()) {
            b.set(i);
        }
        return b;
    }

    /** Outputs of every head for all rows of a part, in batches: [head][row][width]. */
    static float[][][] outputs(SdNet net, SdNet.Graph infer, SdInputs inputs, PreparedData.Part p) {
        int n = p.rows();
        int heads = net.arch.heads().size();
        float[][][] out = new float[heads][n][];
        LstmKernel kernel = net.arch.type() == ModelType.LSTM || net.arch.type() == ModelType.BILSTM
                ? net.kernel() : null;
        for (String name : kernel != null ? List.<String>of() : net.params.keySet()) { // the kernel reads net.params
            INDArray a = infer.sd().getArrForVarName(name);
            if (a != net.params.get(name)) {
                a.assign(net.params.get(name));
            }
        }
        int batch = 512;
        for (int s = 0; s < n; s += batch) {
            int[] which = java.util.stream.IntStream.range(s, Math.min(n, s + batch)).toArray();
            for (int[] g : inputs.groups(p, which)) {
                int[] rows = new int[g.length];
                for (int i = 0; i < g.length; i++) {
                    rows[i] = which[g[i]];
                }
                Map<String, INDArray> r;
                if (kernel != null) { // windows of the context's rows, each row's input product made once
                    int[] ends = new int[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        ends[i] = p.index()[rows[i]];
                    }
                    int len = inputs.run(ends[0], net.arch.seqLen()); // one length per group
                    r = Map.of(infer.outputs().get(0), kernel.predictWindows(inputs.contextRows(), ends, len));
                } else {
                    r = infer.sd().output(inputs.inputs(p, rows), infer.outputs());
                }
                for (int h = 0; h < heads; h++) {
                    INDArray o = r.get(infer.outputs().get(h));
                    int w = (int) o.size(1);
                    float[] flat = Floats.of(o); // one copy: a row view per row costs more than the pass
                    for (int b = 0; b < rows.length; b++) {
                        out[h][rows[b]] = java.util.Arrays.copyOfRange(flat, b * w, (b + 1) * w);
                    }
                }
            }
        }
        return out;
    }

    static TrainingResult.Predictions predict(SdNet net, SdNet.Graph infer, SdInputs inputs, PreparedData.Part p,
                                              boolean classify) {
        int n = p.rows();
        if (n == 0) {
            return TrainingResult.Predictions.of(new float[0][], classify);
        }
        return TrainingResult.Predictions.of(outputs(net, infer, inputs, p)[0], classify);
    }

    private record Eval(double loss, double metric, double composite) {
    }

    /** The primary head on a part: its loss (cross-entropy or MSE), accuracy or RMSE, and the composite score. */
    private static Eval evaluate(SdNet net, SdNet.Graph infer, SdInputs inputs, PreparedData data, PreparedData.Part p,
                                 boolean classify, double[] lambdas) {
        float[][][] out = outputs(net, infer, inputs, p);
        TrainingResult.Predictions pr = TrainingResult.Predictions.of(out[0], classify);
        double loss = Scores.loss(pr, p.y(), classify);
        if (net.arch.type() == ModelType.MULTI_TASK) {
            // val_loss of a multi-task network: its heads' losses with the loss weights of the current stage
            loss *= lambdas[0];
            for (int h = 1; h < out.length; h++) {
                PreparedData.Target target = data.extraTargets().get(h - 1);
                loss += lambdas[h] * headLoss(out[h], target, p);
            }
        }
        return new Eval(loss, Scores.metric(pr, p.y(), classify),
                Scores.composite(pr, p.y(), classify, classify ? data.classes() : 0));
    }

    /** Cross-entropy or mean squared error of one extra head over the rows whose target is known. */
    private static double headLoss(float[][] out, PreparedData.Target target, PreparedData.Part p) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < p.rows(); i++) {
            double y = target.values()[p.index()[i]];
            if (!Double.isFinite(y)) {
                continue;
            }
            s += target.classify() ? -Math.log(Math.max(1e-12, out[i][(int) y])) : (out[i][0] - y) * (out[i][0] - y);
            n++;
        }
        return n == 0 ? 0 : s / n;
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
