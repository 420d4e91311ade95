package io.atlasj.trainer.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.home.AtlasHome;
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
 * <p>Feeds ({@link FeedSpec}): {@code replay} (stored bars in time order at a chosen speed), {@code dir} (files
 * dropped into a folder, imported as they land) and {@code binance-ws} (Binance's kline stream, gaps filled from its
 * REST history, {@link BinanceFeed}). As bars complete, due frames are matched to their outcome, confirmed pivots
 * become frames' targets ({@link Pivots}), and with {@code --fine-tune} matched outcomes train new model versions
 * ({@link FineTuner}).
 */
public final class LiveRunner {
    /** The import formats whose files may hold quotes (a dir feed for a {@code prices: mid} model needs them). */
    private static final java.util.Set<io.atlasj.marketdata.imports.ImportFormat> QUOTE_FORMATS = java.util.EnumSet.of(
            io.atlasj.marketdata.imports.ImportFormat.LEAN, io.atlasj.marketdata.imports.ImportFormat.QUOTES_CSV,
            io.atlasj.marketdata.imports.ImportFormat.PARQUET, io.atlasj.marketdata.imports.ImportFormat.ARROW,
            io.atlasj.marketdata.imports.ImportFormat.BINANCE_WS);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveRunner.class);

    /**
     * @param model    WORKSPEC/UNIT/NAME or a key
     * @param from     first bar to predict (inclusive), or null: a replay's is the model's test period, a live feed's
     *                 the first bar that completes after the start
     * @param to       end of a replay (exclusive), or null for the model's test period
     * @param redis    HOST:PORT, or null
     * @param httpPort 0: any free port, -1: none
     * @param fineTune event-driven fine-tuning, or null for none
     * @param feed     where the bars come from
     */
    public record Options(String model, Long from, Long to, String redis, int httpPort, FineTuner.FineTune fineTune,
                          FeedSpec feed, HttpAccess http) {
        public Options {
            java.util.Objects.requireNonNull(feed, "feed");
            http = http == null ? HttpAccess.loopback("live runner") : http;
        }

        /** Endpoints on 127.0.0.1 without a token. */
        public Options(String model, Long from, Long to, String redis, int httpPort, FineTuner.FineTune fineTune,
                       FeedSpec feed) {
            this(model, from, to, redis, httpPort, fineTune, feed, null);
        }

        /** A replay at {@code speed}: 0 as fast as possible, otherwise bars per bar length (1: real time). */
        public Options(String model, Long from, Long to, double speed, String redis, int httpPort) {
            this(model, from, to, redis, httpPort, null, new FeedSpec.Replay(speed));
        }

        public Options(String model, Long from, Long to, double speed, String redis, int httpPort,
                       FineTuner.FineTune fineTune) {
            this(model, from, to, redis, httpPort, fineTune, new FeedSpec.Replay(speed));
        }

        double speed() {
            return feed instanceof FeedSpec.Replay r ? r.speed() : 0;
        }
    }

    /**
     * What a run did.
     *
     * @param skipped bars handled without a prediction (each has its entry and reason)
     * @param missing base bars the feed never gave between two it did (journaled as runs: {@link LiveJournal#missing})
     */
    public record Outcome(String model, int version, long predicted, long skipped, long resumedAfter, long matched,
                          int versionsMade, String state, long missing) {
    }

    /**
     * The history a runner reads before each bar: the featureset's reach ({@link FeatureSetBuilder#reachMillis}), from
     * which every row is the batch build's bit for bit. A set of unbounded reach (a feature that depends on where
     * reading began, {@code gaps: bridge}, or fill-flat without a limit) reads its warm-up plus a day: its recursions
     * agree with the batch build to rounding, and an {@code OBVCumulative()} differs by the level it had reached.
     */
    static long lead(FeatureSetBuilder.Resolved r) {
        long reach = FeatureSetBuilder.reachMillis(r);
        return reach < io.atlasj.features.eval.Evaluator.UNBOUNDED ? reach
                : FeatureSetBuilder.warmupMillis(r) + Timeframe.D1.millis();
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
        LiveModel.requireServable(m);
        m.warnings().forEach(w -> out.accept("warning: " + w));
        long baseMs = m.baseTimeframe().millis();
        FeatureSetBuilder.Resolved resolved;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            resolved = new FeatureSetBuilder(SeriesSource.of(store)).resolve(m.featureset());
        }
        long lead = lead(resolved);
        // a windowed model reads the rows of its span before the bar, each over its own lead: the feeds hold that much
        long history;
        try (io.atlasj.trainer.model.Predictor p = m.predictor()) {
            history = lead + (p.window() - 1) * baseMs;
        }
        if (o.feed() instanceof FeedSpec.BinanceWs && Timeframe.ofMillis(m.baseTimeframe().millis()).isEmpty()) {
            throw new IllegalArgumentException(m.name() + ": its bars are " + m.baseTimeframe() + ", a length Binance "
                    + "has no klines of (it has " + Timeframe.labels() + " and 1M); serve it with --feed dir, whose "
                    + "finer bars are resampled to " + m.baseTimeframe() + " as the batch build did");
        }
        if (o.feed() instanceof FeedSpec.BinanceWs
                && m.featureset().prices() != io.atlasj.features.eval.PriceBasis.TRADES) {
            throw new IllegalArgumentException(m.name() + ": its featureset's candles are quote-bar midpoints (prices: "
                    + m.featureset().prices().yamlName() + "), and the binance-ws feed "
                    + "delivers klines (trade candles) only; serve it with --feed replay, or --feed dir with quote files");
        }
        if (o.feed() instanceof FeedSpec.Dir d && m.featureset().prices() != io.atlasj.features.eval.PriceBasis.TRADES
                && !QUOTE_FORMATS.contains(d.imports().format())) {
            throw new IllegalArgumentException(m.name() + ": its featureset's candles are quote-bar midpoints (prices: "
                    + m.featureset().prices().yamlName() + "), and " + d.imports().format() + " files hold no quotes; "
                    + "serve it with --format " + QUOTE_FORMATS.stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", ")) + " files");
        }
        Feed source;
        if (!(o.feed() instanceof FeedSpec.Replay)) {
            Long last;
            try (LiveJournal j = LiveJournal.open(home.live())) {
                last = j.lastBar(m.name()).isPresent() ? j.lastBar(m.name()).getAsLong() : null;
            }
            source = o.feed() instanceof FeedSpec.Dir d
                    ? new Feed.Dir(home.marketData(), m, resolved, history, o.from(), last, d.folder(), d.imports(), out)
                    : new BinanceFeed(home, m, resolved, history, o.from(), last, (FeedSpec.BinanceWs) o.feed(), out);
        } else {
            long from;
            if (o.from() != null) {
                from = o.from();
            } else if (m.test() != null && m.test().time().length > 0) {
                from = m.test().time()[0];
            } else {
                throw new IllegalArgumentException(m.name() + ": its result has no test rows; give --from");
            }
            long to = o.to() != null ? o.to() : m.test() != null && m.test().time().length > 0
                    ? m.test().time()[m.test().time().length - 1] + baseMs : from;
            try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
                source = new Feed.Replay(store, m, resolved, history, from, to, o.speed());
            }
        }
        try (Feed f = source) {
            return run(home, o, m, f, lead, out);
        }
    }

    private static Outcome run(AtlasHome home, Options o, LiveModel m, Feed source, long lead, Consumer<String> out)
            throws IOException {
        RedisPublisher redis = o.redis() == null ? null : RedisPublisher.checked(o.redis());
        try {
            return run(home, o, m, source, lead, out, redis);
        } finally {
            if (redis != null) {
                redis.close(); // also when the runner could not start
            }
        }
    }

    private static Outcome run(AtlasHome home, Options o, LiveModel m, Feed source, long lead, Consumer<String> out,
                               RedisPublisher redis) throws IOException {
        try (LiveJournal journal = LiveJournal.open(home.live())) {
            // one runner per model: a second would collide with the first's journal rows and versions
            journal.runner(m.name()).ifPresent(r -> {
                boolean alive = r.pid() != ProcessHandle.current().pid()
                        && ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
                if (r.state().equals("running") && alive && System.currentTimeMillis() - r.heartbeat() < 10_000) {
                    throw new IllegalArgumentException(m.name() + " is being served by another runner (pid " + r.pid()
                            + "); stop it first: atlas live stop --model " + m.name());
                }
            });
            Session s = new Session(home, o, m, source, lead, journal, redis, out);
            try {
                return s.run();
            } catch (RuntimeException ex) {
                journal.ended(m.name(), "failed", String.valueOf(ex.getMessage()));
                throw ex;
            } finally {
                s.close();
            }
        }
    }

    /** One runner's state while it runs. */
    private static final class Session {
        private final Options o;
        private final LiveModel m;
        private final Feed source;
        private final long lead;
        private final long baseMs;
        private final LiveJournal journal;
        private final RedisPublisher redis;
        private final Consumer<String> out;
        private final BarWindow window;
        private final FineTuner tuner;
        private final OptionalLong last;
        private final Map<String, Object> state = new LinkedHashMap<>();
        private final List<Long> latencies = new ArrayList<>();
        private final Map<Long, double[]> rows = new java.util.HashMap<>(); // a sequence model's recent scaled rows
        private final LiveHttp http;
        private Predictor predictor;
        private int version;
        private long predicted;
        private long skipped;
        /** Base bars missing between two handled ones, this run. */
        private long missing;
        /** The last bar handled (the journal's, when resuming), or Long.MIN_VALUE before the first. */
        private long handled = Long.MIN_VALUE;
        private long matched;
        private long pivots;
        private int made;
        private long lastBeat;

        Session(AtlasHome home, Options o, LiveModel m, Feed source, long lead, LiveJournal journal,
                RedisPublisher redis, Consumer<String> out) throws IOException {
            this.o = o;
            this.m = m;
            this.source = source;
            this.lead = lead;
            this.baseMs = m.baseTimeframe().millis();
            this.journal = journal;
            this.redis = redis;
            this.out = out;
            this.window = source.window();
            journal.trained(m.name(), m.key(), m.modelSha256(), m.file().toString(), "trained: " + m.file());
            LiveJournal.Version active = journal.active(m.name()).orElseThrow();
            // a fine-tuned version goes on with its optimizer's moments; the trained model starts them afresh: its
            // file holds its best epoch's weights but its last epoch's moments, which would push them where training
            // went after its best epoch
            predictor = m.predictor(Path.of(active.file()), active.sha256(),
                    o.fineTune() != null && active.parent() != null);
            version = active.version();
            if (o.fineTune() != null && !predictor.fineTunes()) {
                predictor.close();
                throw new IllegalArgumentException(m.name() + (m.type() == io.atlasj.workspec.ModelType.GBM
                        ? ": --fine-tune needs trees whose model file says how they were grown; this one was trained "
                        + "before tree fine-tuning existed: train it again"
                        : ": --fine-tune is built for neural networks (dense, logistic, linear, LSTM, BiLSTM, "
                        + "transformer, multi-task, hybrid) and gradient-boosted trees, not for " + m.type().id()));
            }
            tuner = o.fineTune() == null ? null
                    : new FineTuner(m, journal, window, home.live().resolve("models"), o.fineTune());
            last = journal.lastBar(m.name());
            // bars between the journal's last one and where the feed starts were not asked for (a replay --from
            // later than it), so they are not missing: the first bar handled then starts afresh
            handled = last.isPresent() && last.getAsLong() + baseMs >= source.start() ? last.getAsLong()
                    : Long.MIN_VALUE;
            state.put("model", m.name());
            state.put("version", version);
            state.put("feed", source.describe());
            http = o.httpPort() < 0 ? null : new LiveHttp(o.http(), o.httpPort(), m.name(), journal, () -> {
                synchronized (state) {
                    return new LinkedHashMap<>(state);
                }
            });
        }

        /** A bind address as a URL's host: 0.0.0.0 as this machine's loopback name, IPv6 in brackets. */
        private static String host(String bind) {
            return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind.contains(":") ? "[" + bind + "]"
                    : bind;
        }

        Outcome run() {
            journal.started(m.name(), ProcessHandle.current().pid(), source.describe(), http == null ? -1 : http.port());
            out.accept("live " + m.name() + " (version " + version + ", key " + m.key() + "): " + source.describe()
                    + (last.isPresent() ? "; resuming after " + Instant.ofEpochMilli(last.getAsLong()) : "")
                    + (http == null ? "" : "; serving " + o.http().scheme() + "://" + host(o.http().bind()) + ":" + http.port()
                    + "/status, /predictions, /events" + (o.http().hasToken() ? " (token required)" : "")) + (redis == null ? "" : "; publishing to Redis key " + RedisPublisher.key(m.name())));
            if (last.isPresent() && redis != null) {
                // the last committed prediction may not have reached Redis before a crash: publish it again
                journal.entries(m.name(), last.getAsLong(), last.getAsLong() + 1, 1).stream()
                        .filter(e -> "ok".equals(e.status())).forEach(e -> redis.publish(m.name(), text(e)));
            }
            long after = last.isPresent() ? last.getAsLong() : source.start() - 1;
            warmUp(m, predictor, window, lead, after + 1, version);
            String end = "finished";
            long wallStart = System.nanoTime();
            int done = 0;
            feed:
            while (!source.finished()) {
                if (stopAsked()) {
                    end = "stopped";
                    break;
                }
                for (long bar : source.next(after)) {
                    if (stopAsked()) {
                        end = "stopped";
                        break feed;
                    }
                    if (pace(wallStart, done++)) {
                        end = "stopped";
                        break feed;
                    }
                    bar(bar);
                    after = bar;
                }
            }
            journal.ended(m.name(), end, end.equals("stopped") ? "stopped on request"
                    : "the feed ended after " + Instant.ofEpochMilli(after));
            out.accept(String.format("%s: %s; %d predicted, %d without a prediction, %d never given by the feed "
                    + "(journaled as missing), %d outcomes matched and %d "
                    + "pivots confirmed this run%s; serving version %d; latency from the bar's close to its "
                    + "prediction (features and model, before the journal commit) p50 %d us, p99 %d us", m.name(), end,
                    predicted, skipped, missing, matched, pivots, tuner == null ? "" : ", " + made + " fine-tuned versions",
                    version, percentile(latencies, 50), percentile(latencies, 99)));
            return new Outcome(m.name(), version, predicted, skipped, last.orElse(Long.MIN_VALUE), matched, made, end,
                    missing);
        }

        /**
         * Waits until a replay at {@code --speed} is due to show bar number {@code done}, in slices of at most 200 ms
         * between which a stop is heard; true when one was asked for.
         */
        private boolean pace(long wallStart, int done) {
            if (o.speed() <= 0) {
                return false;
            }
            long due = wallStart + (long) (done * baseMs * 1_000_000L / o.speed());
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                if (stopAsked()) {
                    return true;
                }
                try {
                    Thread.sleep(Math.min(200, Math.max(1, wait / 1_000_000L)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            return false;
        }

        /**
         * At most once a second: the heartbeat (true when a stop was asked for) and the served version, swapped
         * between two bars when {@code atlas live rollback} chose another.
         */
        private boolean stopAsked() {
            if (System.currentTimeMillis() - lastBeat < 1000) {
                return false;
            }
            lastBeat = System.currentTimeMillis();
            if (journal.heartbeat(m.name())) {
                return true;
            }
            serveActive();
            return false;
        }

        /** Loads the active version if it is not the one served ({@code atlas live rollback}). */
        private void serveActive() {
            LiveJournal.Version now = journal.active(m.name()).orElseThrow();
            if (now.version() != version) {
                io.atlasj.trainer.model.Predictor old = predictor;
                predictor = m.predictor(Path.of(now.file()), now.sha256(), o.fineTune() != null && now.parent() != null);
                old.close();
                version = now.version();
                out.accept(m.name() + ": now serving version " + version + " (" + now.source() + ")");
            }
        }

        /** A completed base bar: outcomes and pivots it settles, fine-tuning, its prediction, published. */
        private void bar(long bar) {
            long close = bar + baseMs;
            window.advanceTo(close);
            int settled = matchOutcomes(m, journal, window, close);
            matched += settled;
            List<Pivots.Pivot> confirmed = Pivots.confirmedAt(m, window, bar);
            for (Pivots.Pivot pv : confirmed) {
                journal.pivot(m.name(), pv);
                pivots++;
            }
            int decided = matchSwings(m, journal, window, bar, confirmed);
            matched += decided;
            settled += decided;
            if (tuner != null) {
                tuner.matched(settled);
                int diverged = tuner.diverged();
                LiveJournal.Version tuned = tuner.step(predictor, version);
                if (tuner.diverged() > diverged) {
                    out.accept(m.name() + ": fine-tuning at " + java.time.Instant.ofEpochMilli(bar) + " gave up: the "
                            + "loss was not finite (lower --fine-tune-lr?); no version made, the frames wait for the "
                            + "next step");
                }
                if (tuned != null) {
                    version = tuned.version();
                    made++;
                } else if (tuner.refused()) {
                    serveActive(); // a rollback came while the step ran: its version is served, not the tuned one
                }
            }
            LiveJournal.Entry e = predict(m, predictor, window, lead, bar, version, rows);
            // the base bars the feed never gave since the last one handled, recorded as one run with this bar's entry
            LiveJournal.Missing gap = null;
            long absent = handled == Long.MIN_VALUE ? 0 : (bar - handled) / baseMs - 1;
            if (absent > 0) {
                gap = new LiveJournal.Missing(m.name(), handled + baseMs, handled + absent * baseMs, absent,
                        source.missingWhy(), System.currentTimeMillis());
                missing += absent;
            }
            handled = bar;
            journal.record(e, e.status().equals("ok") ? new LiveJournal.Frame(m.name(), bar, version,
                    m.featureset().baseMarket().toString(), m.baseTimeframe().label(), bar - lead, close,
                    e.predicted(), e.confidence(), m.targetTime(bar), null, null) : null, gap);
            String json = text(e);
            if (e.status().equals("ok")) {
                predicted++;
                latencies.add(e.latencyMicros());
                if (redis != null) {
                    redis.publish(m.name(), json);
                }
            } else {
                skipped++;
            }
            if (http != null) {
                http.event("prediction", json);
            }
            synchronized (state) {
                state.put("lastBar", Instant.ofEpochMilli(bar).toString());
                if (!(o.feed() instanceof FeedSpec.Replay)) {
                    // from the bar's close to its journal entry: the feed's delay and the runner's work
                    state.put("feedLagMs", e.writtenAt() - close);
                }
                state.put("predicted", predicted);
                state.put("skipped", skipped);
                state.put("missing", missing);
                state.put("matched", matched);
                state.put("version", version);
                state.put("pivots", pivots);
            }
        }

        void close() {
            predictor.close();
            if (http != null) {
                http.close();
            }
            if (redis != null) {
                redis.close();
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
        Map<Long, double[]> rows = new java.util.HashMap<>(); // a windowed model's rows, computed once each
        for (int i = WARM_UP_BARS; i >= 1; i--) {
            long t = first - i * bar;
            window.advanceTo(t + bar);
            predict(m, predictor, window, lead, t, version, rows);
        }
        window.advanceTo(saved);
    }

    /** The prediction of bar {@code bar}, or the reason there is none. */
    static LiveJournal.Entry predict(LiveModel m, Predictor predictor, BarWindow window, long lead, long bar,
                                     int version) {
        return predict(m, predictor, window, lead, bar, version, new java.util.HashMap<>());
    }

    /**
     * As above, with the scaled rows of earlier bars kept in {@code rows} (by bar time) for a model that reads a window
     * of them: the adjacent bars before this one that have every feature, as training's windows are made; a row not
     * kept yet is computed now, as it was at its own bar.
     */
    static LiveJournal.Entry predict(LiveModel m, Predictor predictor, BarWindow window, long lead, long bar,
                                     int version, Map<Long, double[]> rows) {
        long t0 = System.nanoTime();
        long baseMs = m.baseTimeframe().millis();
        double[] row;
        try {
            row = features(m, window, lead, bar);
        } catch (IllegalArgumentException e) {
            return skipped(m, bar, version, e.getMessage(), t0);
        }
        if (row == null) {
            return skipped(m, bar, version, "a feature has no value at this bar (its warm-up after a gap in the bars)",
                    t0);
        }
        double[] scaled = m.scale(row);
        double[] y;
        if (predictor.window() == 1) {
            y = predictor.predict(scaled);
        } else {
            rows.put(bar, scaled);
            rows.keySet().removeIf(t -> t <= bar - predictor.window() * baseMs);
            Window w = window(m, window, lead, bar, predictor.window(), rows);
            y = predictor.predict(w.times(), w.rows(), baseMs);
        }
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

    /** The scaled rows of a window's bars that have one, ascending, the last bar's last when it has one. */
    record Window(long[] times, double[][] rows) {
    }

    /**
     * The window of {@code size} bars ending at {@code bar}: the scaled row of each bar that has every feature (a bar
     * absent, or without a value, is left out, as training's windows were made), each read over {@code lead} of
     * history. Rows are taken from {@code rows} (by bar time; null: none there) or computed now and kept there.
     *
     * <p>A row the matrix training read did not hold is left out too: the batch build keeps a row only where every
     * label has a value, so a bar filled under {@code gaps: fill-flat} (labels are computed on real bars only), or a
     * real bar whose labels' horizon ({@link LiveModel#rowHorizon}) reaches a missing or filled bar, has no row there.
     * For the bars whose horizon ends after {@code bar}, the bars up to {@code bar} decide (the bar predicted has its
     * label in training, so the ones after it are real). Where the base market's bars do not tell (a label on another
     * market), no bar is left out.
     */
    static Window window(LiveModel m, BarWindow window, long lead, long bar, int size, Map<Long, double[]> rows) {
        long baseMs = m.baseTimeframe().millis();
        List<Long> times = new ArrayList<>();
        List<double[]> w = new ArrayList<>();
        // which of the window's bars (i: bar - (size - 1 - i) bars) are real (present, not filled), and how many before
        // each are not: a bar with a non-real one within its horizon has no row in training's matrix
        int horizon = size > 1 ? m.rowHorizon() : -1;
        int[] notReal = null;
        if (horizon >= 0) {
            boolean[] real = new boolean[size];
            io.atlasj.marketdata.CandleSeries c = io.atlasj.features.eval.SeriesSource.withPrices(window,
                    m.featureset().prices()).candles(m.featureset().baseMarket(), m.baseTimeframe(),
                    bar - (size - 1L) * baseMs, bar + baseMs);
            for (int i = 0; i < c.size(); i++) {
                long off = (c.openTime(i) - (bar - (size - 1L) * baseMs)) / baseMs;
                if (off >= 0 && off < size && c.sources()[i] != io.atlasj.marketdata.CandleSource.FILLED.code()) {
                    real[(int) off] = true;
                }
            }
            notReal = new int[size + 1];
            for (int i = 0; i < size; i++) {
                notReal[i + 1] = notReal[i] + (real[i] ? 0 : 1);
            }
        }
        for (int k = size - 1; k >= 0; k--) {
            long t = bar - k * baseMs;
            int i = size - 1 - k;
            // the bar predicted keeps its own row whatever it is (a filled bar the warm-up predicts has no other)
            if (notReal != null && k > 0 && notReal[Math.min(i + horizon, size - 1) + 1] - notReal[i] > 0) {
                continue;
            }
            double[] r = rows.get(t);
            if (r == null && !rows.containsKey(t)) {
                try {
                    double[] raw = features(m, window, lead, t);
                    r = raw == null ? null : m.scale(raw);
                } catch (IllegalArgumentException e) {
                    r = null; // no bar there
                }
                rows.put(t, r); // kept even when absent: it is not computed again
            }
            if (r != null) {
                times.add(t);
                w.add(r);
            }
        }
        return new Window(times.stream().mapToLong(Long::longValue).toArray(), w.toArray(new double[0][]));
    }


    /**
     * The feature row of bar {@code bar}, computed by the batch build's code over {@code lead} of history; null when a
     * feature has no value there.
     *
     * @throws IllegalArgumentException when the window lacks the bars (e.g. the bar has not closed yet)
     */
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
        io.atlasj.features.set.FeatureLabelSet own = ownLabel(m);
        for (LiveJournal.Frame f : due) {
            journal.match(m.name(), f.barTime(), outcome(m, own, window, f.barTime()), System.currentTimeMillis());
        }
        return due.size();
    }

    /**
     * For a model that learned {@code NextSwing(n, L)}: a level-L swing confirmed at the close of {@code bar} decides
     * the label of the frames before it whose horizon reaches its confirmation, so they are matched now, before their
     * target time, and fine-tuning learns from them as the swing confirms. What decides is the same batch label
     * computed over the bars now visible (a frame it cannot decide yet, say one whose first swing came earlier and was
     * missed, waits for its target time as any other).
     */
    static int matchSwings(LiveModel m, LiveJournal journal, BarWindow window, long bar, List<Pivots.Pivot> confirmed) {
        if (!m.label().kind().equals("NextSwing")) {
            return 0;
        }
        int n = m.label().horizon();
        int level = (int) Math.round(m.label().params().get(1));
        long ms = m.baseTimeframe().millis();
        long close = bar + ms;
        io.atlasj.features.set.FeatureLabelSet own = null;
        int settled = 0;
        for (Pivots.Pivot p : confirmed) {
            if (p.level() != level) {
                continue;
            }
            // frames at t < the swing's bar with t + n bars >= its confirming bar, not matched yet
            for (LiveJournal.Frame f : journal.frames(m.name(), bar - n * ms, p.barTime())) {
                if (f.matchedAt() != null || f.targetTime() <= close) {
                    continue; // matched, or due now anyway
                }
                own = own == null ? ownLabel(m) : own;
                double outcome = outcome(m, own, window, f.barTime());
                if (!Double.isNaN(outcome)) {
                    journal.match(m.name(), f.barTime(), outcome, System.currentTimeMillis());
                    settled++;
                }
            }
        }
        return settled;
    }

    /** The featureset with the model's label only: another label with a longer horizon is not due yet. */
    private static io.atlasj.features.set.FeatureLabelSet ownLabel(LiveModel m) {
        return m.featureset().withLabels(List.of(m.label()));
    }

    /** The outcome of the frame at {@code barTime} by the batch build over the visible bars; NaN: not known. */
    private static double outcome(LiveModel m, io.atlasj.features.set.FeatureLabelSet own, BarWindow window,
                                  long barTime) {
        try {
            FeatureMatrix fm = new FeatureSetBuilder(window).build(own, barTime, barTime + m.baseTimeframe().millis());
            if (fm.rows() == 1) {
                return m.outcome(fm.labels()[0][0]);
            }
        } catch (IllegalArgumentException e) {
            LOG.debug("no outcome for {} at {}: {}", m.name(), barTime, e.getMessage());
        }
        return Double.NaN;
    }


    /** The p-th percentile (nearest rank) of {@code v}; 0 when empty. */
    public static long percentile(List<Long> v, int p) {
        if (v.isEmpty()) {
            return 0;
        }
        long[] s = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    /** An entry as JSON fields (HTTP, SSE and Redis). */
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
