package io.atlasj.trainer.cluster;

import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.MDC;

/**
 * A trainer node's slots. Each slot has its own thread (and, with {@code --gpus}, its own ND4J device); an idle slot
 * asks the coordinator for work (and asks again every few seconds while idle, so a restarted coordinator learns about
 * it), trains the keys it is given one after the other, writes each result under {@code ATLAS_HOME/runs}, and reports
 * each key as soon as it is done. Featuresets come by hash: from the local cache, or fetched in chunks from the
 * coordinator's file server. A model that cannot be trained is a failed result, never a crashed actor.
 */
public final class Trainer extends AbstractBehavior<Trainer.Command> {
    public sealed interface Command {
    }

    /** One key to train, with its attempt number (for the ledger). */
    public record Task(String key, int attempt) {
    }

    /**
     * Work for one slot.
     *
     * @param specYaml    the WorkSpec, self-contained (featuresets inline), to expand the same ModelSpecs
     * @param featuresets featureset cache hash per unit of the tasks
     * @param files       the coordinator's file server, for featuresets this node's cache lacks
     */
    public record Assignment(String runId, String specYaml, int slot, List<Task> tasks, Map<String, String> featuresets,
                             ActorRef<FileServer.Command> files) implements Command, CborSerializable {
    }

    /** The coordinator refuses this node (another protocol version). */
    public record Rejected(String reason) implements Command, CborSerializable {
    }

    /** The coordinator's search stopped a trial this node trains: it stops after its current epoch. */
    public record StopTrial(String runId, String key, String reason) implements Command, CborSerializable {
    }

    private record SlotIdle(int slot) implements Command {
    }

    private record Tick() implements Command {
    }

    /** How a trainer node runs: its slots, their GPUs (empty for CPU slots), and whether it only pretends to train. */
    public record Settings(int slots, List<Integer> gpus, boolean noop) {
        public Settings {
            gpus = List.copyOf(gpus);
            if (slots < 1) {
                throw new IllegalArgumentException("a trainer needs at least one slot");
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);
    private static final Duration ASK_AGAIN = Duration.ofSeconds(2);
    private static final Duration REPORT_EVERY = Duration.ofMillis(20);
    /** How often a slot sends the epochs it trained to the coordinator, for the run's journal. */
    private static final long EPOCHS_EVERY_MS = 500;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

    private final ActorRef<Coordinator.Command> coordinator;
    private final ActorRef<FileServer.Command> files;
    private final String node;
    private final Settings settings;
    private final AtlasHome home;
    private final ModelTrainer modelTrainer;
    private final ExecutorService[] slotThreads;
    private final long[] askedAt;
    private final long[] askedNanos;
    private final int[] busy;
    private final Map<String, Map<String, ModelSpec>> specs = new ConcurrentHashMap<>();
    private final Map<String, io.atlasj.workspec.WorkSpec> workspecs = new ConcurrentHashMap<>();
    private final Map<String, FeatureMatrix> matrices = new ConcurrentHashMap<>();
    /** Trials the coordinator stopped, by run and key, with why: read by the slots after each epoch. */
    private final Map<String, String> stops = new ConcurrentHashMap<>();
    /** This actor, for the slots' threads (the context is the actor's own). */
    private final ActorRef<Command> self;

    public static Behavior<Command> create(ActorRef<Coordinator.Command> coordinator, ActorRef<FileServer.Command> files,
                                           String node, AtlasHome home, ModelTrainer trainer, Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new Trainer(ctx, t, coordinator, files, node, home, trainer,
                settings)));
    }

    private Trainer(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<Coordinator.Command> coordinator,
                    ActorRef<FileServer.Command> files, String node, AtlasHome home, ModelTrainer trainer,
                    Settings settings) {
        super(ctx);
        this.self = ctx.getSelf();
        this.coordinator = coordinator;
        this.files = files;
        this.node = node;
        this.home = home;
        this.modelTrainer = trainer;
        this.settings = settings;
        this.slotThreads = new ExecutorService[settings.slots()];
        io.atlasj.trainer.model.Backend.loadInBackground(); // while the node joins and waits for its first work
        this.askedAt = new long[settings.slots()];
        this.askedNanos = new long[settings.slots()];
        this.busy = new int[settings.slots()];
        for (int i = 0; i < settings.slots(); i++) {
            int slot = i;
            slotThreads[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(() -> {
                    if (!settings.gpus().isEmpty()) {
                        io.atlasj.trainer.model.Backend.useDevice(settings.gpus().get(slot));
                    }
                    r.run();
                }, "atlas-slot-" + slot);
                t.setDaemon(true);
                return t;
            });
        }
        timers.startTimerWithFixedDelay(new Tick(), ASK_AGAIN);
        for (int i = 0; i < settings.slots(); i++) {
            ask(i);
        }
    }

    private void ask(int slot) {
        askedAt[slot] = System.currentTimeMillis();
        if (busy[slot] == 0 && askedNanos[slot] == 0) {
            askedNanos[slot] = System.nanoTime(); // repeated requests keep the first one's time
        }
        coordinator.tell(new Coordinator.RequestWork(Coordinator.PROTOCOL_VERSION, node, slot, settings.slots(),
                getContext().getSelf(), files));
    }

    /** How long a trainer goes without a reachable coordinator before it says so in its log (and again as often). */
    static final Duration NO_COORDINATOR_WARNING = Duration.ofSeconds(30);
    private long coordinatorSeen = System.currentTimeMillis();
    private long warnedAt;

    /** A trainer keeps asking for work while no coordinator is reachable, and says so every 30 s in its log. */
    private void watchCoordinator(long now) {
        var state = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem()).state();
        java.util.Set<org.apache.pekko.cluster.Member> unreachable = new java.util.HashSet<>();
        state.getUnreachable().forEach(unreachable::add);
        boolean reachable = false;
        for (org.apache.pekko.cluster.Member m : state.getMembers()) {
            if (m.hasRole(AtlasNode.Role.COORDINATOR.id()) && m.status() == org.apache.pekko.cluster.MemberStatus.up()
                    && !unreachable.contains(m)) {
                reachable = true;
            }
        }
        if (reachable) {
            if (warnedAt != 0) {
                LOG.info("a coordinator is reachable again");
            }
            coordinatorSeen = now;
            warnedAt = 0;
        } else if (now - coordinatorSeen >= NO_COORDINATOR_WARNING.toMillis()
                && now - Math.max(warnedAt, coordinatorSeen) >= NO_COORDINATOR_WARNING.toMillis()) {
            warnedAt = now;
            LOG.warn("no reachable coordinator in the cluster for {} s: this trainer keeps asking for work; start the "
                    + "coordinator again with its ATLAS_HOME (it rejoins through the members it recorded)",
                    (now - coordinatorSeen) / 1000);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Assignment.class, this::onAssignment)
                .onMessage(SlotIdle.class, m -> {
                    busy[m.slot()]--;
                    if (busy[m.slot()] == 0) {
                        ask(m.slot());
                    }
                    return this;
                })
                .onMessage(Tick.class, t -> {
                    long now = System.currentTimeMillis();
                    watchCoordinator(now);
                    for (int i = 0; i < busy.length; i++) {
                        if (busy[i] == 0 && now - askedAt[i] >= ASK_AGAIN.toMillis()) {
                            ask(i);
                        }
                    }
                    return this;
                })
                .onMessage(StopTrial.class, st -> {
                    stops.put(st.runId() + "\n" + st.key(), st.reason());
                    return this;
                })
                .onMessage(Rejected.class, r -> {
                    getContext().getLog().error("the coordinator refused this node: {}", r.reason());
                    getContext().getSystem().terminate();
                    return Behaviors.stopped();
                })
                .onSignal(PostStop.class, s -> {
                    for (ExecutorService e : slotThreads) {
                        e.shutdownNow();
                    }
                    return this;
                })
                .build();
    }

    private Behavior<Command> onAssignment(Assignment a) {
        int slot = a.slot();
        if (slot < 0 || slot >= busy.length) {
            getContext().getLog().warn("assignment for unknown slot {} ignored", slot);
            return this;
        }
        // an assignment that crossed a repeated request queues behind the slot's current one
        busy[slot]++;
        long askedAtNanos = askedNanos[slot] == 0 ? System.nanoTime() : askedNanos[slot];
        askedNanos[slot] = 0;
        ActorRef<Command> self = getContext().getSelf();
        ActorSystem<?> system = getContext().getSystem();
        // the wait from the slot's request to this assignment, shared by its keys: the dispatch overhead per model
        long perKey = (System.nanoTime() - askedAtNanos) / 1000 / Math.max(1, a.tasks().size());
        slotThreads[slot].execute(() -> {
            // keys that finish within REPORT_EVERY of the last report go together in one message: tiny models do not
            // cost one message each, a model of any real size is still reported the moment it is done
            List<Coordinator.WorkDone> unreported = new ArrayList<>();
            long lastReport = System.nanoTime();
            try {
                for (List<Task> group : groups(a)) {
                    unreported.addAll(train(system, a, group, perKey));
                    if (System.nanoTime() - lastReport > REPORT_EVERY.toNanos()) {
                        report(unreported);
                        lastReport = System.nanoTime();
                    }
                }
            } finally {
                report(unreported);
                self.tell(new SlotIdle(slot));
            }
        });
        return this;
    }

    /**
     * The assignment's keys in the groups this slot trains ({@link LocalRunner#groups}: packable keys of one pack
     * together); keys it cannot resolve go alone, and fail when trained.
     */
    private List<List<Task>> groups(Assignment a) {
        if (settings.noop()) {
            return a.tasks().stream().map(List::of).toList();
        }
        Map<String, ModelSpec> byKey;
        try {
            byKey = specs(a);
        } catch (RuntimeException e) {
            return a.tasks().stream().map(List::of).toList();
        }
        if (!a.tasks().stream().allMatch(t -> byKey.containsKey(t.key()))) {
            return a.tasks().stream().map(List::of).toList();
        }
        List<List<Task>> out = new ArrayList<>();
        int at = 0;
        for (List<ModelSpec> g : LocalRunner.groups(a.tasks().stream().map(t -> byKey.get(t.key())).toList(),
                workspec(a).execution().pack() && modelTrainer.packs())) {
            out.add(a.tasks().subList(at, at + g.size()));
            at += g.size();
        }
        return out;
    }

    private Map<String, ModelSpec> specs(Assignment a) {
        return specs.computeIfAbsent(a.runId(), id -> {
            Map<String, ModelSpec> byKey = new HashMap<>();
            Expander.expand(workspec(a), true).forEach(x -> byKey.put(x.key(), x));
            return byKey;
        });
    }

    private io.atlasj.workspec.WorkSpec workspec(Assignment a) {
        return workspecs.computeIfAbsent(a.runId(), id -> Coordinator.parse(a.specYaml()));
    }

    private void report(List<Coordinator.WorkDone> done) {
        if (done.size() == 1) {
            coordinator.tell(done.get(0));
        } else if (!done.isEmpty()) {
            coordinator.tell(new Coordinator.WorkDoneBatch(List.copyOf(done)));
        }
        done.clear();
    }

    /** Runs on the slot's thread: one key alone, or packable keys together. */
    private List<Coordinator.WorkDone> train(ActorSystem<?> system, Assignment a, List<Task> group, long dispatchMicros) {
        if (settings.noop()) {
            return group.stream().map(t -> new Coordinator.WorkDone(a.runId(), t.key(), node, a.slot(), t.attempt(),
                    Coordinator.Outcome.NOOP, null, 0, dispatchMicros, files)).toList();
        }
        MDC.put("run", a.runId());
        MDC.put("model", group.get(0).key());
        long start = System.currentTimeMillis();
        try {
            List<ModelSpec> ms = new ArrayList<>();
            for (Task t : group) {
                ModelSpec m = specs(a).get(t.key());
                if (m == null) {
                    throw new IllegalStateException("key " + t.key() + " is not in the spec of run " + a.runId());
                }
                ms.add(m);
            }
            FeatureMatrix x = matrix(system, a.featuresets().get(ms.get(0).unit()), a.files());
            io.atlasj.workspec.WorkSpec ws = workspec(a);
            io.atlasj.workspec.Execution ex = ws.execution();
            // which epochs the coordinator's searches want to hear of (their rules are the coordinator's)
            io.atlasj.trainer.engine.TrialStopper rules = io.atlasj.trainer.engine.TrialStopper.of(ws);
            // every epoch, for the run's journal (the dashboard's curves): sent at most every half second
            List<Coordinator.EpochLine> epochs = new ArrayList<>();
            long[] sentAt = {System.currentTimeMillis()};
            List<ResultsObject> rs = new LocalRunner(home, modelTrainer).runGroup(ms, x, new LocalRunner.Listener() {
                @Override
                public long checkpointEveryMillis() {
                    return ex.checkpointEvery().toMillis();
                }

                @Override
                public void epoch(ModelSpec m, int fold, io.atlasj.trainer.model.TrainingResult.Epoch e) {
                    long now = System.currentTimeMillis();
                    epochs.add(new Coordinator.EpochLine(m.key(), fold, e.epoch() + 1, e.trainLoss(),
                            e.validationLoss(), now));
                    if (now - sentAt[0] >= EPOCHS_EVERY_MS) {
                        coordinator.tell(new Coordinator.Epochs(a.runId(), List.copyOf(epochs)));
                        epochs.clear();
                        sentAt[0] = now;
                    }
                    if (rules.wants(m.unit(), fold, e.epoch() + 1)) {
                        coordinator.tell(new Coordinator.EpochReport(a.runId(), m.unit(), m.key(), fold, e.epoch() + 1,
                                e.validationLoss(), false, self));
                    }
                }

                @Override
                public String stop(ModelSpec m, int fold, io.atlasj.trainer.model.TrainingResult.Epoch e) {
                    if (!rules.wants(m.unit(), fold, e.epoch() + 1)) {
                        // only the first fold is judged: an answer that came after it ended is not acted on
                        return fold == io.atlasj.trainer.engine.TrialStopper.JUDGED_FOLD
                                ? stops.get(a.runId() + "\n" + m.key()) : null;
                    }
                    // the coordinator judges every trial of the unit (a pack's epochs all recorded first: messages
                    // from one sender arrive in order); its answer arrives while this one trains on, so the trial
                    // stops after the epoch during which the answer came (asynchronous, as asha is)
                    coordinator.tell(new Coordinator.EpochReport(a.runId(), m.unit(), m.key(), fold, e.epoch() + 1,
                            e.validationLoss(), true, self));
                    return stops.get(a.runId() + "\n" + m.key());
                }
            }, ex.pack());
            if (!epochs.isEmpty()) {
                coordinator.tell(new Coordinator.Epochs(a.runId(), List.copyOf(epochs)));
            }
            List<Coordinator.WorkDone> out = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                ResultsObject r = rs.get(i);
                out.add(new Coordinator.WorkDone(a.runId(), group.get(i).key(), node, a.slot(), group.get(i).attempt(),
                        switch (r.status()) {
                            case "done" -> Coordinator.Outcome.DONE;
                            case "stopped" -> Coordinator.Outcome.STOPPED;
                            default -> Coordinator.Outcome.FAILED;
                        }, r.failure(),
                        r.millis(), dispatchMicros, files));
            }
            return out;
        } catch (RuntimeException | java.io.IOException | Error e) {
            // on the slot's thread: the actor's context is not ours to use here, a logger of our own is
            LOG.error("slot {}: {} could not run", a.slot(), group.get(0).key(), e);
            long each = (System.currentTimeMillis() - start) / group.size();
            return group.stream().map(t -> new Coordinator.WorkDone(a.runId(), t.key(), node, a.slot(), t.attempt(),
                    Coordinator.Outcome.CRASHED, LocalRunner.describe(e), each, dispatchMicros, files)).toList();
        } finally {
            MDC.clear();
        }
    }

    private FeatureMatrix matrix(ActorSystem<?> system, String hash, ActorRef<FileServer.Command> from)
            throws java.io.IOException {
        if (hash == null) {
            throw new IllegalStateException("the assignment names no featureset for this unit");
        }
        FeatureMatrix cached = matrices.get(hash);
        if (cached != null) {
            return cached;
        }
        synchronized (matrices) {
            cached = matrices.get(hash);
            if (cached != null) {
                return cached;
            }
            FeaturesetCache cache = new FeaturesetCache(home.featuresetCache());
            Path file = cache.file(hash);
            if (!Files.isRegularFile(file)) {
                String rel = home.root().relativize(file).toString().replace('\\', '/');
                FileServer.fetch(system, from, rel, file, FETCH_TIMEOUT);
            }
            FeatureMatrix m;
            try {
                m = FeaturesetCache.read(file);
            } catch (RuntimeException e) {
                // set aside, so the next attempt (here or on another node) fetches a sound copy; this one crashes
                Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
                Files.move(file, aside);
                throw new IllegalStateException("featureset " + hash + " is damaged on this node (moved to " + aside
                        + "); the next attempt fetches it again", e);
            }
            matrices.put(hash, m);
            return m;
        }
    }

    /** For the status line of a node. */
    static List<String> describe(Settings s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.slots(); i++) {
            out.add(s.gpus().isEmpty() ? "cpu slot " + i : "gpu " + s.gpus().get(i));
        }
        return out;
    }
}
