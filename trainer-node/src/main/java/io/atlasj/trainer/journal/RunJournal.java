package io.atlasj.trainer.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.trainer.engine.KeyRecord;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunBook;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.Headline;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's journal: what its driver (the local runner, or a cluster's coordinator) saw happen, one JSON object a line,
 * appended to {@code ATLAS_HOME/journal/RUN.jsonl}, for the dashboard to follow while the run goes on. Lines:
 * <ul>
 *   <li>{@code {"e":"run","run","workspec","driver","slots","at","spec","models":[{"key","unit","name","type","hyper"}]}}:
 *   the run, its self-contained WorkSpec YAML and its models (again when a restarted coordinator resumes it);</li>
 *   <li>{@code {"e":"key","key","status","node","slot","attempt","errors","millis","at"}}: a key's transition in the
 *   {@link RunBook} ({@link KeyRecord});</li>
 *   <li>{@code {"e":"epoch","key","fold","epoch","train","val","at"}}: an epoch of a model's fold (epochs from 1);</li>
 *   <li>{@code {"e":"result","key","status","metric","validation","test","failure"}}: a harvested result's headline;</li>
 *   <li>{@code {"e":"end","at"}}: the run finished.</li>
 * </ul>
 * The journal is a view, not a record: the results store and the ledger are what a run resumes from. It is flushed at
 * most every {@value #FLUSH_MS} ms (a killed driver loses at most that much of it, and a reader skips a partial last
 * line), and a journal that cannot be written is given up with one warning: it never fails a run.
 *
 * <p>The writer is thread-safe (slot threads write epochs). {@link Follower} reads a journal as it grows.
 */
public final class RunJournal implements AutoCloseable {
    /** The journal file's name ending. */
    public static final String SUFFIX = ".jsonl";
    static final long FLUSH_MS = 250;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunJournal.class);

    private final Path file;
    private BufferedWriter out;
    /** Writes each line straight into {@link #out} (no tree, no string per line: a line costs about a microsecond). */
    private JsonGenerator gen;
    private long flushedAt;

    private RunJournal(Path file, BufferedWriter out) throws IOException {
        this.file = file;
        this.out = out;
        if (out != null) {
            gen = JSON.getFactory().createGenerator(out);
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            gen.setRootValueSeparator(null);
        }
    }

    /** Opens (appending to) the journal of run {@code runId} in {@code dir} ({@code ATLAS_HOME/journal}). */
    public static RunJournal open(Path dir, String runId) {
        Path f = dir.resolve(fileName(runId));
        try {
            Files.createDirectories(dir);
            BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (endsMidLine(f)) {
                // a driver killed mid-line: the line is ended, so that the first line written now stays readable
                w.write('\n');
                w.flush();
            }
            return new RunJournal(f, w);
        } catch (IOException e) {
            LOG.warn("cannot write the run journal {} ({}): the dashboard will not follow this run", f, e.getMessage());
            try {
                return new RunJournal(f, null);
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
        }
    }

    private static boolean endsMidLine(Path f) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            if (r.length() == 0) {
                return false;
            }
            r.seek(r.length() - 1);
            return r.read() != '\n';
        }
    }

    /** The spec a run was started with, as its journal's first line records it. */
    public record RecordedSpec(String runId, long at, String specYaml) {
    }

    /**
     * The spec of the newest run of {@code workspec} among the journals in {@code dir} (self-contained: featuresets
     * inline): what its results were made with, so a report or a console over the WorkSpec's name prices them at the
     * costs and trading rules the run had. Empty when no journal there names it.
     */
    public static java.util.Optional<RecordedSpec> latestSpec(Path dir, String workspec) {
        if (!Files.isDirectory(dir)) {
            return java.util.Optional.empty();
        }
        RecordedSpec best = null;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                String first;
                try (var r = Files.newBufferedReader(f, java.nio.charset.StandardCharsets.UTF_8)) {
                    first = r.readLine();
                }
                if (first == null || first.isBlank()) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode n;
                try {
                    n = JSON.readTree(first);
                } catch (IOException e) {
                    LOG.warn("{}: its first line is not JSON ({}); skipped", f, e.getMessage());
                    continue;
                }
                if ("run".equals(n.path("e").asText()) && workspec.equals(n.path("workspec").asText())
                        && n.hasNonNull("spec") && (best == null || n.path("at").asLong() > best.at())) {
                    best = new RecordedSpec(n.path("run").asText(), n.path("at").asLong(), n.path("spec").asText());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the run journals in " + dir + ": " + e.getMessage(), e);
        }
        return java.util.Optional.ofNullable(best);
    }

    /** The journal's file name for a run id: the id with anything but letters, digits, {@code .-_} made {@code _}. */
    public static String fileName(String runId) {
        return runId.replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX;
    }

    public Path file() {
        return file;
    }

    /** One line's fields after {@code "e"}. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** The run and its models. */
    public void begin(String runId, String workspec, String specYaml, String driver, int slots, List<ModelSpec> models,
                      long at) {
        write("run", g -> {
            g.writeStringField("run", runId);
            g.writeStringField("workspec", workspec);
            g.writeStringField("driver", driver);
            g.writeNumberField("slots", slots);
            g.writeNumberField("at", at);
            g.writeStringField("spec", specYaml);
            g.writeArrayFieldStart("models");
            for (ModelSpec m : models) {
                g.writeStartObject();
                g.writeStringField("key", m.key());
                g.writeStringField("unit", m.unit());
                g.writeStringField("name", m.name());
                g.writeStringField("type", m.type().id());
                g.writeObjectField("hyper", m.hyper());
                g.writeEndObject();
            }
            g.writeEndArray();
        }, true);
    }

    /** Transitions drained from the run's book. */
    public void keys(Collection<KeyRecord> changes, long at) {
        for (KeyRecord k : changes) {
            write("key", g -> {
                g.writeStringField("key", k.key());
                g.writeStringField("status", k.status().id());
                g.writeNumberField("attempt", k.attempt());
                g.writeNumberField("at", at);
                if (k.node() != null) {
                    g.writeStringField("node", k.node());
                }
                if (k.slot() != null) {
                    g.writeNumberField("slot", k.slot());
                }
                if (k.errors() != null) {
                    g.writeStringField("errors", k.errors());
                }
                if (k.millis() != null) {
                    g.writeNumberField("millis", k.millis());
                }
            }, false);
        }
    }

    /** Epoch {@code epoch} (from 1) of a model's fold. */
    public void epoch(String key, int fold, int epoch, double train, double validation, long at) {
        write("epoch", g -> {
            g.writeStringField("key", key);
            g.writeNumberField("fold", fold);
            g.writeNumberField("epoch", epoch);
            g.writeNumberField("at", at);
            number(g, "train", train);
            number(g, "val", validation);
        }, false);
    }

    /** A harvested result's status and headline. */
    public void result(String key, String status, Headline h, String failure) {
        write("result", g -> {
            g.writeStringField("key", key);
            g.writeStringField("status", status);
            if (h != null) {
                g.writeStringField("metric", h.metric());
                number(g, "validation", h.validation());
                number(g, "test", h.test());
            }
            if (failure != null) {
                g.writeStringField("failure", failure);
            }
        }, false);
    }

    public void end(long at) {
        write("end", g -> g.writeNumberField("at", at), true);
    }

    /** Flushes what was written if the last flush is {@value #FLUSH_MS} ms old (drivers call it from their loop). */
    public synchronized void tick() {
        if (out != null && System.currentTimeMillis() - flushedAt >= FLUSH_MS) {
            flush();
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            flush();
            try {
                gen.close();
                out.close();
            } catch (IOException ignored) {
                // flushed above; nothing more to lose
            }
            out = null;
        }
    }

    /** NaN and infinities are not JSON: they are left out (a reader takes an absent number as NaN). */
    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        }
    }

    private synchronized void write(String event, Fields fields, boolean flushNow) {
        if (out == null) {
            return;
        }
        try {
            gen.writeStartObject();
            gen.writeStringField("e", event);
            fields.write(gen);
            gen.writeEndObject();
            gen.writeRaw('\n');
            gen.flush(); // into the buffered writer only
        } catch (IOException e) {
            giveUp(e);
            return;
        }
        if (flushNow || System.currentTimeMillis() - flushedAt >= FLUSH_MS) {
            flush();
        }
    }

    private void flush() {
        try {
            gen.flush();
            out.flush();
            flushedAt = System.currentTimeMillis();
        } catch (IOException e) {
            giveUp(e);
        }
    }

    private void giveUp(IOException e) {
        LOG.warn("cannot write the run journal {} ({}): the dashboard stops following this run", file, e.getMessage());
        try {
            out.close();
        } catch (IOException ignored) {
            // already failing
        }
        out = null;
    }

    // ------------------------------------------------------------------ reading

    /** A model of a run as its journal tells it. */
    public static final class Model {
        public final String key;
        public final String unit;
        public final String name;
        public final String type;
        public final JsonNode hyper;
        public String status = "queued";
        public String node;
        public Integer slot;
        public int attempt;
        public String errors;
        public Long millis;
        /** When the key last changed status. */
        public long since;
        /** When the key was last assigned, or 0. */
        public long assignedAt;
        public String metric;
        public double validation = Double.NaN;
        public double test = Double.NaN;
        public String failure;
        /** Epoch lines: fold, epoch, train loss, validation loss, time (ms), in the order they came. */
        public final List<double[]> curve = new ArrayList<>();

        Model(String key, String unit, String name, String type, JsonNode hyper) {
            this.key = key;
            this.unit = unit;
            this.name = name;
            this.type = type;
            this.hyper = hyper;
        }

        /** The last epoch heard of (fold's epoch), or 0. */
        public int lastEpoch() {
            return curve.isEmpty() ? 0 : (int) curve.get(curve.size() - 1)[1];
        }

        public boolean terminal() {
            return KeyStatus.of(status).terminal();
        }
    }

    /** A trainer slot (a node's slot, or a local slot) as the journal tells it. */
    public static final class Slot {
        public final String id;
        /** Keys assigned to it now (a pack's models together). */
        public final java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        public long busySince;
        public long busyMillis;
        public long firstSeen;

        Slot(String id, long at) {
            this.id = id;
            this.firstSeen = at;
        }

        /** Busy time over time since this slot was first given work, up to {@code now}. */
        public double utilisation(long now) {
            long busy = busyMillis + (keys.isEmpty() ? 0 : now - busySince);
            long span = now - firstSeen;
            return span <= 0 ? 0 : Math.min(1, busy / (double) span);
        }
    }

    /**
     * Follows one journal file: {@link #poll()} reads the lines written since the last poll and applies them (a partial
     * last line waits for the next poll). Thread-safe: callers read its state under its lock ({@code synchronized}).
     */
    public static final class Follower {
        private final Path file;
        private long offset;
        private final byte[] buffer = new byte[1 << 16];
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        public String runId;
        public String workspec;
        public String driver;
        /** The run's self-contained WorkSpec YAML. */
        public String spec;
        public int slots;
        public long started;
        public Long ended;
        /** When the journal last had a line. */
        public long updated;
        public final Map<String, Model> models = new LinkedHashMap<>();
        public final Map<String, Slot> slotsById = new TreeMap<>();
        /** Lines the journal could not parse (a driver of another version, a damaged file): counted, skipped. */
        public int unreadable;

        public Follower(Path file) {
            this.file = file;
        }

        public Path file() {
            return file;
        }

        /** Reads and applies what was appended; returns the new lines (for a stream to pass on), oldest first. */
        public synchronized List<JsonNode> poll() {
            List<JsonNode> out = new ArrayList<>();
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long length = f.length();
                if (length < offset) {
                    throw new IllegalStateException(file + " shrank from " + offset + " to " + length + " bytes");
                }
                f.seek(offset);
                while (offset < length) {
                    int n = f.read(buffer, 0, (int) Math.min(buffer.length, length - offset));
                    if (n <= 0) {
                        break;
                    }
                    offset += n;
                    int start = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            pending.write(buffer, start, i - start);
                            apply(pending.toByteArray(), out);
                            pending.reset();
                            start = i + 1;
                        }
                    }
                    pending.write(buffer, start, n - start);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the run journal " + file + ": " + e.getMessage(), e);
            }
            return out;
        }

        private void apply(byte[] bytes, List<JsonNode> out) {
            if (bytes.length == 0) {
                return;
            }
            JsonNode o;
            try {
                o = JSON.readTree(bytes);
            } catch (IOException e) {
                unreadable++;
                return;
            }
            String e = o.path("e").asText();
            long at = o.path("at").asLong(updated);
            updated = Math.max(updated, at);
            switch (e) {
                case "run" -> {
                    runId = o.path("run").asText();
                    workspec = o.path("workspec").asText();
                    driver = o.path("driver").asText();
                    spec = o.path("spec").asText(null);
                    slots = o.path("slots").asInt();
                    if (started == 0) {
                        started = at;
                    }
                    ended = null;
                    for (JsonNode m : o.path("models")) {
                        models.computeIfAbsent(m.path("key").asText(), k -> new Model(k, m.path("unit").asText(),
                                m.path("name").asText(), m.path("type").asText(), m.path("hyper")));
                    }
                }
                case "key" -> {
                    Model m = models.get(o.path("key").asText());
                    if (m == null) {
                        unreadable++;
                        return;
                    }
                    String before = m.status;
                    m.status = o.path("status").asText();
                    m.attempt = o.path("attempt").asInt();
                    m.node = o.hasNonNull("node") ? o.get("node").asText() : null;
                    m.slot = o.hasNonNull("slot") ? o.get("slot").asInt() : null;
                    m.errors = o.hasNonNull("errors") ? o.get("errors").asText() : m.errors;
                    if (o.hasNonNull("millis")) {
                        m.millis = o.get("millis").asLong();
                    }
                    m.since = at;
                    slotChange(m, before, at);
                }
                case "epoch" -> {
                    Model m = models.get(o.path("key").asText());
                    if (m == null) {
                        unreadable++;
                        return;
                    }
                    m.curve.add(new double[] {o.path("fold").asInt(), o.path("epoch").asInt(), number(o, "train"),
                            number(o, "val"), at});
                }
                case "result" -> {
                    Model m = models.get(o.path("key").asText());
                    if (m == null) {
                        unreadable++;
                        return;
                    }
                    m.metric = o.hasNonNull("metric") ? o.get("metric").asText() : null;
                    m.validation = number(o, "validation");
                    m.test = number(o, "test");
                    m.failure = o.hasNonNull("failure") ? o.get("failure").asText() : null;
                }
                case "end" -> ended = at;
                default -> {
                    unreadable++;
                    return;
                }
            }
            out.add(o);
        }

        /** A key assigned to a slot makes the slot busy; its leaving the slot may make it idle. */
        private void slotChange(Model m, String before, long at) {
            if ("assigned".equals(before)) {
                for (Slot s : slotsById.values()) {
                    if (s.keys.remove(m.key) && s.keys.isEmpty()) {
                        s.busyMillis += at - s.busySince;
                    }
                }
            }
            if ("assigned".equals(m.status)) {
                m.assignedAt = at;
                if (m.node != null && m.slot != null && !"harvester".equals(m.node)) {
                    String id = m.node + " #" + m.slot;
                    Slot s = slotsById.computeIfAbsent(id, k -> new Slot(k, at));
                    if (s.keys.isEmpty()) {
                        s.busySince = at;
                    }
                    s.keys.add(m.key);
                }
            }
        }

        private static double number(JsonNode o, String field) {
            return o.hasNonNull(field) ? o.get(field).asDouble() : Double.NaN;
        }

        /** Keys by status. */
        public synchronized Map<String, Integer> counts() {
            Map<String, Integer> c = new TreeMap<>();
            for (Model m : models.values()) {
                c.merge(m.status, 1, Integer::sum);
            }
            return c;
        }
    }
}
