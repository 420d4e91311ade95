package io.atlasj.marketdata.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The column files never serve stale or damaged data: the H2 rows are the truth. */
class ColumnCacheTest {
    private static final Market M = new Market("bitstamp", "btc_usd");

    @TempDir
    Path dir;

    private void importTrades(MarketDataStore store, String name, String csv) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, csv);
        var s = new ImportJob(store).run(List.of(f), ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"),
                ImportJob.Listener.NONE);
        assertThat(s.rejectedFiles()).isZero();
    }

    @Test
    void aLaterImportMakesTheColumnFileStale() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n1385337660,801,1\n");
            CandleSeries first = store.candles(M, Timeframe.M1);
            assertThat(first.closes()).containsExactly(800.0, 801.0);
            Path file = dir.resolve("s/columns/bitstamp/btc_usd/1m.candles");
            assertThat(file).exists();

            importTrades(store, "b.csv", "1385337720,802,1\n1385337721,803,2\n");
            CandleSeries second = store.candles(M, Timeframe.M1);
            assertThat(second.closes()).containsExactly(800.0, 801.0, 803.0);
            assertThat(second.volumes()).containsExactly(1.0, 1.0, 3.0);
            // and the same through the rows
            assertThat(store.candleRows(M, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE).closes())
                    .containsExactly(second.closes());
            assertThat(store.candles(M, Timeframe.M1, 1385337660_000L, 1385337720_000L).closes()).containsExactly(801.0);
        }
    }

    @Test
    void aDamagedColumnFileIsRebuiltFromTheRows() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n1385337660,801,1\n1385337720,802,1\n");
            assertThat(store.candles(M, Timeframe.M1).size()).isEqualTo(3);
            Path file = dir.resolve("s/columns/bitstamp/btc_usd/1m.candles");
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5)); // truncated
            assertThat(store.candles(M, Timeframe.M1).closes()).containsExactly(800.0, 801.0, 802.0);
            Files.writeString(file, "garbage");
            assertThat(store.candles(M, Timeframe.M1).closes()).containsExactly(800.0, 801.0, 802.0);
        }
    }

    @Test
    void aNewStoreNeverReadsAnotherStoresColumnFile() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n");
            assertThat(store.candles(M, Timeframe.M1).size()).isEqualTo(1);
        }
        Path columns = dir.resolve("s/columns");
        // Replace the database but keep the old column files: versions from the new store's sequence differ.
        Files.delete(dir.resolve("s/marketdata.mv.db"));
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            assertThat(columns).exists();
            assertThat(store.candles(M, Timeframe.M1).size()).isZero();
            importTrades(store, "b.csv", "1385337600,900,1\n1385337660,901,1\n");
            assertThat(store.candles(M, Timeframe.M1).closes()).containsExactly(900.0, 901.0);
        }
    }
}
