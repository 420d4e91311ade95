package io.atlasj.features.spark;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.lake.Lake;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.EveryKind;
import io.atlasj.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine equals the local engine bit for bit: every kind of the library and labels over real LEAN Coinbase
 * minute trade and quote bars (two markets, features across timeframes and markets), the bundled Bitstamp trades over
 * several months of lake partitions, and one set over several markets in one Spark job; Spark's own Parquet reader
 * reads the lake as a table with the store's values. Spark runs embedded ({@code local[2]}), as {@code atlas features
 * build --engine spark} runs it by default.
 */
class SparkEngineIT {
    static final Market BTC = new Market("coinbase", "btcusd");
    static final Market ETH = new Market("coinbase", "ethusd");
    static final Market BITSTAMP = new Market(BundledData.EXCHANGE, BundledData.SYMBOL);

    @TempDir
    static Path dir;
    static MarketDataStore store;
    static String lake;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        store = MarketDataStore.open(dir.resolve("store"));
        assertThat(BundledData.importInto(store, dir.resolve("bundled")).rejectedFiles()).isZero();
        TestData.importLeanCoinbaseDay(store, true);
        lake = dir.resolve("lake").toString();
        try (Lake l = Lake.open(lake)) {
            l.export(store, k -> true, false);
        }
        spark = SparkSession.builder().master("local[2]").appName("SparkEngineIT")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Local and Spark builds of {@code sets}, each compared column by column, bit for bit. */
    static void assertEnginesAgree(List<FeatureLabelSet> sets) {
        assertEnginesAgree(sets, store, lake, l -> SparkEngine.on(spark, l), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** As above, over {@code store} and its {@code lake}, with the engine {@code engine} makes, over a range. */
    static void assertEnginesAgree(List<FeatureLabelSet> sets, MarketDataStore store, String lake,
                                   java.util.function.Function<Lake, SparkEngine> engine, long from, long to) {
        List<FeatureMatrix> local = new ArrayList<>();
        for (FeatureLabelSet set : sets) {
            local.add(new FeatureSetBuilder(SeriesSource.of(store)).build(set, from, to));
        }
        List<FeatureSetBuilder.Built> viaSpark;
        try (Lake l = Lake.open(lake)) {
            viaSpark = new FeatureSetBuilder(new LakeSource(l)).buildAll(sets, from, to,
                    new FeaturesetCache(dir.resolve("cache-" + System.nanoTime())), engine.apply(l));
        }
        for (int i = 0; i < sets.size(); i++) {
            FeatureMatrix a = local.get(i);
            FeatureMatrix b = viaSpark.get(i).matrix();
            assertThat(a.rows()).as(sets.get(i).name() + ": " + a.report()).isPositive();
            assertThat(b.rows()).as(sets.get(i).name()).isEqualTo(a.rows());
            assertThat(b.time()).isEqualTo(a.time());
            assertThat(b.featureIds()).isEqualTo(a.featureIds());
            for (int c = 0; c < a.featureIds().size(); c++) {
                assertThat(b.features()[c]).as(a.featureIds().get(c)).isEqualTo(a.features()[c]);
            }
            assertThat(b.labelIds()).isEqualTo(a.labelIds());
            for (int c = 0; c < a.labelIds().size(); c++) {
                assertThat(b.labels()[c]).as(a.labelIds().get(c)).isEqualTo(a.labels()[c]);
            }
            assertThat(b.report().missing()).isEqualTo(a.report().missing());
            assertThat(b.report().baseBars()).isEqualTo(a.report().baseBars());
            assertThat(b.report().droppedFeatures()).isEqualTo(a.report().droppedFeatures());
            assertThat(b.report().droppedLabels()).isEqualTo(a.report().droppedLabels());
            assertThat(b.report().filledBars()).isEqualTo(a.report().filledBars());
            assertThat(b.report().filledRows()).isEqualTo(a.report().filledRows());
            assertThat(b.report().dataFrom()).isEqualTo(a.report().dataFrom());
            assertThat(b.report().why()).isEqualTo(a.report().why());
            // the lake's catalogue carries the store's fingerprints: one cache entry for both engines
            assertThat(b.dataFingerprint()).isEqualTo(a.dataFingerprint()).isNotEmpty();
        }
    }

    @Test
    void everyKindOfTheLibraryAndLabelsEqualTheLocalBuildBitForBit() {
        // one set per feature, so that each is checked over the rows it has a value on (a day of minutes is too short
        // for all of them at once); kinds that read trade-flow fields LEAN bars lack are checked on Binance below
        List<FeatureLabelSet> sets = new ArrayList<>();
        int i = 0;
        for (Feature f : EveryKind.features()) {
            FeatureLabelSet set = FeatureLabelSet.builder("kind-" + i++).base(BTC.toString(), "1m")
                    .defaults("coinbase", "usd").features(f)
                    .labels(LogReturns().lookforward(1), FutureReturn(3), UpDown(5)).build();
            if (new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE, Long.MAX_VALUE).rows() > 0) {
                sets.add(set);
            }
        }
        assertThat(sets.size()).as("kinds with values on a day of LEAN minutes").isGreaterThan(
                EveryKind.features().size() * 9 / 10);
        assertEnginesAgree(sets);
    }

    @Test
    void aSetOnQuoteBarMidpointsEqualsTheLocalBuild() {
        FeatureLabelSet mid = FeatureLabelSet.builder("mid").base(BTC.toString(), "1m")
                .prices(io.atlasj.features.eval.PriceBasis.MID)
                .features(Close(), LogReturns(), RSI(14), Close().fiveMin().zscore(6), Spread())
                .labels(LogReturns().lookforward(1), FutureReturn(3)).build();
        assertEnginesAgree(List.of(mid));
    }

    @Test
    void aSetOnTimeframesNoStoreKeepsEqualsTheLocalBuild() {
        // 10m and 45m are resampled from the lake's 5m and 15m bars in the tasks as from the store's locally
        FeatureLabelSet ten = FeatureLabelSet.builder("ten").base(BITSTAMP.toString(), "10m")
                .features(LogReturns(), RSI(14), Close().timeframe("45m").zscore(6), Volume().timeframe("2d"))
                .labels(LogReturns().lookforward(1)).build();
        assertEnginesAgree(List.of(ten));
    }

    @Test
    void tradeFlowKindsOnBinanceSecondBarsEqualTheLocalBuild() {
        Market binance = new Market("binance", "btcusdt");
        new ImportJob(store).run(List.of(TestData.fixture("binance-ws/btcusdt_20240808_trades.gz")),
                ImportOptions.of(ImportFormat.BINANCE_WS, "binance", null), ImportJob.Listener.NONE);
        try (Lake l = Lake.open(lake)) {
            l.export(store, k -> k.market().equals(binance), false);
        }
        FeatureLabelSet flow = FeatureLabelSet.builder("flow").base(binance.toString(), "1s")
                .features(QuoteVolume(), TradeCount(), TakerBuyRatio(), VWAP(5), OBV(5), OBVCumulative(),
                        TakerBuyRatio().zscore(10), LogReturns().fiveMin().minus(LogReturns()))
                .labels(LogReturns().lookforward(1)).gaps(io.atlasj.features.eval.GapPolicy.FILL_FLAT).build();
        assertEnginesAgree(List.of(flow));
    }

    @Test
    void monthsOfBundledTradesAndSeveralMarketsInOneJobEqualTheLocalBuilds() {
        FeatureLabelSet bitstamp = FeatureLabelSet.builder("bundled").base(BITSTAMP.toString(), "5m")
                .features(LogReturns(), RSI(14), MACD(12, 26), MACDSignal(12, 26, 9), BollingerPctB(20, 2), BollingerWidth(20, 2),
                        EMA(10).fifteenMin(), ATR(14), OBV(20), Volume().zscore(30))
                .labels(LogReturns().lookforward(1), UpDown(3)).gaps(io.atlasj.features.eval.GapPolicy.FILL_FLAT)
                .build();
        FeatureLabelSet perMarket = FeatureLabelSet.builder("per-market").base(BTC.toString(), "1m")
                .features(LogReturns(), RSI(14).lag(2), EMA(30), StochK(14), Close().zscore(60))
                .labels(FutureReturn(5)).build();
        try (Lake l = Lake.open(lake)) {
            Lake.Series s = l.series().stream().filter(x -> x.key().market().equals(BITSTAMP)
                    && x.key().timeframe().equals(Timeframe.M5)).findFirst().orElseThrow();
            assertThat(s.months().size()).as("lake months of the bundled 5m candles").isGreaterThan(1);
        }
        assertEnginesAgree(List.of(bitstamp, perMarket.onMarket(BTC), perMarket.onMarket(ETH)));
    }

    /**
     * One market's history split into time partitions, one task each, each reading its reach before it: joined, the
     * local build bit for bit, at every partition boundary. The bundled trades as minutes (gaps filled up to 10
     * minutes, longer ones kept), the whole history and a range that begins and ends inside partitions.
     */
    @Test
    void oneMarketInTimePartitionsEqualsTheLocalBuildBitForBit() {
        FeatureLabelSet minutes = FeatureLabelSet.builder("partitioned").base(BITSTAMP.toString(), "1m")
                .features(LogReturns(), EMA(20), RSI(14), MACDHist(), BollingerPctB(20, 2), ATR(14).div(Close()),
                        Volatility(20), CCI(20), StochD(14, 3), OBV(20), Close().fiveMin().div(Close()))
                .labels(FutureReturn(3), FutureVolatility(20), NextSwing(12, 2))
                .fillFlat(java.time.Duration.ofMinutes(10)).build();
        SparkEngine[] used = new SparkEngine[1];
        java.util.function.Function<Lake, SparkEngine> small = l -> used[0] = SparkEngine.on(spark, l)
                .withPartitionBars(600);
        assertEnginesAgree(List.of(minutes), store, lake, small, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(used[0].lastPlan()).as("partitions of the bundled week").hasSizeGreaterThan(1);
        long first = store.candles(BITSTAMP, Timeframe.M1).openTime(0);
        // partitions at least as long as the set's longest reach: 2.1 days (MACD's two recursions on minutes)
        assertEnginesAgree(List.of(minutes), store, lake, small, first + 86_400_000L + 7 * 60_000L,
                first + 6 * 86_400_000L + 13 * 60_000L);
        assertThat(used[0].lastPlan()).hasSizeGreaterThan(1);
    }

    /**
     * Every kind of the library that reads candles, over a month of Binance minutes and a second market, in time
     * partitions: the local build bit for bit (from {@code ../shared}; skipped without it).
     */
    @Test
    void everyCandleKindOverAMonthInTimePartitionsEqualsTheLocalBuild() {
        Path link = TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        Path fil = TestData.shared("binance-um-1m/FILUSDT/FILUSDT-1m-2023-02.csv.gz");
        try (MarketDataStore month = MarketDataStore.open(dir.resolve("month"))) {
            new ImportJob(month).run(List.of(link, fil), ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um",
                    null), ImportJob.Listener.NONE);
            String monthLake = dir.resolve("month-lake").toString();
            try (Lake l = Lake.open(monthLake)) {
                l.export(month, k -> true, false);
            }
            List<Feature> kinds = new ArrayList<>(io.atlasj.testing.EveryKind.kinds(k -> k.need()
                    == io.atlasj.features.FeatureKind.Need.CANDLES, Feature::fil));
            kinds.add(RSI(14).fiveMin().minus(RSI(14)));
            // the partitions are as long as the set's longest reach: about 5.6 days here (RSI on 5-minute bars)
            FeatureLabelSet bounded = FeatureLabelSet.builder("bounded").base("binance-um:linkusdt", "1m")
                    .defaults("binance-um", "usdt").features(kinds.stream().filter(f -> !f.kind()
                            .equals("OBVCumulative")).toArray(Feature[]::new))
                    .labels(FutureReturn(3), FutureVolatility(20), NextSwing(12, 2), TripleBarrier(20, 0.01, 0.01))
                    .build();
            // OBVCumulative depends on where reading began: such a set is one task over its whole range
            kinds.add(MACDSignal().fifteenMin().zscore(20));
            FeatureLabelSet all = FeatureLabelSet.builder("every-kind").base("binance-um:linkusdt", "1m")
                    .defaults("binance-um", "usdt").features(kinds.toArray(new Feature[0]))
                    .labels(FutureReturn(3), FutureVolatility(20), NextSwing(12, 2), TripleBarrier(20, 0.01, 0.01))
                    .build();
            SparkEngine[] used = new SparkEngine[1];
            assertEnginesAgree(List.of(bounded, all), month, monthLake,
                    l -> used[0] = SparkEngine.on(spark, l).withPartitionBars(4_000), Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(used[0].lastPlan().stream().filter(p -> p.startsWith("bounded "))).hasSizeGreaterThan(3);
            assertThat(used[0].lastPlan().stream().filter(p -> p.startsWith("every-kind "))).hasSize(1);
        }
    }

    /**
     * A task that fails on the user's data fails the build with the local engine's own message (Spark reports it as a
     * checked SparkException), and a range without a bar of the base fails as a local build does.
     */
    @Test
    void aFailingTaskAndAnEmptyRangeSayWhyAsTheLocalEngineDoes() {
        FeatureLabelSet noVolume = FeatureLabelSet.builder("mid-volume").base(BTC.toString(), "1m")
                .prices(io.atlasj.features.eval.PriceBasis.MID).features(Volume()).labels(FutureReturn(1)).build();
        String local = org.assertj.core.api.Assertions.catchThrowableOfType(() -> new FeatureSetBuilder(
                SeriesSource.of(store)).build(noVolume, Long.MIN_VALUE, Long.MAX_VALUE), IllegalArgumentException.class)
                .getMessage();
        try (Lake l = Lake.open(lake)) {
            SparkEngine engine = SparkEngine.on(spark, l);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.build(List.of(noVolume), Long.MIN_VALUE
                    / 4, Long.MAX_VALUE / 4)).isInstanceOf(IllegalArgumentException.class).hasMessage(local);
            FeatureLabelSet later = FeatureLabelSet.builder("later").base(BTC.toString(), "1m")
                    .features(LogReturns()).labels(FutureReturn(1)).build();
            long after = store.candles(BTC, Timeframe.M1).openTime(0) + 30 * 86_400_000L;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.build(List.of(later), after,
                    after + 86_400_000L)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has none");
        }
    }

    /**
     * Built sets are handed over side by side (a hand-over writes the featureset cache): the first two wait for each
     * other, which one thread handing them over in turn never passes. A hand-over that fails stops the build with its
     * own exception, and the engine builds again afterwards.
     */
    @Test
    void setsAreHandedOverSideBySideAndAFailedHandOverStopsTheBuild() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
                "hand-overs run on as many threads as there are cores");
        FeatureLabelSet set = FeatureLabelSet.builder("handed").base(BTC.toString(), "1m")
                .features(LogReturns(), RSI(14)).labels(FutureReturn(1)).build();
        List<FeatureLabelSet> sets = List.of(set.onMarket(BTC), set.onMarket(ETH));
        java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
        List<Integer> handed = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Lake l = Lake.open(lake)) {
            SparkEngine engine = SparkEngine.on(spark, l);
            engine.build(sets, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, (m, i) -> {
                try {
                    both.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other set was not handed over meanwhile", e);
                }
                handed.add(i);
            });
            assertThat(handed).containsExactlyInAnyOrder(0, 1);

            IllegalStateException full = new IllegalStateException("the disk is full");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.build(sets, Long.MIN_VALUE / 4,
                    Long.MAX_VALUE / 4, (m, i) -> {
                        throw full;
                    })).isSameAs(full);
            assertThat(handOverThreads()).as("hand-over threads alive after a failed build").isZero();
            List<FeatureMatrix> again = engine.build(sets, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            assertThat(again).hasSize(2);
            assertThat(again.get(0).rows()).isPositive();
        }
        long until = System.nanoTime() + 10_000_000_000L; // idle threads end soon after a build that succeeded
        while (handOverThreads() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(handOverThreads()).as("hand-over threads alive after the builds").isZero();
    }

    private static long handOverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("atlas-spark-handover-")).count();
    }

    @Test
    void sparksOwnParquetReaderReadsTheLakeAsOneTable() {
        var candles = spark.read().parquet(lake + "/candles");
        assertThat(candles.columns()).contains("open_time", "close", "trade_count", "source", "exchange", "symbol",
                "timeframe", "month");
        var btc = candles.where("exchange = 'coinbase' AND symbol = 'btcusd' AND timeframe = '1m'");
        var want = store.candles(BTC, Timeframe.M1);
        Row agg = btc.selectExpr("count(*)", "sum(close)", "min(open_time)").first();
        assertThat(agg.getLong(0)).isEqualTo(want.size());
        double sum = 0;
        for (double c : want.closes()) {
            sum += c;
        }
        assertThat(agg.getDouble(1)).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(sum)));
        assertThat(((java.sql.Timestamp) agg.get(2)).getTime()).isEqualTo(want.openTime(0));
    }

    @Test
    void aMatrixWrittenAsParquetIsTheSameTableInSpark() throws Exception {
        FeatureLabelSet set = FeatureLabelSet.builder("pq").base(BTC.toString(), "1m").defaults("coinbase", "usd")
                .features(LogReturns(1), EMA(30), RSI(14)).labels(FutureReturn(3), UpDown(3)).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        Path file = dir.resolve("pq.parquet");
        m.writeParquet(file);
        var table = spark.read().parquet(file.toString());
        List<String> want = new ArrayList<>(List.of("time"));
        want.addAll(m.featureIds());
        want.addAll(m.labelIds());
        assertThat(table.columns()).containsExactlyElementsOf(want);
        List<Row> rows = table.collectAsList();
        assertThat(rows.size()).isEqualTo(m.rows()).isGreaterThan(500);
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            assertThat(((java.sql.Timestamp) row.get(0)).getTime()).isEqualTo(m.time()[r]);
            for (int c = 0; c < m.features().length; c++) {
                assertThat(Double.doubleToRawLongBits(row.getDouble(1 + c)))
                        .isEqualTo(Double.doubleToRawLongBits(m.features()[c][r]));
            }
            for (int c = 0; c < m.labels().length; c++) {
                assertThat(row.getDouble(1 + m.features().length + c)).isEqualTo(m.labels()[c][r]);
            }
        }
    }
}
