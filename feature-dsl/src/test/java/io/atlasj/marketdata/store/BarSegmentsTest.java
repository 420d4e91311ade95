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

    private static final String[] LEGACY_TABLES = {
        "CREATE TABLE schema_version(version INT NOT NULL, store_id BIGINT NOT NULL)",
        "CREATE TABLE markets(id INT AUTO_INCREMENT PRIMARY KEY, exchange VARCHAR(64) NOT NULL, "
                + "symbol VARCHAR(64) NOT NULL, UNIQUE(exchange, symbol))",
        "CREATE TABLE trades(market INT NOT NULL, time BIGINT NOT NULL, seq BIGINT NOT NULL, "
                + "price DOUBLE PRECISION NOT NULL, quantity DOUBLE PRECISION NOT NULL, side TINYINT NOT NULL, "
                + "trade_id BIGINT NOT NULL, PRIMARY KEY(market, time, seq))",
        "CREATE TABLE candles(market INT NOT NULL, timeframe VARCHAR(4) NOT NULL, open_time BIGINT NOT NULL, "
                + "open DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL, low DOUBLE PRECISION NOT NULL, "
                + "close DOUBLE PRECISION NOT NULL, volume DOUBLE PRECISION NOT NULL, "
                + "quote_volume DOUBLE PRECISION NOT NULL, trade_count BIGINT NOT NULL, "
                + "taker_buy_volume DOUBLE PRECISION NOT NULL, source TINYINT NOT NULL, "
                + "PRIMARY KEY(market, timeframe, open_time))",
        "CREATE TABLE quotes(market INT NOT NULL, time BIGINT NOT NULL, seq BIGINT NOT NULL, "
                + "bid DOUBLE PRECISION NOT NULL, bid_size DOUBLE PRECISION NOT NULL, ask DOUBLE PRECISION NOT NULL, "
                + "ask_size DOUBLE PRECISION NOT NULL, PRIMARY KEY(market, time, seq))",
        "CREATE TABLE quote_candles(market INT NOT NULL, timeframe VARCHAR(4) NOT NULL, open_time BIGINT NOT NULL, "
                + "bid_open DOUBLE PRECISION NOT NULL, bid_high DOUBLE PRECISION NOT NULL, "
                + "bid_low DOUBLE PRECISION NOT NULL, bid_close DOUBLE PRECISION NOT NULL, "
                + "bid_size DOUBLE PRECISION NOT NULL, ask_open DOUBLE PRECISION NOT NULL, "
                + "ask_high DOUBLE PRECISION NOT NULL, ask_low DOUBLE PRECISION NOT NULL, "
                + "ask_close DOUBLE PRECISION NOT NULL, ask_size DOUBLE PRECISION NOT NULL, source TINYINT NOT NULL, "
                + "PRIMARY KEY(market, timeframe, open_time))",
        "CREATE TABLE imports(id BIGINT AUTO_INCREMENT PRIMARY KEY, file VARCHAR(4096) NOT NULL, "
                + "format VARCHAR(32) NOT NULL, imported_at BIGINT NOT NULL, rows_read BIGINT NOT NULL, "
                + "inserted BIGINT NOT NULL, present BIGINT NOT NULL, bad_rows BIGINT NOT NULL)",
        "CREATE TABLE series_versions(market INT NOT NULL, kind VARCHAR(16) NOT NULL, timeframe VARCHAR(4) NOT NULL, "
                + "version BIGINT NOT NULL, PRIMARY KEY(market, kind, timeframe))",
        "CREATE SEQUENCE series_version_seq START WITH 1000"};

    /** Everything a store holds (ticks and bars), by series name. */
    private static Map<String, Object> everyBar(MarketDataStore store) {
        Map<String, Object> out = new HashMap<>();
        for (Market m : List.of(BTC, EUR)) {
            var t = store.trades(m, Long.MIN_VALUE, Long.MAX_VALUE);
            if (!t.isEmpty()) {
                out.put(m + " trades", List.of(Arrays.toString(t.times()), Arrays.toString(t.seqs()),
                        Arrays.toString(t.prices()), Arrays.toString(t.quantities()), Arrays.toString(t.sides()),
                        Arrays.toString(t.tradeIds())));
            }
            var q0 = store.quotes(m, Long.MIN_VALUE, Long.MAX_VALUE);
            if (!q0.isEmpty()) {
                out.put(m + " quotes", List.of(Arrays.toString(q0.times()), Arrays.toString(q0.seqs()),
                        Arrays.toString(q0.bids()), Arrays.toString(q0.bidSizes()), Arrays.toString(q0.asks()),
                        Arrays.toString(q0.askSizes())));
            }
            for (Timeframe tf : Timeframe.values()) {
                CandleSeries c = store.candles(m, tf);
                if (!c.isEmpty()) {
                    out.put(m + " candles " + tf, List.of(Arrays.toString(c.openTimes()), Arrays.toString(c.opens()),
                            Arrays.toString(c.highs()), Arrays.toString(c.lows()), Arrays.toString(c.closes()),
                            Arrays.toString(c.volumes()), Arrays.toString(c.quoteVolumes()),
                            Arrays.toString(c.tradeCounts()), Arrays.toString(c.takerBuyVolumes()),
                            Arrays.toString(c.sources())));
                }
                QuoteCandleSeries q = store.quoteCandles(m, tf, Long.MIN_VALUE, Long.MAX_VALUE);
                if (!q.isEmpty()) {
                    List<Object> cols = new ArrayList<>(List.of(Arrays.toString(q.openTimes()),
                            Arrays.toString(q.sources())));
                    for (int k = 0; k < 10; k++) {
                        cols.add(Arrays.toString(q.column(k)));
                    }
                    out.put(m + " quote bars " + tf, cols);
                }
            }
        }
        return out;
    }

    /**
     * Writes, beside {@code store} (a current one), a store of schema {@code version} holding the same bars as H2 rows
     * (version 1: without its weekly ones); returns its folder.
     */
    private Path legacyCopy(MarketDataStore store, int version) throws SQLException {
        Path legacy = dir.resolve("legacy-" + version);
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas", "");
             Statement st = c.createStatement()) {
            for (String ddl : LEGACY_TABLES) {
                st.execute(ddl);
            }
            st.execute("INSERT INTO schema_version VALUES (" + version + ", 42)");
            Connection from = store.connection();
            try (Statement q = from.createStatement();
                 ResultSet rs = q.executeQuery("SELECT id, exchange, symbol FROM markets ORDER BY id")) {
                while (rs.next()) {
                    st.execute("INSERT INTO markets(id, exchange, symbol) VALUES (" + rs.getInt(1) + ", '"
                            + rs.getString(2) + "', '" + rs.getString(3) + "')");
                }
            }
            try (Statement q = from.createStatement();
                 ResultSet rs = q.executeQuery("SELECT market, kind, timeframe, version FROM series_versions")) {
                while (rs.next()) {
                    st.execute("INSERT INTO series_versions VALUES (" + rs.getInt(1) + ", '" + rs.getString(2)
                            + "', '" + rs.getString(3) + "', " + rs.getLong(4) + ")");
                }
            }
            for (Market m : List.of(BTC, EUR)) {
                int id = store.marketId(m, false).orElseThrow();
                var t = store.trades(m, Long.MIN_VALUE, Long.MAX_VALUE);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO trades VALUES (?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < t.size(); i++) {
                        ps.setInt(1, id);
                        ps.setLong(2, t.times()[i]);
                        ps.setLong(3, t.seqs()[i]);
                        ps.setDouble(4, t.prices()[i]);
                        ps.setDouble(5, t.quantities()[i]);
                        ps.setByte(6, t.sides()[i]);
                        ps.setLong(7, t.tradeIds()[i]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                var qt = store.quotes(m, Long.MIN_VALUE, Long.MAX_VALUE);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO quotes VALUES (?,?,?,?,?,?,?)")) {
                    for (int i = 0; i < qt.size(); i++) {
                        ps.setInt(1, id);
                        ps.setLong(2, qt.times()[i]);
                        ps.setLong(3, qt.seqs()[i]);
                        ps.setDouble(4, qt.bids()[i]);
                        ps.setDouble(5, qt.bidSizes()[i]);
                        ps.setDouble(6, qt.asks()[i]);
                        ps.setDouble(7, qt.askSizes()[i]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                for (Timeframe tf : Timeframe.values()) {
                    if (version == 1 && tf == Timeframe.W1) {
                        continue;
                    }
                    CandleSeries cs = store.candles(m, tf);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO candles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                        for (int i = 0; i < cs.size(); i++) {
                            ps.setInt(1, id);
                            ps.setString(2, tf.label());
                            ps.setLong(3, cs.openTime(i));
                            ps.setDouble(4, cs.open(i));
                            ps.setDouble(5, cs.high(i));
                            ps.setDouble(6, cs.low(i));
                            ps.setDouble(7, cs.close(i));
                            ps.setDouble(8, cs.volume(i));
                            ps.setDouble(9, cs.quoteVolume(i));
                            ps.setLong(10, cs.tradeCount(i));
                            ps.setDouble(11, cs.takerBuyVolume(i));
                            ps.setByte(12, cs.sources()[i]);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    QuoteCandleSeries q = store.quoteCandles(m, tf, Long.MIN_VALUE, Long.MAX_VALUE);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO quote_candles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                        for (int i = 0; i < q.size(); i++) {
                            ps.setInt(1, id);
                            ps.setString(2, tf.label());
                            ps.setLong(3, q.openTimes()[i]);
                            for (int k = 0; k < 10; k++) {
                                ps.setDouble(4 + k, q.column(k)[i]);
                            }
                            ps.setByte(14, q.sources()[i]);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
            }
        }
        return legacy;
    }

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
            Map<String, Object> expected = everyBar(store);
            assertThat(expected).containsKeys(BTC + " candles 1w", EUR + " quote bars 1d", BTC + " trades",
                    EUR + " quotes");
            Path legacy = legacyCopy(store, 2);
            String fingerprint;
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas",
                    "")) {
                fingerprint = "2a:" + version(c);
            }
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(everyBar(upgraded)).isEqualTo(expected);
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
            Map<String, Object> expected = everyBar(store);
            Path legacy = legacyCopy(store, 1);
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(everyBar(upgraded)).isEqualTo(expected);
                // and no series beyond those (a market of trades alone gets no weekly quote bars)
                assertThat(seriesNames(upgraded)).isEqualTo(seriesNames(store));
            }
        }
    }

    @Test
    void rowsLeftInTheOldTablesAreMovedWhateverTheVersionSays() throws Exception {
        try (MarketDataStore store = storeWithTradesAndQuotes()) {
            Map<String, Object> expected = everyBar(store);
            Path legacy = legacyCopy(store, MarketDataStore.SCHEMA_VERSION);
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + legacy.resolve("marketdata"), "atlas",
                    ""); Statement st = c.createStatement()) {
                BarSegments.createTable(st);
            }
            try (MarketDataStore upgraded = MarketDataStore.open(legacy)) {
                assertThat(everyBar(upgraded)).isEqualTo(expected);
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
            Map<String, Object> expected = everyBar(store);
            Path legacy = legacyCopy(store, 2);
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
                assertThat(everyBar(upgraded)).isEqualTo(expected);
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
