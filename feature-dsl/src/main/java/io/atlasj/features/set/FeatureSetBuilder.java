package io.atlasj.features.set;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Label;
import io.atlasj.features.eval.Column;
import io.atlasj.features.eval.Evaluator;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.resample.Resampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link FeatureLabelSet} over a time range into a {@link FeatureMatrix}: one row per base bar (per real
 * base bar, and under {@link GapPolicy#FILL_FLAT} per filled one too) that has every feature and label.
 */
public final class FeatureSetBuilder {
    private final SeriesSource source;

    public FeatureSetBuilder(SeriesSource source) {
        this.source = source;
    }

    /** The set with every market and timeframe made exact, as the build will use it. */
    public Resolved resolve(FeatureLabelSet set) {
        MarketResolver r = new MarketResolver(set.baseMarket(), set.baseTimeframe(), set.defaultExchange(),
                set.defaultQuote(), source.markets());
        List<Feature> features = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Feature f : set.features()) {
            Feature x = r.resolve(f);
            if (!ids.add(x.id())) {
                throw new IllegalArgumentException("featureset " + set.name() + ": " + f.id() + " is the same column as "
                        + "another feature once resolved (" + x.id() + ")");
            }
            features.add(x);
        }
        List<Label> labels = new ArrayList<>();
        for (Label l : set.labels()) {
            Label x = r.resolve(l);
            Timeframe tf = x.feature() != null ? leafTimeframe(x.feature()) : x.timeframe();
            if (tf != set.baseTimeframe()) {
                throw new IllegalArgumentException("featureset " + set.name() + ": label " + l.id() + " is on " + tf
                        + " bars but the set's rows are " + set.baseTimeframe() + " bars; a label must be on the base"
                        + " timeframe");
            }
            labels.add(x);
        }
        return new Resolved(set, features, labels);
    }

    /** A set whose features and labels all name exact markets and timeframes. */
    public record Resolved(FeatureLabelSet set, List<Feature> features, List<Label> labels) {
        public Resolved {
            features = List.copyOf(features);
            labels = List.copyOf(labels);
        }

        /**
         * The stored series the build reads, base series first. Under {@code prices: mid} candles are read from quote
         * bars, so every series is quote bars.
         */
        public Set<Need> needs() {
            Set<Need> out = new java.util.LinkedHashSet<>();
            out.add(new Need(set.baseMarket(), set.baseTimeframe(), false));
            for (Feature f : features) {
                collect(f, out);
            }
            for (Label l : labels) {
                if (l.feature() != null) {
                    collect(l.feature(), out);
                } else {
                    out.add(new Need(new Market(l.market().exchange(), l.market().symbol()), l.timeframe(), false));
                }
            }
            if (set.prices() == io.atlasj.features.eval.PriceBasis.MID) {
                Set<Need> quotes = new java.util.LinkedHashSet<>();
                out.forEach(n -> quotes.add(new Need(n.market(), n.timeframe(), true)));
                return quotes;
            }
            return out;
        }

        private static void collect(Feature f, Set<Need> out) {
            if (f.isLeaf()) {
                if (f.definition().need() != FeatureKind.Need.NONE) {
                    out.add(new Need(new Market(f.market().exchange(), f.market().symbol()), f.timeframe(),
                            f.definition().need() == FeatureKind.Need.QUOTES));
                }
                return;
            }
            f.inputs().forEach(in -> collect(in, out));
        }
    }

    /** One stored series a build reads: candles, or quote bars when {@code quotes}. */
    public record Need(Market market, Timeframe timeframe, boolean quotes) {
        /** The series' identity in cache keys and data fingerprints: {@code bitstamp:btc_usd 5m candles}. */
        public String canonical() {
            return market.exchange() + ":" + market.symbol() + " " + timeframe.label() + " "
                    + (quotes ? "quotes" : "candles");
        }

        @Override
        public String toString() {
            return (quotes ? "quote bars" : "candles") + " of " + market + " at " + timeframe;
        }
    }

    /**
     * {@code "<series> <fingerprint>"} of every series a build of {@code r} reads ({@link Need#canonical()} and the
     * source's fingerprint, e.g. {@code bitstamp:btc_usd 5m candles 3f2a9c01:4}), base series first; empty when the
     * source cannot fingerprint its data.
     */
    public List<String> dataFingerprint(Resolved r) {
        List<String> out = new ArrayList<>();
        for (Need n : r.needs()) {
            String fp = source.fingerprint(n.market(), n.timeframe(), n.quotes());
            if (fp == null) {
                return List.of();
            }
            out.add(n.canonical() + " " + fp);
        }
        return List.copyOf(out);
    }

    /** A build's result and whether it came from the cache. */
    public record Built(FeatureMatrix matrix, boolean cacheHit, java.util.Optional<java.nio.file.Path> file) {
    }

    /**
     * Builds the set, or reads it from {@code cache} when the same set was built over the same range from the same
     * data before; a fresh build is stored in the cache.
     */
    public Built build(FeatureLabelSet set, long from, long to, FeaturesetCache cache) {
        from = clampFrom(from);
        to = clampTo(to);
        Resolved r = resolve(set);
        java.util.Optional<String> key = cache.key(r, from, to, source);
        if (key.isPresent()) {
            java.util.Optional<FeatureMatrix> hit = cache.get(key.get());
            if (hit.isPresent()) {
                return new Built(hit.get(), true, java.util.Optional.of(cache.file(key.get())));
            }
        }
        FeatureMatrix m = build(set, from, to);
        java.util.Optional<java.nio.file.Path> file = key.map(k -> cache.put(k, m));
        return new Built(m, false, file);
    }

    /**
     * Where the sets of a {@link #buildAll} that the cache lacks are built: on this machine's threads
     * ({@link #threads}) or elsewhere (the Spark engine, {@code io.atlasj.features.spark}). Either way each set is built
     * by {@link #build(FeatureLabelSet, long, long)}'s code over the same bars, so the engines agree bit for bit.
     */
    public interface Engine {
        /**
         * Builds each set over {@code [from, to)} (already clamped) and hands it to {@code done} with its index in
         * {@code sets} as soon as it is built, in any order and from any thread, possibly from several at once (the
         * local engine hands each set over on the thread that built it, so that writing one matrix into the cache
         * does not wait for another's), so that a caller need not hold every matrix at once; returns when every set
         * was handed over. The first failure, in the order of the sets, is thrown once the builds have ended.
         */
        void build(List<FeatureLabelSet> sets, long from, long to, java.util.function.ObjIntConsumer<FeatureMatrix> done);

        /** Every set's matrix, in the order of {@code sets} (all held at once). */
        default List<FeatureMatrix> build(List<FeatureLabelSet> sets, long from, long to) {
            FeatureMatrix[] out = new FeatureMatrix[sets.size()];
            build(sets, from, to, (m, i) -> out[i] = m);
            return List.of(out);
        }
    }

    /**
     * Builds several sets, {@code threads} at a time, each as {@link #build(FeatureLabelSet, long, long,
     * FeaturesetCache)} does: a set's build is one task with its own evaluator, so builds share nothing but the source
     * (whose reads take turns, {@link SeriesSource#of}) and the cache (one file per set and data).
     *
     * @param cache where built matrices are kept and found again; null: none (every set is built)
     */
    public List<Built> buildAll(List<FeatureLabelSet> sets, long from, long to, FeaturesetCache cache, int threads) {
        return buildAll(sets, from, to, cache, threads(threads));
    }

    /**
     * Builds several sets: those the cache holds are read from it, the others are built by {@code engine} and stored
     * in the cache. The results are in the order of {@code sets}.
     *
     * @param cache where built matrices are kept and found again; null: none (every set is built)
     */
    public List<Built> buildAll(List<FeatureLabelSet> sets, long from, long to, FeaturesetCache cache, Engine engine) {
        Built[] out = new Built[sets.size()];
        buildEach(sets, from, to, cache, engine, (b, i) -> out[i] = b);
        return List.of(out);
    }

    /**
     * As {@link #buildAll}, handing each set's result to {@code each} with its index as soon as it is read from the
     * cache or built and stored there, one at a time, and keeping none: a build over many markets holds a few
     * matrices at once, not all of them.
     */
    public void buildEach(List<FeatureLabelSet> sets, long from, long to, FeaturesetCache cache, Engine engine,
                          java.util.function.ObjIntConsumer<Built> each) {
        long f = clampFrom(from);
        long t = clampTo(to);
        List<Integer> todo = new ArrayList<>();
        List<java.util.Optional<String>> keys = new ArrayList<>();
        List<Resolved> resolved = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            Resolved r = resolve(sets.get(i));
            resolved.add(r);
            java.util.Optional<String> key = cache == null ? java.util.Optional.empty() : cache.key(r, f, t, source);
            keys.add(key);
            java.util.Optional<FeatureMatrix> hit = cache == null ? java.util.Optional.empty() : key.flatMap(cache::get);
            if (hit.isPresent()) {
                each.accept(new Built(hit.get(), true, java.util.Optional.of(cache.file(key.get()))), i);
            } else {
                todo.add(i);
            }
        }
        if (!todo.isEmpty()) {
            boolean[] handed = new boolean[todo.size()];
            Object handing = new Object();
            engine.build(todo.stream().map(sets::get).toList(), f, t, (m, j) -> {
                int i = todo.get(j);
                List<String> ids = resolved.get(i).features().stream().map(Feature::id).toList();
                synchronized (handing) {
                    if (handed[j] || !m.featureIds().equals(ids)) {
                        throw new IllegalStateException("the engine built the columns " + m.featureIds() + " for "
                                + sets.get(i).name() + ", expected " + ids + (handed[j] ? ", twice" : ""));
                    }
                    handed[j] = true;
                }
                // written into the cache on the engine's thread, beside other sets' writes; handed on one at a time
                java.util.Optional<java.nio.file.Path> file = keys.get(i).map(k -> cache.put(k, m));
                synchronized (handing) {
                    each.accept(new Built(m, false, file), i);
                }
            });
            for (int j = 0; j < handed.length; j++) {
                if (!handed[j]) {
                    throw new IllegalStateException("the engine did not build " + sets.get(todo.get(j)).name());
                }
            }
        }
    }

    /**
     * This machine's engine: {@code threads} sets at a time, each one task with its own evaluator; the first failure,
     * in the order of the sets, is thrown once every build has ended.
     */
    public Engine threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return (sets, from, to, done) -> {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    Math.min(threads, Math.max(1, sets.size())), r -> {
                        Thread th = new Thread(r, "atlas-build-" + n.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
            try {
                // each set handed over by the thread that built it, as soon as it is built: at most 'threads'
                // matrices are held here
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < sets.size(); i++) {
                    FeatureLabelSet set = sets.get(i);
                    int index = i;
                    futures.add(pool.submit(() -> done.accept(build(set, from, to), index)));
                }
                RuntimeException first = null;
                for (java.util.concurrent.Future<?> fu : futures) {
                    try {
                        fu.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (first == null) {
                            first = e.getCause() instanceof RuntimeException re ? re
                                    : new IllegalStateException(e.getCause().getMessage(), e.getCause());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while building", e);
                    }
                }
                if (first != null) {
                    throw first;
                }
            } finally {
                pool.shutdownNow();
            }
        };
    }

    /**
     * Builds {@code set} over rows with {@code from <= open time < to}; {@link Long#MIN_VALUE} and
     * {@link Long#MAX_VALUE} mean "all data".
     */
    public FeatureMatrix build(FeatureLabelSet set, long from, long to) {
        from = clampFrom(from);
        to = clampTo(to);
        Resolved r = resolve(set);
        return build(set, r, from, to, dataFrom(r, from), true);
    }

    /** Where a build of {@code r} from {@code from} starts reading: its reach (and a day) before, or the first bar. */
    private static long dataFrom(Resolved r, long from) {
        long reach = reachMillis(r);
        return reach >= Evaluator.UNBOUNDED ? clampFrom(Long.MIN_VALUE)
                : Math.max(clampFrom(Long.MIN_VALUE), from - reach - Timeframe.D1.millis());
    }

    /**
     * How far before its first row a build of {@code r} reads, so that every row is bit for bit the row of a build
     * over all the data ({@link Evaluator#reachMillis(Feature)} of each feature and label, with a bar of its home
     * timeline), or {@link Evaluator#UNBOUNDED}: for a kind whose value depends on where reading began
     * ({@code OBVCumulative}), under {@code gaps: bridge} (whose windows run across gaps of any length) and under
     * {@code gaps: fill-flat} without a {@code fillLimit} (a gap that begins before the read is filled from the bar
     * before it); with a limit, that much more is read.
     */
    public static long reachMillis(Resolved r) {
        GapPolicy gaps = r.set().gaps();
        if (gaps == GapPolicy.BRIDGE || gaps == GapPolicy.FILL_FLAT && r.set().fillLimit() == null) {
            return Evaluator.UNBOUNDED;
        }
        long reach = 0;
        for (Feature f : r.features()) {
            reach = Math.max(reach, Evaluator.reachMillis(f) + Evaluator.homeMillis(f));
        }
        for (Label l : r.labels()) {
            reach = Math.max(reach, Evaluator.reachMillis(l));
        }
        if (reach >= Evaluator.UNBOUNDED) {
            return Evaluator.UNBOUNDED;
        }
        return gaps == GapPolicy.FILL_FLAT ? Math.min(Evaluator.UNBOUNDED, reach + Math.min(Evaluator.UNBOUNDED,
                r.set().fillLimit().toMillis())) : reach;
    }

    /**
     * The history a build of {@code r} reads before its first row: the longest warm-up of its features (and of the
     * features its labels look forward on), each with one bar of its home timeline.
     */
    public static long warmupMillis(Resolved r) {
        long warm = 0;
        for (Feature f : r.features()) {
            warm = Math.max(warm, Evaluator.warmupMillis(f) + Evaluator.homeMillis(f));
        }
        for (Label l : r.labels()) {
            if (l.feature() != null) {
                warm = Math.max(warm, Evaluator.warmupMillis(l.feature()) + Evaluator.homeMillis(l.feature()));
            }
        }
        return warm;
    }

    /**
     * The feature rows of {@code set} (no labels: they lie in the future) with {@code from <= open time < to}, each
     * evaluated by exactly the code of {@link #build(FeatureLabelSet, long, long)}, reading bars from
     * {@code from - leadMillis} on: what a live runner computes at the newest bar. With {@code leadMillis} at least
     * {@link #reachMillis(Resolved)} every row is a batch build's bit for bit; with at least
     * {@link #warmupMillis(Resolved)} (a set of unbounded reach) every value is defined as in a batch build, and
     * windows and recursions that start later than a batch build's agree with it once they have run for their warm-up.
     * Rows where a feature has no value are left out.
     */
    public FeatureMatrix features(FeatureLabelSet set, long from, long to, long leadMillis) {
        Resolved r = resolve(set);
        if (leadMillis < warmupMillis(r)) {
            throw new IllegalArgumentException("featureset " + set.name() + " needs " + warmupMillis(r)
                    + " ms of history before a row, not " + leadMillis);
        }
        return build(set, r, from, to, from - leadMillis, false);
    }

    /**
     * One time partition of a build ({@link io.atlasj.features.spark.SparkEngine}): as
     * {@link #build(FeatureLabelSet, long, long)} over {@code [from, to)}, reading its reach before {@code from}, and an
     * empty matrix when the base has no bar in the partition and no fill limit fills one from before it (a stretch the
     * data skips; {@link #joined} refuses a
     * range whose partitions are all empty, as a build does). The partitions of a range, joined in order, are the
     * build of the whole range bit for bit, when the set's reach is bounded.
     */
    public FeatureMatrix buildPartition(FeatureLabelSet set, long from, long to) {
        from = clampFrom(from);
        to = clampTo(to);
        Resolved r = resolve(set);
        long dataFrom = dataFrom(r, from);
        SeriesSource priced = SeriesSource.withPrices(source, set.prices());
        boolean empty = priced.candles(set.baseMarket(), set.baseTimeframe(), from, to).isEmpty();
        if (empty && set.gaps() == GapPolicy.FILL_FLAT && set.fillLimit() != null) {
            // a gap that began within the limit before the partition fills its first bars, as in a build of the whole
            empty = realBars(priced.candles(set.baseMarket(), set.baseTimeframe(), Math.max(clampFrom(Long.MIN_VALUE),
                    from - Math.min(Long.MAX_VALUE / 8, set.fillLimit().toMillis())), from)).length == 0;
        }
        if (empty) {
            List<Long> none = new ArrayList<>();
            r.features().forEach(f -> none.add(0L));
            r.labels().forEach(l -> none.add(0L));
            double[][] noFeatures = new double[r.features().size()][0];
            double[][] noLabels = new double[r.labels().size()][0];
            return new FeatureMatrix(set.name(), new long[0], r.features().stream().map(Feature::id).toList(),
                    noFeatures, r.labels().stream().map(Label::id).toList(), noLabels,
                    new FeatureMatrix.BuildReport(0, 0, 0, none, dataFrom, from, to, 0), dataFingerprint(r));
        }
        return build(set, r, from, to, dataFrom, true);
    }

    /**
     * The partitions of one build ({@link #buildPartition}, in time order, each range beginning where the one before
     * ended) as one matrix: rows and columns one after the other, the report's counts summed, its range from the first
     * to the last, and its hint made again for the whole (from the base bars, read once more only when a hint is due).
     */
    public FeatureMatrix joined(FeatureLabelSet set, List<FeatureMatrix> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no partitions to join");
        }
        if (parts.stream().allMatch(m -> m.report().baseBars() == 0)) { // as a build of the whole range would say
            throw noBase(set, parts.get(0).report().from(), parts.get(parts.size() - 1).report().to());
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        FeatureMatrix first = parts.get(0);
        int rows = 0;
        long baseBars = 0;
        long droppedFeatures = 0;
        long droppedLabels = 0;
        long millis = 0;
        long filledBars = 0;
        long filledRows = 0;
        long[] missing = new long[first.report().missing().size()];
        long end = first.report().from();
        for (FeatureMatrix m : parts) {
            FeatureMatrix.BuildReport rep = m.report();
            if (rep.from() != end || !m.featureIds().equals(first.featureIds())
                    || !m.labelIds().equals(first.labelIds())) {
                throw new IllegalArgumentException("partitions of " + set.name() + " that do not follow each other");
            }
            end = rep.to();
            rows += m.rows();
            baseBars += rep.baseBars();
            droppedFeatures += rep.droppedFeatures();
            droppedLabels += rep.droppedLabels();
            millis += rep.millis();
            filledBars += rep.filledBars();
            filledRows += rep.filledRows();
            for (int c = 0; c < missing.length; c++) {
                missing[c] += rep.missing().get(c);
            }
        }
        long[] time = new long[rows];
        double[][] features = new double[first.features().length][rows];
        double[][] labels = new double[first.labels().length][rows];
        int at = 0;
        for (FeatureMatrix m : parts) {
            System.arraycopy(m.time(), 0, time, at, m.rows());
            for (int c = 0; c < features.length; c++) {
                System.arraycopy(m.features()[c], 0, features[c], at, m.rows());
            }
            for (int c = 0; c < labels.length; c++) {
                System.arraycopy(m.labels()[c], 0, labels[c], at, m.rows());
            }
            at += m.rows();
        }
        FeatureMatrix.BuildReport report = new FeatureMatrix.BuildReport(baseBars, droppedFeatures, droppedLabels,
                java.util.Arrays.stream(missing).boxed().toList(), first.report().dataFrom(), first.report().from(),
                end, millis, null, filledBars, filledRows);
        if (rows * 2L < baseBars) {
            Resolved r = resolve(set);
            long[] realTime = realBars(SeriesSource.withPrices(source, set.prices()).candles(set.baseMarket(),
                    set.baseTimeframe(), report.from(), report.to()));
            report = report.withHint(sparse(set, realTime, report, rows, warmupMillis(r), first.featureIds()));
        }
        return new FeatureMatrix(set.name(), time, first.featureIds(), features, first.labelIds(), labels, report,
                first.dataFingerprint());
    }

    private FeatureMatrix build(FeatureLabelSet set, Resolved r, long from, long to, long dataFrom, boolean withLabels) {
        long t0 = System.nanoTime();
        List<String> fingerprint = withLabels ? dataFingerprint(r) : List.of(); // before reading: an import meanwhile
        long warm = warmupMillis(r);                                              // shows as a later version
        long horizon = 0;
        for (Label l : r.labels()) {
            if (l.feature() != null) {
                horizon = Math.max(horizon, (l.horizon() + 1L) * Evaluator.homeMillis(l.feature()));
            }
        }
        String owner = "featureset " + set.name();
        // how far past 'to' the labels read: their evaluator's range ends at to + horizon, and a label of a kind reads
        // its horizon's bars past that
        long kindReach = 0;
        for (Label l : r.labels()) {
            if (l.feature() == null && l.timeframe() != null) {
                kindReach = Math.max(kindReach, (l.horizon() + 1L) * l.timeframe().millis());
            }
        }
        long reach = horizon + kindReach;
        // the candles every read sees; the base, the features and the labels share one read of each series
        SeriesSource source = SeriesSource.withPrices(SeriesSource.shared(this.source, dataFrom, to + reach),
                set.prices());
        CandleSeries base = source.candles(set.baseMarket(), set.baseTimeframe(), from, to);
        long[] realTime = realBars(base);
        long baseMs = set.baseTimeframe().millis();
        boolean fill = set.gaps() == GapPolicy.FILL_FLAT;
        // Under a fill limit a build without an end ends with its base's last real bar: the bars filled after a
        // series' last real bar stop there, not in a future the data has not reached (the features read nothing after
        // it, and a row's values never depend on later bars)
        long end = !fill || set.fillLimit() == null || to < Long.MAX_VALUE / 8 ? to
                : realTime.length > 0 ? realTime[realTime.length - 1] + baseMs : from;
        long[] baseTime = realTime;
        boolean[] onFilled = new boolean[realTime.length];
        if (fill) {
            // the base bars with their gaps filled the way the features' series are (from the real bars before the
            // range too, so that a gap across its start is filled like any other; nothing after the end decides)
            CandleSeries full = Resampler.withGapsFilled(source.candles(set.baseMarket(), set.baseTimeframe(), dataFrom,
                    end), set.fillLimitMillis(), end).between(from, end);
            baseTime = full.openTimes();
            onFilled = new boolean[baseTime.length];
            for (int i = 0; i < onFilled.length; i++) {
                onFilled[i] = full.sources()[i] == CandleSource.FILLED.code();
            }
        }
        // a range without a bar of the base fails, unless a fill limit fills its first bars from a real bar before it
        if (base.isEmpty() && baseTime.length == 0) {
            throw noBase(set, from, to);
        }
        long filledBars = count(onFilled);
        // each evaluator reads every series it needs once and names any the store lacks
        Evaluator ev = new Evaluator(source, set.gaps(), set.fillLimit(), dataFrom, end, owner);
        int n = baseTime.length;
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
        List<Long> missing = new ArrayList<>();
        double[][] feats = new double[r.features().size()][];
        // the columns on this machine's cores (the same values as one after the other), then placed in order
        Column[] columns = ev.evaluateAll(r.features(), Runtime.getRuntime().availableProcessors());
        // the base bars as the first column on them holds them: the columns sharing that timeline's array are then
        // recognised by identity, not compared bar by bar, one after the other
        for (Column col : columns) {
            if (col.barMillis() == baseMs && Arrays.equals(col.time(), baseTime)) {
                baseTime = col.time();
                break;
            }
        }
        for (int c = 0; c < feats.length; c++) {
            Feature f = r.features().get(c);
            feats[c] = onBase(columns[c], baseTime, baseMs, keep, missing);
            if (fill) {
                boolean[] read = ev.readsFilled(f, baseTime, baseMs);
                for (int i = 0; i < n; i++) {
                    onFilled[i] |= read[i];
                }
            }
        }
        long afterFeatures = count(keep);
        // Labels read past 'to' (their horizon); their own evaluator, so that no feature column ever could. Under
        // fill-flat it computes them on the real bars only.
        Evaluator labelEv = new Evaluator(source, set.gaps(), set.fillLimit(), dataFrom, to + horizon, owner);
        List<Label> labelList = withLabels ? r.labels() : List.of();
        double[][] labels = new double[labelList.size()][];
        for (int c = 0; c < labels.length; c++) {
            labels[c] = onBase(labelEv.evaluate(labelList.get(c)), baseTime, baseMs, keep, missing);
        }
        int rows = (int) count(keep);
        int[] runs = runs(keep);
        long[] time = compact(baseTime, runs, rows);
        double[][] f2 = new double[feats.length][];
        for (int c = 0; c < feats.length; c++) {
            f2[c] = compact(feats[c], runs, rows);
        }
        double[][] l2 = new double[labels.length][];
        for (int c = 0; c < labels.length; c++) {
            l2[c] = compact(labels[c], runs, rows);
        }
        long filledRows = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i] && onFilled[i]) {
                filledRows++;
            }
        }
        FeatureMatrix.BuildReport report = new FeatureMatrix.BuildReport(n, n - afterFeatures, afterFeatures - rows,
                missing, dataFrom, from, to, (System.nanoTime() - t0) / 1_000_000L, null, filledBars, filledRows);
        report = report.withHint(sparse(set, realTime, report, rows, warm, r.features().stream().map(Feature::id).toList()));
        return new FeatureMatrix(set.name(), time, r.features().stream().map(Feature::id).toList(), f2,
                labelList.stream().map(Label::id).toList(), l2, report, fingerprint);
    }

    /** The error of a build whose range holds no bar of the set's base. */
    private IllegalArgumentException noBase(FeatureLabelSet set, long from, long to) {
        SeriesSource source = SeriesSource.withPrices(this.source, set.prices());
        IllegalArgumentException e = Evaluator.missing("featureset " + set.name(), source.candlesName() + " of "
                + set.baseMarket() + " at " + set.baseTimeframe(), from, to, source);
        if (set.prices() == io.atlasj.features.eval.PriceBasis.TRADES && hasQuoteBars(set, from, to)) {
            return new IllegalArgumentException(e.getMessage() + "; it has quote bars of " + set.baseMarket()
                    + " there: write prices: mid in the featureset to build on their midpoints", e);
        }
        return e;
    }

    /** For the hint of a missing base: whether the source has quote bars of the base (a live window may refuse). */
    private boolean hasQuoteBars(FeatureLabelSet set, long from, long to) {
        try {
            return !source.quoteBars(set.baseMarket(), set.baseTimeframe(), from, to).isEmpty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return false; // a source that holds no quote bars of the market may say so by refusing the read
        }
    }

    /**
     * When a build keeps under half of its base bars: why (the longest stretch of real base bars without a gap against
     * the history the features need, or under {@code gaps: fill-flat} the labels that need real bars) and what to do;
     * null otherwise.
     *
     * @param realTime the real (not filled) base bars
     */
    static String sparse(FeatureLabelSet set, long[] realTime, FeatureMatrix.BuildReport report, int rows,
                         long warmMillis, List<String> featureIds) {
        long n = report.baseBars();
        if (n == 0 || rows * 2L >= n) {
            return null;
        }
        String worst = worstInput(report, featureIds, n);
        return worst == null ? sparseWhy(set, realTime, report, rows, warmMillis)
                : sparseWhy(set, realTime, report, rows, warmMillis) + "; " + worst;
    }

    /** The input with the most base bars without a value, when it lacks one on over half of them; else null. */
    private static String worstInput(FeatureMatrix.BuildReport report, List<String> featureIds, long n) {
        List<Long> missing = report.missing();
        int worst = -1;
        for (int i = 0; i < Math.min(missing.size(), featureIds.size()); i++) {
            worst = worst < 0 || missing.get(i) > missing.get(worst) ? i : worst;
        }
        if (worst < 0 || missing.get(worst) * 2 < n) {
            return null;
        }
        return "the input with the fewest values is " + featureIds.get(worst) + ", which has none on "
                + missing.get(worst) + " of the " + n + " base bars (a coarser input has a value only once one of its "
                + "bars has closed and its own history is complete)";
    }

    private static String sparseWhy(FeatureLabelSet set, long[] realTime, FeatureMatrix.BuildReport report, int rows,
                                    long warmMillis) {
        long n = report.baseBars();
        long baseMs = set.baseTimeframe().millis();
        int best = 0;
        int bestEnd = 0;
        int run = 0;
        for (int i = 0; i < realTime.length; i++) {
            run = i > 0 && realTime[i] - realTime[i - 1] == baseMs ? run + 1 : 1;
            if (run > best) {
                best = run;
                bestEnd = i;
            }
        }
        String stretch = best == 0 ? "no real bar in the range" : best + " bars ("
                + java.time.Instant.ofEpochMilli(realTime[bestEnd - best + 1]) + " to "
                + java.time.Instant.ofEpochMilli(realTime[bestEnd]) + ")";
        String kept = rows + " of " + n + " " + set.baseTimeframe() + " bars of " + set.baseMarket() + " kept";
        if (set.gaps() == GapPolicy.FILL_FLAT) {
            return kept + " under gaps: fill-flat (" + report.filledBars() + " of the bars filled flat"
                    + (set.fillLimit() == null ? "" : "; bars more than fillLimit " + io.atlasj.text.Durations.format(
                    set.fillLimit()) + " after the last real bar stay gaps, which no window may cross") + "): "
                    + report.droppedFeatures() + " rows had a feature without a value (its warm-up, or a gap in quote "
                    + "bars, which are not filled) and " + report.droppedLabels() + " had no label, because labels are "
                    + "computed on real bars only (a label needs its row's bar and every bar of its horizon to be real) "
                    + "and the longest stretch of real bars without a gap is " + stretch + "; use a coarser base "
                    + "timeframe, a shorter label horizon or more complete data";
        }
        long warmBars = (warmMillis + baseMs - 1) / baseMs;
        return kept + ": the data has gaps, its longest stretch without one is " + stretch + ", and the features "
                + "need about " + warmBars + " bars of history before a row"
                + (set.gaps() == GapPolicy.DROP ? " that no window may cross" : "")
                + "; use a coarser base timeframe, shorter windows, more complete data"
                + (set.gaps() != GapPolicy.DROP ? ""
                : set.prices() == io.atlasj.features.eval.PriceBasis.MID ? ", or gaps: bridge if the gaps are "
                + "harmless (weekends, closures; quote bars are never filled flat)"
                : ", gaps: fill-flat if the gaps are bars in which nothing traded "
                + "(features then read flat bars, counted in the report; labels stay on real bars), or gaps: bridge if "
                + "the gaps are harmless (weekends, closures)");
    }

    /**
     * A column placed on the base bars; rows where it has no (finite) value are no longer kept, and their count is
     * added to {@code missing}.
     */
    private static double[] onBase(Column col, long[] baseTime, long baseMs, boolean[] keep, List<Long> missing) {
        // read only (compacted into new arrays later): a column on the base bars already is used as it is, uncopied
        double[] v = Evaluator.onTimeline(col, baseTime, baseMs);
        long miss = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                keep[i] = false;
                miss++;
            }
        }
        missing.add(miss);
        return v;
    }

    private static long[] realBars(CandleSeries c) {
        long[] t = new long[c.size()];
        int n = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.sources()[i] != CandleSource.FILLED.code()) {
                t[n++] = c.openTime(i);
            }
        }
        return Arrays.copyOf(t, n);
    }

    /** Open ranges are clamped far inside the long range, so that warm-ups and horizons cannot overflow. */
    private static long clampFrom(long from) {
        return Math.max(from, Long.MIN_VALUE / 4);
    }

    private static long clampTo(long to) {
        return Math.min(to, Long.MAX_VALUE / 4);
    }

    /** The runs of kept rows, as start and end (exclusive) pairs in order. */
    static int[] runs(boolean[] keep) {
        int[] out = new int[8];
        int n = 0;
        int i = 0;
        while (i < keep.length) {
            while (i < keep.length && !keep[i]) {
                i++;
            }
            int s = i;
            while (i < keep.length && keep[i]) {
                i++;
            }
            if (i > s) {
                if (n + 2 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = s;
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The values of {@code x} at the kept rows, given as {@link #runs}: one block copy a run (a build keeps long runs:
     * it drops the warm-up and the bars a gap's warm-up leaves without a value).
     */
    static double[] compact(double[] x, int[] runs, int rows) {
        double[] out = new double[rows];
        copyRuns(x, out, runs, rows);
        return out;
    }

    /** The times at the kept rows, given as {@link #runs}, as {@link #compact(double[], int[], int)} copies values. */
    static long[] compact(long[] x, int[] runs, int rows) {
        long[] out = new long[rows];
        copyRuns(x, out, runs, rows);
        return out;
    }

    /** Copies the runs of array {@code from} one after another into {@code to}, of {@code rows} elements. */
    private static void copyRuns(Object from, Object to, int[] runs, int rows) {
        int j = 0;
        for (int r = 0; r < runs.length; r += 2) {
            int len = runs[r + 1] - runs[r];
            System.arraycopy(from, runs[r], to, j, len);
            j += len;
        }
        if (j != rows) {
            throw new IllegalStateException("kept " + j + " rows of " + rows);
        }
    }

    private static long count(boolean[] b) {
        long n = 0;
        for (boolean x : b) {
            if (x) {
                n++;
            }
        }
        return n;
    }

    private static Timeframe leafTimeframe(Feature f) {
        if (f.isLeaf()) {
            return f.timeframe();
        }
        for (Feature in : f.inputs()) {
            Timeframe t = leafTimeframe(in);
            if (t != null) {
                return t;
            }
        }
        return null;
    }
}
