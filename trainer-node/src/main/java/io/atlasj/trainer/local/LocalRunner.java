package io.atlasj.trainer.local;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.data.DatasetPreparer;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.results.BuildInfo;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a WorkSpec's ModelSpecs in this JVM on N slots: builds each unit's featureset once (through the cache),
 * skips keys that already have a complete result, trains the others, and writes one ResultsObject per key under
 * {@code ATLAS_HOME/runs/<workspec>/<unit>/<key>/}. A model that fails is a failed result; the run goes on.
 */
public final class LocalRunner {
    private final AtlasHome home;
    private final MarketDataStore store;
    private final ModelTrainer trainer;
    private final int slots;

    /** A runner for {@link #runOne} only (a cluster slot: its featuresets come from the cache, not a store). */
    public LocalRunner(AtlasHome home, ModelTrainer trainer) {
        this(home, null, trainer, 1);
    }

    public LocalRunner(AtlasHome home, MarketDataStore store, ModelTrainer trainer, int slots) {
        this.home = home;
        this.store = store;
        this.trainer = trainer;
        this.slots = Math.max(1, slots);
    }

    /** Progress of a run; called from the slots' threads. */
    public interface Listener {
        default void skipped(ModelSpec m) {
        }

        /** A model starts training on a slot (called on that slot's thread). */
        default void started(ModelSpec m) {
        }

        /** A model finished an epoch (called on its slot's thread). */
        default void epoch(ModelSpec m, TrainingResult.Epoch e) {
        }

        default void finished(ModelSpec m, ResultsObject r, int done, int total) {
        }
    }

    /** One line per model of the run. */
    public record Outcome(ModelSpec spec, ResultsObject result, boolean skipped) {
    }

    public Path dir(ModelSpec m) {
        return home.runs().resolve(m.workspec()).resolve(m.unit()).resolve(m.key());
    }

    public List<Outcome> run(WorkSpec ws, List<ModelSpec> models, Listener listener) throws InterruptedException {
        Map<String, FeatureMatrix> matrices = new HashMap<>();
        FeatureSetBuilder builder = new FeatureSetBuilder(SeriesSource.of(store));
        FeaturesetCache cache = new FeaturesetCache(home.featuresetCache());
        List<ModelSpec> todo = new ArrayList<>();
        List<Outcome> out = new ArrayList<>();
        List<ModelSpec> ensembles = models.stream().filter(m -> m.type() == ModelType.ENSEMBLE).toList();
        for (ModelSpec m : models) {
            if (m.type() == ModelType.ENSEMBLE) {
                continue;
            }
            var done = ResultsIo.complete(dir(m));
            if (done.isPresent()) {
                out.add(new Outcome(m, done.get(), true));
                listener.skipped(m);
            } else {
                todo.add(m);
            }
        }
        for (ModelSpec m : todo) {
            matrices.computeIfAbsent(m.unit(), u -> builder.build(m.featureset(), m.from(), m.to(), cache).matrix());
        }
        ExecutorService pool = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "atlas-slot");
            t.setDaemon(true);
            return t;
        });
        int[] counter = {0};
        long limit = ws.execution().timeLimit().toMillis() * Math.max(1, todo.size());
        // in waves: a model that warm-starts from another model of this run waits until that one has finished
        List<ModelSpec> pending = new ArrayList<>(todo);
        while (!pending.isEmpty()) {
            java.util.Set<String> waiting = new java.util.HashSet<>();
            pending.forEach(m -> waiting.add(m.key()));
            List<ModelSpec> wave = pending.stream().filter(m -> !waiting.contains(warmStart(m))).toList();
            if (wave.isEmpty()) {
                throw new IllegalStateException("warm starts form a cycle among " + pending.stream().map(ModelSpec::name)
                        .toList());
            }
            pending.removeAll(wave);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (ModelSpec m : wave) {
                futures.add(pool.submit(() -> {
                    ResultsObject r = runOne(m, matrices.get(m.unit()), listener);
                    synchronized (counter) {
                        counter[0]++;
                        listener.finished(m, r, counter[0], todo.size());
                    }
                    return new Outcome(m, r, false);
                }));
            }
            for (Future<Outcome> f : futures) {
                try {
                    out.add(f.get(limit, TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    pool.shutdownNow();
                    throw new IllegalStateException("a slot crashed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    pool.shutdownNow();
                    throw new IllegalStateException("the run exceeded its time limit");
                }
            }
        }
        pool.shutdown();
        // ensembles, once their members have results (those of this run and of earlier ones are all in 'out')
        Map<String, ResultsObject> byKey = new HashMap<>();
        out.forEach(o -> byKey.put(o.spec().key(), o.result()));
        int n = 0;
        for (ModelSpec e : ensembles) {
            var done = ResultsIo.complete(dir(e));
            if (done.isPresent()) {
                out.add(new Outcome(e, done.get(), true));
                listener.skipped(e);
                continue;
            }
            ResultsObject r = Ensembles.combine(e, e.memberKeys().stream().map(byKey::get).toList(), provenance(e),
                    describe(e));
            try {
                ResultsIo.write(dir(e), r);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write the result of " + e.key(), ex);
            }
            listener.finished(e, r, ++n, ensembles.size());
            out.add(new Outcome(e, r, false));
        }
        return out;
    }

    /**
     * Trains one ModelSpec on its unit's matrix and writes its result (done or failed) under {@link #dir}; used by
     * {@link #run} and by the cluster's trainer slots. Never throws for a model that cannot be trained.
     */
    public ResultsObject runOne(ModelSpec m, FeatureMatrix matrix) {
        return runOne(m, matrix, new Listener() {
        });
    }

    /** As {@link #runOne(ModelSpec, FeatureMatrix)}, telling {@code listener} when it starts and after each epoch. */
    public ResultsObject runOne(ModelSpec m, FeatureMatrix matrix, Listener listener) {
        listener.started(m);
        ModelTrainer.Listener epochs = new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                listener.epoch(m, e);
            }
        };
        long start = System.currentTimeMillis();
        Path dir = dir(m);
        List<ResultsObject.FoldResult> folds = new ArrayList<>();
        String failure = null;
        try {
            Files.createDirectories(dir);
            List<PreparedData> prepared = DatasetPreparer.prepare(m, matrix);
            ResultsObject source = null;
            if (!warmStart(m).isEmpty()) {
                Path from = home.runs().resolve(m.workspec()).resolve(m.unit()).resolve(warmStart(m));
                source = ResultsIo.complete(from).orElseThrow(() -> new IllegalStateException("warmStart: the model "
                        + warmStart(m) + " has no complete result under " + from));
                if (!"done".equals(source.status())) {
                    throw new IllegalStateException("warmStart: the model " + warmStart(m) + " failed: " + source.failure());
                }
            }
            for (PreparedData d : prepared) {
                String modelName = "model-fold" + d.fold() + ".zip";
                Path warm = null;
                if (source != null) {
                    ResultsObject.FoldResult sf = source.folds().stream().filter(x -> x.fold() == d.fold()).findFirst()
                            .orElseThrow(() -> new IllegalStateException("warmStart: the model " + warmStart(m)
                                    + " has no fold " + d.fold()));
                    warm = home.runs().resolve(m.workspec()).resolve(m.unit()).resolve(warmStart(m))
                            .resolve(sf.modelFile());
                }
                TrainingResult r = trainer.train(m, d, epochs, dir.resolve(modelName), warm);
                if (!r.ok()) {
                    failure = "fold " + d.fold() + ": " + r.failure();
                    folds.add(new ResultsObject.FoldResult(d.fold(), "failed", r.failure(), scaler(d), d.boundaries(), -1,
                            curves(r), null, null, null, null, null));
                    break;
                }
                folds.add(new ResultsObject.FoldResult(d.fold(), "done", null, scaler(d), d.boundaries(), r.bestEpoch(),
                        curves(r), split(d, d.train(), r.train()), split(d, d.validation(), r.validation()),
                        split(d, d.test(), r.test()), modelName, ResultsIo.sha256(dir.resolve(modelName)), heads(d, r)));
            }
        } catch (RuntimeException | IOException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        ResultsObject result = new ResultsObject(ResultsIo.CURRENT_VERSION, m.key(), m.workspec(),
                failure == null ? "done" : "failed", failure, describe(m), featureset(m, matrix), matrix.dataFingerprint(), folds,
                provenance(m), start, System.currentTimeMillis() - start);
        try {
            ResultsIo.write(dir, result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result of " + m.key() + " under " + dir, e);
        }
        return result;
    }

    /** The key of the model {@code m} starts from, or "" (the expander puts the source's key in training). */
    static String warmStart(ModelSpec m) {
        Object w = m.training().get("warmStart");
        return w == null ? "" : String.valueOf(w);
    }

    private static Map<String, Object> scaler(PreparedData d) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", d.scaler().kind().name().toLowerCase(java.util.Locale.ROOT));
        s.put("center", d.scaler().center());
        s.put("scale", d.scaler().scale());
        s.put("targetCenter", d.targetCenter());
        s.put("targetScale", d.targetScale());
        return s;
    }

    private static List<Map<String, Double>> curves(TrainingResult r) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (TrainingResult.Epoch e : r.curves()) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("epoch", (double) e.epoch());
            m.put("trainLoss", e.trainLoss());
            m.put("validationLoss", e.validationLoss());
            m.put("validationMetric", e.validationMetric());
            m.put("learningRate", e.learningRate());
            out.add(m);
        }
        return out;
    }

    /** Actuals and predictions in the label's own units (regression targets mapped back). */
    private static ResultsObject.Split split(PreparedData d, PreparedData.Part p, TrainingResult.Predictions pr) {
        if (pr.probabilities() != null) {
            return new ResultsObject.Split(p.time(), p.y(), pr.values(), pr.probabilities());
        }
        double[] actual = new double[p.rows()];
        double[] predicted = new double[p.rows()];
        for (int i = 0; i < p.rows(); i++) {
            actual[i] = d.unscale(p.y()[i]);
            predicted[i] = d.unscale(pr.values()[i]);
        }
        return new ResultsObject.Split(p.time(), actual, predicted, null);
    }

    /** A multi-task model's further heads, actuals and predictions in each label's own units. */
    private static Map<String, ResultsObject.Head> heads(PreparedData d, TrainingResult r) {
        Map<String, ResultsObject.Head> out = new LinkedHashMap<>();
        for (TrainingResult.Head h : r.heads()) {
            PreparedData.Target t = d.extraTargets().stream().filter(x -> x.label().equals(h.label())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target for head " + h.label()));
            out.put(h.label(), new ResultsObject.Head(head(t, d.train(), h.train()), head(t, d.validation(),
                    h.validation()), head(t, d.test(), h.test())));
        }
        return out;
    }

    private static ResultsObject.Split head(PreparedData.Target t, PreparedData.Part p, TrainingResult.Predictions pr) {
        double[] actual = new double[p.rows()];
        double[] predicted = new double[p.rows()];
        for (int i = 0; i < p.rows(); i++) {
            double y = t.values()[p.index()[i]];
            actual[i] = t.classify() ? y : y * t.scale() + t.center();
            predicted[i] = t.classify() ? pr.values()[i] : pr.values()[i] * t.scale() + t.center();
        }
        return new ResultsObject.Split(p.time(), actual, predicted, pr.probabilities());
    }

    /**
     * The result's {@code spec}: plain JSON values only (dataset and split as objects, {@link SpecJson}); the range's
     * ends are absent when unbounded.
     */
    public static Map<String, Object> describe(ModelSpec m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("unit", m.unit());
        s.put("name", m.name());
        s.put("type", m.type().id());
        s.put("hyperparameters", m.hyper());
        s.put("training", m.training());
        s.put("seed", m.seed());
        s.put("dataset", SpecJson.dataset(m.dataset()));
        s.put("split", SpecJson.split(m.split()));
        if (m.from() != Long.MIN_VALUE) {
            s.put("from", m.from());
        }
        if (m.to() != Long.MAX_VALUE) {
            s.put("to", m.to());
        }
        return s;
    }

    private static Map<String, Object> featureset(ModelSpec m, FeatureMatrix matrix) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", m.featureset().name());
        f.put("base", m.featureset().baseMarket() + " " + m.featureset().baseTimeframe());
        f.put("features", matrix.featureIds());
        f.put("labels", matrix.labelIds());
        f.put("declared", m.featureset().features().stream().map(Feature::id).toList());
        f.put("label", m.label().id());
        f.put("labelDeclared", m.featureset().labels().stream().map(Label::id).toList());
        return f;
    }

    /**
     * How to reproduce a result besides its spec: the Atlas build (version, git commit, whether the tree had
     * uncommitted changes; {@link BuildInfo}), JVM, OS, ND4J backend, threads and seed.
     */
    public static Map<String, String> provenance(ModelSpec m) {
        Map<String, String> p = new LinkedHashMap<>();
        BuildInfo build = BuildInfo.current();
        p.put("atlas", build.version());
        p.put("git", build.commit());
        p.put("gitDirty", build.dirty());
        p.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vendor"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
                + " (DL4J 1.0.0-M2.1; nd4j-native: CpuBackend, nd4j-cuda-11.6 with -Pcuda: JCublasBackend)");
        p.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        p.put("seed", String.valueOf(m.seed()));
        return p;
    }
}
