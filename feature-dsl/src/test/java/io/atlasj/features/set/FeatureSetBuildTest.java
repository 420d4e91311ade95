package io.atlasj.features.set;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building FeatureLabelSets over the bundled Bitstamp data in a real store. */
class FeatureSetBuildTest {
    static final Market BTC = new Market("bitstamp", "btc_usd");
    @TempDir
    static Path dir;
    static MarketDataStore store;
    static SeriesSource source;

    @BeforeAll
    static void load() {
        store = MarketDataStore.open(dir.resolve("store"));
        new ImportJob(store).run(List.of(BundledData.extract(dir)), BundledData.options(), ImportJob.Listener.NONE);
        source = SeriesSource.of(store);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void buildsRowsWithFeaturesAndLabelsAndDropsWarmupAndGaps() {
        FeatureLabelSet set = FeatureLabelSet.builder("smoke").base("bitstamp:btc_usd", "5m")
                .features(LogReturns(), LogReturns().lookback(3), RSI(14), Close().oneHour().zscore(4), Volume().zscore(20))
                .labels(LogReturns().lookforward(1), FutureReturn(3))
                .build();
        FeatureMatrix m = new FeatureSetBuilder(source).build(set, t("2013-11-25T00:00:00Z"), t("2013-12-02T00:00:00Z"));
        assertThat(m.featureIds()).containsExactly("LogReturns(1).market(\"bitstamp:btc_usd\").timeframe(\"5m\")",
                "LogReturns(3).market(\"bitstamp:btc_usd\").timeframe(\"5m\")",
                "RSI(14).market(\"bitstamp:btc_usd\").timeframe(\"5m\")",
                "Close().market(\"bitstamp:btc_usd\").timeframe(\"1h\").zscore(4)",
                "Volume().market(\"bitstamp:btc_usd\").timeframe(\"5m\").zscore(20)");
        assertThat(m.rows()).isPositive();
        CandleSeries c5 = store.candles(BTC, Timeframe.M5);
        assertThat(m.report().baseBars()).isEqualTo(c5.size());
        assertThat(m.report().droppedFeatures()).isPositive();
        assertThat(m.report().droppedLabels()).isPositive();
        // the one-bar label equals the next bar's log return, computed here from the candles
        double[] lf = m.label("LogReturns(1).market(\"bitstamp:btc_usd\").timeframe(\"5m\").lookforward(1)");
        double[] fr = m.label("FutureReturn(3).market(\"bitstamp:btc_usd\").timeframe(\"5m\")");
        for (int r = 0; r < m.rows(); r++) {
            int i = java.util.Arrays.binarySearch(c5.openTimes(), m.time()[r]);
            assertThat(c5.openTime(i + 1) - c5.openTime(i)).isEqualTo(300_000L);
            assertThat(lf[r]).isEqualTo(Math.log(c5.close(i + 1) / c5.close(i)));
            assertThat(fr[r]).isEqualTo(Math.log(c5.close(i + 3) / c5.close(i)));
        }
        // the 1h z-score on a 5m row uses only hours that have closed
        assertThat(m.feature("Close().market(\"bitstamp:btc_usd\").timeframe(\"1h\").zscore(4)")).doesNotContain(Double.NaN);
    }

    @Test
    void reportsMissingDataAndUnknownMarkets() {
        FeatureLabelSet quotes = FeatureLabelSet.builder("q").base("bitstamp:btc_usd", "5m").features(Spread()).build();
        assertThatThrownBy(() -> new FeatureSetBuilder(source).build(quotes, 0, t("2014-01-01T00:00:00Z")))
                .hasMessageContaining("needs quote bars of bitstamp:btc_usd at 5m")
                .hasMessageContaining("atlas data import");
        FeatureLabelSet eth = FeatureLabelSet.builder("e").base("bitstamp:btc_usd", "5m").defaults("bitstamp", "usd")
                .features(Close().eth()).build();
        assertThatThrownBy(() -> new FeatureSetBuilder(source).build(eth, 0, t("2014-01-01T00:00:00Z")))
                .hasMessageContaining("no eth/usd market on bitstamp")
                .hasMessageContaining("bitstamp:btc_usd");
    }

    @Test
    void theBundledWeekIsOneMondayWeekClosingOnItsLastDay() {
        CandleSeries weeks = store.candles(BTC, Timeframe.W1);
        CandleSeries days = store.candles(BTC, Timeframe.D1);
        // the bundled trades run from Monday 2013-11-25 to Sunday 2013-12-01
        assertThat(weeks.openTimes()).containsExactly(t("2013-11-25T00:00:00Z"));
        assertThat(weeks.open(0)).isEqualTo(days.open(0));
        assertThat(weeks.close(0)).isEqualTo(days.close(days.size() - 1));
        double high = java.util.Arrays.stream(days.highs()).max().orElseThrow();
        double volume = java.util.Arrays.stream(days.volumes()).sum();
        assertThat(weeks.high(0)).isEqualTo(high);
        assertThat(weeks.volume(0)).isCloseTo(volume, org.assertj.core.api.Assertions.within(1e-6));
    }

    /**
     * A build over several sets hands each one over as soon as it is built, not after the last: on one thread, the
     * first set arrives before the bars of the later sets were read, and every set arrives once with its own index.
     */
    @Test
    void aBuildOfSeveralSetsHandsEachOverAsItIsBuilt() {
        List<String> reads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        SeriesSource watched = watched((market, tf) -> reads.add(tf.label()));
        List<FeatureLabelSet> sets = new java.util.ArrayList<>();
        for (String tf : List.of("1m", "5m", "15m")) {
            sets.add(FeatureLabelSet.builder("tf-" + tf).base(BTC.toString(), tf).features(LogReturns(), RSI(14))
                    .labels(FutureReturn(1)).build());
        }
        FeatureSetBuilder b = new FeatureSetBuilder(watched);
        List<String> seenAtHandover = new java.util.ArrayList<>();
        FeatureMatrix[] got = new FeatureMatrix[sets.size()];
        b.buildEach(sets, Long.MIN_VALUE, Long.MAX_VALUE, null, b.threads(1), (built, i) -> {
            assertThat(got[i]).as("set %d handed over twice", i).isNull();
            got[i] = built.matrix();
            seenAtHandover.add(i + ": " + String.join(",", new java.util.TreeSet<>(reads)));
        });
        assertThat(seenAtHandover.get(0)).isEqualTo("0: 1m");
        List<FeatureMatrix> all = new FeatureSetBuilder(source).buildAll(sets, Long.MIN_VALUE, Long.MAX_VALUE, null, 2)
                .stream().map(FeatureSetBuilder.Built::matrix).toList();
        for (int i = 0; i < sets.size(); i++) {
            assertThat(got[i].time()).isEqualTo(all.get(i).time());
            assertThat(got[i].features()[1]).isEqualTo(all.get(i).features()[1]);
        }
    }

    /**
     * A build reads each series from its source once: the base market's bars serve the base timeline, the features
     * and the labels (three reads over three ranges before), and a feature on a coarser timeframe reads that series
     * once. The labels' bars past the range's end come from that one read.
     */
    @Test
    void aBuildReadsEachSeriesOnceAndBuildsTheSameRows() {
        List<String> reads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        SeriesSource counted = watched((market, tf) -> reads.add(market + " " + tf.label()));
        FeatureLabelSet set = FeatureLabelSet.builder("once").base("bitstamp:btc_usd", "5m")
                .features(LogReturns(), RSI(14), Close().oneHour().zscore(4), MACD(12, 26, 9))
                .labels(LogReturns().lookforward(1), FutureReturn(3)).build();
        long from = t("2013-11-26T00:00:00Z");
        long to = t("2013-11-30T00:00:00Z");
        FeatureMatrix m = new FeatureSetBuilder(counted).build(set, from, to);
        assertThat(reads).containsExactlyInAnyOrder("bitstamp:btc_usd 5m", "bitstamp:btc_usd 1h");
        // the whole history (a range whose start is on no bar's open), and a limited flat fill reading past the end
        reads.clear();
        new FeatureSetBuilder(counted).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(reads).containsExactlyInAnyOrder("bitstamp:btc_usd 5m", "bitstamp:btc_usd 1h");
        reads.clear();
        FeatureLabelSet filled = FeatureLabelSet.builder("once-filled").base("bitstamp:btc_usd", "5m")
                .fillFlat(java.time.Duration.ofMinutes(30))
                .features(LogReturns(), Close().oneHour().zscore(4)).labels(FutureReturn(3)).build();
        new FeatureSetBuilder(counted).build(filled, from, to);
        assertThat(reads).containsExactlyInAnyOrder("bitstamp:btc_usd 5m", "bitstamp:btc_usd 1h");

        // the labels read past the range's end from the same read: the last rows' three-bar returns need the bars
        // after 'to'
        CandleSeries c5 = store.candles(BTC, Timeframe.M5);
        double[] fr = m.label("FutureReturn(3).market(\"bitstamp:btc_usd\").timeframe(\"5m\")");
        assertThat(m.time()[m.rows() - 1]).isGreaterThan(to - 3 * 300_000L);
        for (int r = 0; r < m.rows(); r++) {
            int i = java.util.Arrays.binarySearch(c5.openTimes(), m.time()[r]);
            assertThat(fr[r]).isEqualTo(Math.log(c5.close(i + 3) / c5.close(i)));
        }
        // and the rows are those of a build over all the data in that range (a shorter read shares nothing wrong)
        FeatureMatrix all = new FeatureSetBuilder(source).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        int at = java.util.Arrays.binarySearch(all.time(), m.time()[0]);
        assertThat(java.util.Arrays.copyOfRange(all.time(), at, at + m.rows())).isEqualTo(m.time());
        for (int c = 0; c < m.features().length; c++) {
            assertThat(java.util.Arrays.copyOfRange(all.features()[c], at, at + m.rows())).isEqualTo(m.features()[c]);
        }
        assertThat(m.rows()).isPositive();
    }

    /** The store's source, telling {@code read} of each candle read. */
    private static SeriesSource watched(java.util.function.BiConsumer<Market, Timeframe> read) {
        return new SeriesSource() {
            @Override
            public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                read.accept(market, tf);
                return source.candles(market, tf, from, to);
            }

            @Override
            public io.atlasj.marketdata.QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
                return source.quoteBars(market, tf, from, to);
            }

            @Override
            public List<Market> markets() {
                return source.markets();
            }
        };
    }
}
