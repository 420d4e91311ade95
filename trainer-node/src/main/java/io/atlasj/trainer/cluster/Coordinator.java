package io.atlasj.trainer.cluster;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
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
 * The coordinator: a cluster singleton that takes WorkSpecs, keeps every key's state in the {@link Ledger}, builds
 * each unit's featureset once into the cache (trainers read or fetch it by hash), and hands work to trainer slots that
 * ask for it (work pulling). Finished keys go to the harvester; a key is terminal only once its result is in the
 * results store. Trainers that leave the cluster (killed, downed by the split-brain resolver) have their keys
 * re-queued; an assignment that outlives its time limit is re-queued too; duplicates are ignored by key, so a key
 * ends with exactly one result.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {
    /** Checked when a slot asks for work: nodes of another protocol version are refused. */
    public static final int PROTOCOL_VERSION = 1;
    public static final String NAME = "atlas-coordinator";

    public sealed interface Command {
    }

    /** An idle slot asks for work; sent again every few seconds while the slot stays idle. */
    public record RequestWork(int protocolVersion, String node, int slot, int slots, ActorRef<Trainer.Command> replyTo,
                              ActorRef<FileServer.Command> files) implements Command, CborSerializable {
    }

    /** A key finished on a slot: {@code status} is that of the result written ({@code done}, {@code failed}) or
     * {@code noop} (the dispatch benchmark's trainers, which train nothing). */
    public record WorkDone(String runId, String key, String node, int slot, int attempt, String status, String failure,
                           long millis, long dispatchMicros, ActorRef<FileServer.Command> files)
            implements Command, CborSerializable {
    }

    /** Several keys of one assignment that finished within a few milliseconds of each other: one message for all. */
    public record WorkDoneBatch(List<WorkDone> done) implements Command, CborSerializable {
    }

    public record Submit(String workspec, String specYaml, ActorRef<ClientEvent> replyTo)
            implements Command, CborSerializable {
    }

    public record Follow(String runId, ActorRef<ClientEvent> replyTo) implements Command, CborSerializable {
    }

    public record GetStatus(ActorRef<ClientEvent> replyTo) implements Command, CborSerializable {
    }

    /** From the harvester: the key's result is in the results store ({@code ok}) or could not be ingested. */
    public record Harvested(String runId, String key, boolean ok, String status, String headline, String detail)
            implements Command, CborSerializable {
    }

    /** From the harvester: keys of a run that already have results in the store, a page at a time. */
    public record KnownReply(String runId, List<String> present, boolean last) implements Command, CborSerializable {
    }

    private record Tick() implements Command {
    }

    private record MemberRemoved(String node) implements Command {
    }

    private record Harvesters(Set<ActorRef<Harvester.Command>> refs) implements Command {
    }

    private record Built(String runId, Map<String, String> featuresets, Throwable error) implements Command {
    }

    private static final int LEDGER_BATCH = 256;
    private final List<Ledger.Work> pendingLedger = new ArrayList<>();

    /** Keys per assignment at most, whatever the models' size. */
    static final int MAX_BATCH = 256;
    private static final Duration TICK = Duration.ofMillis(200);
    private static final long GRACE_MS = 30_000;

    private final AtlasHome home;
    private final Ledger ledger;
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
    private final Deque<long[]> finishedAt = new ArrayDeque<>();

    private static final class NodeInfo {
        final String node;
        int slots;
        long trained;

        NodeInfo(String node, int slots) {
            this.node = node;
            this.slots = slots;
        }
    }

    private static final class RunState {
        final Ledger.Run run;
        final Map<String, ModelSpec> specs = new HashMap<>();
        final Map<String, Ledger.Work> work = new LinkedHashMap<>();
        final Map<String, Long> deadline = new HashMap<>();
        final Map<String, String> headlines = new HashMap<>();
        final Deque<String> queue = new ArrayDeque<>();
        final Set<ActorRef<ClientEvent>> followers = new HashSet<>();
        final List<ClientEvent.Line> newlyFinished = new ArrayList<>();
        int moreFinished;
        long firstAssignment;
        final List<Long> dispatchMicros = new ArrayList<>();
        final String selfContained;
        final long retries;
        final long timeLimitMs;
        final long minAssignmentMs;
        Map<String, String> featuresets;
        boolean known;
        boolean building;
        boolean dirty = true;
        long knownAskedAt;
        final Set<String> knownPages = new HashSet<>();
        /** Keys assigned before this coordinator started may have finished unheard: ask the harvester once. */
        boolean probe;
        double avgMillis = Double.NaN;
        final long started = System.currentTimeMillis();

        RunState(Ledger.Run run, WorkSpec spec) {
            this.run = run;
            this.selfContained = run.specYaml();
            this.retries = spec.execution().retries();
            this.timeLimitMs = spec.execution().timeLimit().toMillis();
            this.minAssignmentMs = spec.execution().minAssignment().toMillis();
        }

        boolean ready() {
            return featuresets != null && known;
        }

        /** Keys in a terminal state, kept by {@link #put} so that checking for the end costs nothing per key. */
        int terminal;
        /** Keys waiting for others: ensembles for their members, warm starts for their source model. */
        final Set<String> pendingEnsembles = new java.util.LinkedHashSet<>();

        void put(Ledger.Work w) {
            Ledger.Work old = work.put(w.key(), w);
            if (old != null && old.terminal()) {
                terminal--;
            }
            if (w.terminal()) {
                terminal++;
            }
            if (w.state().equals("waiting")) {
                pendingEnsembles.add(w.key());
            } else {
                pendingEnsembles.remove(w.key());
            }
        }

        boolean finished() {
            return terminal == work.size();
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
        ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new Harvesters(l.getServiceInstances(Harvester.KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(Harvester.KEY, listing));
        resume();
    }

    static String nodeId(Member m) {
        return m.uniqueAddress().address().toString() + "#" + m.uniqueAddress().longUid();
    }

    /** Picks up every unfinished run from the ledger: a restarted coordinator continues where the last one stopped. */
    private void resume() {
        Set<String> alive = new HashSet<>();
        Cluster.get(getContext().getSystem()).state().getMembers().forEach(m -> alive.add(nodeId(m)));
        for (Ledger.Run r : ledger.openRuns()) {
            WorkSpec spec = parse(r.specYaml());
            RunState s = new RunState(r, spec);
            for (ModelSpec m : Expander.expand(spec, true)) {
                s.specs.put(m.key(), m);
            }
            List<Ledger.Work> requeue = new ArrayList<>();
            for (Ledger.Work w : ledger.work(r.runId())) {
                if (w.state().equals("assigned") && !alive.contains(w.node())) {
                    w = lost(s, w, "its node " + w.node() + " left while the coordinator was down");
                    requeue.add(w);
                }
                s.put(w);
                if (w.state().equals("assigned")) {
                    s.deadline.put(w.key(), System.currentTimeMillis() + s.timeLimitMs + GRACE_MS);
                }
                if (w.state().equals("queued")) {
                    s.queue.add(w.key());
                }
            }
            ledger.update(requeue);
            s.probe = true;
            s.known = true;
            runs.put(r.runId(), s);
            getContext().getLog().info("resuming run {} from the ledger: {} keys, {} terminal", r.runId(), s.work.size(),
                    s.work.values().stream().filter(Ledger.Work::terminal).count());
            build(s);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RequestWork.class, this::onRequestWork)
                .onMessage(WorkDone.class, this::onWorkDone)
                .onMessage(WorkDoneBatch.class, b -> {
                    b.done().forEach(this::onWorkDone);
                    return this;
                })
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Follow.class, this::onFollow)
                .onMessage(GetStatus.class, this::onStatus)
                .onMessage(Harvested.class, this::onHarvested)
                .onMessage(KnownReply.class, this::onKnown)
                .onMessage(Built.class, this::onBuilt)
                .onMessage(Harvesters.class, this::onHarvesters)
                .onMessage(MemberRemoved.class, this::onMemberRemoved)
                .onMessage(Tick.class, t -> onTick())
                .onSignal(PostStop.class, s -> {
                    builds.shutdownNow();
                    ledger.close();
                    if (store != null) {
                        store.close();
                    }
                    return this;
                })
                .build();
    }

    // ------------------------------------------------------------------ runs

    static WorkSpec parse(String yaml) {
        return WorkSpecYaml.read("submitted spec", yaml, new FeaturesetLocator() {
            @Override
            public Optional<FeatureLabelSet> find(String name) {
                return Optional.empty();
            }

            @Override
            public List<String> known() {
                return List.of();
            }
        }, true);
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
        try {
            spec = parse(m.specYaml());
            models = Expander.expand(spec, true);
        } catch (RuntimeException e) {
            m.replyTo().tell(new ClientEvent.SubmitFailed("the coordinator cannot read the spec: " + e.getMessage()));
            return this;
        }
        String id = runId(spec.name(), m.specYaml());
        RunState s = runs.get(id);
        Optional<Ledger.Run> finishedBefore = s == null ? ledger.run(id).filter(r -> r.finished() != null) : Optional.empty();
        if (finishedBefore.isPresent()) {
            // a rerun of a finished spec trains nothing
            RunState done = new RunState(finishedBefore.get(), spec);
            ledger.work(id).forEach(w -> done.put(w));
            m.replyTo().tell(new ClientEvent.Accepted(id, spec.name(), done.work.size(), done.work.size()));
            sendFinished(m.replyTo(), done, 0);
            return this;
        }
        if (s == null) {
            Optional<Ledger.Run> recorded = ledger.run(id);
            Ledger.Run run = recorded.orElse(new Ledger.Run(id, spec.name(), m.specYaml(), spec.execution().retries(),
                    System.currentTimeMillis(), null));
            if (recorded.isEmpty()) {
                List<Ledger.Work> keys = new ArrayList<>();
                for (ModelSpec x : models) {
                    boolean ens = x.type() == ModelType.ENSEMBLE;
                    boolean wait = ens || !dependencies(x).isEmpty();
                    keys.add(new Ledger.Work(id, x.key(), x.unit(), x.name(), ens, wait ? "waiting" : "queued", null, null, 0,
                            null, null));
                }
                ledger.addRun(run, keys);
            }
            s = new RunState(run, spec);
            for (ModelSpec x : models) {
                s.specs.put(x.key(), x);
            }
            for (Ledger.Work w : ledger.work(id)) {
                s.put(w);
                if (w.state().equals("queued")) {
                    s.queue.add(w.key());
                }
                if (w.state().equals("assigned")) {
                    s.deadline.put(w.key(), System.currentTimeMillis() + s.timeLimitMs + GRACE_MS);
                }
            }
            s.probe = true;
            runs.put(id, s);
            getContext().getLog().info("run {} submitted: {} keys", id, s.work.size());
            build(s);
        }
        s.followers.add(m.replyTo());
        long done = s.work.values().stream().filter(Ledger.Work::terminal).count();
        m.replyTo().tell(new ClientEvent.Accepted(id, spec.name(), s.work.size(), (int) done));
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
            for (var e : perUnit.entrySet()) {
                ModelSpec m = e.getValue();
                FeatureSetBuilder.Built b = builder.build(m.featureset(), m.from(), m.to(), cache);
                out.put(e.getKey(), b.file().orElseThrow(() -> new IllegalStateException("unit " + e.getKey()
                        + ": its featureset cannot be cached (the data source gives no fingerprint)"))
                        .getParent().getFileName().toString());
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
            getContext().getLog().error("run {}: {}", b.runId(), why);
            for (ActorRef<ClientEvent> f : s.followers) {
                f.tell(new ClientEvent.SubmitFailed(why));
            }
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
        List<Ledger.Work> changes = new ArrayList<>();
        for (String key : s.knownPages) {
            Ledger.Work w = s.work.get(key);
            if (w != null && !w.terminal()) {
                Ledger.Work d = new Ledger.Work(w.runId(), w.key(), w.unit(), w.name(), w.ensemble(), "done",
                        "results store", null, w.attempt(), w.errors(), w.millis());
                s.put(d);
                s.queue.remove(key);
                changes.add(d);
            }
        }
        ledger.update(changes);
        s.known = true;
        s.dirty = true;
        getContext().getLog().info("run {}: {} keys already in the results store", k.runId(), changes.size());
        combineReadyEnsembles(s);
        dispatch();
        return this;
    }

    private Behavior<Command> onFollow(Follow f) {
        RunState s = runs.get(f.runId());
        if (s == null) {
            Optional<Ledger.Run> r = ledger.run(f.runId());
            if (r.isPresent() && r.get().finished() != null) {
                RunState done = new RunState(r.get(), parse(r.get().specYaml()));
                ledger.work(f.runId()).forEach(w -> done.put(w));
                sendFinished(f.replyTo(), done, r.get().finished() - r.get().created());
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
        for (RunState s : runs.values()) {
            if (!s.ready()) {
                continue;
            }
            while (!s.queue.isEmpty() && !idle.isEmpty()) {
                var it = idle.entrySet().iterator();
                RequestWork slot = it.next().getValue();
                it.remove();
                int batch = batchSize(s);
                List<Trainer.Task> tasks = new ArrayList<>();
                List<Ledger.Work> changes = new ArrayList<>();
                Map<String, String> sets = new HashMap<>();
                long now = System.currentTimeMillis();
                while (tasks.size() < batch && !s.queue.isEmpty()) {
                    String key = s.queue.poll();
                    Ledger.Work w = s.work.get(key);
                    Ledger.Work a = new Ledger.Work(w.runId(), key, w.unit(), w.name(), w.ensemble(), "assigned", slot.node(),
                            slot.slot(), w.attempt() + 1, w.errors(), null);
                    s.put(a);
                    s.deadline.put(key, now + s.timeLimitMs * (tasks.size() + 1) + GRACE_MS);
                    changes.add(a);
                    tasks.add(new Trainer.Task(key, a.attempt()));
                    sets.put(w.unit(), s.featuresets.get(w.unit()));
                }
                // written with the next batch of terminal states (each tick at the latest): an assignment lost in a
                // crash leaves its keys 'queued', so they are trained again and the results store keeps one result
                pendingLedger.addAll(changes);
                if (s.firstAssignment == 0) {
                    s.firstAssignment = now;
                }
                slot.replyTo().tell(new Trainer.Assignment(s.run.runId(), s.selfContained, slot.slot(), tasks, sets,
                        fileServer()));
                s.dirty = true;
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

    /** Enough keys that an assignment lasts at least the spec's {@code minAssignment}, from the mean time per key. */
    private static int batchSize(RunState s) {
        if (Double.isNaN(s.avgMillis) || s.avgMillis <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.min(MAX_BATCH, Math.ceil(s.minAssignmentMs / s.avgMillis)));
    }

    private Behavior<Command> onWorkDone(WorkDone d) {
        RunState s = runs.get(d.runId());
        if (s == null) {
            return this;
        }
        Ledger.Work w = s.work.get(d.key());
        if (w == null || w.terminal()) {
            return this; // a duplicate: the key already has its result
        }
        NodeInfo n = nodes.get(d.node());
        if (n != null) {
            n.trained++;
        }
        w = w.withState(w.state(), d.millis());
        s.put(w);
        if (d.dispatchMicros() >= 0) {
            s.dispatchMicros.add(d.dispatchMicros());
        }
        s.avgMillis = Double.isNaN(s.avgMillis) ? Math.max(1, d.millis()) : 0.8 * s.avgMillis + 0.2 * Math.max(1, d.millis());
        if (d.status().equals("noop")) {
            finish(s, w.withState("done", d.millis()), "");
            return this;
        }
        if (d.status().equals("failed") && d.attempt() <= s.retries) {
            retry(s, w, "attempt " + d.attempt() + " on " + d.node() + ": " + d.failure());
            return this;
        }
        if (harvester == null) {
            getContext().getLog().warn("no harvester in the cluster yet; {} waits", d.key());
            retry(s, w, "no harvester when attempt " + d.attempt() + " finished");
            return this;
        }
        harvester.tell(new Harvester.Harvest(d.runId(), s.run.workspec(), w.unit(), d.key(), d.node(), d.files(),
                getContext().getSelf().narrow()));
        return this;
    }

    private Behavior<Command> onHarvested(Harvested h) {
        RunState s = runs.get(h.runId());
        if (s == null) {
            return this;
        }
        Ledger.Work w = s.work.get(h.key());
        if (w == null || w.terminal()) {
            return this;
        }
        if (!h.ok() && Harvester.ABSENT.equals(h.status())) {
            return this; // a probe found nothing yet: the key is still training
        }
        if (!h.ok()) {
            if (w.ensemble()) {
                finish(s, w.withState("failed", null).withErrors(append(w.errors(), h.detail())), "");
            } else {
                retry(s, w, "harvest of attempt " + w.attempt() + ": " + h.detail());
            }
            return this;
        }
        finish(s, w.withState(h.status(), w.millis()), h.headline());
        return this;
    }

    private static String append(String errors, String e) {
        return errors == null ? e : errors + "\n" + e;
    }

    private void retry(RunState s, Ledger.Work w, String error) {
        flushLedger();
        String errors = append(w.errors(), error);
        if (w.attempt() > s.retries) {
            finish(s, w.withState("failed", null).withErrors(errors), "");
            return;
        }
        Ledger.Work q = new Ledger.Work(w.runId(), w.key(), w.unit(), w.name(), w.ensemble(), "queued", null, null,
                w.attempt(), errors, null);
        s.put(q);
        s.deadline.remove(w.key());
        s.queue.addFirst(w.key());
        ledger.update(List.of(q));
        s.dirty = true;
        dispatch();
    }

    /** A key whose node is gone: queued again, or failed once its attempts are used up. */
    private Ledger.Work lost(RunState s, Ledger.Work w, String why) {
        String errors = append(w.errors(), "attempt " + w.attempt() + ": " + why);
        if (w.attempt() > s.retries) {
            return new Ledger.Work(w.runId(), w.key(), w.unit(), w.name(), w.ensemble(), "failed", w.node(), w.slot(),
                    w.attempt(), errors, null);
        }
        return new Ledger.Work(w.runId(), w.key(), w.unit(), w.name(), w.ensemble(), "queued", null, null, w.attempt(),
                errors, null);
    }

    private void finish(RunState s, Ledger.Work w, String headline) {
        s.put(w);
        s.deadline.remove(w.key());
        s.headlines.put(w.key(), headline);
        // terminal states are written in batches (each tick, or every LEDGER_BATCH keys): a key whose 'done' was not
        // written yet when the coordinator died is still 'assigned' in the ledger, and the restarted coordinator's
        // probe finds its result in the results store, so batching costs no result, only a probe
        pendingLedger.add(w);
        if (pendingLedger.size() >= LEDGER_BATCH) {
            flushLedger();
        }
        if (s.newlyFinished.size() < ClientEvent.LIVE_LINES) {
            s.newlyFinished.add(line(s, w));
        } else {
            s.moreFinished++;
        }
        s.dirty = true;
        finishedAt.add(new long[] {System.currentTimeMillis()});
        combineReadyEnsembles(s);
        if (s.finished()) {
            long now = System.currentTimeMillis();
            flushLedger();
            ledger.finish(s.run.runId(), now);
            s.followers.forEach(x -> x.tell(progress(s)));
            s.followers.forEach(x -> sendFinished(x, s, now - s.started));
            getContext().getLog().info("run {} finished: {} keys", s.run.runId(), s.work.size());
            runs.remove(s.run.runId());
        }
    }

    private void flushLedger() {
        if (!pendingLedger.isEmpty()) {
            ledger.update(List.copyOf(pendingLedger));
            pendingLedger.clear();
        }
    }

    private void sendFinished(ActorRef<ClientEvent> to, RunState s, long millis) {
        List<ClientEvent.Line> all = lines(s);
        for (int i = 0; i < all.size(); i += ClientEvent.PAGE) {
            to.tell(new ClientEvent.RunLines(s.run.runId(), List.copyOf(all.subList(i, Math.min(all.size(),
                    i + ClientEvent.PAGE)))));
        }
        long[] d = s.dispatchMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        to.tell(new ClientEvent.RunFinished(s.run.runId(), all.size(), millis, d.length == 0 ? -1 : d[d.length / 2],
                d.length == 0 ? -1 : d[Math.min(d.length - 1, (int) Math.ceil(d.length * 0.99) - 1)],
                s.firstAssignment == 0 ? -1 : System.currentTimeMillis() - s.firstAssignment));
    }

    private void combineReadyEnsembles(RunState s) {
        if (harvester == null || !s.known) {
            return;
        }
        for (String ek : List.copyOf(s.pendingEnsembles)) {
            Ledger.Work w = s.work.get(ek);
            if (!w.state().equals("waiting")) {
                continue;
            }
            ModelSpec e = s.specs.get(w.key());
            boolean ready = dependencies(e).stream().allMatch(k -> s.work.get(k) != null && s.work.get(k).terminal());
            if (ready && !w.ensemble()) {
                // a warm start whose source model has its result: an ordinary key from now on
                Ledger.Work q = w.withState("queued", null);
                s.put(q);
                s.queue.add(q.key());
                ledger.update(List.of(q));
                continue;
            }
            if (ready) {
                Ledger.Work a = new Ledger.Work(w.runId(), w.key(), w.unit(), w.name(), true, "assigned", "harvester", null,
                        w.attempt() + 1, w.errors(), null);
                s.put(a);
                ledger.update(List.of(a));
                harvester.tell(new Harvester.Combine(s.run.runId(), s.selfContained, w.key(), getContext().getSelf().narrow()));
            }
        }
        dispatch();
    }

    /** The keys a key waits for: an ensemble's members, or the model a warm start begins from. */
    static List<String> dependencies(ModelSpec m) {
        if (m.type() == ModelType.ENSEMBLE) {
            return m.memberKeys();
        }
        Object warm = m.training().get("warmStart");
        return warm == null || String.valueOf(warm).isEmpty() ? List.of() : List.of(String.valueOf(warm));
    }

    private Behavior<Command> onHarvesters(Harvesters h) {
        harvester = h.refs().isEmpty() ? null : h.refs().iterator().next();
        getContext().getLog().info("harvester: {}", harvester);
        if (harvester != null) {
            for (RunState s : runs.values()) {
                askKnown(s);
                // ensembles handed to a harvester that went away are handed again
                for (Ledger.Work w : List.copyOf(s.work.values())) {
                    if (w.ensemble() && w.state().equals("assigned")) {
                        s.put(w.withState("waiting", null));
                    }
                }
                combineReadyEnsembles(s);
            }
        }
        return this;
    }

    private Behavior<Command> onMemberRemoved(MemberRemoved m) {
        idle.values().removeIf(r -> r.node().equals(m.node()));
        nodes.remove(m.node());
        for (RunState s : runs.values()) {
            List<Ledger.Work> changes = new ArrayList<>();
            for (Ledger.Work w : List.copyOf(s.work.values())) {
                if (w.state().equals("assigned") && m.node().equals(w.node())) {
                    Ledger.Work q = lost(s, w, "node " + m.node() + " left the cluster");
                    s.put(q);
                    s.deadline.remove(w.key());
                    changes.add(q);
                    if (q.state().equals("queued")) {
                        s.queue.addFirst(w.key());
                    }
                }
            }
            if (!changes.isEmpty()) {
                getContext().getLog().warn("node {} left: {} keys of run {} re-queued", m.node(), changes.size(),
                        s.run.runId());
                ledger.update(changes);
                s.dirty = true;
                changes.stream().filter(Ledger.Work::terminal).forEach(w -> finish(s, w, ""));
            }
        }
        dispatch();
        return this;
    }

    private Behavior<Command> onTick() {
        flushLedger();
        long now = System.currentTimeMillis();
        for (RunState s : List.copyOf(runs.values())) {
            askKnown(s);
            if (s.probe && harvester != null) {
                // results that were written (or harvested) while no coordinator was listening count now
                s.probe = false;
                for (Ledger.Work w : s.work.values()) {
                    if (w.state().equals("assigned") && !w.ensemble()) {
                        harvester.tell(new Harvester.Harvest(s.run.runId(), s.run.workspec(), w.unit(), w.key(), w.node(),
                                null, getContext().getSelf().narrow()));
                    }
                }
            }
            for (var e : List.copyOf(s.deadline.entrySet())) {
                Ledger.Work w = s.work.get(e.getKey());
                if (w != null && w.state().equals("assigned") && !w.ensemble() && now > e.getValue()) {
                    retry(s, w, "attempt " + w.attempt() + " on " + w.node() + " exceeded its time limit");
                }
            }
            if (s.dirty && !s.followers.isEmpty()) {
                ClientEvent.Progress p = progress(s);
                s.followers.forEach(f -> f.tell(p));
                s.newlyFinished.clear();
                s.moreFinished = 0;
                s.dirty = false;
            }
        }
        while (!finishedAt.isEmpty() && now - finishedAt.peekFirst()[0] > 60_000) {
            finishedAt.pollFirst();
        }
        return this;
    }

    private ClientEvent.Progress progress(RunState s) {
        int done = 0;
        int failed = 0;
        int running = 0;
        int queued = 0;
        for (Ledger.Work w : s.work.values()) {
            switch (w.state()) {
                case "done" -> done++;
                case "failed" -> failed++;
                case "assigned" -> running++;
                default -> queued++;
            }
        }
        return new ClientEvent.Progress(s.run.runId(), s.work.size(), done, failed, running, queued,
                List.copyOf(s.newlyFinished), s.moreFinished);
    }

    private ClientEvent.Line line(RunState s, Ledger.Work w) {
        return new ClientEvent.Line(w.unit(), w.name(), w.key(), w.state(), w.node(), w.attempt(),
                s.headlines.getOrDefault(w.key(), ""), w.millis(), w.errors());
    }

    private List<ClientEvent.Line> lines(RunState s) {
        return s.work.values().stream().map(w -> line(s, w)).toList();
    }

    private Behavior<Command> onStatus(GetStatus g) {
        Map<String, Integer> busy = new HashMap<>();
        int queued = 0;
        int running = 0;
        int done = 0;
        int failed = 0;
        for (RunState s : runs.values()) {
            for (Ledger.Work w : s.work.values()) {
                switch (w.state()) {
                    case "done" -> done++;
                    case "failed" -> failed++;
                    case "assigned" -> {
                        running++;
                        if (w.node() != null) {
                            busy.merge(w.node() + "/" + w.slot(), 1, Integer::sum);
                        }
                    }
                    default -> queued++;
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
