package io.atlasj.features.eval;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Library;
import io.atlasj.features.set.MarketResolver;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.EveryKind;
import io.atlasj.testing.MemorySource;
import io.atlasj.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property, for every feature of the library and for combinations across timeframes and markets: changing any data
 * after time t never changes a feature's value at a bar that closed at or before t. Run over real LEAN Coinbase
 * minute trade and quote bars (BTC and ETH, 2017-09-03): the data after each cut is rescaled, resized and thinned
 * (new gaps), and values up to the cut must stay bit-identical, under {@code gaps: drop} and {@code fill-flat}, with
 * and without a {@code fillLimit}.
 */
class NoLookAheadPropertyTest {
    static final Market BTC = new Market("coinbase", "btcusd");
    @TempDir
    static Path dir;
    static MemorySource data;
    static CandleSeries base;

    @BeforeAll
    static void load() {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            TestData.importLeanCoinbaseDay(store, true);
            data = MemorySource.copyOf(store);
            base = store.candles(BTC, Timeframe.M1);
        }
    }

    @AfterAll
    static void drop() {
        data = null;
    }

    @Test
    void noFeatureValueChangesWhenOnlyLaterDataChanges() throws Exception {
        MarketResolver resolver = new MarketResolver(BTC, Timeframe.M1, "coinbase", "usd", data.markets());
        List<Feature> features = EveryKind.features().stream().map(resolver::resolve).toList();
        Set<String> kinds = check(data, base.openTimes(), 60_000, features, 200);

        // trade-flow fields that LEAN bars lack (quote volume, trade count, taker-buy volume): Binance trades, 1s bars
        Market binance = new Market("binance", "btcusdt");
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("ws"))) {
            new ImportJob(store).run(List.of(TestData.fixture("binance-ws/btcusdt_20240808_trades.gz")),
                    ImportOptions.of(ImportFormat.BINANCE_WS, "binance", null), ImportJob.Listener.NONE);
            MemorySource ws = MemorySource.copyOf(store);
            MarketResolver r2 = new MarketResolver(binance, Timeframe.S1, "binance", "usdt", ws.markets());
            List<Feature> flow = List.of(QuoteVolume(), TradeCount(), TakerBuyRatio(), VWAP(5), OBV(5),
                    TakerBuyRatio().zscore(10), LogReturns().fiveMin().minus(LogReturns()));
            kinds.addAll(check(ws, store.candles(binance, Timeframe.S1).openTimes(), 1_000,
                    flow.stream().map(r2::resolve).toList(), 20));
        }
        // the property was exercised (values existed before a cut) for every kind of the library
        assertThat(kinds).containsAll(Library.all().stream().map(FeatureKind::name).toList());
    }

    /**
     * Checks the property at six cuts, in turn under drop, fill-flat and fill-flat with a limit of three bars; returns
     * the kinds of the features that had values before a cut.
     */
    private static Set<String> check(MemorySource src, long[] times, long barMillis, List<Feature> features, int margin) {
        long dataFrom = times[0] - Timeframe.D1.millis();
        long to = times[times.length - 1] + barMillis;
        long[] grid = java.util.stream.LongStream.iterate(times[0], t -> t < to, t -> t + barMillis).toArray();
        Random r = new Random(3);
        Set<String> exercised = new TreeSet<>();
        Set<String> kinds = new TreeSet<>();
        for (int trial = 0; trial < 6; trial++) {
            long cut = times[margin + r.nextInt(times.length - 2 * margin)];
            MemorySource altered = src.alteredFrom(cut, trial);
            // under fill-flat too: a filled bar takes the close before it, never anything after the cut; and with a
            // fill limit, whether a bar is filled is decided by the bars before it (not by how long its gap lasts)
            GapPolicy gaps = trial % 3 == 0 ? GapPolicy.DROP : GapPolicy.FILL_FLAT;
            java.time.Duration limit = trial % 3 == 2 ? java.time.Duration.ofMillis(3 * barMillis) : null;
            Evaluator before = new Evaluator(src, gaps, limit, dataFrom, to, "the test");
            Evaluator after = new Evaluator(altered, gaps, limit, dataFrom, to, "the test");
            for (Feature f : features) {
                // on every bar of the range, missing ones included: under fill-flat their values are compared too
                double[] a = Evaluator.align(before.evaluate(f), grid, barMillis);
                double[] b = Evaluator.align(after.evaluate(f), grid, barMillis);
                int valued = 0;
                for (int i = 0; i < grid.length && grid[i] + barMillis <= cut; i++) {
                    assertThat(Double.doubleToLongBits(b[i])).as("%s at %d (cut %d)", f.id(), grid[i], cut)
                            .isEqualTo(Double.doubleToLongBits(a[i]));
                    if (!Double.isNaN(a[i])) {
                        valued++;
                    }
                }
                if (valued > 0) {
                    exercised.add(f.id());
                    collectKinds(f, kinds);
                }
            }
        }
        return kinds;
    }

    private static void collectKinds(Feature f, Set<String> kinds) {
        kinds.add(f.kind());
        f.inputs().forEach(in -> collectKinds(in, kinds));
    }

    @Test
    void theCheckDetectsALabelThatLooksAhead() {
        MarketResolver resolver = new MarketResolver(BTC, Timeframe.M1, "coinbase", "usd", data.markets());
        var label = resolver.resolve(LogReturns().lookforward(1));
        long[] times = base.openTimes();
        long cut = times[times.length / 2];
        Evaluator before = new Evaluator(data, GapPolicy.DROP, times[0] - 86_400_000L, times[times.length - 1] + 60_000);
        Evaluator after = new Evaluator(data.alteredFrom(cut, 1), GapPolicy.DROP, times[0] - 86_400_000L,
                times[times.length - 1] + 60_000);
        double[] a = Evaluator.align(before.evaluate(label), times, 60_000);
        double[] b = Evaluator.align(after.evaluate(label), times, 60_000);
        int changed = 0;
        for (int i = 0; i < times.length && times[i] + 60_000 <= cut; i++) {
            if (Double.doubleToLongBits(a[i]) != Double.doubleToLongBits(b[i])) {
                changed++;
            }
        }
        assertThat(changed).isPositive();
    }
}
