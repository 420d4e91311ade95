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
        List<FeatureMatrix> local = new ArrayList<>();
        for (FeatureLabelSet set : sets) {
            local.add(new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        List<FeatureSetBuilder.Built> viaSpark;
        try (Lake l = Lake.open(lake)) {
            viaSpark = new FeatureSetBuilder(new LakeSource(l)).buildAll(sets, Long.MIN_VALUE, Long.MAX_VALUE,
                    new FeaturesetCache(dir.resolve("cache")), SparkEngine.on(spark, l));
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
