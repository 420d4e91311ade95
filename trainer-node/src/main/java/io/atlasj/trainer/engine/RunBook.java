package io.atlasj.trainer.engine;

import io.atlasj.workspec.Execution;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The scheduling rules of one run, in plain Java: every key's {@link KeyStatus}, attempts and errors; retries;
 * per-key deadlines; the release of keys that wait for others (ensembles after their members, warm starts after their
 * source); and the grouping of compatible keys into one assignment. It does no I/O and keeps no clock: a driver
 * (the local runner in one JVM, the coordinator actor in a cluster) calls it from one thread, passes the time, and
 * after each call takes what it must act on from the outbox: {@link #drainChanges()} for its ledger,
 * {@link #drainToHarvest()} for its result sink, {@link #drainToCombine()} for ensembles, {@link #drainFinished()}
 * for progress.
 *
 * <p>Not thread-safe, on purpose: a driver owns its book.
 */
public final class RunBook {
    /** The rules' numbers, from the WorkSpec's {@code execution}. */
    /**
     * @param pack whether packable keys go out in waves of their {@link Packs#width} (trained together), each wave
     *             given one time limit
     */
    public record Policy(int retries, long timeLimitMs, long minAssignmentMs, long graceMs, int maxBatch, boolean pack) {
        public Policy {
            if (retries < 0 || timeLimitMs <= 0 || minAssignmentMs < 0 || graceMs < 0 || maxBatch < 1) {
                throw new IllegalArgumentException("invalid policy " + retries + ", " + timeLimitMs + ", "
                        + minAssignmentMs + ", " + graceMs + ", " + maxBatch);
            }
        }

        /** Without packs: every key trained alone. */
        public Policy(int retries, long timeLimitMs, long minAssignmentMs, long graceMs, int maxBatch) {
            this(retries, timeLimitMs, minAssignmentMs, graceMs, maxBatch, false);
        }

        /**
         * The WorkSpec's retries, time limit, assignment length and packing; 30 s of grace; at most 256 keys an
         * assignment.
         */
        public static Policy of(Execution e) {
            return new Policy(e.retries(), e.timeLimit().toMillis(), e.minAssignment().toMillis(), 30_000, 256,
                    e.pack());
        }

        /** This policy with another grace. */
        public Policy withGrace(long ms) {
            return new Policy(retries, timeLimitMs, minAssignmentMs, ms, maxBatch, pack);
        }
    }

    /** One key to train in an assignment, with its attempt number. */
    public record Task(String key, int attempt) {
    }

    /** Keys of one pack (same unit, model type and shape) handed to one slot, trained one after the other. */
    public record Assignment(String runId, String node, int slot, String unit, List<Task> tasks) {
        public Assignment {
            tasks = List.copyOf(tasks);
        }
    }

    /** What a slot reports for a key it was given. */
    public sealed interface Report {
    }

    /** A result file was written: {@code done}, or {@code failed} with the reason (the model could not be trained). */
    public record Trained(boolean ok, String failure, long millis) implements Report {
    }

    /** The attempt could not even produce a result (a featureset that cannot be read, a slot that crashed). */
    public record Crashed(String error, long millis) implements Report {
    }

    /** The dispatch benchmark's slots train nothing: the key is done at once. */
    public record Noop() implements Report {
    }

    /** What the result sink says about a key it was given. */
    public sealed interface Harvest {
    }

    /** The result is in the store: its status ({@code DONE}, {@code STOPPED} or {@code FAILED}) and one line for the table. */
    public record Ingested(KeyStatus status, String headline) implements Harvest {
        public Ingested {
            if (!status.terminal()) {
                throw new IllegalArgumentException("an ingested result is done, stopped or failed, not " + status);
            }
        }
    }

    /** The result could not be ingested (missing, corrupt, unreadable): the attempt failed. */
    public record Refused(String detail) implements Harvest {
    }

    /** A probe found no result yet: the key is still training somewhere. */
    public record Absent() implements Harvest {
    }

    /** A key the sink must ingest: trained by {@code node}, attempt {@code attempt}. */
    public record ToHarvest(String key, String unit, String node, int attempt) {
    }

    /** The worker name of ensembles: they are combined by the result sink, not trained by a slot. */
    public static final String COMBINER = "harvester";
    /** The node name of keys whose result was in the results store before they were assigned. */
    public static final String RESULTS_STORE = "results store";

    private static final class Key {
        final String key;
        final String unit;
        final String name;
        final boolean ensemble;
        final List<String> dependencies;
        final String pack;
        /** Keys like this one trained together ({@link Packs#width}). */
        final int width;
        KeyStatus status;
        String node;
        Integer slot;
        int attempt;
        String errors;
        Long millis;
        long deadline;
        String headline = "";

        Key(ModelSpec m) {
            this.key = m.key();
            this.unit = m.unit();
            this.name = m.name();
            this.ensemble = m.type() == ModelType.ENSEMBLE;
            this.dependencies = dependencies(m);
            this.pack = Packs.of(m);
            this.width = Packs.width(m);
            this.status = dependencies.isEmpty() ? KeyStatus.QUEUED : KeyStatus.WAITING;
        }
    }

    private final String runId;
    private final Policy policy;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Map<String, List<String>> dependents = new HashMap<>();
    /** Queued keys per pack, packs in the order they were first queued. */
    private final Map<String, Deque<String>> queues = new LinkedHashMap<>();
    private final Set<String> assigned = new LinkedHashSet<>();
    private int terminal;
    private double meanMillis = Double.NaN;
    private int slots = 1;
    /** Keys per pack, to share a pack's waves out between the slots. */
    private final Map<String, Integer> packSizes = new HashMap<>();

    private final Map<String, KeyRecord> changes = new LinkedHashMap<>();
    private final Map<String, ToHarvest> toHarvest = new LinkedHashMap<>();
    private final Set<String> toCombine = new LinkedHashSet<>();
    /** The latest time a driver passed in: deadlines set by transitions that take no time of their own. */
    private long lastNow;
    private final List<KeyRecord> finished = new ArrayList<>();

    /** A new run of {@code models}: keys without dependencies queued in expansion order, the others waiting. */
    public RunBook(String runId, List<ModelSpec> models, Policy policy) {
        this.runId = Objects.requireNonNull(runId);
        this.policy = Objects.requireNonNull(policy);
        for (ModelSpec m : models) {
            Key k = new Key(m);
            packSizes.merge(k.pack, 1, Integer::sum);
            if (keys.putIfAbsent(k.key, k) != null) {
                throw new IllegalArgumentException("two models of run " + runId + " have the key " + k.key + " ("
                        + keys.get(k.key).name + " and " + k.name + "): equal configurations; remove one");
            }
        }
        for (Key k : keys.values()) {
            for (String d : k.dependencies) {
                if (!keys.containsKey(d)) {
                    throw new IllegalArgumentException(k.name + " depends on " + d + ", which is not in run " + runId);
                }
                dependents.computeIfAbsent(d, x -> new ArrayList<>()).add(k.key);
            }
            if (k.status == KeyStatus.QUEUED) {
                enqueue(k, false);
            }
        }
    }

    /** The keys a key waits for: an ensemble's members, or the model a warm start begins from. */
    public static List<String> dependencies(ModelSpec m) {
        if (m.type() == ModelType.ENSEMBLE) {
            return m.memberKeys();
        }
        Object warm = m.training().get("warmStart");
        return warm == null || String.valueOf(warm).isEmpty() ? List.of() : List.of(String.valueOf(warm));
    }

    public String runId() {
        return runId;
    }

    public Policy policy() {
        return policy;
    }

    // ------------------------------------------------------------------ restoring

    /**
     * Takes over the states a ledger recorded (a restarted coordinator, a resubmitted run). A key recorded as
     * assigned or harvesting to a node that is not {@code alive} any more is lost; one held by a live node keeps its
     * assignment with a fresh deadline (the driver should ask its result sink whether the result arrived unheard).
     */
    public void restore(Collection<KeyRecord> recorded, Set<String> alive, long now) {
        lastNow = Math.max(lastNow, now);
        // first every record as it was (the ledger lists keys by unit and name, not in dependency order) ...
        for (KeyRecord r : recorded) {
            Key k = keys.get(r.key());
            if (k == null) {
                continue;
            }
            unqueue(k);
            setStatus(k, r.status());
            k.node = r.node();
            k.slot = r.slot();
            k.attempt = r.attempt();
            k.errors = r.errors();
            k.millis = r.millis();
            if (k.status == KeyStatus.QUEUED) {
                enqueue(k, false);
            }
        }
        // ... then the rules, once every key stands where it stood
        for (Key k : List.copyOf(keys.values())) {
            if (k.status == KeyStatus.ASSIGNED) {
                if (k.ensemble && COMBINER.equals(k.node)) {
                    setStatus(k, KeyStatus.WAITING); // handed to a harvester before the restart: handed again below
                } else if (k.node != null && !alive.contains(k.node)) {
                    lose(k, "its node " + k.node + " left while the coordinator was down");
                } else {
                    k.deadline = now + policy.timeLimitMs() + policy.graceMs();
                }
            } else if (k.status == KeyStatus.HARVESTING) {
                // trained; whether its result reached the store is the probe's to say (absent: trained again)
                k.deadline = now + policy.graceMs();
            }
        }
        for (Key k : keys.values()) {
            if (k.status == KeyStatus.WAITING) {
                release(k);
            }
        }
    }

    /** Keys assigned (or being harvested) now: after a restart, the ones to probe the result sink for. */
    public List<ToHarvest> inFlight() {
        List<ToHarvest> out = new ArrayList<>();
        for (String key : assigned) {
            Key k = keys.get(key);
            if (!k.ensemble) {
                out.add(new ToHarvest(k.key, k.unit, k.node, k.attempt));
            }
        }
        return out;
    }

    /** Keys that already have a result in the results store: done, whatever their state (a rerun trains nothing). */
    public void present(Collection<String> done) {
        for (String key : done) {
            Key k = keys.get(key);
            if (k == null || k.status.terminal()) {
                continue;
            }
            unqueue(k);
            k.node = RESULTS_STORE;
            k.slot = null;
            terminate(k, KeyStatus.DONE);
        }
    }

    // ------------------------------------------------------------------ assigning

    /**
     * The next assignment for an idle slot, if a key is queued: the oldest queued pack's keys, as many as make the
     * assignment last {@code minAssignment} from the mean time per key so far (one while nothing is known), at most
     * {@code maxBatch}; with packing, at least one wave of the pack's {@link Packs#width}. Each key's deadline is its
     * turn in the assignment times the time limit, plus grace; the keys of a wave (trained together) all have the
     * deadline of its last turn.
     */
    public Optional<Assignment> assign(String node, int slot, long now) {
        lastNow = Math.max(lastNow, now);
        Deque<String> queue = null;
        for (var it = queues.values().iterator(); it.hasNext(); ) {
            Deque<String> q = it.next();
            if (!q.isEmpty()) {
                queue = q;
                break;
            }
        }
        if (queue == null) {
            return Optional.empty();
        }
        // packable keys go out at least a wave at a time, so the slot can train them together; a pack that would fill
        // one slot while others wait is shared out between the slots
        int width = policy.pack() ? keys.get(queue.peek()).width : 1;
        if (width > 1 && slots > 1) {
            int packKeys = packSizes.getOrDefault(keys.get(queue.peek()).pack, 1);
            width = (int) Math.max(1, Math.min(width, Math.ceil(packKeys / (double) slots)));
        }
        int batch = Math.min(policy.maxBatch(), Math.max(batchSize(), width));
        List<Task> tasks = new ArrayList<>();
        String unit = null;
        int taking = Math.min(batch, queue.size());
        while (tasks.size() < batch && !queue.isEmpty()) {
            Key k = keys.get(queue.poll());
            k.attempt++;
            k.node = node;
            k.slot = slot;
            k.millis = null;
            // keys trained together finish together: each key of a wave has the deadline of the wave's last turn, so
            // a wave of n models has n time limits, as n models trained one after the other would
            int waveEnd = Math.min(taking, (tasks.size() / width + 1) * width);
            k.deadline = now + policy.timeLimitMs() * waveEnd + policy.graceMs();
            setStatus(k, KeyStatus.ASSIGNED);
            changed(k);
            tasks.add(new Task(k.key, k.attempt));
            unit = k.unit;
        }
        return Optional.of(new Assignment(runId, node, slot, unit, tasks));
    }

    /**
     * The number of slots that take work (a local run's, or the sum over a cluster's trainers): a pack's waves are cut
     * so that every slot gets a share.
     */
    public void slots(int n) {
        slots = Math.max(1, n);
    }

    /** Enough keys that an assignment lasts at least {@code minAssignment}, from the mean time per key. */
    int batchSize() {
        if (Double.isNaN(meanMillis) || meanMillis <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.min(policy.maxBatch(), Math.ceil(policy.minAssignmentMs() / meanMillis)));
    }

    // ------------------------------------------------------------------ outcomes

    /**
     * A slot's report for attempt {@code attempt} of {@code key}. A report for another attempt than the key's current
     * one, or for a key no longer assigned, is a duplicate (a re-queued key trained twice) and changes nothing.
     *
     * @return whether the report counted
     */
    public boolean reported(String key, int attempt, Report report, long now) {
        lastNow = Math.max(lastNow, now);
        Key k = keys.get(key);
        if (k == null || k.status != KeyStatus.ASSIGNED || k.attempt != attempt || k.ensemble) {
            return false;
        }
        long millis = report instanceof Trained t ? t.millis() : report instanceof Crashed c ? c.millis() : 0;
        k.millis = millis;
        // every report counts for the batch size, a no-op's too (at least 1 ms a key: at most maxBatch keys)
        meanMillis = Double.isNaN(meanMillis) ? Math.max(1, millis) : 0.8 * meanMillis + 0.2 * Math.max(1, millis);
        if (report instanceof Noop) {
            terminate(k, KeyStatus.DONE);
            return true;
        }
        if (report instanceof Crashed c) {
            retry(k, "attempt " + attempt + " on " + where(k) + ": " + c.error());
            return true;
        }
        Trained t = (Trained) report;
        if (!t.ok() && k.attempt <= policy.retries()) {
            retry(k, "attempt " + attempt + " on " + where(k) + ": " + t.failure());
            return true;
        }
        if (!t.ok()) {
            k.errors = append(k.errors, "attempt " + attempt + " on " + where(k) + ": " + t.failure());
        }
        // done, or failed for good: either way its result file goes into the results store
        setStatus(k, KeyStatus.HARVESTING);
        k.deadline = now + policy.graceMs();
        changed(k);
        toHarvest.put(k.key, new ToHarvest(k.key, k.unit, k.node, k.attempt));
        return true;
    }

    /** The result sink's answer for {@code key} (a harvest, a probe or an ensemble's combination). */
    public void harvested(String key, Harvest h) {
        Key k = keys.get(key);
        if (k == null || k.status.terminal() || k.status == KeyStatus.QUEUED || k.status == KeyStatus.WAITING) {
            return;
        }
        if (h instanceof Absent) {
            if (k.status == KeyStatus.HARVESTING) {
                // trained, but the sink cannot find its result (a trainer's disk the sink cannot reach after a restart)
                retry(k, "harvest of attempt " + k.attempt + ": the result was not found by the harvester");
            }
            return; // still training: its deadline decides
        }
        if (h instanceof Ingested i) {
            k.headline = i.headline() == null ? "" : i.headline();
            terminate(k, i.status());
            return;
        }
        String detail = ((Refused) h).detail();
        if (k.ensemble) {
            k.errors = append(k.errors, detail);
            terminate(k, KeyStatus.FAILED);
        } else {
            retry(k, "harvest of attempt " + k.attempt + ": " + detail);
        }
    }

    /** A node left (killed, downed, stopped): every key it held is re-queued, or failed once its attempts are used. */
    public int nodeLost(String node, String why) {
        int n = 0;
        for (String key : List.copyOf(assigned)) {
            Key k = keys.get(key);
            if (node.equals(k.node) && k.status == KeyStatus.ASSIGNED && !k.ensemble) {
                lose(k, why);
                n++;
            }
        }
        return n;
    }

    /**
     * Keys past their deadline. A key assigned longer than its time limit: the attempt failed (retried or failed for
     * good). A result or an ensemble handed to the sink without an answer for the grace time: handed again (ingestion
     * is idempotent), so a lost message cannot leave a run unfinished.
     *
     * @return the keys whose attempt ran out of time
     */
    public List<String> expire(long now) {
        lastNow = Math.max(lastNow, now);
        List<String> out = new ArrayList<>();
        for (String key : List.copyOf(assigned)) {
            Key k = keys.get(key);
            if (now <= k.deadline) {
                continue;
            }
            if (k.status == KeyStatus.ASSIGNED && !k.ensemble) {
                retry(k, "attempt " + k.attempt + " on " + where(k) + " exceeded its time limit");
                out.add(key);
            } else if (k.status == KeyStatus.HARVESTING) {
                k.deadline = now + policy.graceMs();
                toHarvest.put(k.key, new ToHarvest(k.key, k.unit, k.node, k.attempt));
            } else if (k.status == KeyStatus.ASSIGNED) {
                k.deadline = now + policy.graceMs();
                toCombine.add(k.key);
            }
        }
        return out;
    }

    /**
     * Puts back keys of an assignment that never started on their slot (the driver gave the slot up), without
     * charging them an attempt: the first of them goes to the front of its queue.
     */
    public void unassign(String key, int attempt) {
        Key k = keys.get(key);
        if (k == null || k.status != KeyStatus.ASSIGNED || k.attempt != attempt || k.ensemble) {
            return;
        }
        k.attempt--;
        k.node = null;
        k.slot = null;
        setStatus(k, KeyStatus.QUEUED);
        enqueue(k, true);
        changed(k);
    }

    /** The result sink went away: ensembles it was combining are handed to the next one. */
    public void combinerLost() {
        for (Key k : keys.values()) {
            if (k.ensemble && k.status == KeyStatus.ASSIGNED) {
                setStatus(k, KeyStatus.WAITING);
                release(k);
            }
        }
    }

    // ------------------------------------------------------------------ rules

    private static String where(Key k) {
        return k.slot == null ? String.valueOf(k.node) : k.node + " slot " + k.slot;
    }

    private void lose(Key k, String why) {
        String errors = append(k.errors, "attempt " + k.attempt + ": " + why);
        k.errors = errors;
        if (k.attempt > policy.retries()) {
            terminate(k, KeyStatus.FAILED);
        } else {
            setStatus(k, KeyStatus.QUEUED);
            k.node = null;
            k.slot = null;
            enqueue(k, true);
            changed(k);
        }
    }

    private void retry(Key k, String error) {
        k.errors = append(k.errors, error);
        if (k.attempt > policy.retries()) {
            terminate(k, KeyStatus.FAILED);
            return;
        }
        setStatus(k, KeyStatus.QUEUED);
        k.node = null;
        k.slot = null;
        enqueue(k, true);
        changed(k);
    }

    private void terminate(Key k, KeyStatus status) {
        setStatus(k, status);
        changed(k);
        finished.add(record(k));
        for (String d : dependents.getOrDefault(k.key, List.of())) {
            Key w = keys.get(d);
            if (w.status == KeyStatus.WAITING) {
                release(w);
            }
        }
    }

    /** A waiting key whose dependencies are all terminal: a warm start is queued, an ensemble goes to be combined. */
    private void release(Key w) {
        for (String d : w.dependencies) {
            if (!keys.get(d).status.terminal()) {
                return;
            }
        }
        if (!w.ensemble) {
            setStatus(w, KeyStatus.QUEUED);
            enqueue(w, false);
            changed(w);
            return;
        }
        w.attempt++;
        w.node = COMBINER;
        w.slot = null;
        w.deadline = lastNow + policy.graceMs();
        setStatus(w, KeyStatus.ASSIGNED);
        changed(w);
        toCombine.add(w.key);
    }

    private void setStatus(Key k, KeyStatus s) {
        if (k.status.terminal()) {
            terminal--;
        }
        if (k.status == KeyStatus.ASSIGNED || k.status == KeyStatus.HARVESTING) {
            assigned.remove(k.key);
        }
        k.status = s;
        if (s.terminal()) {
            terminal++;
        }
        if (s == KeyStatus.ASSIGNED || s == KeyStatus.HARVESTING) {
            assigned.add(k.key);
        }
    }

    private void enqueue(Key k, boolean front) {
        Deque<String> q = queues.computeIfAbsent(k.pack, p -> new ArrayDeque<>());
        if (front) {
            q.addFirst(k.key);
        } else {
            q.addLast(k.key);
        }
    }

    private void unqueue(Key k) {
        if (k.status == KeyStatus.QUEUED) {
            Deque<String> q = queues.get(k.pack);
            if (q != null) {
                q.remove(k.key);
            }
        }
    }

    private void changed(Key k) {
        changes.put(k.key, record(k));
    }

    private KeyRecord record(Key k) {
        return new KeyRecord(runId, k.key, k.unit, k.name, k.ensemble, k.status, k.node, k.slot, k.attempt, k.errors,
                k.millis);
    }

    private static String append(String errors, String e) {
        return errors == null ? e : errors + "\n" + e;
    }

    // ------------------------------------------------------------------ outbox and views

    /** Every key's record changed since the last call, in order: what the driver's ledger must write. */
    public List<KeyRecord> drainChanges() {
        List<KeyRecord> out = List.copyOf(changes.values());
        changes.clear();
        return out;
    }

    /** Keys whose result the driver must hand to its result sink (then call {@link #harvested}). */
    public List<ToHarvest> drainToHarvest() {
        List<ToHarvest> out = List.copyOf(toHarvest.values());
        toHarvest.clear();
        return out;
    }

    /** Ensembles whose members are all terminal: the driver combines them (then calls {@link #harvested}). */
    public List<String> drainToCombine() {
        List<String> out = List.copyOf(toCombine);
        toCombine.clear();
        return out;
    }

    /** Keys that became terminal since the last call. */
    public List<KeyRecord> drainFinished() {
        List<KeyRecord> out = List.copyOf(finished);
        finished.clear();
        return out;
    }

    /** Every key as it stands, in expansion order. */
    public List<KeyRecord> records() {
        return keys.values().stream().map(this::record).toList();
    }

    public Optional<KeyRecord> record(String key) {
        Key k = keys.get(key);
        return k == null ? Optional.empty() : Optional.of(record(k));
    }

    public String headline(String key) {
        Key k = keys.get(key);
        return k == null ? "" : k.headline;
    }

    public int size() {
        return keys.size();
    }

    public int terminalCount() {
        return terminal;
    }

    public boolean finished() {
        return terminal == keys.size();
    }

    public boolean hasQueued() {
        return queues.values().stream().anyMatch(q -> !q.isEmpty());
    }

    /** Counts per status. */
    public Map<KeyStatus, Integer> counts() {
        Map<KeyStatus, Integer> out = new java.util.EnumMap<>(KeyStatus.class);
        for (KeyStatus s : KeyStatus.values()) {
            out.put(s, 0);
        }
        keys.values().forEach(k -> out.merge(k.status, 1, Integer::sum));
        return out;
    }
}
