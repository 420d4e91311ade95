package io.atlasj.features.set;

import static io.atlasj.features.Dsl.*;

import io.atlasj.features.Feature;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 30-feature set built over all 2,465,280 Binance USD-M 1-minute bars of ../shared/data (7 symbols, one set per
 * symbol) on one thread, and the same on two threads (a market per thread), without the featureset cache. ns per bar per
 * feature = time / (2,465,280 x 30). Run with scripts/bench-features.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class FeatureBuildBenchmark {
    static final List<Feature> THIRTY = List.of(
            LogReturns(), LogReturns(5), LogReturns(15), LogReturns(60), SimpleReturns(),
            Volatility(20), Volatility(60), Parkinson(20), GarmanKlass(20), EwmaVolatility(),
            SMA(20), EMA(20), RSI(14), MACD(), MACDHist(),
            BollingerPctB(20, 2), BollingerWidth(20, 2), ATR(14), ADX(14), StochK(14),
            CCI(20), WilliamsR(14), ROC(10), VWAP(20), OBV(20),
            VolumeZScore(20), TakerBuyRatio(), Body(), Close().zscore(60), LogReturns().oneHour());

    Path dir;
    MarketDataStore store;
    List<Market> markets = new ArrayList<>();
    long bars;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path shared = Path.of(System.getProperty("atlas.shared.data", "../shared/data"), "binance-um-1m");
        dir = Files.createTempDirectory("atlas-bench-features");
        store = MarketDataStore.open(dir);
        List<Path> files;
        try (Stream<Path> s = Files.walk(shared)) {
            files = s.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
        }
        ImportJob.Summary sum = new ImportJob(store).run(files,
                ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", null), ImportJob.Listener.NONE);
        bars = sum.inserted();
        markets = store.markets();
        System.out.printf("%nimported %,d bars of %d markets%n", bars, markets.size());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long buildThirtyFeaturesOverAllBars() {
        long rows = 0;
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
        for (Market m : markets) {
            FeatureLabelSet set = new FeatureLabelSet("bench", m, io.atlasj.marketdata.Timeframe.M1, null, null,
                    THIRTY, List.of(FutureReturn(1)), null);
            rows += b.build(set, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).rows();
        }
        return rows;
    }

    /** The same 7 builds on two threads, as {@code atlas features build SET --markets ...} runs them. */
    @Benchmark
    public long buildThirtyFeaturesOverAllBarsOnTwoThreads() {
        List<FeatureLabelSet> sets = new ArrayList<>();
        for (Market m : markets) {
            sets.add(new FeatureLabelSet("bench", m, io.atlasj.marketdata.Timeframe.M1, null, null, THIRTY,
                    List.of(FutureReturn(1)), null));
        }
        return new FeatureSetBuilder(SeriesSource.of(store)).buildAll(sets, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, null,
                2).stream().mapToLong(x -> x.matrix().rows()).sum();
    }
}
