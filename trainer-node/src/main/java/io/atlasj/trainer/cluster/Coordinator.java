package io.atlasj.trainer.cluster;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.features.spark.SparkBuilds;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.engine.KeyRecord;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunBook;
import io.atlasj.trainer.engine.RunLedger;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The coordinator: a cluster singleton that drives each run's {@link RunBook} (the scheduling rules shared with local
 * runs) from cluster messages, persists its transitions in the {@link Ledger}, builds each unit's featureset once into
 * the cache (trainers read or fetch it by hash), and hands assignments to trainer slots that ask for work (work
 * pulling). Trained keys go to the harvester; a key is terminal only once its result is in the results store. A node
 * that leaves the cluster, an assignment past its deadline and a failed attempt are the book's to decide (retry or
 * fail); reports of stale attempts are ignored, so a key ends with exactly one result.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {
    /** For work off the actor's thread (feature builds), where the actor context must not be used. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Coordinator.class);

    /**
     * Checked when a slot asks for work: nodes of another protocol version are refused. 2: typed outcomes; 3: trials
     * stopped by a search (epoch reports and stops).
     */
    public static final int PROTOCOL_VERSION = 4;
    public static final String NAME = "atlas-coordinator";

    public sealed interface Command {
    }

    /** An idle slot asks for work; sent again every few seconds while the slot stays idle. */
    public record RequestWork(int protocolVersion, String node, int slot, int slots, ActorRef<Trainer.Command> replyTo,
                              ActorRef<FileServer.Command> files) implements Command, CborSerializable {
    }

    /** How an attempt on a slot ended. */
    public enum Outcome {
        /** A result file with status done was written. */
        DONE,
        /** A result file with status failed was written (the model could not be trained). */
        FAILED,
        /** A result file with status stopped was written (the unit's search stopped the trial early). */
        STOPPED,
        /** No result file: the slot could not run the key (featureset unreadable, spec mismatch, a crash). */
        CRASHED,
        /** The dispatch benchmark's trainers train nothing. */
        NOOP
    }

    /** A key finished on a slot, with the {@link Outcome} of its attempt and the failure, if any. */
    public record WorkDone(String runId, String key, String node, int slot, int attempt, Outcome outcome, String failure,
                           long millis, long dispatchMicros, ActorRef<FileServer.Command> files)
            implements Command, CborSerializable {
    }

    /**
     * A trial of a unit with a search finished epoch {@code epochs} (from 1) of fold {@code fold}: recorded by the
     * run's {@link io.atlasj.trainer.engine.TrialStopper}, and with {@code judge} judged, answered with
     * {@link Trainer.StopTrial} when it stops the trial.
     */
    public record EpochReport(String runId, String unit, String key, int fold, int epochs, double validationLoss,
                              boolean judge, ActorRef<Trainer.Command> replyTo) implements Command, CborSerializable {
    }

    /** Several keys of one assignment that finished within a few milliseconds of each other: one message for all. */
    /** A trainer's epochs since its last such message (at most every half second), for the run's journal. */
    public record Epochs(String runId, List<EpochLine> epochs) implements Command, CborSerializable {
    }

    /** Epoch {@code epoch} (from 1) of fold {@code fold} of model {@code key}, at {@code at} on the trainer's clock. */
    public record EpochLine(String key, int fold, int epoch, double train, double validation, long at)
            implements CborSerializable {
    }

    public record WorkDoneBatch(List<WorkDone> done) implements Command, CborSerializable {
    }

    public record Submit(String workspec, String specYaml, ActorRef<ClientEvent> replyTo)
            implements Command, CborSerializable {
    }

    public record Follow(String runId, ActorRef<ClientEvent> replyTo) implements Command, CborSerializable {
    }

    public record GetStatus(ActorRef<ClientEvent> replyTo) implements Command, CborSerializable {
    }

    /** What the harvester did with a key's result. */
    public enum HarvestOutcome {
        /** In the results store with status done. */
        DONE,
        /** In the results store with status failed. */
        FAILED,
        /** In the results store with status stopped. */
        STOPPED,
        /** Could not be ingested (missing, corrupt, a store error): the attempt failed. */
        REFUSED,
        /** A probe found no result on the harvester's disk yet. */
        ABSENT
    }

    /** From the harvester: what became of the key's result, with its headline or the reason it was refused. */
    public record Harvested(String runId, String key, HarvestOutcome outcome,
                            io.atlasj.workspec.results.Headline headline, String detail)
            implements Command, CborSerializable {
    }

    /** From the harvester: keys of a run that already have results in the store, a page at a time. */
    public record KnownReply(String runId, List<String> present, boolean last) implements Command, CborSerializable {
    }

    private record Tick() implements Command {
    }

    private record MemberRemoved(String node) implements Command {
    }

    private record MemberUp() implements Command {
    }

    private record Harvesters(Set<ActorRef<Harvester.Command>> refs) implements Command {
    }

    private record Built(String runId, Map<String, String> featuresets, Throwable error) implements Command {
    }

    private static final int LEDGER_BATCH = 256;
    private static final Duration TICK = Duration.ofMillis(200);

    private final AtlasHome home;
    private final Ledger ledger;
    private final List<KeyRecord> pendingLedger = new ArrayList<>();
    private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atlas-featureset-build");
        t.setDaemon(true);
        return t;
    });
    private MarketDataStore store;
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final Map<String, RequestWork> idle = new LinkedHashMap<>();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    private ActorRef<Harvester.Command> harvester;
    private final Deque<Long> finishedAt = new ArrayDeque<>();

    private static final class NodeInfo {
        final String node;
        int slots;
        long trained;

        NodeInfo(String node, int slots) {
            this.node = node;
            this.slots = slots;
        }
    }

    /** What the actor keeps about a run besides its book: followers, featuresets, harvests in flight, figures. */
    private static final class RunState {
        final RunLedger.Run run;
        final RunBook book;
        final io.atlasj.trainer.engine.TrialStopper stopper;
        /** What the dashboard follows. */
        final io.atlasj.trainer.journal.RunJournal journal;
        final Map<String, ModelSpec> specs = new HashMap<>();
        /** How each unit's featureset is built (the local engine or Spark). */
        final Map<String, io.atlasj.workspec.FeatureBuild> builds = new HashMap<>();
        final Set<ActorRef<ClientEvent>> followers = new HashSet<>();
        final List<ClientEvent.Line> newlyFinished = new ArrayList<>();
        /** Keys handed to the harvester (or waiting for one), re-sent to a new harvester. */
        final Map<String, RunBook.ToHarvest> harvesting = new LinkedHashMap<>();
        final Map<String, ActorRef<FileServer.Command>> files = new HashMap<>();
        final Set<String> toCombine = new java.util.LinkedHashSet<>();
        int moreFinished;
        long firstAssignment;
        final List<Long> dispatchMicros = new ArrayList<>();
        Map<String, String> featuresets;
        boolean known;
        boolean building;
        boolean dirty = true;
        long knownAskedAt;
        final Set<String> knownPages = new HashSet<>();
        /** Keys assigned before this coordinator started may have finished unheard: ask the harvester once. */
        boolean probe;
        final long started = System.currentTimeMillis();

        RunState(RunLedger.Run run, WorkSpec spec, List<ModelSpec> models, java.nio.file.Path journals) {
            this.run = run;
            this.book = new RunBook(run.runId(), models, RunBook.Policy.of(spec.execution()));
            this.stopper = io.atlasj.trainer.engine.TrialStopper.of(spec);
            this.journal = io.atlasj.trainer.journal.RunJournal.open(journals, run.runId());
            journal.begin(run.runId(), run.workspec(), run.specYaml(), "cluster", 0, models, System.currentTimeMillis());
            models.forEach(m -> specs.put(m.key(), m));
            spec.units().forEach(u -> builds.put(u.name(), u.build()));
        }

        boolean ready() {
            return featuresets != null && known;
        }
    }

    public static Behavior<Command> create(AtlasHome home) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, home)));
    }

    private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, AtlasHome home) {
        super(ctx);
        this.home = home;
        this.ledger = Ledger.open(home.ledger());
        timers.startTimerWithFixedDelay(new Tick(), TICK);
        ActorRef<ClusterEvent.MemberRemoved> removed = ctx.messageAdapter(ClusterEvent.MemberRemoved.class,
                e -> new MemberRemoved(nodeId(e.member())));
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
        ActorRef<ClusterEvent.MemberUp> up = ctx.messageAdapter(ClusterEvent.MemberUp.class, e -> new MemberUp());
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(up, ClusterEvent.MemberUp.class));
        ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new Harvesters(l.getServiceInstances(Harvester.KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(Harvester.KEY, listing));
        resume();
        recordMembers();
    }

    static String nodeId(Member m) {
        return m.uniqueAddress().address().toString() + "#" + m.uniqueAddress().longUid();
    }

    private Set<String> aliveNodes() {
        Set<String> alive = new HashSet<>();
        Cluster.get(getContext().getSystem()).state().getMembers().forEach(m -> alive.add(nodeId(m)));
        return alive;
    }

    /** Picks up every unfinished run from the ledger: a restarted coordinator continues where the last one stopped. */
    private void resume() {
        for (RunLedger.Run r : ledger.openRuns()) {
            try {
                WorkSpec spec = parse(r.specYaml());
                RunState s = new RunState(r, spec, Expander.expand(spec, true), home.journal());
                s.book.restore(ledger.keys(r.runId()), aliveNodes(), System.currentTimeMillis());
                s.probe = true;
                s.known = true;
                runs.put(r.runId(), s);
                getContext().getLog().info("resuming run {} from the ledger: {} keys, {} terminal", r.runId(),
                        s.book.size(), s.book.terminalCount());
                sync(s);
                build(s);
            } catch (RuntimeException e) {
                // one run this Atlas cannot take up again must not stop the others
                getContext().getLog().error("cannot resume run {} from the ledger; it is left as recorded", r.runId(), e);
                runs.remove(r.runId());
            }
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RequestWork.class, this::onRequestWork)
                .onMessage(WorkDone.class, d -> {
                    onWorkDone(d);
                    dispatch();
                    return this;
                })
                .onMessage(WorkDoneBatch.class, b -> {
                    b.done().forEach(this::onWorkDone);
                    dispatch();
                    return this;
                })
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Follow.class, this::onFollow)
                .onMessage(GetStatus.class, this::onStatus)
                .onMessage(Harvested.class, this::onHarvested)
                .onMessage(EpochReport.class, this::onEpoch)
                .onMessage(Epochs.class, this::onEpochs)
                .onMessage(KnownReply.class, this::onKnown)
                .onMessage(Built.class, this::onBuilt)
                .onMessage(Harvesters.class, this::onHarvesters)
                .onMessage(MemberRemoved.class, m -> {
                    recordMembers();
                    return onMemberRemoved(m);
                })
                .onMessage(MemberUp.class, m -> {
                    recordMembers();
                    return this;
                })
                .onMessage(Tick.class, t -> onTick())
                .onSignal(PostStop.class, s -> {
                    builds.shutdownNow();
                    flushLedger();
                    runs.values().forEach(r -> r.journal.close());
                    ledger.close();
                    if (store != null) {
                        store.close();
                    }
                    return this;
                })
                .build();
    }

    // ------------------------------------------------------------------ the book's outbox

    /**
     * Acts on what the run's book asks for after a transition: its changes go to the ledger (in batches: each tick, or
     * every {@link #LEDGER_BATCH} keys; an assignment or a terminal state lost in a crash leaves the key as it was
     * recorded, so a restarted coordinator re-queues or probes it and the results store still keeps one result per
     * key), trained keys to the harvester, ready ensembles to be combined, finished keys to the followers.
     */
    private void sync(RunState s) {
        List<KeyRecord> changes = s.book.drainChanges();
        pendingLedger.addAll(changes);
        s.journal.keys(changes, System.currentTimeMillis());
        if (pendingLedger.size() >= LEDGER_BATCH) {
            flushLedger();
        }
        for (RunBook.ToHarvest h : s.book.drainToHarvest()) {
            s.harvesting.put(h.key(), h);
            sendHarvest(s, h);
        }
        s.toCombine.addAll(s.book.drainToCombine());
        if (harvester != null) {
            for (String key : s.toCombine) {
                harvester.tell(new Harvester.Combine(s.run.runId(), s.run.specYaml(), key, getContext().getSelf().narrow()));
            }
            s.toCombine.clear();
        }
        for (KeyRecord k : s.book.drainFinished()) {
            if (s.newlyFinished.size() < ClientEvent.LIVE_LINES) {
                s.newlyFinished.add(line(s.book, k));
            } else {
                s.moreFinished++;
            }
            finishedAt.add(System.currentTimeMillis());
            s.dirty = true;
        }
        if (s.book.finished() && runs.get(s.run.runId()) == s) {
            long now = System.currentTimeMillis();
            flushLedger();
            ledger.finish(s.run.runId(), now);
            s.journal.end(now);
            s.journal.close();
            s.followers.forEach(x -> x.tell(progress(s)));
            s.followers.forEach(x -> sendFinished(x, s.run.runId(), lines(s.book), s, now - s.started));
            getContext().getLog().info("run {} finished: {} keys", s.run.runId(), s.book.size());
            runs.remove(s.run.runId());
            recordMembers();
        }
    }

    private void sendHarvest(RunState s, RunBook.ToHarvest h) {
        if (harvester != null) {
            harvester.tell(new Harvester.Harvest(s.run.runId(), s.run.workspec(), h.unit(), h.key(), h.node(),
                    s.files.get(h.key()), getContext().getSelf().narrow()));
        }
    }

    private void flushLedger() {
        if (!pendingLedger.isEmpty()) {
            ledger.update(List.copyOf(pendingLedger));
            pendingLedger.clear();
        }
    }

    // ------------------------------------------------------------------ runs

    static WorkSpec parse(String yaml) {
        return WorkSpecYaml.readSubmitted("submitted spec", yaml, FeaturesetLocator.NONE);
    }

    /** The run id: the WorkSpec's name and a hash of its self-contained text, so a rerun of the same spec is the same run. */
    public static String runId(String workspec, String selfContainedYaml) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(selfContainedYaml.getBytes(StandardCharsets.UTF_8));
            return workspec + "-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Behavior<Command> onSubmit(Submit m) {
        WorkSpec spec;
        List<ModelSpec> models;
        String id;
        RunState s;
        try {
            spec = parse(m.specYaml());
            models = Expander.expand(spec, true);
            id = runId(spec.name(), m.specYaml());
            s = runs.get(id);
            Optional<RunLedger.Run> recorded = s == null ? ledger.run(id) : Optional.empty();
            if (recorded.isPresent() && recorded.get().finished() != null) {
                // a rerun of a finished spec trains nothing
                List<KeyRecord> keys = ledger.keys(id);
                m.replyTo().tell(new ClientEvent.Accepted(id, spec.name(), keys.size(), keys.size()));
                sendFinished(m.replyTo(), id, keys.stream().map(k -> line(null, k)).toList(), null, 0);
                return this;
            }
            if (s == null) {
                RunLedger.Run run = recorded.orElse(new RunLedger.Run(id, spec.name(), m.specYaml(),
                        spec.execution().retries(), System.currentTimeMillis(), null));
                s = new RunState(run, spec, models, home.journal());
                if (recorded.isEmpty()) {
                    ledger.addRun(run, s.book.records());
                } else {
                    s.book.restore(ledger.keys(id), aliveNodes(), System.currentTimeMillis());
                }
                s.probe = true;
                runs.put(id, s);
                getContext().getLog().info("run {} submitted: {} keys", id, s.book.size());
                recordMembers();
                sync(s);
                build(s);
            }
        } catch (RuntimeException e) {
            getContext().getLog().error("a submitted spec cannot be run", e);
            m.replyTo().tell(new ClientEvent.SubmitFailed("the coordinator cannot run the spec: " + e.getMessage()));
            return this;
        }
        s.followers.add(m.replyTo());
        m.replyTo().tell(new ClientEvent.Accepted(id, spec.name(), s.book.size(), s.book.terminalCount()));
        askKnown(s);
        return this;
    }

    private void build(RunState s) {
        if (s.building || s.featuresets != null) {
            return;
        }
        s.building = true;
        Map<String, ModelSpec> perUnit = new LinkedHashMap<>();
        s.specs.values().stream().filter(x -> x.type() != ModelType.ENSEMBLE).forEach(x -> perUnit.putIfAbsent(x.unit(), x));
        String id = s.run.runId();
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
            if (store == null) {
                store = MarketDataStore.open(home.marketData());
            }
            FeatureSetBuilder builder = new FeatureSetBuilder(SeriesSource.of(store));
            FeaturesetCache cache = new FeaturesetCache(home.featuresetCache());
            Map<String, String> out = new HashMap<>();
            try (SparkBuilds spark = new SparkBuilds(home, store, line -> LOG.info("run {}: {}", id, line))) {
                for (var e : perUnit.entrySet()) {
                    ModelSpec m = e.getValue();
                    io.atlasj.workspec.FeatureBuild how = s.builds.getOrDefault(e.getKey(),
                            io.atlasj.workspec.FeatureBuild.LOCAL);
                    FeatureSetBuilder.Built b = how.spark()
                            ? spark.build(m.featureset(), m.from(), m.to(), cache, how.master(), how.lake())
                            : builder.build(m.featureset(), m.from(), m.to(), cache);
                    if (how.spark()) {
                        LOG.info("run {}: unit {}: featureset {} by Spark ({})", id, e.getKey(),
                                b.cacheHit() ? "from the cache" : "built", how.master() == null ? "local[*]" : how.master());
                    }
                    out.put(e.getKey(), b.file().orElseThrow(() -> new IllegalStateException("unit " + e.getKey()
                            + ": its featureset cannot be cached (the data source gives no fingerprint)"))
                            .getParent().getFileName().toString());
                }
            }
            return out;
        }, builds), (ok, err) -> new Built(id, ok, err));
    }

    private Behavior<Command> onBuilt(Built b) {
        RunState s = runs.get(b.runId());
        if (s == null) {
            return this;
        }
        s.building = false;
        if (b.error() != null) {
            Throwable e = b.error() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : b.error();
            String why = "the featuresets cannot be built: " + e.getMessage();
            getContext().getLog().error("run {}: {}", b.runId(), why, e);
            for (ActorRef<ClientEvent> f : s.followers) {
                f.tell(new ClientEvent.SubmitFailed(why));
            }
            s.journal.close();
            runs.remove(b.runId());
            return this;
        }
        s.featuresets = b.featuresets();
        getContext().getLog().info("run {}: featuresets ready {}", b.runId(), b.featuresets());
        dispatch();
        return this;
    }

    private void askKnown(RunState s) {
        long now = System.currentTimeMillis();
        if (s.known || harvester == null || now - s.knownAskedAt < 5_000) {
            return;
        }
        s.knownAskedAt = now;
        s.knownPages.clear();
        harvester.tell(new Harvester.Known(s.run.runId(), s.run.workspec(), getContext().getSelf()));
    }

    private Behavior<Command> onKnown(KnownReply k) {
        RunState s = runs.get(k.runId());
        if (s == null || s.known) {
            return this;
        }
        s.knownPages.addAll(k.present());
        if (!k.last()) {
            return this;
        }
        int before = s.book.terminalCount();
        s.book.present(s.knownPages);
        s.known = true;
        s.dirty = true;
        getContext().getLog().info("run {}: {} keys already in the results store", k.runId(),
                s.book.terminalCount() - before);
        sync(s);
        dispatch();
        return this;
    }

    private Behavior<Command> onFollow(Follow f) {
        RunState s = runs.get(f.runId());
        if (s == null) {
            Optional<RunLedger.Run> r = ledger.run(f.runId());
            if (r.isPresent() && r.get().finished() != null) {
                sendFinished(f.replyTo(), f.runId(), ledger.keys(f.runId()).stream().map(k -> line(null, k)).toList(),
                        null, r.get().finished() - r.get().created());
            } else {
                f.replyTo().tell(new ClientEvent.SubmitFailed("no run " + f.runId() + " on this coordinator"));
            }
            return this;
        }
        if (s.followers.add(f.replyTo())) {
            s.dirty = true;
        }
        return this;
    }

    // ------------------------------------------------------------------ work

    private Behavior<Command> onRequestWork(RequestWork r) {
        if (r.protocolVersion() != PROTOCOL_VERSION) {
            r.replyTo().tell(new Trainer.Rejected("protocol version " + r.protocolVersion() + " is not this coordinator's "
                    + PROTOCOL_VERSION + ": run the same Atlas version on every node"));
            return this;
        }
        nodes.computeIfAbsent(r.node(), n -> new NodeInfo(n, r.slots())).slots = r.slots();
        idle.put(r.node() + "/" + r.slot(), r);
        dispatch();
        return this;
    }

    private void dispatch() {
        if (idle.isEmpty()) {
            return;
        }
        for (RunState s : List.copyOf(runs.values())) {
            if (!s.ready()) {
                continue;
            }
            while (!idle.isEmpty() && s.book.hasQueued()) {
                var it = idle.entrySet().iterator();
                RequestWork slot = it.next().getValue();
                it.remove();
                long now = System.currentTimeMillis();
                s.book.slots(nodes.values().stream().mapToInt(n -> n.slots).sum());
                RunBook.Assignment a = s.book.assign(slot.node(), slot.slot(), now).orElseThrow();
                if (s.firstAssignment == 0) {
                    s.firstAssignment = now;
                }
                List<Trainer.Task> tasks = a.tasks().stream().map(t -> new Trainer.Task(t.key(), t.attempt())).toList();
                slot.replyTo().tell(new Trainer.Assignment(s.run.runId(), s.run.specYaml(), slot.slot(), tasks,
                        Map.of(a.unit(), s.featuresets.get(a.unit())), fileServer()));
                s.dirty = true;
                sync(s);
            }
        }
    }

    private ActorRef<FileServer.Command> files;

    private ActorRef<FileServer.Command> fileServer() {
        if (files == null) {
            files = getContext().spawn(FileServer.create(home.root()), "coordinator-files");
        }
        return files;
    }

    private Behavior<Command> onEpoch(EpochReport r) {
        RunState s = runs.get(r.runId());
        if (s == null) {
            return this;
        }
        if (!r.judge()) {
            s.stopper.record(r.unit(), r.key(), r.fold(), r.epochs(), r.validationLoss());
            return this;
        }
        String why = s.stopper.judge(r.unit(), r.key(), r.fold(), r.epochs());
        if (why != null) {
            r.replyTo().tell(new Trainer.StopTrial(r.runId(), r.key(), why));
        }
        return this;
    }

    private void onWorkDone(WorkDone d) {
        RunState s = runs.get(d.runId());
        if (s == null) {
            return;
        }
        RunBook.Report report = switch (d.outcome()) {
            case NOOP -> new RunBook.Noop();
            case DONE -> new RunBook.Trained(true, null, d.millis());
            case FAILED -> new RunBook.Trained(false, d.failure(), d.millis());
            case STOPPED -> new RunBook.Trained(true, d.failure(), d.millis());
            case CRASHED -> new RunBook.Crashed(d.failure(), d.millis());
        };
        if (d.files() != null) {
            s.files.put(d.key(), d.files());
        }
        if (!s.book.reported(d.key(), d.attempt(), report, System.currentTimeMillis())) {
            return; // a duplicate or a stale attempt: the key already has its result or another attempt
        }
        NodeInfo n = nodes.get(d.node());
        if (n != null) {
            n.trained++;
        }
        if (d.dispatchMicros() >= 0) {
            s.dispatchMicros.add(d.dispatchMicros());
        }
        if (d.outcome() == Outcome.CRASHED) {
            getContext().getLog().warn("run {}: {} crashed on {} slot {} (attempt {}): {}", d.runId(), d.key(), d.node(),
                    d.slot(), d.attempt(), d.failure());
        }
        s.dirty = true;
        sync(s);
    }

    private static String text(io.atlasj.workspec.results.Headline h) {
        return h == null ? null : h.toString();
    }

    private Behavior<Command> onEpochs(Epochs e) {
        RunState s = runs.get(e.runId());
        if (s != null) {
            for (EpochLine l : e.epochs()) {
                s.journal.epoch(l.key(), l.fold(), l.epoch(), l.train(), l.validation(), l.at());
            }
        }
        return this;
    }

    private Behavior<Command> onHarvested(Harvested h) {
        RunState s = runs.get(h.runId());
        if (s == null) {
            return this;
        }
        RunBook.Harvest answer = switch (h.outcome()) {
            case DONE -> new RunBook.Ingested(KeyStatus.DONE, text(h.headline()));
            case FAILED -> new RunBook.Ingested(KeyStatus.FAILED, text(h.headline()));
            case STOPPED -> new RunBook.Ingested(KeyStatus.STOPPED, text(h.headline()));
            case REFUSED -> new RunBook.Refused(h.detail());
            case ABSENT -> new RunBook.Absent();
        };
        if (h.outcome() != HarvestOutcome.ABSENT) {
            s.harvesting.remove(h.key());
            s.files.remove(h.key()); // a retry reports its own node's file server
        }
        switch (h.outcome()) {
            case DONE, FAILED, STOPPED -> s.journal.result(h.key(), h.outcome() == HarvestOutcome.DONE ? "done"
                    : h.outcome() == HarvestOutcome.STOPPED ? "stopped" : "failed", h.headline(), h.detail());
            default -> {
            }
        }
        if (h.outcome() == HarvestOutcome.REFUSED) {
            getContext().getLog().warn("run {}: the result of {} was refused: {}", h.runId(), h.key(), h.detail());
        }
        s.book.harvested(h.key(), answer);
        sync(s);
        dispatch();
        return this;
    }

    private Behavior<Command> onHarvesters(Harvesters h) {
        ActorRef<Harvester.Command> before = harvester;
        harvester = h.refs().isEmpty() ? null : h.refs().iterator().next();
        getContext().getLog().info("harvester: {}", harvester);
        if (harvester != null && !harvester.equals(before)) {
            for (RunState s : List.copyOf(runs.values())) {
                askKnown(s);
                // what the last harvester was given (or what waited for one) goes to this one: ingestion is idempotent
                s.harvesting.values().forEach(x -> sendHarvest(s, x));
                s.book.combinerLost();
                sync(s);
            }
        }
        return this;
    }

    /** What the members file holds now (null: not known yet, so the first call writes or removes it). */
    private List<String> recorded;

    /**
     * Keeps the members' addresses beside the ledger while runs are open: a coordinator restarted after a crash
     * rejoins through them. Without open runs the list is removed, so a later cluster in this home never tries
     * addresses that may belong to someone else by then.
     */
    private void recordMembers() {
        List<String> now = new ArrayList<>();
        if (!runs.isEmpty()) {
            Cluster.get(getContext().getSystem()).state().getMembers().forEach(m -> {
                boolean server = m.getRoles().stream().anyMatch(r -> r.equals(AtlasNode.Role.COORDINATOR.id())
                        || r.equals(AtlasNode.Role.TRAINER.id()) || r.equals(AtlasNode.Role.HARVESTER.id()));
                if (server && m.status() == org.apache.pekko.cluster.MemberStatus.up()
                        && m.address().getHost().isPresent()) {
                    now.add(m.address().getHost().get() + ":" + m.address().getPort().get());
                }
            });
            now.sort(null);
        }
        if (now.equals(recorded)) {
            return;
        }
        try {
            if (now.isEmpty()) {
                KnownMembers.delete(home.ledger());
            } else {
                KnownMembers.write(home.ledger(), now);
            }
            recorded = now;
        } catch (java.io.IOException e) {
            getContext().getLog().warn("cannot record the cluster's members under {}", home.ledger(), e);
        }
    }

    private Behavior<Command> onMemberRemoved(MemberRemoved m) {
        idle.values().removeIf(r -> r.node().equals(m.node()));
        nodes.remove(m.node());
        for (RunState s : List.copyOf(runs.values())) {
            int n = s.book.nodeLost(m.node(), "node " + m.node() + " left the cluster");
            if (n > 0) {
                getContext().getLog().warn("node {} left: {} keys of run {} re-queued or failed", m.node(), n,
                        s.run.runId());
                s.dirty = true;
                sync(s);
            }
        }
        dispatch();
        return this;
    }

    private int ticks;

    private Behavior<Command> onTick() {
        flushLedger();
        if (++ticks % 25 == 0) {
            recordMembers(); // every 5 s too: a membership event may come before the state that shows it
        }
        long now = System.currentTimeMillis();
        for (RunState s : List.copyOf(runs.values())) {
            s.journal.tick();
            askKnown(s);
            if (s.probe && harvester != null) {
                // results that were written (or harvested) while no coordinator was listening count now
                s.probe = false;
                for (RunBook.ToHarvest h : s.book.inFlight()) {
                    harvester.tell(new Harvester.Harvest(s.run.runId(), s.run.workspec(), h.unit(), h.key(), h.node(),
                            null, getContext().getSelf().narrow()));
                }
            }
            if (!s.book.expire(now).isEmpty()) {
                s.dirty = true;
            }
            sync(s); // expired attempts go back to the queue; unanswered harvests and combinations are sent again
            if (s.dirty && !s.followers.isEmpty() && runs.containsKey(s.run.runId())) {
                ClientEvent.Progress p = progress(s);
                s.followers.forEach(f -> f.tell(p));
                s.newlyFinished.clear();
                s.moreFinished = 0;
                s.dirty = false;
            }
        }
        while (!finishedAt.isEmpty() && now - finishedAt.peekFirst() > 60_000) {
            finishedAt.pollFirst();
        }
        dispatch();
        return this;
    }

    // ------------------------------------------------------------------ what clients see

    private void sendFinished(ActorRef<ClientEvent> to, String runId, List<ClientEvent.Line> all, RunState s,
                              long millis) {
        for (int i = 0; i < all.size(); i += ClientEvent.PAGE) {
            to.tell(new ClientEvent.RunLines(runId, List.copyOf(all.subList(i, Math.min(all.size(), i + ClientEvent.PAGE)))));
        }
        long[] d = s == null ? new long[0] : s.dispatchMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        to.tell(new ClientEvent.RunFinished(runId, all.size(), millis, d.length == 0 ? -1 : d[d.length / 2],
                d.length == 0 ? -1 : d[Math.min(d.length - 1, (int) Math.ceil(d.length * 0.99) - 1)],
                s == null || s.firstAssignment == 0 ? -1 : System.currentTimeMillis() - s.firstAssignment));
    }

    private ClientEvent.Progress progress(RunState s) {
        Map<KeyStatus, Integer> c = s.book.counts();
        // a trial stopped by its unit's search is trained: it counts as done here, the lines tell it apart
        return new ClientEvent.Progress(s.run.runId(), s.book.size(), c.get(KeyStatus.DONE) + c.get(KeyStatus.STOPPED),
                c.get(KeyStatus.FAILED),
                c.get(KeyStatus.ASSIGNED) + c.get(KeyStatus.HARVESTING), c.get(KeyStatus.QUEUED) + c.get(KeyStatus.WAITING),
                List.copyOf(s.newlyFinished), s.moreFinished);
    }

    private static ClientEvent.Line line(RunBook book, KeyRecord k) {
        return new ClientEvent.Line(k.unit(), k.name(), k.key(), k.status(), k.node(), k.attempt(),
                book == null ? "" : book.headline(k.key()), k.millis(), k.errors());
    }

    private static List<ClientEvent.Line> lines(RunBook book) {
        return book.records().stream().map(k -> line(book, k)).toList();
    }

    private Behavior<Command> onStatus(GetStatus g) {
        Map<String, Integer> busy = new HashMap<>();
        int queued = 0;
        int running = 0;
        int done = 0;
        int failed = 0;
        for (RunState s : runs.values()) {
            Map<KeyStatus, Integer> c = s.book.counts();
            queued += c.get(KeyStatus.QUEUED) + c.get(KeyStatus.WAITING);
            running += c.get(KeyStatus.ASSIGNED) + c.get(KeyStatus.HARVESTING);
            done += c.get(KeyStatus.DONE) + c.get(KeyStatus.STOPPED);
            failed += c.get(KeyStatus.FAILED);
            for (KeyRecord k : s.book.records()) {
                if (k.status() == KeyStatus.ASSIGNED && k.node() != null && k.slot() != null) {
                    busy.merge(k.node() + "/" + k.slot(), 1, Integer::sum);
                }
            }
        }
        List<ClientEvent.NodeStatus> ns = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            int idleSlots = (int) idle.values().stream().filter(r -> r.node().equals(n.node)).count();
            int busySlots = (int) busy.keySet().stream().filter(k -> k.startsWith(n.node + "/")).count();
            ns.add(new ClientEvent.NodeStatus(n.node, n.slots, busySlots, idleSlots, n.trained));
        }
        List<String> members = new ArrayList<>();
        Cluster.get(getContext().getSystem()).state().getMembers().forEach(m -> members.add(
                m.address() + " " + m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList() + " " + m.status()));
        g.replyTo().tell(new ClientEvent.Status(ns, members, harvester != null, queued, running, done, failed,
                finishedAt.size() / 60.0, List.copyOf(runs.keySet())));
        return this;
    }
}
