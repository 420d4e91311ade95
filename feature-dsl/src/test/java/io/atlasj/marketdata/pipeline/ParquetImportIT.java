package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.SameBars;
import io.atlasj.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A month of real Binance 1-minute klines (40,320 rows of ../shared/data; skipped without it), read by Spark from the
 * exchange's CSV and written as Parquet with Spark's defaults (INT96 times, Snappy, Binance's own column names), imports
 * to exactly the candles the CSV gives through {@code binance-klines}: every price, volume, quote volume, trade count
 * and taker-buy volume.
 */
class ParquetImportIT {
    @TempDir
    Path dir;

    @Test
    void aMonthOfBinanceKlinesWrittenBySparkImportsAsTheExchangesCsv() throws Exception {
        Path csv = TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        SparkSession spark = SparkSession.builder().master("local[1]").appName("parquet-import-it")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        Path out = dir.resolve("spark-out");
        try {
            spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
                    .selectExpr("timestamp_millis(open_time) AS open_time", "open", "high", "low", "close", "volume",
                            "close_time", "quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume")
                    .coalesce(1).write().parquet(out.toString());
        } finally {
            spark.stop();
        }
        Path parquet;
        try (Stream<Path> s = Files.list(out)) {
            parquet = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Market fromCsv = new Market("binance-um", "linkusdt");
        Market fromParquet = new Market("pq", "linkusdt");
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            var a = new ImportJob(store).run(List.of(csv), ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um",
                    null), ImportJob.Listener.NONE);
            var b = new ImportJob(store).run(List.of(parquet), ImportOptions.of(ImportFormat.PARQUET,
                    fromParquet.exchange(), fromParquet.symbol()), ImportJob.Listener.NONE);
            assertThat(a.rejectedFiles()).isZero();
            assertThat(b.rejectedFiles()).as(b.files().get(0).error()).isZero();
            CandleSeries want = store.candles(fromCsv, Timeframe.M1);
            assertThat(want.size()).isEqualTo(40_320);
            SameBars.assertSameCandles(store.candles(fromParquet, Timeframe.M1), want);
        }
    }
}
