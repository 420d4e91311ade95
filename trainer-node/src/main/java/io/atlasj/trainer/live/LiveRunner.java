package io.atlasj.trainer.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.model.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The model runner: for each completed base bar of a feed, the featureset's row at that bar (computed by the batch
 * build's own code over a bounded window of history, {@link FeatureSetBuilder#features}), scaled with the training
 * rows' parameters, fed to the model, journaled with its inference frame, then published (HTTP/SSE, and Redis when
 * asked). Frames whose outcome has arrived are matched to it as bars complete.
 *
 * <p>Restartable: the journal holds one entry per bar and model, so a runner killed at any point and started again
 * continues with the first bar after the last committed one; no bar is predicted twice, and a bar without a
 * prediction has an entry that says why.
 *
 * <p>Feeds: {@code replay} only (stored bars in time order at a chosen speed). Event-driven fine-tuning, pivot
 * events and the websocket and folder feeds are not built yet.
 */
public final class LiveRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveRunner.class);

    /**
     * @param model    WORKSPEC/UNIT/NAME or a key
     * @param from     first bar to replay (inclusive), or null for the model's test period
     * @param to       end of the replay (exclusive), or null for the model's test period
     * @param speed    replay speed: 0 as fast as possible, otherwise bars per bar length (1: real time, 60: a 5m bar
     *                 every 5 s)
     * @param redis    HOST:PORT, or null
     * @param httpPort 0: any free port, -1: none
     * @param fineTune event-driven fine-tuning, or null for none
     */
    public record Options(String model, Long from, Long to, double speed, String redis, int httpPort,
                          FineTuner.FineTune fineTune) {
        public Options(String model, Long from, Long to, double speed, String redis, int httpPort) {
            this(model, from, to, speed, redis, httpPort, null);
        }
    }

    /** What a run did. */
    public record Outcome(String model, int version, long predicted, long skipped, long resumedAfter, long matched,
                          int versionsMade, String state) {
    }

    /**
     * The history a runner reads before each bar: the featureset's warm-up plus a day, what a batch build reads before
     * its first row.
     */
    static long lead(FeatureSetBuilder.Resolved r) {
        return FeatureSetBuilder.warmupMillis(r) + Timeframe.D1.millis();
    }

    private LiveRunner() {
    }

    /**
     * Runs until the replay ends or a stop is asked for ({@code atlas live stop}, or {@code stop} returning true).
     *
     * @param out  progress lines for the user
     */
    public static Outcome run(AtlasHome home, Options o, Consumer<String> out) throws IOException {
        LiveModel m = LiveModel.find(home, o.model());
        m.warnings().forEach(w -> out.accept("warning: " + w));
        FeatureSetBuilder.Resolved resolved;
        long baseMs = m.baseTimeframe().millis();
        long lead;
        long from;
        long to;
        List<Long> bars;
        BarWindow window;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            SeriesSource src = SeriesSource.of(store);
            resolved = new FeatureSetBuilder(src).resolve(m.featureset());
            lead = lead(resolved);
            if (o.from() != null) {
                from = o.from();
            } else if (m.test() != null && m.test().time().length > 0) {
                from = m.test().time()[0];
            } else {
                throw new IllegalArgumentException(m.name() + ": its result has no test rows; give --from");
            }
            to = o.to() != null ? o.to() : m.test() != null && m.test().time().length > 0
                    ? m.test().time()[m.test().time().length - 1] + baseMs : from;
            long horizon = (m.label().horizon() + 1L) * baseMs;
            CandleSeries base = store.candles(m.featureset().baseMarket(), m.baseTimeframe(), from, to);
            bars = new ArrayList<>();
            for (int i = 0; i < base.size(); i++) {
                if (base.sources()[i] != CandleSource.FILLED.code()) {
                    bars.add(base.openTime(i));
                }
            }
            window = new BarWindow(src, resolved, from - lead - Timeframe.D1.millis(), to + horizon);
        }
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("no " + m.baseTimeframe() + " bars of " + m.featureset().baseMarket()
                    + " between " + Instant.ofEpochMilli(from) + " and " + Instant.ofEpochMilli(to) + " in the store");
        }
        RedisPublisher redis = o.redis() == null ? null : new RedisPublisher(o.redis());
        if (redis != null) {
            redis.check();
        }
        String feed = "replay " + m.featureset().baseMarket() + " " + m.baseTimeframe() + " " + Instant.ofEpochMilli(from)
                + " to " + Instant.ofEpochMilli(to) + " at speed " + o.speed();
        try (LiveJournal journal = LiveJournal.open(home.live())) {
            journal.trained(m.name(), m.key(), m.modelSha256(), m.file().toString(), "trained: " + m.file());
            LiveJournal.Version active = journal.active(m.name()).orElseThrow();
            Predictor predictor = m.predictor(Path.of(active.file()), active.sha256());
            int version = active.version();
            FineTuner tuner = o.fineTune() == null ? null
                    : new FineTuner(m, journal, window, home.live().resolve("models"), o.fineTune());
            int made = 0;
            OptionalLong last = journal.lastBar(m.name());
            long[] counts = new long[4]; // predicted, skipped, matched, pivots
            List<Long> latencies = new ArrayList<>();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("model", m.name());
            state.put("version", version);
            state.put("feed", feed);
            LiveHttp http = o.httpPort() < 0 ? null : new LiveHttp(o.httpPort(), m.name(), journal, () -> {
                synchronized (state) {
                    return new LinkedHashMap<>(state);
                }
            });
            try {
                journal.started(m.name(), ProcessHandle.current().pid(), feed, http == null ? -1 : http.port());
                out.accept("live " + m.name() + " (version " + version + ", key " + m.key() + "): " + feed
                        + (last.isPresent() ? "; resuming after " + Instant.ofEpochMilli(last.getAsLong()) : "")
                        + (http == null ? "" : "; serving http://127.0.0.1:" + http.port() + "/status, /predictions, "
                        + "/events") + (redis == null ? "" : "; publishing to Redis key " + RedisPublisher.key(m.name())));
                if (last.isPresent() && redis != null) {
                    // the last committed prediction may not have reached Redis before a crash: publish it again
                    journal.entries(m.name(), last.getAsLong(), last.getAsLong() + 1, 1).stream()
                            .filter(e -> "ok".equals(e.status())).forEach(e -> redis.publish(m.name(), text(e)));
                }
                warmUp(m, predictor, window, lead, bars.get(0), version);
                String end = "finished";
                long lastBeat = 0;
                long wallStart = System.nanoTime();
                int done = 0;
                for (long bar : bars) {
                    if (last.isPresent() && bar <= last.getAsLong()) {
                        continue;
                    }
                    if (System.currentTimeMillis() - lastBeat >= 1000) {
                        lastBeat = System.currentTimeMillis();
                        if (journal.heartbeat(m.name())) {
                            end = "stopped";
                            break;
                        }
                        LiveJournal.Version now = journal.active(m.name()).orElseThrow();
                        if (now.version() != version) { // atlas live rollback: swap between two bars
                            predictor = m.predictor(Path.of(now.file()), now.sha256());
                            version = now.version();
                            out.accept(m.name() + ": now serving version " + version + " (" + now.source() + ")");
                        }
                    }
                    pace(o.speed(), baseMs, wallStart, done++);
                    long close = bar + baseMs;
                    window.advanceTo(close);
                    counts[2] += matchOutcomes(m, journal, window, close);
                    for (Pivots.Pivot pv : Pivots.confirmedAt(m, window, bar)) {
                        journal.pivot(m.name(), pv);
                        counts[3]++;
                    }
                    if (tuner != null) {
                        LiveJournal.Version tuned = tuner.step(predictor, version);
                        if (tuned != null) {
                            version = tuned.version();
                            made++;
                        }
                    }
                    LiveJournal.Entry e = predict(m, predictor, window, lead, bar, version);
                    journal.record(e, e.status().equals("ok") ? new LiveJournal.Frame(m.name(), bar, version,
                            m.featureset().baseMarket().toString(), m.baseTimeframe().label(), bar - lead, close,
                            e.predicted(), e.confidence(), m.targetTime(bar), null, null) : null);
                    String json = text(e);
                    if (e.status().equals("ok")) {
                        counts[0]++;
                        latencies.add(e.latencyMicros());
                        if (redis != null) {
                            redis.publish(m.name(), json);
                        }
                    } else {
                        counts[1]++;
                    }
                    if (http != null) {
                        http.event("prediction", json);
                    }
                    synchronized (state) {
                        state.put("lastBar", Instant.ofEpochMilli(bar).toString());
                        state.put("predicted", counts[0]);
                        state.put("skipped", counts[1]);
                        state.put("matched", counts[2]);
                        state.put("version", version);
                        state.put("pivots", counts[3]);
                    }
                }
                journal.ended(m.name(), end, end.equals("stopped") ? "stopped on request"
                        : "the replay reached " + Instant.ofEpochMilli(to));
                out.accept(String.format("%s: %s; %d predicted, %d without a prediction, %d outcomes matched and %d "
                        + "pivots confirmed this run%s; serving version %d; latency from the bar's close to its "
                        + "prediction (features and model, before the journal commit) p50 %d us, p99 %d us", m.name(),
                        end, counts[0], counts[1], counts[2], counts[3],
                        tuner == null ? "" : ", " + made + " fine-tuned versions", version,
                        percentile(latencies, 50), percentile(latencies, 99)));
                return new Outcome(m.name(), version, counts[0], counts[1], last.orElse(Long.MIN_VALUE), counts[2],
                        made, end);
            } catch (RuntimeException ex) {
                journal.ended(m.name(), "failed", String.valueOf(ex.getMessage()));
                throw ex;
            } finally {
                if (http != null) {
                    http.close();
                }
                if (redis != null) {
                    redis.close();
                }
            }
        }
    }

    /** Bars predicted (and not journaled) before the first one, so that the first real bar meets compiled code. */
    static final int WARM_UP_BARS = 200;

    /**
     * Runs the whole path (features, scaling, the model) on the bars just before {@code first}, journaling nothing,
     * leaving the window as it was: the JIT compiles it before the first real bar (without this the first bars of a
     * runner take 10-30 ms instead of 2).
     */
    private static void warmUp(LiveModel m, Predictor predictor, BarWindow window, long lead, long first, int version) {
        long bar = m.baseTimeframe().millis();
        long saved = window.now();
        for (int i = WARM_UP_BARS; i >= 1; i--) {
            long t = first - i * bar;
            window.advanceTo(t + bar);
            predict(m, predictor, window, lead, t, version);
        }
        window.advanceTo(saved);
    }

    /** The prediction of bar {@code bar}, or the reason there is none. */
    static LiveJournal.Entry predict(LiveModel m, Predictor predictor, BarWindow window, long lead, long bar,
                                     int version) {
        long t0 = System.nanoTime();
        long baseMs = m.baseTimeframe().millis();
        FeatureMatrix fm;
        try {
            fm = new FeatureSetBuilder(window).features(m.featureset(), bar, bar + baseMs, lead);
        } catch (IllegalArgumentException e) {
            return skipped(m, bar, version, e.getMessage(), t0);
        }
        if (fm.rows() == 0) {
            return skipped(m, bar, version, "a feature has no value at this bar (its warm-up after a gap in the bars)",
                    t0);
        }
        double[] row = new double[fm.features().length];
        for (int c = 0; c < row.length; c++) {
            row[c] = fm.features()[c][0];
        }
        double[] y = predictor.predict(m.scale(row));
        double predicted;
        double[] probs = null;
        double confidence = Double.NaN;
        if (m.classifies()) {
            int arg = 0;
            for (int c = 1; c < y.length; c++) {
                if (y[c] > y[arg]) {
                    arg = c;
                }
            }
            predicted = arg;
            probs = y;
            confidence = y[arg];
        } else {
            predicted = m.unscale(y[0]);
        }
        return new LiveJournal.Entry(m.name(), bar, version, "ok", null, predicted, probs, confidence,
                (System.nanoTime() - t0) / 1000, System.currentTimeMillis());
    }

    /** The feature row of bar {@code bar} as the runner computes it (for the training/serving equality check). */
    static double[] features(LiveModel m, BarWindow window, long lead, long bar) {
        FeatureMatrix fm = new FeatureSetBuilder(window).features(m.featureset(), bar, bar + m.baseTimeframe().millis(),
                lead);
        if (fm.rows() == 0) {
            return null;
        }
        double[] row = new double[fm.features().length];
        for (int c = 0; c < row.length; c++) {
            row[c] = fm.features()[c][0];
        }
        return row;
    }

    private static LiveJournal.Entry skipped(LiveModel m, long bar, int version, String reason, long t0) {
        return new LiveJournal.Entry(m.name(), bar, version, "skipped", reason, Double.NaN, null, Double.NaN,
                (System.nanoTime() - t0) / 1000, System.currentTimeMillis());
    }

    /**
     * Matches every frame due by {@code now} to its outcome: the label the model learned, computed by the batch build
     * over the bars now visible, made a class as in training. A label that cannot be computed (a gap in its horizon)
     * is recorded as unknown.
     */
    static int matchOutcomes(LiveModel m, LiveJournal journal, BarWindow window, long now) {
        List<LiveJournal.Frame> due = journal.due(m.name(), now);
        if (due.isEmpty()) {
            return 0;
        }
        long baseMs = m.baseTimeframe().millis();
        // the featureset with the model's label only: another label with a longer horizon is not due yet
        io.atlasj.features.set.FeatureLabelSet set = m.featureset();
        io.atlasj.features.set.FeatureLabelSet own = new io.atlasj.features.set.FeatureLabelSet(set.name(),
                set.baseMarket(), set.baseTimeframe(), set.defaultExchange(), set.defaultQuote(), set.features(),
                List.of(m.label()), set.gaps());
        for (LiveJournal.Frame f : due) {
            double outcome = Double.NaN;
            try {
                FeatureMatrix fm = new FeatureSetBuilder(window).build(own, f.barTime(), f.barTime() + baseMs);
                if (fm.rows() == 1) {
                    outcome = m.outcome(fm.labels()[0][0]);
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("no outcome for {} at {}: {}", m.name(), f.barTime(), e.getMessage());
            }
            journal.match(m.name(), f.barTime(), outcome, System.currentTimeMillis());
        }
        return due.size();
    }

    private static void pace(double speed, long baseMs, long wallStart, int done) {
        if (speed <= 0) {
            return;
        }
        long due = wallStart + (long) (done * baseMs * 1_000_000L / speed);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static long percentile(List<Long> v, int p) {
        if (v.isEmpty()) {
            return 0;
        }
        long[] s = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    /** An entry as JSON fields (HTTP, SSE, Redis, {@code atlas live predictions --format json}). */
    public static Map<String, Object> describe(LiveJournal.Entry e) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", e.model());
        j.put("version", e.version());
        j.put("bar", e.barTime());
        j.put("barTime", Instant.ofEpochMilli(e.barTime()).toString());
        j.put("status", e.status());
        if (e.reason() != null) {
            j.put("reason", e.reason());
        }
        if (!Double.isNaN(e.predicted())) {
            j.put("prediction", e.predicted());
        }
        if (e.probabilities() != null) {
            j.put("probabilities", e.probabilities());
        }
        if (!Double.isNaN(e.confidence())) {
            j.put("confidence", e.confidence());
        }
        j.put("latencyMicros", e.latencyMicros());
        return j;
    }

    static String text(LiveJournal.Entry e) {
        try {
            return JSON.writeValueAsString(describe(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
