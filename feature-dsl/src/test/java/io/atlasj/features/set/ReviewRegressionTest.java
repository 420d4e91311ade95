package io.atlasj.features.set;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.Feature;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.parse.FeatureParser;
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

/** Cases found in review: labels at the end of a range, warm-ups, degenerate windows, -0, quote-only markets. */
class ReviewRegressionTest {
    @TempDir
    static Path dir;
    static MarketDataStore store;

    @BeforeAll
    static void load() {
        store = MarketDataStore.open(dir);
        new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(), ImportJob.Listener.NONE);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void lookforwardLabelsKeepTheLastRowsOfARangeLikeLabelKinds() {
        long to = Instant.parse("2013-11-30T00:00:00Z").toEpochMilli();
        FeatureLabelSet set = FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "1h").features(Close())
                .labels(LogReturns().lookforward(1), FutureReturn(1)).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE / 4, to);
        // the last row before 'to' has both labels: the data after 'to' exists and labels may read it
        assertThat(m.time()[m.rows() - 1]).isEqualTo(to - 3_600_000L);
        assertThat(m.labels()[0]).containsExactly(m.labels()[1]);
        assertThat(m.report().missing().get(1)).isEqualTo(m.report().missing().get(2));
    }

    @Test
    void aLabelsFeatureGetsItsWarmup() {
        FeatureLabelSet set = FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "5m").features(Close())
                .labels(EMA(20).lookforward(1)).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(set,
                Instant.parse("2013-11-29T00:00:00Z").toEpochMilli(), Instant.parse("2013-11-30T00:00:00Z").toEpochMilli());
        // every 5-minute bar of the day: the EMA's 400-bar warm-up is read before the range, the next bar after it
        assertThat(m.rows()).isEqualTo(288);
    }

    @Test
    void anOpenRangeMeansAllData() {
        FeatureLabelSet set = FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "1h").features(RSI(3))
                .labels(FutureReturn(1)).build();
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
        FeatureMatrix all = b.build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(all.rows()).isEqualTo(b.build(set, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).rows()).isPositive();
    }

    @Test
    void minusZeroHasOneCanonicalForm() {
        Feature a = Close().div(-0.0);
        Feature b = Close().div(0.0);
        assertThat(a).isEqualTo(b);
        assertThat(FeatureParser.parseFeature(a.id())).isEqualTo(a);
    }

    @Test
    void macdAndSwingWarmupsCoverTheirLongestInput() {
        assertThat(MACD(100, 26, 9).definition().warmup().bars(new double[] {100, 26, 9})).isEqualTo(2_000);
        assertThat(SwingHigh(2, 100).definition().warmup().bars(new double[] {2, 100})).isEqualTo(102);
    }

    @Test
    void aQuoteWithoutAnAssetIsAnError() {
        MarketResolver r = new MarketResolver(new Market("bitstamp", "btc_usd"), Timeframe.M5, null, null, store.markets());
        assertThatThrownBy(() -> r.resolve(Close().quote("usdc"))).hasMessageContaining("needs an asset");
    }

    @Test
    void aBuildThatKeepsFewRowsSaysWhyAndWhatToDo() {
        // one-second bars of 2013 Bitstamp trades: most seconds have no trade, so 30-bar windows rarely fit
        FeatureLabelSet sparse = FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "1s").features(RSI(30))
                .labels(FutureReturn(1)).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(sparse, Long.MIN_VALUE / 4,
                Long.MAX_VALUE / 4);
        assertThat(m.rows() * 2L).isLessThan(m.report().baseBars());
        assertThat(m.report().why()).hasValueSatisfying(h -> assertThat(h)
                .contains(" 1s bars of bitstamp:btc_usd kept: the data has gaps, its longest stretch without one is ")
                .contains("bars of history before a row").contains("gaps: bridge"));
        FeatureLabelSet hourly = FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "1h").features(RSI(3))
                .labels(FutureReturn(1)).build();
        assertThat(new FeatureSetBuilder(SeriesSource.of(store)).build(hourly, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)
                .report().why()).isEmpty();
    }
}
