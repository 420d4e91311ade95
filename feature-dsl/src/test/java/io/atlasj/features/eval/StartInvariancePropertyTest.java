package io.atlasj.features.eval;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.features.Library;
import io.atlasj.features.set.MarketResolver;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.BundledData;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property, for every feature and label kind of the library: a value does not depend on where reading began. An
 * evaluation that reads from a bar's reach before it ({@link Evaluator#reachMillis}, with one bar of the feature's home
 * timeline, as a build reads) gives the value of an evaluation over all the data, bit for bit. On real bars: a month of
 * Binance LINKUSDT and FILUSDT minutes (from {@code ../shared}, skipped without it; long enough for several anchors
 * past every kind's reach), the bundled Bitstamp trades (always, with the gaps of a quiet market) and the LEAN Coinbase
 * day (quote kinds). This is what lets a build of a later range, a Spark task of one time partition and a live runner
 * over a bounded history compute a batch build's rows exactly.
 */
class StartInvariancePropertyTest {
    static final Market LINK = new Market("binance-um", "linkusdt");
    static final Market BTC = new Market("bitstamp", "btc_usd");
    @TempDir
    Path dir;

    @Test
    void everyKindGivesTheSameBitsFromAnyStartItsReachBeforeOnAMonthOfMinutes() {
        List<Path> files = List.of(TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz"),
                TestData.shared("binance-um-1m/FILUSDT/FILUSDT-1m-2023-02.csv.gz"));
        MemorySource data;
        long[] times;
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(files, ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", null),
                    ImportJob.Listener.NONE);
            data = MemorySource.copyOf(store);
            times = store.candles(LINK, Timeframe.M1).openTimes();
        }
        MarketResolver resolver = new MarketResolver(LINK, Timeframe.M1, "binance-um", "usdt", data.markets());
        List<Feature> features = new ArrayList<>();
        for (Feature f : candleKinds()) {
            features.add(resolver.resolve(f));
        }
        List<Label> labels = new ArrayList<>();
        for (LabelKind k : LabelKind.all()) {
            labels.add(resolver.resolve(Label.of(k.name())));
        }
        labels.add(resolver.resolve(RSI(14).lookforward(3)));
        Set<String> kinds = check(data, times, 60_000, features, labels, 8);
        // every kind of the library had values to compare, except those that need quote bars (the LEAN day below)
        List<String> candleKinds = Library.all().stream().filter(k -> k.need() != FeatureKind.Need.QUOTES)
                .map(FeatureKind::name).filter(n -> !n.equals("OBVCumulative")).toList();
        assertThat(kinds).containsAll(candleKinds);
        assertThat(kinds).containsAll(LabelKind.names());
    }

    @Test
    void theBundledTradesWithTheirGapsGiveTheSameBitsFromAnyStart() {
        MemorySource data;
        long[] times;
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            BundledData.importInto(store, dir.resolve("bundled"));
            data = MemorySource.copyOf(store);
            times = store.candles(BTC, Timeframe.M1).openTimes();
        }
        MarketResolver resolver = new MarketResolver(BTC, Timeframe.M1, "bitstamp", "usd", data.markets());
        List<Feature> features = new ArrayList<>();
        for (Feature f : List.of(LogReturns(), EMA(20), RSI(14), MACDHist(), ATR(14), ADX(14), BollingerPctB(20, 2),
                Volatility(20), VolumeZScore(20), VWAP(20), OBV(20), CCI(20), StochD(14, 3), EwmaVolatility(),
                Close().fiveMin().zscore(12), RSI(14).fifteenMin(), Close().oneHour())) {
            features.add(resolver.resolve(f));
        }
        List<Label> labels = List.of(resolver.resolve(FutureVolatility(20)), resolver.resolve(NextSwing(12, 2)));
        Set<String> kinds = check(data, times, 60_000, features, labels, 6);
        assertThat(kinds).contains("EMA", "RSI", "MACDHist", "ADX", "zscore");
    }

    static final Market COINBASE_BTC = new Market("coinbase", "btcusd");

    /** The LEAN Coinbase day in memory, and its BTC minutes' open times. */
    private MemorySource leanDay(List<long[]> times) {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            TestData.importLeanCoinbaseDay(store, true);
            times.add(store.candles(COINBASE_BTC, Timeframe.M1).openTimes());
            return MemorySource.copyOf(store);
        }
    }

    @Test
    void quoteKindsOnTheLeanDay() {
        List<long[]> t = new ArrayList<>();
        MemorySource data = leanDay(t);
        long[] times = t.get(0);
        Market btc = COINBASE_BTC;
        MarketResolver resolver = new MarketResolver(btc, Timeframe.M1, "coinbase", "usd", data.markets());
        List<Feature> features = EveryKind.features().stream().map(resolver::resolve)
                .filter(f -> Evaluator.reachMillis(f) < Evaluator.UNBOUNDED).toList();
        Set<String> kinds = check(data, times, 60_000, features, List.of(), 6);
        assertThat(kinds).containsAll(Library.all().stream().filter(k -> k.need() == FeatureKind.Need.QUOTES)
                .map(FeatureKind::name).toList());
    }

    /** The check can fail: reading less than an EMA's reach before a bar changes its bits, and so does OBVCumulative. */
    @Test
    void readingLessThanTheReachChangesValues() {
        List<long[]> t = new ArrayList<>();
        MemorySource data = leanDay(t);
        long[] times = t.get(0);
        Market btc = COINBASE_BTC;
        MarketResolver resolver = new MarketResolver(btc, Timeframe.M1, "coinbase", "usd", data.markets());
        long to = times[times.length - 1] + 60_000;
        long cut = times[1000];
        for (Feature f : List.of(EMA(5), OBVCumulative())) {
            Feature r = resolver.resolve(f);
            double[] all = Evaluator.align(new Evaluator(data, GapPolicy.DROP, Long.MIN_VALUE / 4, to).evaluate(r),
                    times, 60_000);
            double[] late = Evaluator.align(new Evaluator(data, GapPolicy.DROP, cut - 60 * 60_000L, to).evaluate(r),
                    times, 60_000);
            int differ = 0;
            for (int i = 1000; i < times.length; i++) {
                differ += Double.doubleToLongBits(all[i]) != Double.doubleToLongBits(late[i]) ? 1 : 0;
            }
            assertThat(differ).as(f.id()).isPositive();
        }
        assertThat(Evaluator.reachMillis(resolver.resolve(OBVCumulative()))).isEqualTo(Evaluator.UNBOUNDED);
    }

    /** Every kind that reads candles, over the base market and a second one ({@code fil}), across timeframes. */
    static List<Feature> candleKinds() {
        List<Feature> out = EveryKind.kinds(k -> k.need() == FeatureKind.Need.CANDLES
                && !k.name().equals("OBVCumulative"), Feature::fil);
        out.add(RSI(14).fiveMin());
        out.add(MACDSignal().fifteenMin().zscore(20));
        out.add(Close().oneHour().zscore(3));
        out.add(ADX(14).fiveMin().minus(ADX(14)));
        out.add(Close().div(Close().fil()).minus(1));
        out.add(InterExchangeSpread(Close().fifteenMin(), Close().fil().fifteenMin()));
        return out;
    }

    /**
     * Cuts at random bars and at bars next to anchors: each feature and label evaluated from its reach before the cut
     * equals the evaluation over all data at every bar from the cut on. Returns the kinds that had values to compare.
     */
    private static Set<String> check(MemorySource src, long[] times, long barMillis, List<Feature> features,
                                     List<Label> labels, int cuts) {
        long to = times[times.length - 1] + barMillis;
        Evaluator all = new Evaluator(src, GapPolicy.DROP, Long.MIN_VALUE / 4, to);
        Random r = new Random(5);
        List<Long> at = new ArrayList<>();
        long anchor = Timeline.ANCHOR_BARS * barMillis;
        for (int c = 0; c < cuts; c++) {
            long t = times[r.nextInt(times.length)];
            // every other cut next to an anchor: just before, at, or just after it
            at.add(c % 2 == 0 ? t : Math.floorDiv(t, anchor) * anchor + (c % 3 - 1) * barMillis);
        }
        Set<String> kinds = new TreeSet<>();
        for (long cut : at) {
            for (Feature f : features) {
                long reach = Evaluator.reachMillis(f) + Evaluator.homeMillis(f);
                Evaluator part = new Evaluator(src, GapPolicy.DROP, cut - reach, to);
                if (compare(Evaluator.align(all.evaluate(f), times, barMillis),
                        Evaluator.align(part.evaluate(f), times, barMillis), times, cut, f.id())) {
                    collectKinds(f, kinds);
                }
            }
            for (Label l : labels) {
                Evaluator part = new Evaluator(src, GapPolicy.DROP, cut - Evaluator.reachMillis(l), to);
                if (compare(Evaluator.align(all.evaluate(l), times, barMillis),
                        Evaluator.align(part.evaluate(l), times, barMillis), times, cut, l.id())) {
                    kinds.add(l.kind());
                }
            }
        }
        return kinds;
    }

    /** Bit equality from the cut on; true when some compared value was a number. */
    private static boolean compare(double[] all, double[] part, long[] times, long cut, String what) {
        boolean valued = false;
        for (int i = 0; i < times.length; i++) {
            if (times[i] < cut) {
                continue;
            }
            assertThat(Double.doubleToRawLongBits(part[i])).as("%s at %d (read from its reach before %d)", what,
                    times[i], cut).isEqualTo(Double.doubleToRawLongBits(all[i]));
            valued |= !Double.isNaN(all[i]);
        }
        return valued;
    }

    private static void collectKinds(Feature f, Set<String> kinds) {
        kinds.add(f.kind());
        f.inputs().forEach(in -> collectKinds(in, kinds));
    }
}
