package io.atlasj.features.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.Feature;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.features.set.MarketResolver;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.EveryKind;
import io.atlasj.testing.MemorySource;
import io.atlasj.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A featureset's columns evaluated on several threads at once are exactly the columns evaluated one after the other:
 * every kind of the library (and combinations across timeframes and markets, which share inputs) over the real LEAN
 * Coinbase minute bars, under each gap policy; and when features fail, the first one's error is the one thrown.
 */
class ParallelColumnsTest {
    static final Market BTC = new Market("coinbase", "btcusd");
    @TempDir
    Path dir;

    @Test
    void columnsOnFourThreadsEqualColumnsOneAfterTheOther() {
        MemorySource data;
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            TestData.importLeanCoinbaseDay(store, true);
            data = MemorySource.copyOf(store);
        }
        MarketResolver resolver = new MarketResolver(BTC, Timeframe.M1, "coinbase", "usd", data.markets());
        List<Feature> features = new ArrayList<>(EveryKind.features().stream().map(resolver::resolve).toList());
        assertThat(features.size()).isGreaterThan(50);
        for (GapPolicy gaps : GapPolicy.values()) {
            Evaluator alone = new Evaluator(data, gaps, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            Evaluator together = new Evaluator(data, gaps, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            Column[] got = together.evaluateAll(features, 4);
            for (int c = 0; c < features.size(); c++) {
                Column want = alone.evaluate(features.get(c));
                assertThat(got[c].time()).as(gaps + " " + features.get(c).id()).isEqualTo(want.time());
                assertThat(got[c].values()).as(gaps + " " + features.get(c).id()).isEqualTo(want.values());
            }
        }
        // two builds at once share the helper threads: each still gets exactly the sequential columns
        Evaluator reference = new Evaluator(data, GapPolicy.DROP, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Column[]>> builds = new ArrayList<>();
            for (int b = 0; b < 4; b++) {
                builds.add(two.submit(() -> new Evaluator(data, GapPolicy.DROP, Long.MIN_VALUE / 4,
                        Long.MAX_VALUE / 4).evaluateAll(features, 4)));
            }
            for (java.util.concurrent.Future<Column[]> b : builds) {
                Column[] got = b.get();
                for (int c = 0; c < features.size(); c++) {
                    assertThat(got[c].values()).as(features.get(c).id())
                            .isEqualTo(reference.evaluate(features.get(c)).values());
                }
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            two.shutdownNow();
        }
        // two features on markets the data lacks: the first one's error, whichever thread met it first
        List<Feature> missing = new ArrayList<>(features.subList(0, 20));
        missing.add(resolver.resolve(FeatureParser.parseFeature("Close().market(\"nowhere:aaa\").timeframe(\"1m\")")));
        missing.addAll(features.subList(20, 40));
        missing.add(resolver.resolve(FeatureParser.parseFeature("Close().market(\"nowhere:bbb\").timeframe(\"1m\")")));
        for (int round = 0; round < 5; round++) {
            assertThatThrownBy(() -> new Evaluator(data, GapPolicy.DROP, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)
                    .evaluateAll(missing, 4)).hasMessageContaining("nowhere:aaa");
        }
    }
}
