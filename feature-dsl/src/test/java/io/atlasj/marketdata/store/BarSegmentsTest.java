package io.atlasj.marketdata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bar segments are the store's bars: an import replaces whole segments in its transaction, nothing uncommitted is
 * ever read or left behind, a damaged file is refused with its name, and a store from before segments (its bars as H2
 * rows) is moved into them, bar for bar, when first opened.
 */
class BarSegmentsTest {
    private static final Market BTC = new Market("bitstamp", "btc_usd");
    private static final Market EUR = new Market("fx", "eur_usd");

    @TempDir
    Path dir;

    private void importFile(MarketDataStore store, String name, String text, ImportOptions options) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        var s = new ImportJob(store).run(List.of(f), options, ImportJob.Listener.NONE);
        assertThat(s.rejectedFiles()).as(s.files().get(0).error()).isZero();
    }

    private void importTrades(MarketDataStore store, String name, String csv) throws IOException {
        importFile(store, name, csv, ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"));
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aLaterImportReplacesTheSegmentsItChanges() throws IOException {
        Path bars = dir.resolve("s/bars");
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n1385337660,801,1\n");
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(800.0, 801.0);
            List<Path> first = files(bars);
            // the hour's trades, and one segment per timeframe: a day for 1s, a month for 1m to 12h, a year for days
            // and weeks
            assertThat(first).hasSize(1 + Timeframe.values().length);
            assertThat(first).anyMatch(p -> p.toString().contains("/trades/tick/2013-11-25T00."));
            assertThat(first).anyMatch(p -> p.toString().contains("/candles/1s/2013-11-25."));
            assertThat(first).anyMatch(p -> p.toString().contains("/candles/1m/2013-11-01."));
            assertThat(first).anyMatch(p -> p.toString().contains("/candles/1d/2013-01-01."));

            importTrades(store, "b.csv", "1385337720,802,1\n1385337721,803,2\n");
            CandleSeries second = store.candles(BTC, Timeframe.M1);
            assertThat(second.closes()).containsExactly(800.0, 801.0, 803.0);
            assertThat(second.volumes()).containsExactly(1.0, 1.0, 3.0);
            assertThat(store.candles(BTC, Timeframe.M1, 1385337660_000L, 1385337720_000L).closes())
                    .containsExactly(801.0);
            // the replaced files are gone, and as many segments as before name new files
            List<Path> now = files(bars);
            assertThat(now).hasSize(first.size()).doesNotContainAnyElementsOf(first);
            assertThat(store.summaries()).anySatisfy(s -> {
                assertThat(s.kind()).isEqualTo(SeriesSummary.Kind.CANDLES);
                assertThat(s.timeframe()).isEqualTo(Timeframe.M1);
                assertThat(s.rows()).isEqualTo(3);
            });
        }
    }

    @Test
    void barsSpanningMonthsAreSplitIntoMonthSegmentsAndReadBackWhole() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            // 2013-11-30 23:59, 2013-12-01 00:00 and 2014-01-01 00:00
            importTrades(store, "a.csv", "1385855940,800,1\n1385856000,801,1\n1388534400,802,1\n");
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(800.0, 801.0, 802.0);
            assertThat(store.candles(BTC, Timeframe.M1, 1385856000_000L, 1388534400_000L).closes())
                    .containsExactly(801.0);
            assertThat(files(dir.resolve("s/bars")).stream().filter(p -> p.toString().contains("/candles/1m/")))
                    .hasSize(3);
            assertThat(store.candles(BTC, Timeframe.D1).size()).isEqualTo(3);
            assertThat(store.candles(BTC, Timeframe.W1).size()).isEqualTo(2);
        }
    }

    /**
     * A read of any range, cutting segments anywhere, is the whole series' bars (or ticks) in that range: the bundled
     * week's minutes (two month segments), 5-minute bars and trades (about 170 hour segments), over 300 random ranges
     * each, some reaching past either end.
     */
    @Test
    void aReadOfAnyRangeIsTheWholeSeriesCutToIt() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            var s = new ImportJob(store).run(List.of(io.atlasj.marketdata.pipeline.BundledData.extract(dir)),
                    io.atlasj.marketdata.pipeline.BundledData.options(), ImportJob.Listener.NONE);
            assertThat(s.rejectedFiles()).isZero();
            java.util.Random rnd = new java.util.Random(27);
            for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
                CandleSeries all = store.candles(BTC, tf);
                long first = all.openTime(0);
                long span = all.openTime(all.size() - 1) - first;
                for (int k = 0; k < 300; k++) {
                    long a = first - span / 10 + (long) (rnd.nextDouble() * span * 1.2);
                    long b = a + (long) (rnd.nextDouble() * span * 0.6);
                    CandleSeries got = store.candles(BTC, tf, a, b);
                    CandleSeries want = all.between(a, b);
                    assertThat(got.openTimes()).isEqualTo(want.openTimes());
                    assertThat(got.closes()).isEqualTo(want.closes());
                    assertThat(got.volumes()).isEqualTo(want.volumes());
                    assertThat(got.tradeCounts()).isEqualTo(want.tradeCounts());
                    assertThat(got.sources()).isEqualTo(want.sources());
                }
            }
            var trades = store.trades(BTC, Long.MIN_VALUE, Long.MAX_VALUE);
            long first = trades.times()[0];
            long span = trades.times()[trades.size() - 1] - first;
            for (int k = 0; k < 300; k++) {
                long a = first + (long) (rnd.nextDouble() * span);
                long b = a + (long) (rnd.nextDouble() * span * 0.3);
                var got = store.trades(BTC, a, b);
                int i = lowerBound(trades.times(), a);
                int j = lowerBound(trades.times(), b);
                assertThat(got.times()).isEqualTo(Arrays.copyOfRange(trades.times(), i, j));
                assertThat(got.prices()).isEqualTo(Arrays.copyOfRange(trades.prices(), i, j));
                assertThat(got.seqs()).isEqualTo(Arrays.copyOfRange(trades.seqs(), i, j));
            }
        }
    }

    private static int lowerBound(long[] t, long x) {
        int i = Arrays.binarySearch(t, x);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && t[i - 1] == x) {
            i--;
        }
        return i;
    }

    /** A store written before the import log counted revisions gets the column when opened, and imports into it. */
    @Test
    void aStoreWhoseImportLogLacksTheRevisedColumnGetsIt() throws Exception {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385855940,800,1\n");
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("s/marketdata"), "atlas", "");
             Statement st = c.createStatement()) {
            st.execute("ALTER TABLE imports DROP COLUMN revised");
        }
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "b.csv", "1385856000,801,1\n");
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(800.0, 801.0);
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("s/marketdata"), "atlas", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT revised FROM imports ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aDamagedSegmentIsRefusedWithItsNameNeverReadAsData() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n1385337660,801,1\n1385337720,802,1\n");
            assertThat(store.candles(BTC, Timeframe.M1).size()).isEqualTo(3);
            Path file = files(dir.resolve("s/bars")).stream().filter(p -> p.toString().contains("/candles/1m/"))
                    .findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
            assertThatThrownBy(() -> store.candles(BTC, Timeframe.M1)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("damaged")
                    .hasMessageContaining("import the files again");
            bytes[bytes.length - 10] ^= 1; // one flipped bit in the values, same length
            Files.write(file, bytes);
            assertThatThrownBy(() -> store.candles(BTC, Timeframe.M1)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("CRC-32C");
            // other timeframes are still read
            assertThat(store.candles(BTC, Timeframe.H1).size()).isEqualTo(1);
        }
    }

    @Test
    void filesNoCommitNamesAreDeletedWhenTheStoreOpensAndARollbackWritesNothing() throws Exception {
        Path bars = dir.resolve("s/bars");
        List<Path> committed;
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            importTrades(store, "a.csv", "1385337600,800,1\n1385337660,801,1\n");
            committed = files(bars);
            // a change rolled back is never read and never written
            Bars other = Bars.of(CandleSeries.builder(BTC, Timeframe.M1).add(1385337600_000L, 1, 1, 1, 1, 1, 1, 1, 1,
                    io.atlasj.marketdata.CandleSource.IMPORTED).build());
            store.segments().replace(1, BarSegments.Kind.CANDLES, Timeframe.M1, 1385337600_000L, 1385337601_000L,
                    other);
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(1.0, 801.0);
            store.rollback();
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(800.0, 801.0);
            assertThat(files(bars)).isEqualTo(committed);
        }
        // what a crash leaves: a file written before its commit, and a temporary file
        Path stray = committed.get(0).resolveSibling("2013-11-01.999999.bars");
        Files.write(stray, new byte[100]);
        Files.write(committed.get(0).resolveSibling("x.bars.123.tmp"), new byte[10]);
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("s"))) {
            assertThat(files(bars)).isEqualTo(committed);
            assertThat(store.candles(BTC, Timeframe.M1).closes()).containsExactly(800.0, 801.0);
        }
    }

    // ---- stores from before segments

    private MarketDataStore storeWithTradesAndQuotes() throws IOException {
        MarketDataStore store = MarketDataStore.open(dir.resolve("s"));
        StringBuilder trades = new StringBuilder();
        for (int i = 0; i < 3 * 24 * 60; i += 7) { // three days, a trade every 7 minutes
            trades.append(1385337600L + 60L * i).append(',').append(800 + i % 13).append(',').append(1 + i % 3)
                    .append('\n');
        }
        importTrades(store, "trades.csv", trades.toString());
        StringBuilder quotes = new StringBuilder("timestamp,bid,ask,bid_size,ask_size\n");
        for (int i = 0; i < 2 * 24 * 60; i += 5) {
            double bid = 1.08 + 0.0001 * (i % 11);
            quotes.append(java.time.Instant.ofEpochSecond(1709251200L + 60L * i)).append(',').append(bid).append(',')
                    .append(bid + 0.0002).append(",1000000,2000000\n");
        }
        importFile(store, "quotes.csv", quotes.toString(), ImportOptions.of(ImportFormat.QUOTES_CSV, "fx", "eur_usd"));
        return store;
    }

    @Test
    void aStoreOfVersionTwoHasItsBarRowsMovedIntoSegmentsWhenFirstOpened() throws Exception {
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            Map<String, Object> expected = LegacyStores.everyBar(store);
            assertThat(expected).containsKeys(BTC + " candles 1w", EUR + " quote bars 1d", BTC + " trades",
                    EUR + " quotes");
            Path legacy = LegacyStores.legacyCopy(store, dir.resolve("legacy-2"), 2);
            String fingerprint;
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas",
                    "")) {
                fingerprint = "2a:" + version(c);
            }
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(LegacyStores.everyBar(upgraded)).isEqualTo(expected);
                // the same content keeps its fingerprint, so featureset caches stay valid
                assertThat(upgraded.fingerprint(BTC, Timeframe.M1, false)).isEqualTo(fingerprint);
                assertThat(tables(upgraded.connection())).doesNotContain("CANDLES", "QUOTE_CANDLES", "TRADES", "QUOTES")
                        .contains("BAR_SEGMENTS");
                // and it imports on top as a new store does
                importTrades(upgraded, "later.csv", "1385683200,900,1\n");
                assertThat(upgraded.candles(BTC, Timeframe.M1).size())
                        .isEqualTo(store.candles(BTC, Timeframe.M1).size() + 1);
            }
        }
    }

    @Test
    void aStoreOfVersionOneGetsItsWeeksTooWhenFirstOpened() throws Exception {
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            Map<String, Object> expected = LegacyStores.everyBar(store);
            Path legacy = LegacyStores.legacyCopy(store, dir.resolve("legacy-1"), 1);
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(LegacyStores.everyBar(upgraded)).isEqualTo(expected);
                // and no series beyond those (a market of trades alone gets no weekly quote bars)
                assertThat(seriesNames(upgraded)).isEqualTo(seriesNames(store));
            }
        }
    }

    @Test
    void aStoreOfVersionThreeGetsTheKeptTimeframesItLacksAndWiderLabelsWhenFirstOpened() throws Exception {
        Map<String, Object> expected;
        List<String> names;
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            expected = LegacyStores.everyBar(store);
            names = seriesNames(store);
        }
        assertThat(expected).containsKeys(BTC + " candles 3m", BTC + " candles 12h", EUR + " quote bars 30m",
                EUR + " quote bars 2h");
        // what schema 3 wrote before 3m, 30m, 2h and 12h were added: the same store without those series, and
        // four-character timeframe labels
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("s/marketdata"), "atlas", "");
             Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM bar_segments WHERE timeframe IN ('3m', '30m', '2h', '12h')"))
                    .isEqualTo(8);
            st.execute("DELETE FROM series_versions WHERE timeframe IN ('3m', '30m', '2h', '12h')");
            st.execute("UPDATE schema_version SET version = 3");
            st.execute("ALTER TABLE bar_segments ALTER COLUMN timeframe SET DATA TYPE VARCHAR(4)");
            st.execute("ALTER TABLE series_versions ALTER COLUMN timeframe SET DATA TYPE VARCHAR(4)");
        }
        try (MarketDataStore upgraded = MarketDataStore.open(dir.resolve("s"))) {
            assertThat(LegacyStores.everyBar(upgraded)).isEqualTo(expected);
            assertThat(seriesNames(upgraded)).isEqualTo(names);
            try (Statement st = upgraded.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4);
            }
            // and it takes bars of a timeframe whose label is longer than schema 3 allowed (a 25th of a day)
            Timeframe odd = Timeframe.parse("3456s");
            importFile(upgraded, "odd.csv", "time,open,high,low,close,volume\n2024-03-01T00:00:00Z,1,2,0.5,1.5,10\n"
                    + "2024-03-01T00:57:36Z,1.5,2,1,1.2,5\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "odd")
                    .withTimeframe(odd));
            assertThat(upgraded.candles(new Market("x", "odd"), odd).closes()).containsExactly(1.5, 1.2);
        }
        try (MarketDataStore again = MarketDataStore.open(dir.resolve("s"))) {
            assertThat(again.candles(new Market("x", "odd"), Timeframe.parse("3456s")).size()).isEqualTo(2);
        }
    }

    @Test
    void rowsLeftInTheOldTablesAreMovedWhateverTheVersionSays() throws Exception {
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            Map<String, Object> expected = LegacyStores.everyBar(store);
            Path legacy = LegacyStores.legacyCopy(store, dir.resolve("legacy-3"), MarketDataStore.SCHEMA_VERSION);
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas",
                    ""); Statement st = c.createStatement()) {
                BarSegments.createTable(st);
            }
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(LegacyStores.everyBar(upgraded)).isEqualTo(expected);
                assertThat(tables(upgraded.connection())).doesNotContain("TRADES", "QUOTES");
            }
        }
    }

    private static List<String> seriesNames(MarketDataStore store) {
        return store.barSeries().stream().map(b -> b.market() + " " + b.timeframe() + " " + b.quoteBars()).sorted()
                .toList();
    }

    @Test
    void anUpgradeStoppedHalfWayIsDoneAgainWhole() throws Exception {
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            Map<String, Object> expected = LegacyStores.everyBar(store);
            Path legacy = LegacyStores.legacyCopy(store, dir.resolve("legacy-2"), 2);
            // what an upgrade killed after its first periods leaves: committed catalogue rows (here naming a file
            // with other content) and a file written for a commit that never came
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas",
                    ""); Statement st = c.createStatement()) {
                BarSegments.createTable(st);
                st.execute("INSERT INTO bar_segments VALUES (1, 'candles', '1m', 1383264000000, '1/candles/1m/x.bars', "
                        + "1, 1385337600000, 1385337600000, 0, 0, 0)");
            }
            Files.createDirectories(legacy.resolve("bars/1/candles/1m"));
            Files.write(legacy.resolve("bars/1/candles/1m/x.bars"), new byte[50]);
            Files.write(legacy.resolve("bars/1/candles/1m/2013-11-01.77.bars"), new byte[50]);
            Files.createDirectories(legacy.resolve("columns/bitstamp/btc_usd"));
            Files.write(legacy.resolve("columns/bitstamp/btc_usd/1m.candles"), new byte[50]);
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(LegacyStores.everyBar(upgraded)).isEqualTo(expected);
                assertThat(legacy.resolve("bars/1/candles/1m/x.bars")).doesNotExist();
                assertThat(legacy.resolve("bars/1/candles/1m/2013-11-01.77.bars")).doesNotExist();
                assertThat(legacy.resolve("columns")).doesNotExist();
            }
        }
    }

    private static long version(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT v.version FROM series_versions v JOIN markets m ON m.id=v.market WHERE m.symbol='btc_usd' "
                        + "AND v.kind='candles' AND v.timeframe='1m'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA='PUBLIC'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
