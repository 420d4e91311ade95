package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The columnar read path: all 902,880 FILUSDT 1-minute candles into arrays from the store's segment files (the path
 * feature evaluation uses).
 * Candles per second = 902,880 / (seconds per operation). The setup also prints the import rate. Needs
 * ../shared/data: run it with scripts/bench-marketdata.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class CandleReadBenchmark {
    static final Market FIL = new Market("binance-um", "filusdt");
    Path dir;
    MarketDataStore store;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path shared = Path.of(System.getProperty("atlas.shared.data", "../shared/data"), "binance-um-1m/FILUSDT");
        List<Path> files;
        try (Stream<Path> s = Files.list(shared)) {
            files = s.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
        }
        dir = Files.createTempDirectory("atlas-bench");
        store = MarketDataStore.open(dir);
        ImportJob.Summary summary = new ImportJob(store).run(files,
                ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", null), ImportJob.Listener.NONE);
        System.out.printf("%nimported %,d rows from %d files in %.1f s: %,.0f rows/s (incl. resampling to 5m..1d)%n",
                summary.rowsRead(), files.size(), summary.millis() / 1000.0,
                summary.rowsRead() / (summary.millis() / 1000.0));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public CandleSeries readAllOneMinuteCandles() {
        CandleSeries c = store.candles(FIL, Timeframe.M1);
        if (c.size() != 902_880) {
            throw new IllegalStateException("expected 902,880 candles, read " + c.size());
        }
        return c;
    }
}
