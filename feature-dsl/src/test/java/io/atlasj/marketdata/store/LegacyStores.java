package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
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

/**
 * Stores of the schema versions before segments (their series as H2 rows), made from a current store's content, and
 * the check shared by the crash tests that a store holds no segment file its catalogue does not name.
 */
final class LegacyStores {
    static final Market BTC = new Market("bitstamp", "btc_usd");
    static final Market EUR = new Market("fx", "eur_usd");

    private LegacyStores() {
    }

    /**
     * The segment files on disk under {@code storeDir} are exactly those the store's committed catalogue names: what a
     * killed process wrote before its commit, or what a commit replaced, went when the store was opened again.
     */
    static void assertOnlyNamedFiles(MarketDataStore store, Path storeDir) throws SQLException, java.io.IOException {
        List<Path> named = new ArrayList<>();
        try (Statement st = store.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT file FROM bar_segments")) {
            while (rs.next()) {
                named.add(storeDir.resolve("bars").resolve(rs.getString(1)));
            }
        }
        try (var onDisk = java.nio.file.Files.walk(storeDir.resolve("bars"))) {
            org.assertj.core.api.Assertions.assertThat(onDisk.filter(java.nio.file.Files::isRegularFile).toList())
                    .containsExactlyInAnyOrderElementsOf(named);
        }
    }

    static final String[] LEGACY_TABLES = {
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
    static Map<String, Object> everyBar(MarketDataStore store) {
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
     * Writes, at {@code legacy}, a store of schema {@code version} holding the same ticks and bars as {@code store} (a
     * current one) as H2 rows (version 1: without its weekly bars); returns {@code legacy}.
     */
    /**
     * Whether a store of schema {@code version} held bars of {@code tf}: version 1 had neither weeks nor (as the first
     * releases) 3m, 30m, 2h and 12h.
     */
    static boolean had(int version, Timeframe tf) {
        return version > 1
                || !List.of(Timeframe.W1, Timeframe.M3, Timeframe.M30, Timeframe.H2, Timeframe.H12).contains(tf);
    }

    static Path legacyCopy(MarketDataStore store, Path legacy, int version) throws SQLException {
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
                    if (!rs.getString(3).equals("tick") && !had(version, Timeframe.parse(rs.getString(3)))) {
                        continue;
                    }
                    st.execute("INSERT INTO series_versions VALUES (" + rs.getInt(1) + ", '" + rs.getString(2)
                            + "', '" + rs.getString(3) + "', " + rs.getLong(4) + ")");
                }
            }
            for (Market m : List.of(BTC, EUR)) {
                var known = store.marketId(m, false);
                if (known.isEmpty()) {
                    continue;
                }
                int id = known.get();
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
                    if (!had(version, tf)) {
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
}
