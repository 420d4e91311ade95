package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into a local run on the bundled data: a slot whose attempt crashes outside the model (an Error),
 * a model that can never be trained, a results folder that cannot be written. Each ends as a retried or failed key
 * with the error's class and place in the record within seconds; the run never hangs and never loses the other keys.
 */
class LocalRunFaultTest {
    @TempDir
    static Path dir;
    static AtlasHome home;

    static final String SPEC = """
            name: faults
            execution: {slots: 2, retries: 1, timeLimit: 2m}
            units:
              - name: u
                featureset: quickstart
                dataset: {task: classification, label: "UpDown(3)"}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: lo
                    type: logistic
                    l2: [0.0, 0.01, 0.1]
                    training: {epochs: 2}
            """;

    @BeforeAll
    static void data() throws Exception {
        home = new AtlasHome(dir.resolve("home"));
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
        }
    }

    static WorkSpec spec(String name) {
        return WorkSpecYaml.read(name + ".yaml", SPEC.replace("name: faults", "name: " + name),
                FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")), false);
    }

    /** Throws an Error (not a failed result) on the first attempt of each model it is given, then trains for real. */
    static final class CrashOnce implements ModelTrainer {
        final Set<String> crashed = ConcurrentHashMap.newKeySet();
        final ModelTrainer real = new Dl4jTrainer();

        @Override
        public TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, Path modelFile, Path warm) {
            if (crashed.add(spec.key())) {
                throw new AssertionError("injected crash in a slot");
            }
            return real.train(spec, data, listener, modelFile, warm);
        }
    }

    @Test
    void aCrashedAttemptIsRetriedAndTheModelIsTrained() throws Exception {
        WorkSpec ws = spec("crash-once");
        List<ModelSpec> models = Expander.expand(ws);
        CrashOnce trainer = new CrashOnce();
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(trainer.crashed).hasSize(3);
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
            // a run keeps no prediction series in memory (10,000 models' would not fit), only the headline figure;
            // the series are read back from the result on disk
            for (LocalRunner.Outcome o : out) {
                assertThat(o.result().folds().get(0).test()).isNull();
                assertThat(o.headline().metric()).isNotEmpty();
                assertThat(o.full().folds().get(0).test().time()).isNotEmpty();
                assertThat(io.atlasj.workspec.results.Headline.of(o.full())).isEqualTo(o.headline());
            }
        }
    }

    @Test
    void aModelThatAlwaysCrashesFailsWithItsErrorAndTheOthersFinish() throws Exception {
        WorkSpec ws = spec("always");
        List<ModelSpec> models = Expander.expand(ws);
        String doomed = models.get(1).key();
        AtomicInteger attempts = new AtomicInteger();
        ModelTrainer real = new Dl4jTrainer();
        ModelTrainer trainer = (spec, data, listener, modelFile, warm) -> {
            if (spec.key().equals(doomed)) {
                attempts.incrementAndGet();
                throw new StackOverflowError("injected: this model always crashes");
            }
            return real.train(spec, data, listener, modelFile, warm);
        };
        long t0 = System.nanoTime();
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(attempts.get()).as("retries: 1 means two attempts").isEqualTo(2);
            LocalRunner.Outcome bad = out.stream().filter(o -> o.spec().key().equals(doomed)).findFirst().orElseThrow();
            assertThat(bad.result().status()).isEqualTo("failed");
            assertThat(bad.result().failure()).contains("attempt 1", "attempt 2", "java.lang.StackOverflowError",
                    "injected: this model always crashes", "(at ");
            assertThat(out.stream().filter(o -> !o.spec().key().equals(doomed)))
                    .allSatisfy(o -> assertThat(o.result().status()).isEqualTo("done"));
        }
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds, not the 2-minute time limit").isLessThan(100);
    }

    /**
     * A cancellation thrown from inside a model's training (a library's, not the run giving the slot up) is a crash:
     * the attempt is retried at once, not left assigned until its time limit (the slot once returned without a word).
     */
    @Test
    void aCancellationFromInsideTrainingIsRetriedAsACrash() throws Exception {
        WorkSpec ws = spec("cancelled-once");
        List<ModelSpec> models = Expander.expand(ws);
        Set<String> cancelled = ConcurrentHashMap.newKeySet();
        ModelTrainer real = new Dl4jTrainer();
        ModelTrainer trainer = (spec, data, listener, modelFile, warm) -> {
            if (cancelled.add(spec.key())) {
                throw new java.util.concurrent.CancellationException("injected: a task inside training was cancelled");
            }
            return real.train(spec, data, listener, modelFile, warm);
        };
        long t0 = System.nanoTime();
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(cancelled).hasSize(3);
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
        }
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds, not the 2-minute time limit").isLessThan(100);
    }

    /** Packs as the real trainer does; {@code fault} runs before each pack is trained. */
    static final class PackingTrainer implements ModelTrainer {
        final Dl4jTrainer real = new Dl4jTrainer();
        final AtomicInteger packs = new AtomicInteger();
        final java.util.function.BiConsumer<Integer, List<Listener>> fault;

        PackingTrainer(java.util.function.BiConsumer<Integer, List<Listener>> fault) {
            this.fault = fault;
        }

        @Override
        public TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, Path modelFile, Path warm) {
            return real.train(spec, data, listener, modelFile, warm);
        }

        @Override
        public boolean packs() {
            return true;
        }

        @Override
        public List<TrainingResult> trainPack(List<ModelSpec> specs, PreparedData data, List<Listener> listeners,
                                              List<Path> modelFiles) {
            fault.accept(packs.incrementAndGet(), listeners);
            return real.trainPack(specs, data, listeners, modelFiles);
        }
    }

    @Test
    void aPackWhoseAttemptCrashesIsRetriedWholeAndTrained() throws Exception {
        WorkSpec ws = spec("pack-crash");
        List<ModelSpec> models = Expander.expand(ws);
        PackingTrainer trainer = new PackingTrainer((n, l) -> {
            if (n == 1) {
                throw new AssertionError("injected crash in a pack");
            }
        });
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            // one slot: the three logistic models go out as one wave and train as one pack
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 1).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(trainer.packs.get()).isEqualTo(2);
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
        }
        try (ResultsStore rs = ResultsStore.open(home.results(), home.runs())) {
            assertThat(rs.rows("pack-crash")).hasSize(3).allMatch(r -> r.status().equals("done"));
        }
    }

    @Test
    void aPackThatOverrunsItsWavesTimeLimitsIsStoppedAndTrainedAgain() throws Exception {
        WorkSpec ws = WorkSpecYaml.read("pack-overrun.yaml", SPEC.replace("name: faults", "name: pack-overrun")
                .replace("execution: {slots: 2, retries: 1, timeLimit: 2m}", "execution: {slots: 1, retries: 1, "
                        + "timeLimit: 2s}"), FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")), false);
        List<ModelSpec> models = Expander.expand(ws);
        AtomicInteger stopped = new AtomicInteger();
        PackingTrainer trainer = new PackingTrainer((n, listeners) -> {
            if (n == 1) {
                // the first pack hangs, telling its models' listeners of an "epoch" now and then
                try {
                    for (int i = 0; i < 600; i++) {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            // as a training loop: on to the next epoch
                        }
                        for (ModelTrainer.Listener l : listeners) {
                            l.epoch(new TrainingResult.Epoch(i, 1, 1, 0.5, 0.001));
                        }
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    stopped.incrementAndGet();
                    throw e;
                }
            }
        });
        long t0 = System.nanoTime();
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 1).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
        }
        // the wave of three had 3 x 2 s and a second of grace, not the minute the pack would have hung
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
        assertThat(stopped.get()).isEqualTo(1);
        assertThat(trainer.packs.get()).isEqualTo(2);
    }

    @Test
    void aResultsFolderThatCannotBeWrittenFailsEveryKeyWithTheReason() throws Exception {
        WorkSpec ws = spec("unwritable");
        List<ModelSpec> models = Expander.expand(ws);
        Files.createDirectories(home.runs());
        Files.writeString(home.runs().resolve("unwritable"), "a file where the run's folder should be");
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, new Dl4jTrainer(), 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(out).hasSize(3).allSatisfy(o -> {
                assertThat(o.result().status()).isEqualTo("failed");
                assertThat(o.result().failure()).contains("attempt 2", "cannot write the result");
            });
        }
    }

    @Test
    void aDamagedFeaturesetCacheFileIsRebuiltAndTheRunGoesOn() throws Exception {
        WorkSpec first = spec("cache-first");
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new LocalRunner(home, store, new Dl4jTrainer(), 2).run(first, Expander.expand(first).subList(0, 1),
                    new LocalRunner.Listener() {
                    });
        }
        List<Path> files;
        try (var s = Files.walk(home.featuresetCache())) {
            files = s.filter(p -> p.getFileName().toString().equals("matrix.arrow")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(b, b.length / 3)); // torn, as by a crash or a disk error
        }
        WorkSpec second = spec("cache-second");
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, new Dl4jTrainer(), 2).run(second,
                    Expander.expand(second), new LocalRunner.Listener() {
                    });
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
        }
        try (var s = Files.list(home.featuresetCache())) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains(".damaged-"));
        }
    }

    @Test
    void aModelThatOverrunsItsTimeLimitIsStoppedAndRetriedOnAFreshSlotThread() throws Exception {
        WorkSpec ws = WorkSpecYaml.read("overrun.yaml", SPEC.replace("name: faults", "name: overrun")
                .replace("execution: {slots: 2, retries: 1, timeLimit: 2m}", "execution: {slots: 1, retries: 1, "
                        + "timeLimit: 2s}"), FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")), false);
        List<ModelSpec> models = Expander.expand(ws);
        String stuck = models.get(0).key();
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger stopped = new AtomicInteger();
        ModelTrainer real = new Dl4jTrainer();
        ModelTrainer trainer = (spec, data, listener, modelFile, warm) -> {
            if (spec.key().equals(stuck) && attempts.incrementAndGet() == 1) {
                // hangs for a minute, telling its listener of an "epoch" now and then, as a training loop does
                try {
                    for (int i = 0; i < 600; i++) {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            // a training loop does not look at interrupts: it goes on to its next epoch
                        }
                        listener.epoch(new TrainingResult.Epoch(i, 1, 1, 0.5, 0.001));
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    stopped.incrementAndGet();
                    throw e;
                }
            }
            return real.train(spec, data, listener, modelFile, warm);
        };
        long t0 = System.nanoTime();
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, trainer, 1).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(out).hasSize(3).allSatisfy(o -> assertThat(o.result().status()).as(o.result().failure())
                    .isEqualTo("done"));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds).as("seconds: the time limit (2 s) and a second of grace, not the minute it would hang")
                .isLessThan(40);
        assertThat(attempts.get()).isEqualTo(2);
        Thread.sleep(500); // the given-up thread stops at its next "epoch"
        assertThat(stopped.get()).as("the overrunning model was stopped, not left running beside its retry").isOne();
    }
}
