package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.features.Dsl;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Top-of-book quote ticks from a CSV feed the quote series and the bid/ask bars the order-book features read; without
 * size columns, size features refuse by name; crossed quotes are bad rows.
 */
class QuotesCsvTest extends ImportFixture {
    private static final long T0 = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
    private static final Market EURUSD = new Market("fx", "eur_usd");

    /** Two quotes a minute for 300 minutes (at :10 s and :40 s), the second of each minute 1 pip higher. */
    private static String ticks(boolean sizes) {
        StringBuilder sb = new StringBuilder(sizes ? "timestamp,bid,ask,bid_size,ask_size\n" : "timestamp,bid,ask\n");
        for (int m = 0; m < 300; m++) {
            for (int k = 0; k < 2; k++) {
                double bid = 1.08 + 0.0001 * (m % 7) + 0.0001 * k;
                sb.append(Instant.ofEpochMilli(T0 + m * 60_000L + (k == 0 ? 10_000 : 40_000))).append(',')
                        .append(bid).append(',').append(bid + 0.00002);
                if (sizes) {
                    sb.append(',').append(1_000_000 + m).append(',').append(2_000_000 - m);
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void ticksBecomeQuotesAndBidAskBars() throws IOException {
        var o = importFile("eurusd.csv", ticks(true), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        QuoteSeries q = store.quotes(EURUSD, T0, T0 + 86_400_000L);
        assertThat(q.size()).isEqualTo(600);
        assertThat(q.bids()[1]).isCloseTo(1.0801, within(1e-12));
        assertThat(q.askSizes()[1]).isEqualTo(2_000_000);
        // the bar of each minute closes on its last quote (the :40 s one)
        QuoteCandleSeries m1 = store.quoteCandles(EURUSD, Timeframe.M1, T0, T0 + 86_400_000L);
        assertThat(m1.size()).isEqualTo(300);
        assertThat(m1.bidCloses()[3]).isCloseTo(1.08 + 0.0003 + 0.0001, within(1e-12));
        // re-importing the same file writes nothing
        var again = importFile("eurusd.csv", ticks(true), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        assertThat(again.rejected()).isFalse();
        assertThat(store.quotes(EURUSD, T0, T0 + 86_400_000L).size()).isEqualTo(600);
    }

    @Test
    void withoutSizesSpreadBuildsAndSizeFeaturesAreRefusedByName() throws IOException {
        var o = importFile("eurusd.csv", ticks(false), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        // a featureset's rows are its base market's candles: the same minutes as bars (no volume, as FX bars come)
        StringBuilder bars = new StringBuilder("time,open,high,low,close\n");
        for (int m = 0; m < 300; m++) {
            bars.append(T0 / 1000 + m * 60L).append(",1.08,1.081,1.079,1.0805\n");
        }
        var c = importFile("bars.csv", bars.toString(), ImportOptions.of(ImportFormat.OHLCV_CSV, "fx", "eur_usd"));
        assertThat(c.rejected()).as(c.error()).isFalse();
        FeatureSetBuilder builder = new FeatureSetBuilder(SeriesSource.of(store));
        FeatureLabelSet spread = FeatureLabelSet.builder("q").base("fx:eur_usd", "1m").features(Dsl.Spread())
                .labels(Dsl.Spread().lookforward(1)).build();
        FeatureMatrix m = builder.build(spread, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(m.rows()).isEqualTo(299);
        assertThat(m.features()[0][0]).isCloseTo(0.00002, within(1e-12));
        FeatureLabelSet book = FeatureLabelSet.builder("b").base("fx:eur_usd", "1m").features(Dsl.BookImbalance())
                .labels(Dsl.Spread().lookforward(1)).build();
        assertThatThrownBy(() -> builder.build(book, Long.MIN_VALUE, Long.MAX_VALUE))
                .hasMessageContaining("BookImbalance()").hasMessageContaining("needs quote sizes")
                .hasMessageContaining("quote bars of fx:eur_usd at 1m have none");
    }

    @Test
    void crossedQuotesAndMissingColumnsAreRefusedWithTheirPlace() throws IOException {
        String crossed = "time,bid,ask\n2024-03-01T00:00:00Z,1.08,1.0802\n2024-03-01T00:00:01Z,1.08,1.079\n";
        var o = importFile("crossed.csv", crossed, ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "x"));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("crossed.csv:3").contains("ask").contains("is below bid 1.08 (a crossed quote)");
        var cols = importFile("cols.csv", "time,price\n1,2\n", ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "y"));
        assertThat(cols.error()).contains("lacks column(s) [bid, ask]").contains("--columns time,bid,ask");
    }

    @Test
    void quoteBarsExportedAsCsvImportBackAsTheSameQuoteBars() throws IOException {
        var o = importFile("eurusd.csv", ticks(true), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        var written = io.atlasj.marketdata.lake.SeriesFiles.export(store,
                k -> k.kind() == io.atlasj.marketdata.lake.Lake.Kind.QUOTE_BARS && k.timeframe() == Timeframe.M1,
                io.atlasj.marketdata.lake.SeriesFiles.Format.CSV, dir.resolve("exports"));
        assertThat(written).hasSize(1);
        java.nio.file.Path file = written.get(0).file();
        assertThat(java.nio.file.Files.readAllLines(file).get(0)).startsWith("open_time,bid_open,bid_high");
        QuoteCandleSeries before = store.quoteCandles(EURUSD, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE);
        QuoteCandleSeries before5 = store.quoteCandles(EURUSD, Timeframe.M5, Long.MIN_VALUE, Long.MAX_VALUE);
        try (var other = io.atlasj.marketdata.store.MarketDataStore.open(dir.resolve("other"))) {
            var s = new ImportJob(other).run(java.util.List.of(file),
                    ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"), ImportJob.Listener.NONE);
            assertThat(s.rejectedFiles()).as(s.files().get(0).error()).isZero();
            assertThat(s.inserted()).isEqualTo(300);
            QuoteCandleSeries after = other.quoteCandles(EURUSD, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(after.openTimes()).containsExactly(before.openTimes());
            for (int c = 0; c < 10; c++) {
                assertThat(after.column(c)).as("column " + c).containsExactly(before.column(c));
            }
            // coarser quote bars are derived from the imported ones as from the ticks
            QuoteCandleSeries after5 = other.quoteCandles(EURUSD, Timeframe.M5, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(after5.openTimes()).containsExactly(before5.openTimes());
            assertThat(after5.bidCloses()).containsExactly(before5.bidCloses());
            assertThat(after5.column(QuoteCandleSeries.ASK_HIGH)).containsExactly(before5.column(QuoteCandleSeries.ASK_HIGH));
            // a second import writes nothing
            var again = new ImportJob(other).run(java.util.List.of(file),
                    ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"), ImportJob.Listener.NONE);
            assertThat(again.inserted()).isZero();
            assertThat(again.present()).isEqualTo(300);
        }
    }

    @Test
    void badQuoteBarsAreRefusedWithLineAndField() throws IOException {
        String head = "time,bid_open,bid_high,bid_low,bid_close,ask_open,ask_high,ask_low,ask_close\n";
        var crossed = importFile("crossed-bars.csv", head
                + "2024-03-01T00:00:00Z,1.08,1.081,1.079,1.080,1.0802,1.0812,1.0792,1.0802\n"
                + "2024-03-01T00:01:00Z,1.08,1.081,1.079,1.080,1.0802,1.0812,1.0792,1.0799\n",
                ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "x"));
        assertThat(crossed.error()).contains("crossed-bars.csv:3").contains("ask_close")
                .contains("below bid close 1.08 (a crossed quote)");
        var inverted = importFile("inverted.csv", head
                + "2024-03-01T00:00:00Z,1.08,1.079,1.081,1.080,1.0802,1.0812,1.0792,1.0802\n"
                + "2024-03-01T00:01:00Z,1.08,1.081,1.079,1.080,1.0802,1.0812,1.0792,1.0802\n",
                ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "x"));
        assertThat(inverted.error()).contains("inverted.csv:2").contains("bid_high 1.079 is below bid_low 1.081");
        var missing = importFile("missing.csv", "time,bid_open,bid_high,bid_low,bid_close\n"
                + "2024-03-01T00:00:00Z,1.08,1.081,1.079,1.080\n", ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "x"));
        assertThat(missing.error()).contains("missing.csv").contains("ask_open");
        assertThat(store.quoteCandles(new Market("fx", "x"), Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE).size())
                .isZero();
    }

    @Test
    void quoteBarsExportedAsArrowOrToTheParquetLakeImportBackAsTheSameQuoteBars() throws IOException {
        var o = importFile("eurusd.csv", ticks(true), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        QuoteCandleSeries before = store.quoteCandles(EURUSD, Timeframe.M5, Long.MIN_VALUE, Long.MAX_VALUE);
        var arrow = io.atlasj.marketdata.lake.SeriesFiles.export(store,
                k -> k.kind() == io.atlasj.marketdata.lake.Lake.Kind.QUOTE_BARS && k.timeframe() == Timeframe.M5,
                io.atlasj.marketdata.lake.SeriesFiles.Format.ARROW, dir.resolve("exports")).get(0).file();
        java.nio.file.Path parquet;
        try (var lake = io.atlasj.marketdata.lake.Lake.open(dir.resolve("lake").toString())) {
            lake.export(store, k -> k.kind() == io.atlasj.marketdata.lake.Lake.Kind.QUOTE_BARS
                    && k.timeframe() == Timeframe.M5, false);
        }
        try (var files = java.nio.file.Files.walk(dir.resolve("lake"))) {
            parquet = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        assertThat(parquet.toString()).contains("quote_bars");
        int k = 0;
        for (var pair : java.util.List.of(java.util.Map.entry(arrow, ImportFormat.ARROW),
                java.util.Map.entry(parquet, ImportFormat.PARQUET))) {
            try (var other = io.atlasj.marketdata.store.MarketDataStore.open(dir.resolve("other-" + k++))) {
                var s = new ImportJob(other).run(java.util.List.of(pair.getKey()),
                        ImportOptions.of(pair.getValue(), "fx", "eur_usd"), ImportJob.Listener.NONE);
                assertThat(s.rejectedFiles()).as(s.files().get(0).error()).isZero();
                assertThat(s.inserted()).as(pair.getValue().id()).isEqualTo(before.size());
                QuoteCandleSeries after = other.quoteCandles(EURUSD, Timeframe.M5, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(after.openTimes()).containsExactly(before.openTimes());
                for (int c = 0; c < 10; c++) {
                    assertThat(after.column(c)).as(pair.getValue().id() + " column " + c)
                            .containsExactly(before.column(c));
                }
                assertThat(other.quoteCandles(EURUSD, Timeframe.H1, Long.MIN_VALUE, Long.MAX_VALUE).bidCloses())
                        .containsExactly(store.quoteCandles(EURUSD, Timeframe.H1, Long.MIN_VALUE, Long.MAX_VALUE)
                                .bidCloses());
            }
        }
    }

    @Test
    void quoteBarsWithColumnsGivenSkipTheirOwnHeaderWhateverItsNames() throws IOException {
        var o = importFile("vendor.csv", "Date,BO,BH,BL,BC,AO,AH,AL,AC\n"
                + "2024-03-01T00:00:00Z,1.08,1.081,1.079,1.080,1.0802,1.0812,1.0792,1.0802\n"
                + "2024-03-01T00:01:00Z,1.08,1.081,1.079,1.0805,1.0802,1.0812,1.0792,1.0807\n",
                ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "v").withColumns(
                        "time,bid_open,bid_high,bid_low,bid_close,ask_open,ask_high,ask_low,ask_close"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(o.rowsRead()).isEqualTo(2);
        assertThat(store.quoteCandles(new Market("fx", "v"), Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE).bidCloses())
                .containsExactly(1.080, 1.0805);
    }
}
