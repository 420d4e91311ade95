package io.atlasj.marketdata.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.SameBars;
import io.atlasj.testing.TestData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an export, at different moments while it rewrites the lake: afterwards every series is either complete
 * and equal to the store's, or marked incomplete and refused; the next export makes every series complete and equal
 * again.
 */
class LakeCrashIT {
    @TempDir
    Path dir;

    @Test
    void anExportKilledMidWayLeavesNoSeriesThatReadsWrong() throws Exception {
        Path storeDir = dir.resolve("store");
        try (MarketDataStore store = MarketDataStore.open(storeDir)) {
            assertThat(BundledData.importInto(store, dir.resolve("bundled")).rejectedFiles()).isZero();
            TestData.importLeanCoinbaseDay(store, false);
        }
        String at = dir.resolve("lake").toString();
        int incompleteSeen = 0;
        long[] delays = {0, 150, 400, 900};
        for (long delay : delays) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), LakeExportProbe.class.getName(), storeDir.toString(), at));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = out.readLine(); // the first export has finished: the lake exists
                assertThat(line).as("the probe's first line").isEqualTo("EXPORTED 1");
                Thread.sleep(delay);
                p.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
                p.waitFor();
            }
            try (MarketDataStore store = MarketDataStore.open(storeDir); Lake lake = Lake.open(at)) {
                for (Lake.Series s : lake.series()) {
                    Lake.SeriesKey k = s.key();
                    if (!s.complete()) {
                        incompleteSeen++;
                        assertThatThrownBy(() -> read(lake, k)).hasMessageContaining("only in part");
                    } else if (k.kind() == Lake.Kind.CANDLES) {
                        SameBars.assertSameCandles(lake.candles(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE),
                                store.candles(k.market(), k.timeframe()));
                    } else {
                        assertThat(Lake.crc(ParquetSeries.of(read(lake, k)))).isEqualTo(Lake.crc(ParquetSeries.of(
                                store.quoteCandles(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE))));
                    }
                }
                lake.export(store, k -> true, false);
                for (Lake.Series s : lake.series()) {
                    assertThat(s.complete()).as(s.key().toString()).isTrue();
                    if (s.key().kind() == Lake.Kind.CANDLES) {
                        SameBars.assertSameCandles(lake.candles(s.key().market(), s.key().timeframe(), Long.MIN_VALUE,
                                Long.MAX_VALUE), store.candles(s.key().market(), s.key().timeframe()));
                    }
                }
            }
        }
        System.out.println("kill -9 during exports: " + delays.length + " kills, " + incompleteSeen
                + " series found marked incomplete and refused");
    }

    private static io.atlasj.marketdata.QuoteCandleSeries read(Lake lake, Lake.SeriesKey k) {
        if (k.kind() == Lake.Kind.CANDLES) {
            lake.candles(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE);
            return null;
        }
        return lake.quoteBars(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE);
    }
}
