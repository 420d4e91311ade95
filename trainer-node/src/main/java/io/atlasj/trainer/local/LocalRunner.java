package io.atlasj.trainer.local;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.features.spark.SparkBuilds;
import io.atlasj.workspec.FeatureBuild;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.data.DatasetPreparer;
import io.atlasj.harvester.Harvesting;
import io.atlasj.harvester.ResultsStore;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.engine.Packs;
import io.atlasj.trainer.engine.KeyRecord;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunBook;
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
import java.util.concurrent.TimeUnit;

/**
 * Runs a WorkSpec's ModelSpecs in this JVM on N slots: builds each unit's featureset once (through the cache),
 * skips keys that already have a complete result, trains the others, and writes one ResultsObject per key under
 * {@code ATLAS_HOME/runs/<workspec>/<unit>/<key>/}. A model that fails is a failed result; the run goes on.
 */
public final class LocalRunner {
    /** How a limited {@code gaps: fill-flat} fills, as a result records it ({@code featureset.fill}). */
    public static final String FILL_RULE = "since-last-real";

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

        /**
         * A model finished an epoch of fold {@code fold}: what the run's search records. The models of a pack are all
         * told before any is asked whether it {@link #stop stops}. Tells {@link #epoch(ModelSpec, TrainingResult.Epoch)}.
         */
        default void epoch(ModelSpec m, int fold, TrainingResult.Epoch e) {
            epoch(m, e);
        }

        /**
         * Asked after each epoch of each fold: null to go on, or why the run's search stops the trial now (the fold
         * ends with its best weights so far, its later folds are not trained, its result is {@code stopped}).
         */
        default String stop(ModelSpec m, int fold, TrainingResult.Epoch e) {
            return null;
        }

        /** A model is finished: its result without the prediction series, and its headline figure. */
        default void finished(ModelSpec m, ResultsObject r, io.atlasj.workspec.results.Headline headline, int done,
                              int total) {
        }

        /** How often a model's training is checkpointed (the WorkSpec's {@code execution.checkpointEvery}). */
        default long checkpointEveryMillis() {
            return io.atlasj.workspec.Execution.CHECKPOINT_EVERY.toMillis();
        }
    }

    /**
     * One line per model of the run. A run of thousands of models keeps each one's result without its prediction
     * series ({@link ResultsObject#withoutSeries}) and its headline figure; {@link #full} reads the series back.
     *
     * @param result the result without its prediction series
     * @param dir    where the result is, or null when there is none on disk (a model that failed before writing one)
     */
    public record Outcome(ModelSpec spec, ResultsObject result, io.atlasj.workspec.results.Headline headline,
                          boolean skipped, Path dir) {
        /** The whole result, series included, read from {@link #dir}; the kept one when there is no file. */
        public ResultsObject full() throws IOException {
            Path f = dir == null ? null : dir.resolve(io.atlasj.workspec.results.ResultsIo.FILE);
            return f != null && result != null && "done".equals(result.status()) && java.nio.file.Files.isRegularFile(f)
                    ? io.atlasj.workspec.results.ResultsIo.read(f) : result;
        }
    }

    public Path dir(ModelSpec m) {
        return home.runs().resolve(m.workspec()).resolve(m.unit()).resolve(m.key());
    }

    /**
     * Runs {@code models} (an expansion of {@code ws}) on this runner's slots through the same scheduling core as a
     * cluster's coordinator ({@link RunBook}): the WorkSpec's retries and per-model time limit, warm starts after their
     * source, ensembles after their members, packs of compatible keys per assignment. Keys with a complete result
     * under {@link #dir} are skipped. Returns one outcome per model, in expansion order.
     *
     * @throws InterruptedException when the calling thread is interrupted (the slots are stopped; finished results
     *                              stay on disk)
     */
    public List<Outcome> run(WorkSpec ws, List<ModelSpec> models, Listener listener) throws InterruptedException {
        return new LocalDriver(ws, models, listener).run();
    }

    /** The local run's driver: owns the run book on the calling thread; slots report through a queue. */
    private final class LocalDriver {
        private final WorkSpec ws;
        private final List<ModelSpec> models;
        private final Listener listener;
        private final RunBook book;
        /** The units' searches: which trials stop early. */
        private final io.atlasj.trainer.engine.TrialStopper stopper;
        private final Map<String, ModelSpec> byKey = new HashMap<>();
        /** Finished keys' results without their series, and their headlines (thousands of models fit in memory). */
        private final Map<String, ResultsObject> results = new HashMap<>();
        private final Map<String, io.atlasj.workspec.results.Headline> headlines = new HashMap<>();
        /**
         * Results a slot has written and reported, with their series as stored ({@link ResultsIo#writeStored}), until
         * they are ingested (then not read back from disk).
         */
        private final Map<String, ResultsIo.Written> written = new HashMap<>();
        private final java.util.Set<String> skipped = new java.util.HashSet<>();
        private final Map<String, FeatureMatrix> matrices = new HashMap<>();
        private final java.util.concurrent.BlockingQueue<SlotEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
        private final ExecutorService[] slotThreads = new ExecutorService[slots];
        /**
         * Per slot: the generation of its thread. A slot whose model overran its deadline gets a new thread; the old one
         * sees its generation change and stops at the model's next epoch (its reports no longer count).
         */
        private final java.util.concurrent.atomic.AtomicIntegerArray generation =
                new java.util.concurrent.atomic.AtomicIntegerArray(slots);
        /** Set as the run ends, before its slot threads are interrupted (a slot may still wait for a writer then). */
        private volatile boolean ending;
        private final boolean[] busy = new boolean[slots];
        /** Per slot: the key it trains now, or null. */
        private final String[] current = new String[slots];
        /** Per slot: the tasks it started whose result or crash has not come yet. */
        private final int[] outstanding = new int[slots];
        /** Per slot: the tasks of its assignment that have not started. */
        private final List<java.util.ArrayDeque<RunBook.Task>> waiting = new ArrayList<>();
        private int trained;
        private int toTrain;
        private Harvesting harvesting;
        /** What the dashboard follows: this run's journal. */
        private io.atlasj.trainer.journal.RunJournal journal;

        /** The store's answer for a key, as the run book takes it; the verified result is kept for the outcome. */
        private RunBook.Harvest answer(String key, Ingestion ingestion) {
            try {
                ResultsStore.Ingest in = ingestion.run();
                if (in.outcome() == ResultsStore.Outcome.INGESTED || in.outcome() == ResultsStore.Outcome.PRESENT) {
                    keep(key, in.result());
                    return new RunBook.Ingested(KeyStatus.ofResult(in.result().status()), "");
                }
                return new RunBook.Refused(in.detail());
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot put the result of {} into the results store", key, e);
                return new RunBook.Refused(describe(e));
            }
        }

        private void keep(String key, ResultsObject r) {
            headlines.put(key, io.atlasj.workspec.results.Headline.of(r));
            results.put(key, r.withoutSeries());
        }

        /** A stored trial's curves, for its unit's search: a rerun compares new trials with the stored ones. */
        private void remember(ModelSpec m, ResultsObject r) {
            if (stopper.active(m.unit())) {
                for (ResultsObject.FoldResult f : r.folds()) {
                    stopper.replay(m.unit(), m.key(), f.fold(), f.curves().stream()
                            .mapToDouble(c -> c.getOrDefault("validationLoss", Double.NaN)).toArray());
                }
            }
        }

        LocalDriver(WorkSpec ws, List<ModelSpec> models, Listener listener) {
            this.ws = ws;
            this.models = models;
            this.listener = listener;
            RunBook.Policy p = RunBook.Policy.of(ws.execution());
            // in one process nothing travels: a second of grace, not the cluster's 30 s for messages and failure detection
            this.book = new RunBook(ws.name() + "-local", models, p.withGrace(LOCAL_GRACE_MS));
            book.slots(slots);
            this.stopper = io.atlasj.trainer.engine.TrialStopper.of(ws);
            models.forEach(m -> byKey.put(m.key(), m));
        }

        List<Outcome> run() throws InterruptedException {
            long at = System.currentTimeMillis();
            String runId = ws.name() + "-local-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(at));
            try (ResultsStore store = ResultsStore.open(home.results(), home.runs());
                 io.atlasj.trainer.journal.RunJournal j = io.atlasj.trainer.journal.RunJournal.open(home.journal(), runId)) {
                journal = j;
                journal.begin(runId, ws.name(), io.atlasj.workspec.WorkSpecYaml.writeSelfContained(ws), "local", slots,
                        models, at);
                harvesting = new Harvesting(store);
                List<Outcome> out = runWithStore();
                journal.keys(book.drainChanges(), System.currentTimeMillis());
                journal.end(System.currentTimeMillis());
                return out;
            }
        }

        private List<Outcome> runWithStore() throws InterruptedException {
            List<String> present = new ArrayList<>();
            for (ModelSpec m : models) {
                // a complete result counts whether the store has it already or not (then it is ingested now); the
                // store verifies it once and hands it back
                ResultsStore.Ingest done = harvesting.ingest(m.workspec(), m.unit(), m.key(), null);
                if ((done.outcome() == ResultsStore.Outcome.INGESTED || done.outcome() == ResultsStore.Outcome.PRESENT)
                        && (!"stopped".equals(done.result().status()) || stopper.active(m.unit()))) {
                    // a trial stopped by a search counts as trained while the unit has a search; without one it
                    // trains again to its end
                    keep(m.key(), done.result());
                    remember(m, done.result());
                    skipped.add(m.key());
                    present.add(m.key());
                    listener.skipped(m);
                }
            }
            book.present(present);
            book.drainFinished();
            toTrain = models.size() - present.size();
            FeatureSetBuilder builder = new FeatureSetBuilder(SeriesSource.of(store));
            FeaturesetCache cache = new FeaturesetCache(home.featuresetCache());
            Map<String, FeatureBuild> how = new HashMap<>();
            ws.units().forEach(u -> how.put(u.name(), u.build()));
            // Spark, when a unit asks for it, only for the builds: its driver is stopped before training starts
            try (SparkBuilds spark = new SparkBuilds(home, store, line -> LOG.info("{}", line))) {
                for (ModelSpec m : models) {
                    if (m.type() != ModelType.ENSEMBLE && !skipped.contains(m.key())) {
                        FeatureBuild b = how.getOrDefault(m.unit(), FeatureBuild.LOCAL);
                        matrices.computeIfAbsent(m.unit(), u -> (b.spark()
                                ? spark.build(m.featureset(), m.from(), m.to(), cache, b.master(), b.lake())
                                : builder.build(m.featureset(), m.from(), m.to(), cache)).matrix());
                    }
                }
            }
            for (int i = 0; i < slots; i++) {
                slotThreads[i] = newSlotThread(i);
            }
            try {
                while (true) {
                    actOnOutbox();
                    if (book.finished()) {
                        break;
                    }
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < slots; i++) {
                        if (!busy[i]) {
                            int slot = i;
                            book.assign("local", slot, now).ifPresent(a -> start(slot, a));
                        }
                    }
                    actOnOutbox();
                    SlotEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                    while (e != null) {
                        handle(e);
                        e = events.poll();
                    }
                    List<String> overrun = book.expire(System.currentTimeMillis());
                    if (!overrun.isEmpty()) {
                        abandonOverrunSlots(overrun);
                    }
                }
            } finally {
                ending = true;
                for (ExecutorService t : slotThreads) {
                    t.shutdownNow();
                }
            }
            List<Outcome> out = new ArrayList<>();
            for (ModelSpec m : models) {
                ResultsObject r = results.get(m.key());
                out.add(new Outcome(m, r, headlines.get(m.key()), skipped.contains(m.key()), dir(m)));
            }
            return out;
        }

        private ExecutorService newSlotThread(int slot) {
            return Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "atlas-slot-" + slot);
                t.setDaemon(true);
                return t;
            });
        }

        private void start(int slot, RunBook.Assignment a) {
            busy[slot] = true;
            int gen = generation.get(slot);
            while (waiting.size() <= slot) {
                waiting.add(new java.util.ArrayDeque<>());
            }
            waiting.get(slot).clear();
            waiting.get(slot).addAll(a.tasks());
            FeatureMatrix matrix = matrices.get(a.unit());
            slotThreads[slot].execute(() -> {
                try {
                    List<ModelSpec> specs = a.tasks().stream().map(t -> byKey.get(t.key())).toList();
                    int at = 0;
                    for (List<ModelSpec> group : groups(specs, ws.execution().pack() && trainer.packs())) {
                        if (generation.get(slot) != gen) {
                            return; // given up on: the driver has put the rest back
                        }
                        List<RunBook.Task> tasks = a.tasks().subList(at, at + group.size());
                        at += group.size();
                        for (RunBook.Task t : tasks) {
                            events.add(new SlotEvent(slot, gen, t, null, null, 0, true));
                        }
                        long start = System.currentTimeMillis();
                        // told from the threads writing the pack's results, read here after they end
                        boolean[] told = new boolean[tasks.size()];
                        java.util.concurrent.atomic.AtomicLong each = new java.util.concurrent.atomic.AtomicLong(-1);
                        try {
                            // each result is told as soon as it is written: the driver ingests a pack's first
                            // results while this slot writes the rest (each model's time: the group's until then)
                            runGroup(group, matrix, cancellable(listener, slot, gen), ws.execution().pack(), (i, r) -> {
                                each.compareAndSet(-1, (System.currentTimeMillis() - start) / group.size());
                                events.add(new SlotEvent(slot, gen, tasks.get(i), r, null, each.get(), false));
                                told[i] = true;
                            });
                        } catch (java.util.concurrent.CancellationException e) {
                            if (generation.get(slot) != gen) {
                                LOG.warn("slot {}: {} ({} models from {}) stopped: its slot was given up after the "
                                        + "time limit", slot, group.get(0).name(), group.size(), tasks.get(0).key());
                                return;
                            }
                            if (ending) { // the run ended while this thread still waited for a writer to finish
                                LOG.debug("slot {}: the run ended while {} ({} models from {}) finished writing",
                                        slot, group.get(0).name(), group.size(), tasks.get(0).key());
                                return;
                            }
                            // neither: a cancellation from inside training or writing, reported as a crash below
                            crashed(slot, gen, group, tasks, told, start, e);
                        } catch (RuntimeException | Error e) {
                            crashed(slot, gen, group, tasks, told, start, e);
                        }
                    }
                } finally {
                    events.add(new SlotEvent(slot, gen, null, null, null, 0, false));
                }
            });
        }

        /** An attempt that could not even write a failed result: the book retries its untold models or fails them. */
        private void crashed(int slot, int gen, List<ModelSpec> group, List<RunBook.Task> tasks, boolean[] told,
                             long start, Throwable e) {
            LOG.error("slot {}: {} ({} models from {}) crashed", slot, group.get(0).name(), group.size(),
                    tasks.get(0).key(), e);
            long spent = (System.currentTimeMillis() - start) / group.size();
            for (int i = 0; i < tasks.size(); i++) {
                if (!told[i]) {
                    events.add(new SlotEvent(slot, gen, tasks.get(i), null, e, spent, false));
                }
            }
        }

        /** The listener, stopping the training of a slot that was given up (at its next epoch). */
        private Listener cancellable(Listener l, int slot, int gen) {
            return new Listener() {
                @Override
                public void started(ModelSpec m) {
                    l.started(m);
                }

                @Override
                public void epoch(ModelSpec m, TrainingResult.Epoch e) {
                    if (generation.get(slot) != gen) {
                        throw new java.util.concurrent.CancellationException("slot " + slot + " was given up");
                    }
                    l.epoch(m, e);
                }

                @Override
                public void epoch(ModelSpec m, int fold, TrainingResult.Epoch e) {
                    if (stopper.active(m.unit())) {
                        stopper.record(m.unit(), m.key(), fold, e.epoch() + 1, e.validationLoss());
                    }
                    journal.epoch(m.key(), fold, e.epoch() + 1, e.trainLoss(), e.validationLoss(),
                            System.currentTimeMillis());
                    epoch(m, e);
                }

                @Override
                public String stop(ModelSpec m, int fold, TrainingResult.Epoch e) {
                    return stopper.active(m.unit()) ? stopper.judge(m.unit(), m.key(), fold, e.epoch() + 1) : null;
                }

                @Override
                public long checkpointEveryMillis() {
                    return ws.execution().checkpointEvery().toMillis();
                }
            };
        }

        private void handle(SlotEvent e) {
            if (e.generation() != generation.get(e.slot())) {
                return; // a thread given up on after its model overran: whatever it says no longer counts
            }
            if (e.task() == null) {
                busy[e.slot()] = false;
                current[e.slot()] = null;
                outstanding[e.slot()] = 0;
                return;
            }
            if (e.starting()) {
                current[e.slot()] = e.task().key();
                outstanding[e.slot()]++;
                waiting.get(e.slot()).remove(e.task());
                return;
            }
            // a pack's results come one by one, in no set order, while its slot and a writer write the rest: the slot
            // stays on the key it started last (whose overrun gives it up) until every key it started has reported
            if (--outstanding[e.slot()] <= 0) {
                outstanding[e.slot()] = 0;
                current[e.slot()] = null;
            }
            if (e.written() != null) {
                ResultsObject r = e.written().result();
                // kept only when the book counts it: an attempt it retried meanwhile (its time ran out while the
                // slot wrote) no longer does, and its result must not stand for the key
                if (book.reported(e.task().key(), e.task().attempt(), new RunBook.Trained(
                        !"failed".equals(r.status()), r.failure(), e.millis()),
                        System.currentTimeMillis())) {
                    keep(e.task().key(), r);
                    written.put(e.task().key(), e.written());
                }
            } else {
                written.remove(e.task().key()); // an earlier attempt's result is not this one's
                book.reported(e.task().key(), e.task().attempt(), new RunBook.Crashed(describe(e.error()), e.millis()),
                        System.currentTimeMillis());
            }
        }

        /**
         * Slots training a key whose attempt just ran out of time: a new thread takes the slot's place (the old one
         * stops at its model's next epoch), and the assignment's keys that never started go back without an attempt.
         */
        private void abandonOverrunSlots(List<String> overrun) {
            for (int i = 0; i < slots; i++) {
                if (busy[i] && current[i] != null && overrun.contains(current[i])) {
                    LOG.warn("slot {}: {} overran its time limit; the slot goes on with a new thread", i, current[i]);
                    generation.incrementAndGet(i);
                    slotThreads[i].shutdownNow();
                    slotThreads[i] = newSlotThread(i);
                    for (RunBook.Task t : waiting.get(i)) {
                        book.unassign(t.key(), t.attempt());
                    }
                    waiting.get(i).clear();
                    busy[i] = false;
                    current[i] = null;
                    outstanding[i] = 0;
                }
            }
        }

        /** The local result sink is the results store, as a cluster's harvester's is: the same {@link Harvesting}. */
        private void actOnOutbox() {
            journal.keys(book.drainChanges(), System.currentTimeMillis());
            journal.tick();
            for (RunBook.ToHarvest h : book.drainToHarvest()) {
                ResultsIo.Written w = written.remove(h.key());
                book.harvested(h.key(), answer(h.key(), () -> w != null ? harvesting.ingestWritten(w, "local")
                        : harvesting.ingest(ws.name(), h.unit(), h.key(), "local")));
            }
            for (String key : book.drainToCombine()) {
                book.harvested(key, answer(key, () -> harvesting.combine(byKey.get(key))));
            }
            for (KeyRecord k : book.drainFinished()) {
                ModelSpec m = byKey.get(k.key());
                ResultsObject r = results.get(k.key());
                if (r == null || !r.status().equals(k.status().id())) {
                    // failed without a result of its own (time limits, crashes): the outcome says why
                    r = failed(m, k.errors());
                    keep(k.key(), r);
                }
                journal.result(k.key(), r.status(), headlines.get(k.key()), r.failure());
                listener.finished(m, r, headlines.get(k.key()), ++trained, toTrain);
            }
        }
    }

    /** An ingestion that may fail. */
    @FunctionalInterface
    private interface Ingestion {
        ResultsStore.Ingest run() throws IOException;
    }

    /** What a slot thread tells the driver: a task starting, a task's result or crash, or the slot idle (no task). */
    private record SlotEvent(int slot, int generation, RunBook.Task task, ResultsIo.Written written, Throwable error,
                             long millis, boolean starting) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalRunner.class);
    /** A local key's grace beyond its time limit. */
    static final long LOCAL_GRACE_MS = 1_000;

    /** An exception as one line for a result or the ledger: its class, message and where it was thrown. */
    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getName()).append(": ").append(e.getMessage());
        StackTraceElement[] st = e.getStackTrace();
        if (st.length > 0) {
            sb.append(" (at ").append(st[0]).append(')');
        }
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append("; caused by ").append(c.getClass().getName()).append(": ").append(c.getMessage());
        }
        Throwable load = io.atlasj.trainer.model.Backend.loadFailure();
        if (e instanceof NoClassDefFoundError && load != null) {
            // ND4J failed to load on the background thread: the JVM tells later users only "Could not initialize"
            sb.append("; ND4J's load failed earlier: ").append(describe(load));
        }
        return sb.toString();
    }

    private ResultsObject failed(ModelSpec m, String why) {
        return new ResultsObject(ResultsIo.CURRENT_VERSION, m.key(), m.workspec(), "failed", why, describe(m),
                Map.of(), List.of(), List.of(), provenance(m), System.currentTimeMillis(), 0);
    }

    /**
     * Trains one ModelSpec on its unit's matrix and writes its result (done or failed) under {@link #dir}; used by
     * {@link #run} and by the cluster's trainer slots. Never throws for a model that cannot be trained. The result
     * returned has its series as its files give them back ({@link ResultsIo#writeStored}).
     */
    public ResultsObject runOne(ModelSpec m, FeatureMatrix matrix) {
        return runOne(m, matrix, new Listener() {
        });
    }

    /**
     * An assignment's keys in the groups a slot trains: runs of packable keys of one pack, at most its
     * {@link Packs#width}, trained together; every other key alone. With {@code pack} off every key is alone.
     */
    public static List<List<ModelSpec>> groups(List<ModelSpec> specs, boolean pack) {
        List<List<ModelSpec>> out = new ArrayList<>();
        List<ModelSpec> current = new ArrayList<>();
        for (ModelSpec m : specs) {
            boolean joins = pack && !current.isEmpty() && Packs.packable(m)
                    && Packs.of(m).equals(Packs.of(current.get(0))) && current.size() < Packs.width(current.get(0));
            if (!joins && !current.isEmpty()) {
                out.add(current);
                current = new ArrayList<>();
            }
            current.add(m);
            if (!pack || !Packs.packable(m)) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /**
     * Trains a group from {@link #groups} and writes each model's result. With {@code pack} on, packable models train
     * together ({@link ModelTrainer#trainPack}; a group of one too, so a model's numbers never depend on its pack), their unit's
     * folds prepared once; every other model, and every model with {@code pack} off, trains alone
     * ({@link #runOne}). The results returned have their series as their files give them back
     * ({@link ResultsIo#writeStored}).
     */
    public List<ResultsObject> runGroup(List<ModelSpec> group, FeatureMatrix matrix, Listener listener, boolean pack) {
        return runGroup(group, matrix, listener, pack, (j, r) -> {
        }).stream().map(ResultsIo.Written::result).toList();
    }

    /**
     * As {@link #runGroup(List, FeatureMatrix, Listener, boolean)}, handing each model's result to {@code written} as
     * soon as it is written ({@code j}: its place in {@code group}), so that a local run's driver ingests a pack's
     * first results while the slot writes the rest. A pack's results are written on several threads
     * ({@link #writeAll}): {@code written} is called on the thread that wrote the result, in no set order.
     */
    List<ResultsIo.Written> runGroup(List<ModelSpec> group, FeatureMatrix matrix, Listener listener, boolean pack,
                                     java.util.function.BiConsumer<Integer, ResultsIo.Written> written) {
        if (!pack || !trainer.packs() || !group.stream().allMatch(Packs::packable)) {
            List<ResultsIo.Written> out = new ArrayList<>();
            for (int j = 0; j < group.size(); j++) {
                ResultsIo.Written r = trainOne(group.get(j), matrix, listener);
                written.accept(j, r);
                out.add(r);
            }
            return out;
        }
        long start = System.currentTimeMillis();
        group.forEach(listener::started);
        int k = group.size();
        List<List<ResultsObject.FoldResult>> folds = new ArrayList<>();
        String[] failure = new String[k];
        String[] stopped = new String[k];
        for (int j = 0; j < k; j++) {
            folds.add(new ArrayList<>());
        }
        try {
            for (ModelSpec m : group) {
                Files.createDirectories(dir(m));
            }
            // the models of a pack share the unit: its dataset and split, so one preparation of its folds
            List<PreparedData> prepared = DatasetPreparer.prepare(group.get(0), matrix);
            for (int fold = 0; fold < prepared.size(); fold++) {
                List<Integer> live = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    if (failure[j] == null && stopped[j] == null) {
                        live.add(j);
                    }
                }
                if (live.isEmpty()) {
                    break;
                }
                PreparedData d = prepared.get(fold); // prepared now, after the check: folds are made as read
                String modelName = "model-fold" + d.fold() + ".zip";
                List<ModelSpec> specs = live.stream().map(group::get).toList();
                List<ModelTrainer.Listener> epochs = new ArrayList<>();
                for (int j : live) {
                    epochs.add(foldListener(listener, group.get(j), d.fold(), stopped, j));
                }
                List<Path> files = specs.stream().map(m -> dir(m).resolve(modelName)).toList();
                List<TrainingResult> rs = trainer.trainPack(specs, d, epochs, files);
                for (int i = 0; i < live.size(); i++) {
                    int j = live.get(i);
                    TrainingResult r = rs.get(i);
                    if (!r.ok()) {
                        failure[j] = "fold " + d.fold() + ": " + r.failure();
                    }
                    folds.get(j).add(foldResult(group.get(j), d, r, modelName, dir(group.get(j)), stopped[j] == null));
                }
            }
        } catch (java.util.concurrent.CancellationException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            LOG.warn("the pack of {} models from {} ({}) failed", k, group.get(0).name(), group.get(0).key(), e);
            for (int j = 0; j < k; j++) {
                failure[j] = failure[j] == null ? describe(e) : failure[j];
            }
        }
        long each = (System.currentTimeMillis() - start) / k;
        ResultsIo.Written[] out = new ResultsIo.Written[k];
        writeAll(k, j -> {
            out[j] = write(group.get(j), matrix, folds.get(j), failure[j], stopped[j], start, each);
            written.accept(j, out[j]);
        });
        return List.of(out);
    }

    /**
     * Threads that write a pack's results beside its slot thread ({@link #writeAll}), shared by every runner of this
     * JVM: one fewer than the cores. A result's write is part encoding (JSON, Arrow, zstd, SHA-256) and part waiting
     * for the device (a flushed {@code result.json}), so a slot whose pack has trained hands half of it to the core its
     * training leaves idle.
     */
    private static final ExecutorService WRITERS = writers();

    private static ExecutorService writers() {
        int n = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "atlas-result-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code write} for 0 to {@code k - 1} on this thread and the free {@link #WRITERS}, each index once, in no
     * set order; returns when every write started has ended. A helper that has not started by the time this thread runs
     * out of indices (the writers busy with another slot's pack) is given up, never waited for. After a write fails, no
     * further one starts, and the first failure is thrown once the running ones end.
     *
     * @throws java.util.concurrent.CancellationException when this thread is interrupted while it waits (its slot was
     *                                                    given up)
     */
    static void writeAll(int k, java.util.function.IntConsumer write) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable work = () -> {
            for (int j = next.getAndIncrement(); j < k && failed.get() == null; j = next.getAndIncrement()) {
                try {
                    write.accept(j);
                } catch (RuntimeException | Error e) {
                    failed.compareAndSet(null, e);
                }
            }
        };
        int helpers = Math.min(k - 1, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        // per helper: 0 not started, 1 started, 2 given up
        List<java.util.concurrent.atomic.AtomicInteger> state = new ArrayList<>();
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int h = 0; h < helpers; h++) {
            java.util.concurrent.atomic.AtomicInteger st = new java.util.concurrent.atomic.AtomicInteger();
            state.add(st);
            running.add(WRITERS.submit(() -> {
                if (st.compareAndSet(0, 1)) {
                    work.run();
                }
            }));
        }
        work.run();
        for (int h = 0; h < helpers; h++) {
            if (state.get(h).compareAndSet(0, 2)) {
                continue;
            }
            try {
                running.get(h).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted while its pack's results were "
                        + "written");
            } catch (java.util.concurrent.ExecutionException e) {
                failed.compareAndSet(null, e.getCause()); // work catches its writes' failures: not expected
            }
        }
        Throwable t = failed.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** As {@link #runOne(ModelSpec, FeatureMatrix)}, telling {@code listener} when it starts and after each epoch. */
    public ResultsObject runOne(ModelSpec m, FeatureMatrix matrix, Listener listener) {
        return trainOne(m, matrix, listener).result();
    }

    /** As {@link #runOne(ModelSpec, FeatureMatrix, Listener)}, with the SHA-256 of the result file it wrote. */
    private ResultsIo.Written trainOne(ModelSpec m, FeatureMatrix matrix, Listener listener) {
        listener.started(m);
        String[] stopped = new String[1];
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
                    throw new IllegalStateException("warmStart: the model " + warmStart(m) + " is " + source.status()
                            + ": " + source.failure() + ("stopped".equals(source.status()) ? " (warm-start from a "
                            + "model of a unit without a search)" : ""));
                }
            }
            for (PreparedData d : prepared) {
                // trees are XGBoost's own UBJSON file; the networks a zip (DL4J's, or our SameDiff one)
                String modelName = "model-fold" + d.fold() + (m.type() == ModelType.GBM ? ".ubj" : ".zip");
                Path warm = null;
                if (source != null) {
                    ResultsObject.FoldResult sf = source.folds().stream().filter(x -> x.fold() == d.fold()).findFirst()
                            .orElseThrow(() -> new IllegalStateException("warmStart: the model " + warmStart(m)
                                    + " has no fold " + d.fold()));
                    warm = home.runs().resolve(m.workspec()).resolve(m.unit()).resolve(warmStart(m))
                            .resolve(sf.modelFile());
                }
                ModelTrainer.Listener epochs = foldListener(listener, m, d.fold(), stopped, 0);
                TrainingResult r = trainer.train(m, d, epochs, dir.resolve(modelName), warm);
                folds.add(foldResult(m, d, r, modelName, dir, stopped[0] == null));
                if (!r.ok()) {
                    failure = "fold " + d.fold() + ": " + r.failure();
                    break;
                }
                if (stopped[0] != null) {
                    break; // stopped by the unit's search: its later folds are not trained
                }
            }
        } catch (java.util.concurrent.CancellationException e) {
            throw e; // the slot was given up: nothing is written, the key is someone else's now
        } catch (RuntimeException | IOException e) {
            LOG.warn("{} ({}) failed", m.name(), m.key(), e);
            failure = describe(e);
        }
        return write(m, matrix, folds, failure, failure == null ? stopped[0] : null, start,
                System.currentTimeMillis() - start);
    }

    /**
     * What a trainer tells about model {@code m} on fold {@code fold}, passed to {@code listener}; the reason the run's
     * search stopped it goes into {@code stopped[at]}.
     */
    private static ModelTrainer.Listener foldListener(Listener listener, ModelSpec m, int fold, String[] stopped,
                                                      int at) {
        return new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                listener.epoch(m, fold, e);
            }

            @Override
            public String stop(TrainingResult.Epoch e) {
                String why = listener.stop(m, fold, e);
                stopped[at] = why == null ? stopped[at] : why;
                return why;
            }

            @Override
            public void stoppedBefore(String reason) {
                stopped[at] = reason;
            }

            @Override
            public long checkpointEveryMillis() {
                return listener.checkpointEveryMillis();
            }
        };
    }

    /** @param importance whether to measure the inputs' importance (not for a trial its search stopped: saved time) */
    private static ResultsObject.FoldResult foldResult(ModelSpec m, PreparedData d, TrainingResult r, String modelName,
                                                       Path dir, boolean importance) throws IOException {
        if (!r.ok()) {
            return new ResultsObject.FoldResult(d.fold(), "failed", r.failure(), scaler(d), d.boundaries(), -1,
                    curves(r), null, null, null, null, null);
        }
        return new ResultsObject.FoldResult(d.fold(), "done", null, scaler(d), d.boundaries(), r.bestEpoch(),
                curves(r), split(d, d.train(), r.train()), split(d, d.validation(), r.validation()),
                split(d, d.test(), r.test()), modelName, ResultsIo.sha256(dir.resolve(modelName)), heads(d, r),
                !importance ? null : r.importance() != null ? r.importance() : importance(m, d, dir.resolve(modelName)),
                r.gain());
    }

    /**
     * Each input's permutation importance on the fold's validation part, measured on the saved model file (the model
     * the result names), or null when it cannot be (no validation rows; logged when the model cannot be read back).
     */
    private static double[] importance(ModelSpec m, PreparedData d, Path modelFile) {
        try (io.atlasj.trainer.model.Predictor p = io.atlasj.trainer.model.Predictor.load(modelFile, m.type(),
                d.features())) {
            return io.atlasj.trainer.model.Importance.permutation(p, d, m.seed());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: no permutation importance for fold {}: {}", m.key(), d.fold(), e.toString());
            return null;
        }
    }

    /**
     * Writes a model's result under {@link #dir}: failed with the first failure, else stopped with why its unit's
     * search stopped it, else done.
     */
    private ResultsIo.Written write(ModelSpec m, FeatureMatrix matrix, List<ResultsObject.FoldResult> folds, String failure,
                                String stopped, long start, long millis) {
        ResultsObject result = new ResultsObject(ResultsIo.CURRENT_VERSION, m.key(), m.workspec(),
                failure != null ? "failed" : stopped != null ? "stopped" : "done", failure != null ? failure : stopped,
                describe(m), featureset(m, matrix), matrix.dataFingerprint(),
                folds, provenance(m), start, millis);
        try {
            // handed on as its files give it back, judged once here: the driver ingests it as it is
            return ResultsIo.writeStored(dir(m), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result of " + m.key() + " under " + dir(m), e);
        }
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
        if (!d.extraTargets().isEmpty()) {
            // a multi-task network's other heads: how each one's target was made, so a live runner can make it again
            List<Map<String, Object>> heads = new ArrayList<>();
            for (PreparedData.Target t : d.extraTargets()) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("label", t.label());
                h.put("classes", t.classes());
                h.put("center", t.center());
                h.put("scale", t.scale());
                if (t.boundaries() != null) {
                    h.put("boundaries", t.boundaries());
                }
                heads.add(h);
            }
            s.put("heads", heads);
        }
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
        if (pr == null) {
            return null;
        }
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
        if (pr == null) {
            return null;
        }
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
    /** The {@code spec} of a result (typed JSON: {@link SpecJson#of}). */
    public static Map<String, Object> describe(ModelSpec m) {
        return SpecJson.of(m);
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
        f.put("gaps", m.featureset().gaps().yamlName()); // absent in older results: served as drop, with a warning
        if (m.featureset().fillLimit() != null) {
            f.put("fillLimit", io.atlasj.text.Durations.format(m.featureset().fillLimit()));
            // the rule its bars were filled by: up to the limit after the last real bar (absent in results trained
            // before it, which filled a gap whole or not at all by its length: a live runner cannot serve those)
            f.put("fill", FILL_RULE);
        }
        if (m.featureset().prices() != io.atlasj.features.eval.PriceBasis.TRADES) {
            f.put("prices", m.featureset().prices().yamlName()); // absent: trades; the money evaluation reads it
        }
        return f;
    }

    /**
     * How to reproduce a result besides its spec: the Atlas build (version, git commit, whether the tree had
     * uncommitted changes; {@link BuildInfo}), JVM, OS, ND4J backend, threads and seed.
     */
    /** A trained model's provenance: the build, the platform, the ND4J backend, the threads and the seed. */
    public static Map<String, String> provenance(ModelSpec m) {
        return io.atlasj.workspec.results.Provenance.of(m, io.atlasj.trainer.model.Backend.describe());
    }
}
