package io.atlasj.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.atlasj.home.AtlasHome;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.model.TrialFamily;
import io.atlasj.trainer.journal.RunJournal;
import io.atlasj.trainer.live.EventStreams;
import io.atlasj.trainer.live.HttpAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The dashboard: read-only HTTP pages and JSON endpoints over the run journals in {@code ATLAS_HOME/journal} and the
 * results they name ({@code docs/dashboard.md} documents the endpoints). It follows every journal (polled every
 * {@value #POLL_MS} ms), streams each run's new journal lines to its pages (Server-Sent Events), and evaluates a run's
 * harvested results in money as they arrive ({@link Evaluations}).
 *
 * <p>Security: it answers GET and HEAD only, serves files from its own classpath only, reads nothing outside
 * {@code ATLAS_HOME}, and binds to 127.0.0.1 unless told otherwise. Bound to any other address it needs a token
 * (given as {@code Authorization: Bearer TOKEN}, or once as {@code ?token=TOKEN}, which sets a cookie); without a token
 * it answers only requests whose {@code Host} is this machine (no DNS rebinding).
 */
public final class Dashboard implements AutoCloseable {
    /** How often the journals are read. */
    static final long POLL_MS = 500;
    /** A run's money view is recomputed at most this often while it runs (and once when it ends). */
    static final long EVALUATE_EVERY_MS = 5_000;
    /** The uPlot WebJar's version (the pom's {@code uplot.version}). */
    static final String UPLOT = "1.6.30";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The pages, by path, and their titles. */
    private static final Map<String, String> PAGES = Map.of("index", "Runs", "run", "Run", "model", "Model",
            "compare", "Compare", "live", "Live runners");

    private final AtlasHome home;
    /** {@code ATLAS_HOME/journal}, made when the dashboard starts. */
    private final Path journals;
    private final HttpServer server;
    private final ExecutorService http;
    private final ScheduledExecutorService poller;
    private final ExecutorService evaluator;
    private final HttpAccess access;
    private final Map<String, Followed> runs = new ConcurrentHashMap<>();

    /** A followed run: its journal's state, its event streams, its money view. */
    static final class Followed {
        final String id;
        final RunJournal.Follower journal;
        final EventStreams streams = new EventStreams(4096);
        final Evaluations evaluations;
        int terminalEvaluated = -1;
        long evaluatedAt;
        boolean evaluating;
        boolean endEvaluated;
        /** New lines came since the money view last caught up: only then are the models counted again. */
        boolean unsettled;

        Followed(String id, Path file, AtlasHome home) {
            this.id = id;
            this.journal = new RunJournal.Follower(file);
            this.evaluations = new Evaluations(home);
        }
    }

    /**
     * The live runners ({@code atlas live}) as the CLI reads them from the live journal (H2 in {@code ATLAS_HOME/live},
     * open to several processes): the rows of {@code atlas live status}, and a model's newest predictions.
     */
    public interface LiveView {
        List<Map<String, String>> runners();

        List<Map<String, Object>> predictions(String model, int limit);

        /** No live view (tests of the runs' pages). */
        LiveView NONE = new LiveView() {
            @Override
            public List<Map<String, String>> runners() {
                return List.of();
            }

            @Override
            public List<Map<String, Object>> predictions(String model, int limit) {
                return List.of();
            }
        };
    }

    private LiveView live = LiveView.NONE;
    /** Polls so far; every {@link #PING_EVERY}th pings the event streams (15 s). */
    private long polls;
    private static final int PING_EVERY = 30;

    private Dashboard(AtlasHome home, HttpServer server, HttpAccess access) {
        this.home = home;
        this.journals = home.journal();
        this.server = server;
        this.access = access;
        this.http = Executors.newCachedThreadPool(daemon("dashboard-http"));
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("dashboard-journals"));
        this.evaluator = Executors.newSingleThreadExecutor(daemon("dashboard-evaluate"));
    }

    /**
     * Starts the dashboard on {@code bind:port} (port 0: any free port).
     *
     * @param token null for none; required when {@code bind} is not a loopback address
     * @throws IllegalArgumentException for a non-loopback address without a token, or an address that is not this
     *                                  machine's
     */
    public static Dashboard start(AtlasHome home, String bind, int port, String token) throws IOException {
        return start(home, bind, port, token, LiveView.NONE);
    }

    /** {@link #start(AtlasHome, String, int, String)} with the live runners' page fed by {@code live}. */
    public static Dashboard start(AtlasHome home, String bind, int port, String token, LiveView live)
            throws IOException {
        return start(home, bind, port, token, null, live);
    }

    /**
     * {@link #start(AtlasHome, String, int, String, LiveView)} over HTTPS when {@code tls} is a folder of
     * {@code deploy/tls/make-certs.sh} ({@link HttpAccess#withTls}); null: plain HTTP.
     */
    public static Dashboard start(AtlasHome home, String bind, int port, String token, java.nio.file.Path tls,
                                  LiveView live) throws IOException {
        HttpAccess plain = HttpAccess.of("dashboard", bind, token, "--token or ATLAS_DASHBOARD_TOKEN");
        HttpAccess access = tls == null ? plain : plain.withTls(tls, "--tls");
        // small answers written as headers then body: without TCP_NODELAY each waits out a delayed ACK (about 40 ms);
        // read once by the JDK's server, so it takes effect only if no server was made before in this JVM
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = access.server(port, 64);
        Dashboard d = new Dashboard(home, server, access);
        d.live = live;
        server.setExecutor(d.http);
        server.createContext("/", d::handle);
        d.poller.scheduleWithFixedDelay(d::poll, 0, POLL_MS, TimeUnit.MILLISECONDS);
        server.start();
        return d;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address a browser opens. */
    public String url() {
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : access.bind();
        return access.scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    @Override
    public void close() {
        poller.shutdownNow();
        evaluator.shutdownNow();
        try {
            // a poll or an evaluation under way ends before the caller goes on (and, say, deletes the home)
            poller.awaitTermination(5, TimeUnit.SECONDS);
            evaluator.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.values().forEach(r -> r.streams.close());
        server.stop(0);
        http.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ following the journals

    /** Reads what the journals gained, streams it to the runs' pages, and schedules money views. */
    void poll() {
        boolean ping = ++polls % PING_EVERY == 0;
        try {
            try (Stream<Path> files = Files.list(journals)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(RunJournal.SUFFIX)).toList()) {
                    String name = f.getFileName().toString();
                    String id = name.substring(0, name.length() - RunJournal.SUFFIX.length());
                    runs.computeIfAbsent(id, k -> new Followed(k, f, home));
                }
            }
            for (Followed r : runs.values()) {
                List<JsonNode> lines;
                try {
                    lines = r.journal.poll();
                } catch (RuntimeException e) {
                    LOG.warn("dashboard: {}", e.getMessage());
                    continue;
                }
                if (ping) {
                    r.streams.ping();
                }
                for (JsonNode l : lines) {
                    if (!"run".equals(l.path("e").asText())) {
                        r.streams.event(l.path("e").asText(), JSON.writeValueAsString(l));
                    }
                }
                if (!lines.isEmpty()) {
                    r.unsettled = true;
                }
                if (r.unsettled) {
                    scheduleEvaluation(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("dashboard: cannot read the journals: {}", e.toString());
        }
    }

    private void scheduleEvaluation(Followed r) {
        int terminal;
        boolean ended;
        synchronized (r.journal) {
            terminal = (int) r.journal.models.values().stream().filter(m -> m.metric != null).count();
            ended = r.journal.ended != null;
        }
        long now = System.currentTimeMillis();
        synchronized (r) {
            boolean changed = terminal != r.terminalEvaluated;
            boolean due = now - r.evaluatedAt >= EVALUATE_EVERY_MS || ended && !r.endEvaluated;
            if (!changed && !(ended && !r.endEvaluated) || terminal == 0) {
                r.unsettled = false; // nothing to evaluate until the journal grows
                return;
            }
            if (r.evaluating || !due) {
                return; // asked again at the next poll
            }
            r.unsettled = false;
            r.evaluating = true;
            r.terminalEvaluated = terminal;
            r.endEvaluated = ended;
        }
        evaluator.execute(() -> {
            try {
                r.evaluations.refresh(r.journal);
                r.streams.event("verdicts", "{}");
            } catch (RuntimeException e) {
                LOG.warn("dashboard: cannot evaluate run {}: {}", r.id, e.toString());
            } finally {
                synchronized (r) {
                    r.evaluating = false;
                    r.evaluatedAt = System.currentTimeMillis();
                }
            }
        });
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        // not closed here: an event stream stays open (every other answer closes its body when sent)
        try {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().add("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "the dashboard is read-only: GET and HEAD only\n");
                return;
            }
            Map<String, String> q = EventStreams.query(ex.getRequestURI());
            if (!access.allowed(ex, q)) {
                return;
            }
            String path = ex.getRequestURI().getPath();
            ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().add("Referrer-Policy", "no-referrer");
            if (path.startsWith("/api/")) {
                api(ex, path.substring(5).split("/"), q);
            } else {
                page(ex, path);
            }
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain", e.getMessage() + "\n");
        } catch (RuntimeException e) {
            LOG.warn("dashboard: {} failed", ex.getRequestURI(), e);
            try {
                send(ex, 500, "text/plain", "error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the response had begun
            }
        }
    }

    private void page(HttpExchange ex, String path) throws IOException {
        String name = path.equals("/") ? "index" : path.substring(1);
        String title = PAGES.get(name);
        if (title != null) {
            // every page is the same shell; dashboard.js draws the one named in its body
            String shell = resource("/io/atlasj/cli/dashboard/www/page.html");
            send(ex, 200, "text/html; charset=utf-8", shell.replace("{{page}}", name).replace("{{title}}", title));
            return;
        }
        String resource;
        if (name.equals("dashboard.js") || name.equals("dashboard.css")) {
            resource = "/io/atlasj/cli/dashboard/www/" + name;
        } else if (name.equals("uPlot.iife.min.js") || name.equals("uPlot.min.css")) {
            resource = "/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/" + name;
        } else {
            send(ex, 404, "text/plain", "no page " + path + "\n");
            return;
        }
        send(ex, 200, name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
                resource(resource).getBytes(StandardCharsets.UTF_8));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void api(HttpExchange ex, String[] p, Map<String, String> q) throws IOException {
        if (p.length == 1 && p[0].equals("runs")) {
            json(ex, runsList());
            return;
        }
        if (p.length == 1 && p[0].equals("live")) {
            json(ex, Map.of("models", live.runners()));
            return;
        }
        if (p.length == 2 && p[0].equals("live") && p[1].equals("predictions")) {
            String model = q.get("model");
            if (model == null) {
                throw new IllegalArgumentException("give ?model=WORKSPEC/UNIT/NAME");
            }
            int limit = Math.max(1, Math.min(10_000, Integer.parseInt(q.getOrDefault("limit", "50"))));
            json(ex, Map.of("model", model, "predictions", live.predictions(model, limit)));
            return;
        }
        if (p.length < 2 || !p[0].equals("runs")) {
            send(ex, 404, "text/plain", "no endpoint /api/" + String.join("/", p) + " (see docs/dashboard.md)\n");
            return;
        }
        Followed r = runs.get(p[1]);
        if (r == null) {
            send(ex, 404, "text/plain", "no run " + p[1] + " in " + journals + "\n");
            return;
        }
        if (p.length == 2) {
            json(ex, runDetail(r));
        } else if (p.length == 3 && p[2].equals("models")) {
            json(ex, leaderboard(r, q));
        } else if (p.length == 3 && p[2].equals("verdicts")) {
            json(ex, verdicts(r));
        } else if (p.length == 3 && p[2].equals("events")) {
            r.streams.open(ex, "atlas run " + r.id);
        } else if (p.length >= 4 && p[2].equals("models")) {
            RunJournal.Model m;
            synchronized (r.journal) {
                m = r.journal.models.get(p[3]);
            }
            if (m == null) {
                send(ex, 404, "text/plain", "no model " + p[3] + " in run " + r.id + "\n");
            } else if (p.length == 4) {
                json(ex, model(r, m));
            } else if (p.length == 5 && p[4].equals("card.svg")) {
                Optional<String> svg = r.evaluations.card(r.journal, m);
                if (svg.isPresent()) {
                    send(ex, 200, "image/svg+xml", svg.get().getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 404, "text/plain", "model " + m.key + " has no harvested result yet\n");
                }
            } else {
                send(ex, 404, "text/plain", "no endpoint " + ex.getRequestURI().getPath() + "\n");
            }
        } else {
            send(ex, 404, "text/plain", "no endpoint " + ex.getRequestURI().getPath() + "\n");
        }
    }

    // ------------------------------------------------------------------ JSON views

    ObjectNode runsList() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode a = o.putArray("runs");
        List<Followed> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparingLong((Followed f) -> f.journal.started).reversed());
        long now = System.currentTimeMillis();
        for (Followed f : all) {
            synchronized (f.journal) {
                if (f.journal.runId != null) {
                    a.add(summary(f, now));
                }
            }
        }
        return o;
    }

    /** Under the journal's lock. */
    private ObjectNode summary(Followed f, long now) {
        RunJournal.Follower j = f.journal;
        ObjectNode o = JSON.createObjectNode().put("run", f.id).put("runId", j.runId).put("workspec", j.workspec)
                .put("driver", j.driver).put("started", j.started).put("updated", j.updated)
                .put("total", j.models.size());
        if (j.ended != null) {
            o.put("ended", j.ended);
        }
        o.put("state", j.ended != null ? "finished" : now - j.updated > 120_000 ? "silent" : "running");
        ObjectNode c = o.putObject("counts");
        j.counts().forEach(c::put);
        return o;
    }

    ObjectNode runDetail(Followed f) {
        long now = System.currentTimeMillis();
        synchronized (f.journal) {
            RunJournal.Follower j = f.journal;
            ObjectNode o = summary(f, now);
            o.put("slotsGiven", j.slots);
            ArrayNode slots = o.putArray("slots");
            for (RunJournal.Slot s : j.slotsById.values()) {
                ObjectNode n = slots.addObject().put("slot", s.id).put("utilisation", s.utilisation(now));
                ArrayNode ks = n.putArray("models");
                for (String k : s.keys) {
                    RunJournal.Model m = j.models.get(k);
                    ks.addObject().put("key", k).put("unit", m.unit).put("name", m.name).put("epoch", m.lastEpoch())
                            .put("since", m.assignedAt);
                }
            }
            ArrayNode failures = o.putArray("failures");
            int retried = 0;
            for (RunJournal.Model m : j.models.values()) {
                if (m.attempt > 1) {
                    retried++;
                }
                if ("failed".equals(m.status) || m.errors != null) {
                    failures.addObject().put("key", m.key).put("unit", m.unit).put("name", m.name)
                            .put("status", m.status).put("attempt", m.attempt)
                            .put("errors", m.errors == null ? m.failure : m.errors);
                }
            }
            o.put("retried", retried);
            // finished in the last five minutes, per minute
            long recent = j.models.values().stream().filter(m -> m.terminal() && now - m.since <= 300_000).count();
            o.put("perMinute", recent / 5.0);
            o.put("unreadableLines", j.unreadable);
            return o;
        }
    }

    /** A leaderboard row as read under the journal's lock; JSON is made for the page shown only. */
    private record Row(String key, String unit, String name, String type, String status, int attempt, int epochs,
                       String metric, double validation, double test, double millis, double sharpe, double ret,
                       double drawdown) {
        /** The figure a numeric column sorts by (NaN: none). */
        double figure(String column) {
            return switch (column) {
                case "validation" -> validation;
                case "test" -> test;
                case "sharpe" -> sharpe;
                case "return" -> ret;
                case "drawdown" -> drawdown;
                case "millis" -> millis;
                case "epochs" -> epochs;
                default -> attempt;
            };
        }

        String text(String column) {
            return switch (column) {
                case "name" -> name;
                case "unit" -> unit;
                case "type" -> type;
                default -> status;
            };
        }

        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode().put("key", key).put("unit", unit).put("name", name).put("type", type)
                    .put("status", status).put("attempt", attempt).put("epochs", epochs).put("metric", metric);
            number(o, "validation", validation);
            number(o, "test", test);
            if (!Double.isNaN(millis)) {
                o.put("millis", (long) millis);
            }
            if (!Double.isNaN(sharpe) || !Double.isNaN(ret)) {
                number(o, "sharpe", sharpe);
                number(o, "return", ret);
                number(o, "drawdown", drawdown);
            }
            return o;
        }
    }

    /** The leaderboard: sorted, filtered, paged; money from the last evaluation. */
    ObjectNode leaderboard(Followed f, Map<String, String> q) {
        Evaluations.Snapshot ev = f.evaluations.latest();
        String sort = q.getOrDefault("sort", ev.byKey().isEmpty() ? "test" : "sharpe");
        boolean numeric = switch (sort) {
            case "name", "unit", "type", "status" -> false;
            case "test", "validation", "sharpe", "return", "drawdown", "millis", "epochs", "attempt" -> true;
            default -> throw new IllegalArgumentException("sort by one of name, unit, type, status, validation, test, "
                    + "sharpe, return, drawdown, millis, epochs, attempt");
        };
        int offset = Math.max(0, Integer.parseInt(q.getOrDefault("offset", "0")));
        int limit = Math.max(1, Math.min(1000, Integer.parseInt(q.getOrDefault("limit", "100"))));
        List<Row> rows = new ArrayList<>();
        String unit = q.get("unit");
        String status = q.get("status");
        boolean accuracy = false;
        synchronized (f.journal) {
            for (RunJournal.Model m : f.journal.models.values()) {
                if (unit != null && !unit.equals(m.unit) || status != null && !status.equals(m.status)) {
                    continue;
                }
                ModelEvaluation e = ev.byKey().get(m.key);
                accuracy |= "accuracy".equals(m.metric);
                rows.add(new Row(m.key, m.unit, m.name, m.type, m.status, m.attempt, m.lastEpoch(), m.metric,
                        m.validation, m.test, m.millis == null ? Double.NaN : m.millis,
                        e == null ? Double.NaN : e.metric("sharpe/bar"), e == null ? Double.NaN : e.metric("return %"),
                        e == null ? Double.NaN : e.metric("max drawdown %")));
            }
        }
        boolean desc = switch (q.getOrDefault("dir", "")) {
            case "asc" -> false;
            case "desc" -> true;
            default -> !(sort.equals("test") || sort.equals("validation")) || accuracy;
        };
        Comparator<Row> by = numeric ? Comparator.comparingDouble((Row r) -> r.figure(sort))
                : Comparator.comparing((Row r) -> r.text(sort));
        // rows without the figure go last either way; ties by unit and name
        rows.sort(Comparator.comparing((Row r) -> numeric && Double.isNaN(r.figure(sort)))
                .thenComparing(desc ? by.reversed() : by).thenComparing(Row::unit).thenComparing(Row::name));
        ObjectNode out = JSON.createObjectNode().put("total", rows.size()).put("sort", sort)
                .put("dir", desc ? "desc" : "asc").put("offset", offset).put("evaluated", ev.results());
        if (ev.noPrices() != null) {
            out.put("noPrices", ev.noPrices());
        }
        ArrayNode a = out.putArray("rows");
        rows.subList(Math.min(offset, rows.size()), Math.min(rows.size(), offset + limit)).forEach(r -> a.add(r.json()));
        return out;
    }

    ObjectNode verdicts(Followed f) {
        Evaluations.Snapshot ev = f.evaluations.latest();
        ObjectNode o = JSON.createObjectNode().put("computedAt", ev.computedAt()).put("results", ev.results());
        if (ev.noPrices() != null) {
            o.put("noPrices", ev.noPrices());
        }
        ArrayNode a = o.putArray("families");
        for (TrialFamily t : ev.families()) {
            ObjectNode n = a.addObject().put("unit", t.unit()).put("trials", t.models().size())
                    .put("stopped", t.stopped()).put("partial", t.partial()).put("rows", t.rows());
            if (t.best() >= 0 && t.best() < t.models().size()) {
                ModelEvaluation b = t.models().get(t.best());
                n.put("best", b.name()).put("bestKey", b.result().key());
            }
            number(n, "bestSharpe", t.bestSharpe());
            number(n, "dsr", t.dsr());
            number(n, "pbo", t.pbo());
            number(n, "pboNoSkill", t.pboNoSkill());
            number(n, "realityCheck", t.realityCheck());
            number(n, "spa", t.spa());
            number(n, "random95", t.randomSharpe95());
            n.put("verdict", t.verdict());
        }
        return o;
    }

    ObjectNode model(Followed f, RunJournal.Model m) {
        ObjectNode o;
        synchronized (f.journal) {
            o = JSON.createObjectNode().put("run", f.id).put("workspec", f.journal.workspec).put("key", m.key)
                    .put("unit", m.unit).put("name", m.name).put("type", m.type).put("status", m.status)
                    .put("attempt", m.attempt);
            o.set("hyper", m.hyper);
            o.put("node", m.node);
            if (m.slot != null) {
                o.put("slot", m.slot);
            }
            o.put("errors", m.errors).put("failure", m.failure).put("metric", m.metric);
            number(o, "validation", m.validation);
            number(o, "test", m.test);
            if (m.millis != null) {
                o.put("millis", m.millis);
            }
        }
        // a finished model's result is read once: for its spec, and for its curves when the journal has none
        Optional<io.atlasj.workspec.results.ResultsObject> stored = m.terminal()
                ? f.evaluations.stored(f.journal, m) : Optional.empty();
        stored.ifPresent(r -> o.set("spec", JSON.valueToTree(r.spec())));
        ArrayNode c = o.putArray("curve");
        for (double[] e : f.evaluations.curve(f.journal, m, stored)) {
            ArrayNode row = c.addArray().add((int) e[0]).add((int) e[1]);
            addNumber(row, e[2]);
            addNumber(row, e[3]);
            row.add((long) e[4]);
        }
        ModelEvaluation e = f.evaluations.latest().byKey().get(m.key);
        if (e != null) {
            ObjectNode money = o.putObject("money");
            for (String k : ModelEvaluation.TRADING_METRICS) {
                number(money, k, e.metric(k));
            }
        }
        return o;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    private static void addNumber(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }

    private static void json(HttpExchange ex, Object body) throws IOException {
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        send(ex, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] b) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dashboard.class);
}
