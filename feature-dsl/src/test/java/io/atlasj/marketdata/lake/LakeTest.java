package io.atlasj.marketdata.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.SameBars;
import io.atlasj.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake holds the store's series exactly: the bundled Bitstamp trades (candles over several months) and LEAN
 * Coinbase minute trade and quote bars, exported to Parquet and read back bit for bit, over whole series and over
 * ranges that cut months; exports after the first write only what changed; damaged or half-written series are refused
 * with the file named, and the next export repairs them.
 */
class LakeTest {
    static final Market BTC = new Market("coinbase", "btcusd");
    static final Market ETH = new Market("coinbase", "ethusd");

    @TempDir
    static Path prepared;
    @TempDir
    Path dir;

    /** One import for the class (the bundled trades take seconds); each test gets its own copy of the store. */
    @BeforeAll
    static void importOnce() {
        try (MarketDataStore store = MarketDataStore.open(prepared.resolve("store"))) {
            assertThat(BundledData.importInto(store, prepared.resolve("bundled")).rejectedFiles()).isZero();
            TestData.importLeanCoinbaseDay(store, false);
        }
    }

    MarketDataStore storeWithData() throws java.io.IOException {
        Path from = prepared.resolve("store");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve("store").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return MarketDataStore.open(dir.resolve("store"));
    }

    @Test
    void anExportReadsBackAsTheStoresSeriesBitForBit() throws Exception {
        try (MarketDataStore store = storeWithData(); Lake lake = Lake.open(dir.resolve("lake").toString())) {
            Lake.ExportReport r = lake.export(store, k -> true, false);
            assertThat(r.seriesWritten()).isGreaterThanOrEqualTo(3);
            assertThat(r.monthsWritten()).isGreaterThan(r.seriesWritten()); // the bundled trades span months
            int candleSeries = 0;
            for (Lake.Series s : lake.series()) {
                Lake.SeriesKey k = s.key();
                assertThat(s.complete()).isTrue();
                assertThat(lake.fingerprint(k)).contains(store.fingerprint(k.market(), k.timeframe(),
                        k.kind() == Lake.Kind.QUOTE_BARS));
                if (k.kind() == Lake.Kind.CANDLES) {
                    candleSeries++;
                    CandleSeries want = store.candles(k.market(), k.timeframe());
                    SameBars.assertSameCandles(lake.candles(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE), want);
                    // a range that starts and ends inside months
                    long from = want.openTime(want.size() / 3);
                    long to = want.openTime(2 * want.size() / 3);
                    if (want.size() >= 6) {
                        SameBars.assertSameCandles(lake.candles(k.market(), k.timeframe(), from, to), want.between(from, to));
                    }
                } else {
                    QuoteCandleSeries want = store.quoteCandles(k.market(), k.timeframe(), Long.MIN_VALUE,
                            Long.MAX_VALUE);
                    QuoteCandleSeries got = lake.quoteBars(k.market(), k.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE);
                    assertThat(got.size()).isEqualTo(want.size()).isPositive();
                    assertThat(got.openTimes()).isEqualTo(want.openTimes());
                    for (int c = 0; c < 10; c++) {
                        assertThat(got.column(c)).as("quote column %d", c).isEqualTo(want.column(c));
                    }
                    assertThat(got.sources()).isEqualTo(want.sources());
                    // a range inside the series, and one between two bars: the store selects it in SQL
                    long[] t = want.openTimes();
                    int n = t.length;
                    long[][] ranges = {{t[n / 3], t[2 * n / 3]}, {t[n / 2] + 1, t[n - 1]}, {t[n / 2], t[n / 2]}};
                    for (long[] range : ranges) {
                        QuoteCandleSeries part = lake.quoteBars(k.market(), k.timeframe(), range[0], range[1]);
                        QuoteCandleSeries sql = store.quoteCandles(k.market(), k.timeframe(), range[0], range[1]);
                        assertThat(part.openTimes()).isEqualTo(sql.openTimes());
                        assertThat(part.column(QuoteCandleSeries.ASK_CLOSE))
                                .isEqualTo(sql.column(QuoteCandleSeries.ASK_CLOSE));
                    }
                }
            }
            assertThat(candleSeries).isGreaterThanOrEqualTo(2);
            assertThat(lake.markets()).contains(BTC, new Market(BundledData.EXCHANGE, BundledData.SYMBOL));
            // Hive-style folders, one Parquet file per month
            Path month = dir.resolve("lake/candles/exchange=coinbase/symbol=btcusd/timeframe=1m/month=2017-09");
            assertThat(month.resolve("part-0.parquet")).isRegularFile();
            assertThat(dir.resolve("lake").resolve(Lake.CATALOGUE)).isRegularFile();
        }
    }

    /**
     * A market removed from the store ({@code data remove}) leaves it whole: its segment files go, the other markets'
     * bars and fingerprints stay, the store reads the same after reopening, and the lake's next export deletes the
     * removed market's months (its series' versions moved on), leaving the others unchanged.
     */
    @Test
    void aRemovedMarketGoesFromTheStoreAndTheNextExport() throws Exception {
        Market bundled = new Market(BundledData.EXCHANGE, BundledData.SYMBOL);
        try (MarketDataStore store = storeWithData(); Lake lake = Lake.open(dir.resolve("lake").toString())) {
            lake.export(store, k -> true, false);
            assertThat(lake.markets()).contains(BTC, bundled);
            String btcPrint = store.fingerprint(BTC, Timeframe.M1, false);
            double[] btcCloses = store.candles(BTC, Timeframe.M1).closes();
            long files;
            try (Stream<Path> f = Files.walk(dir.resolve("store/bars"))) {
                files = f.filter(Files::isRegularFile).count();
            }
            var gone = store.remove(bundled);
            assertThat(gone).extracting(s -> s.kind().name()).contains("TRADES", "CANDLES");
            long left;
            try (Stream<Path> f = Files.walk(dir.resolve("store/bars"))) {
                left = f.filter(Files::isRegularFile).count();
            }
            assertThat(left).isLessThan(files);
            assertThat(store.markets()).doesNotContain(bundled).contains(BTC);
            assertThat(store.candles(bundled, Timeframe.M1).isEmpty()).isTrue();
            assertThat(store.fingerprint(BTC, Timeframe.M1, false)).isEqualTo(btcPrint);
            Lake.ExportReport r = lake.export(store, k -> true, false);
            assertThat(r.monthsDeleted()).isPositive();
            assertThat(lake.candles(bundled, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE).isEmpty()).isTrue();
            assertThat(lake.markets()).doesNotContain(bundled).contains(BTC);
            assertThat(lake.candles(BTC, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE).closes()).isEqualTo(btcCloses);
            assertThatThrownBy(() -> store.remove(new Market("kraken", "btcusd")))
                    .hasMessageContaining("no market kraken:btcusd");
        }
        try (MarketDataStore again = MarketDataStore.open(dir.resolve("store"))) {
            assertThat(again.markets()).doesNotContain(bundled).contains(BTC);
            assertThat(again.summaries()).noneMatch(s -> s.market().equals(bundled));
            assertThat(again.verify().damaged()).isEmpty();
        }
    }

    @Test
    void aSecondExportWritesOnlyWhatChanged() throws Exception {
        try (MarketDataStore store = storeWithData()) {
            String at = dir.resolve("lake").toString();
            try (Lake lake = Lake.open(at)) {
                lake.export(store, k -> true, false);
            }
            try (Lake lake = Lake.open(at)) {
                Lake.ExportReport again = lake.export(store, k -> true, false);
                assertThat(again.seriesWritten()).isZero();
                assertThat(again.monthsWritten()).isZero();
                assertThat(again.seriesUnchanged()).isEqualTo(lake.series().size());
            }
            // a new market: only its series are written
            new ImportJob(store).run(List.of(TestData.fixture("lean/crypto/coinbase/minute/ethusd/20170903_trade.zip")),
                    ImportOptions.of(ImportFormat.LEAN, null, null), ImportJob.Listener.NONE);
            try (Lake lake = Lake.open(at)) {
                int before = lake.series().size();
                Lake.ExportReport r = lake.export(store, k -> true, false);
                assertThat(r.seriesUnchanged()).isEqualTo(before);
                assertThat(r.seriesWritten()).isPositive();
                assertThat(lake.markets()).contains(ETH);
                CandleSeries want = store.candles(ETH, Timeframe.M1);
                SameBars.assertSameCandles(lake.candles(ETH, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE), want);
            }
            // only the markets asked for
            try (Lake other = Lake.open(dir.resolve("lake2").toString())) {
                other.export(store, k -> k.market().equals(ETH), false);
                assertThat(other.markets()).containsExactly(ETH);
            }
        }
    }

    @Test
    void aChangedFileIsRefusedNamingItAndRewriteRepairsIt() throws Exception {
        try (MarketDataStore store = storeWithData()) {
            String at = dir.resolve("lake").toString();
            Path file = dir.resolve("lake/candles/exchange=coinbase/symbol=btcusd/timeframe=1m/month=2017-09/"
                    + "part-0.parquet");
            try (Lake lake = Lake.open(at)) {
                lake.export(store, k -> true, false);
            }
            // another month's file of the same series under this month's name: valid Parquet, other values
            Path other;
            try (Stream<Path> s = Files.walk(dir.resolve("lake/candles/exchange=coinbase/symbol=btcusd/timeframe=1h"))) {
                other = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            }
            Files.copy(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (Lake lake = Lake.open(at)) {
                assertThatThrownBy(() -> lake.candles(BTC, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE))
                        .isInstanceOf(Lake.LakeException.class).hasMessageContaining(file.getFileName().toString())
                        .hasMessageContaining("--rewrite");
                // unchanged fingerprints: a plain export leaves the file; --rewrite writes it again
                assertThat(lake.export(store, k -> true, false).monthsWritten()).isZero();
                assertThat(lake.export(store, k -> true, true).monthsWritten()).isPositive();
                SameBars.assertSameCandles(lake.candles(BTC, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE),
                        store.candles(BTC, Timeframe.M1));
            }
        }
    }

    @Test
    void aSeriesWhoseExportWasCutShortIsRefusedUntilTheNextExport() throws Exception {
        try (MarketDataStore store = storeWithData()) {
            String at = dir.resolve("lake").toString();
            try (Lake lake = Lake.open(at)) {
                lake.export(store, k -> true, false);
            }
            // what the catalogue says while a series' months are being written (and after a kill -9 then)
            Path cat = dir.resolve("lake").resolve(Lake.CATALOGUE);
            String text = Files.readString(cat);
            String fp = store.fingerprint(BTC, Timeframe.M1, false);
            assertThat(text).contains("\"" + fp + "\"");
            int at1m = text.indexOf("\"timeframe\" : \"1m\"", text.indexOf("\"market\" : \"coinbase:btcusd\""));
            int fpAt = text.indexOf("\"fingerprint\" : \"" + fp + "\"", at1m);
            Files.writeString(cat, text.substring(0, fpAt) + "\"fingerprint\" : null"
                    + text.substring(fpAt + ("\"fingerprint\" : \"" + fp + "\"").length()));
            try (Lake lake = Lake.open(at)) {
                assertThat(lake.fingerprint(new Lake.SeriesKey(Lake.Kind.CANDLES, BTC, Timeframe.M1))).isEmpty();
                assertThatThrownBy(() -> lake.requireComplete(new Lake.SeriesKey(Lake.Kind.CANDLES, BTC, Timeframe.M1)))
                        .hasMessageContaining("only in part");
                assertThatThrownBy(() -> lake.candles(BTC, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE))
                        .hasMessageContaining("only in part").hasMessageContaining("atlas data export --to " + at);
                Lake.ExportReport r = lake.export(store, k -> true, false);
                assertThat(r.seriesWritten()).isEqualTo(1);
                assertThat(r.monthsWritten()).isZero(); // its months were intact: the checksums say so
                SameBars.assertSameCandles(lake.candles(BTC, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE),
                        store.candles(BTC, Timeframe.M1));
            }
        }
    }

    @Test
    void aFileWithDictionaryEncodingAsOtherWritersMakeReadsTheSame() throws Exception {
        try (MarketDataStore store = storeWithData()) {
            ParquetSeries.Columns want = ParquetSeries.of(store.candles(BTC, Timeframe.M1));
            var conf = new org.apache.hadoop.conf.Configuration(false);
            for (boolean dictionary : new boolean[] {true, false}) {
                var file = new org.apache.hadoop.fs.Path(dir.resolve("d" + dictionary + ".parquet").toUri());
                ParquetSeries.write(want, true, file, conf, java.util.Map.of(), dictionary);
                ParquetSeries.Columns got = ParquetSeries.read(file, true, conf);
                assertThat(Lake.crc(got)).as("dictionary " + dictionary).isEqualTo(Lake.crc(want));
                SameBars.assertSameCandles(ParquetSeries.candles(BTC, Timeframe.M1, got), store.candles(BTC, Timeframe.M1));
            }
        }
    }

    @Test
    void aCatalogueThatIsNotOneIsRefusedNamingTheFile() throws Exception {
        Path lakeDir = Files.createDirectories(dir.resolve("lake"));
        Files.writeString(lakeDir.resolve(Lake.CATALOGUE), "{\"format\": 99}");
        assertThatThrownBy(() -> Lake.open(lakeDir.toString())).isInstanceOf(Lake.LakeException.class)
                .hasMessageContaining(Lake.CATALOGUE).hasMessageContaining("format 99");
        Files.writeString(lakeDir.resolve(Lake.CATALOGUE), "{not json");
        assertThatThrownBy(() -> Lake.open(lakeDir.toString())).isInstanceOf(Lake.LakeException.class)
                .hasMessageContaining(Lake.CATALOGUE).hasMessageContaining("not a lake catalogue");
    }
}
