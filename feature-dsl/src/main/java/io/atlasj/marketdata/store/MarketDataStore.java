package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market-data store: an embedded H2 database file under {@code ATLAS_HOME/marketdata}.
 *
 * <p>Tables (time is UTC epoch milliseconds everywhere):
 * <ul>
 *   <li>{@code markets(id, exchange, symbol)}</li>
 *   <li>{@code bar_segments(market, kind, timeframe, period, file, rows, ...)}: the catalogue of the stored series,
 *       which live in columnar segment files under {@code marketdata/bars} ({@link BarSegments}). Trades are keyed by
 *       (time, seq) and hold price, quantity, side (+1 buy, -1 sell, 0 unknown) and trade id (-1 when unknown);
 *       top-of-book quotes are keyed by (time, seq) and hold bid, bid size, ask and ask size. Candles hold open, high, low, close, volume, quote volume (NaN when unknown), trade
 *       count (-1 when unknown), taker-buy volume (NaN when unknown) and a source (0 imported, 1 derived, 2 filled);
 *       quote bars bid and ask open, high, low, close and size</li>
 *   <li>{@code imports(...)}: one row per imported file</li>
 *   <li>{@code series_versions(market, kind, timeframe, version)}: changes with every import that touches a series;
 *       versions come from a sequence, so a rolled-back import's number is never reused</li>
 * </ul>
 *
 * <p>Crash safety: the database is opened with {@code WRITE_DELAY=0}, so a committed import survives kill -9 (with
 * H2's default delay committed rows were lost: measured, see ARCHITECTURE.md). Each file is imported in one
 * transaction together with the candles resampled from it, so a crash leaves either all of a file or none of it: the
 * bar segments an import writes are new files that only its H2 commit makes part of the store.
 *
 * <p>One process at a time may open a store (H2's file lock); a second gets a clear error. Reads run inside the
 * connection's current transaction (they see an import in progress on the same store object) and never commit.
 */
public final class MarketDataStore implements AutoCloseable {
    /**
     * Version of the table layout; a store written by a newer Atlas is refused. 2: weekly candles (a version 1
     * store gets them derived from its daily candles when it is first opened). 3: bars and ticks in segment files (the
     * rows of an older store are moved into them when it is first opened). 4: timeframe labels of up to 8 characters
     * (any length aligned to UTC days can be imported), and an older store gets every kept timeframe it lacks (3m, 30m,
     * 2h and 12h, in stores from before them) derived from its stored bars when it is first opened.
     */
    public static final int SCHEMA_VERSION = 4;
    private static final Logger LOG = LoggerFactory.getLogger(MarketDataStore.class);

    private final Connection conn;
    private final Path file;
    private final Map<Market, Integer> marketIds = new HashMap<>();
    private BarSegments bars;
    private long storeId;

    private MarketDataStore(Connection conn, Path file) {
        this.conn = conn;
        this.file = file;
    }

    /** Opens (creating if needed) the store in {@code directory}. */
    public static MarketDataStore open(Path directory) {
        Path file = directory.toAbsolutePath().resolve("marketdata");
        String url = "jdbc:h2:file:" + file + ";WRITE_DELAY=0;CACHE_SIZE=131072";
        try {
            Connection conn = DriverManager.getConnection(url, "atlas", "");
            MarketDataStore store = new MarketDataStore(conn, file);
            synchronized (OPEN) {
                store.firstInThisJvm = OPEN.merge(file, 1, Integer::sum) == 1;
            }
            try {
                store.migrate();
            } catch (SQLException | RuntimeException e) {
                // an upgrade that failed half-way is rolled back, and the file is not left locked
                store.released();
                try {
                    store.rollback();
                    conn.close();
                } catch (SQLException c) {
                    e.addSuppressed(c);
                }
                throw e;
            }
            return store;
        } catch (SQLException e) {
            if (e.getErrorCode() == 90020) { // DATABASE_ALREADY_OPEN_1
                throw new StoreException("the market-data store " + file + ".mv.db is in use by another Atlas "
                        + "process; wait for it to finish or use another --home", e);
            }
            throw new StoreException("cannot open the market-data store " + file + ".mv.db: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    Connection connection() {
        return conn;
    }

    /** How many store objects of this JVM have each file open (H2 lets one JVM open a file more than once). */
    private static final Map<Path, Integer> OPEN = new HashMap<>();
    private boolean firstInThisJvm;

    private void migrate() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version(version INT NOT NULL, store_id BIGINT NOT NULL)");
            Integer found = null;
            try (ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    int v = rs.getInt(1);
                    found = rs.wasNull() ? null : v;
                }
            }
            if (found != null && found > SCHEMA_VERSION) {
                throw new StoreException("Unknown market-data store version " + found + " in " + file
                        + ".mv.db; this Atlas supports at most " + SCHEMA_VERSION + ": upgrade Atlas", null);
            }
            if (found == null) {
                conn.setAutoCommit(false);
                st.execute("CREATE TABLE markets(id INT AUTO_INCREMENT PRIMARY KEY, exchange VARCHAR(64) NOT NULL, "
                        + "symbol VARCHAR(64) NOT NULL, UNIQUE(exchange, symbol))");
                BarSegments.createTable(st);
                st.execute("CREATE TABLE imports(id BIGINT AUTO_INCREMENT PRIMARY KEY, file VARCHAR(4096) NOT NULL, "
                        + "format VARCHAR(32) NOT NULL, imported_at BIGINT NOT NULL, rows_read BIGINT NOT NULL, "
                        + "inserted BIGINT NOT NULL, present BIGINT NOT NULL, bad_rows BIGINT NOT NULL, "
                        + "revised BIGINT DEFAULT 0 NOT NULL)");
                st.execute("CREATE TABLE series_versions(market INT NOT NULL, kind VARCHAR(16) NOT NULL, "
                        + "timeframe VARCHAR(" + TIMEFRAME_CHARS + ") NOT NULL, version BIGINT NOT NULL, "
                        + "PRIMARY KEY(market, kind, timeframe))");
                st.execute("CREATE SEQUENCE series_version_seq");
                st.execute("INSERT INTO schema_version VALUES (" + SCHEMA_VERSION + ", "
                        + new java.security.SecureRandom().nextLong() + ")");
                conn.commit();
                LOG.info("created market-data store {} (schema version {})", file, SCHEMA_VERSION);
            }
            conn.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery("SELECT store_id FROM schema_version")) {
                rs.next();
                storeId = rs.getLong(1);
                bars = new BarSegments(conn, file.resolveSibling("bars"), storeId);
            }
            // rows in the old tables are moved whatever the version says (a store of this version's first builds kept
            // its ticks as rows)
            boolean upgrade = found != null && (found < SCHEMA_VERSION || LegacyBarRows.present(conn));
            if (upgrade) {
                BarSegments.createTable(st);
            }
            if (firstInThisJvm) {
                // another store object of this JVM on the same file may be between writing its files and committing
                bars.collectGarbage();
            }
            if (upgrade) {
                // period by period, each committed: an upgrade stopped half-way is done again from the start, and
                // a store of any size moves without holding its bars in memory
                long moved = LegacyBarRows.moveIntoSegments(conn, bars);
                long derived = found < 4 ? new Ingestor(this).deriveMissingTimeframes() : 0;
                st.execute("UPDATE schema_version SET version = " + SCHEMA_VERSION);
                bars.commit();
                LOG.info("upgraded market-data store {} from schema version {} to {}: {} bars moved into segment files, "
                        + "{} bars of timeframes it lacked derived", file, found, SCHEMA_VERSION, moved, derived);
                deleteTree(file.resolveSibling("columns")); // the column files of schema 2, now unused
            }
            // the old bar tables go only once the upgrade has committed (H2 commits around DDL)
            for (String old : new String[] {"candles", "quote_candles", "trades", "quotes"}) {
                st.execute("DROP TABLE IF EXISTS " + old);
            }
            // the import log counts the bars a revising file replaced (a column older stores lack)
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_NAME='IMPORTS' AND COLUMN_NAME='REVISED'")) {
                rs.next();
                if (rs.getInt(1) == 0) { // DDL only when missing: H2 commits around it
                    st.execute("ALTER TABLE imports ADD COLUMN revised BIGINT DEFAULT 0 NOT NULL");
                }
            }
            // labels of timeframes beyond the kept ones can be longer than the 4 characters older stores allowed
            // (3456s is one twenty-fifth of a day); H2 commits around DDL, and nothing is pending here
            for (String table : new String[] {"BAR_SEGMENTS", "SERIES_VERSIONS"}) {
                try (ResultSet rs = st.executeQuery("SELECT CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS "
                        + "WHERE TABLE_NAME='" + table + "' AND COLUMN_NAME='TIMEFRAME'")) {
                    if (!rs.next() || rs.getLong(1) >= TIMEFRAME_CHARS) {
                        continue;
                    }
                }
                st.execute("ALTER TABLE " + table + " ALTER COLUMN timeframe SET DATA TYPE VARCHAR(" + TIMEFRAME_CHARS
                        + ")");
            }
        }
    }

    /** The longest timeframe label a store takes (from {@code 1s} to {@code 3456s} and {@code 52w}). */
    static final int TIMEFRAME_CHARS = 8;

    private static void deleteTree(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            LOG.warn("cannot delete the old column files under {}: {}", dir, e.toString());
        }
    }

    BarSegments segments() {
        return bars;
    }

    /** Commits the open transaction: its bar segments, then H2 (see {@link BarSegments#commit}). */
    void commit() throws SQLException {
        bars.commit();
    }

    /** Rolls the open transaction back, its bar segments with it. */
    void rollback() throws SQLException {
        if (bars != null) {
            bars.discard();
        }
        conn.rollback();
        if (bars != null) {
            bars.deleteUncommitted();
        }
    }

    /** The id of {@code market}, creating it when {@code create} (inside the caller's transaction). */
    Optional<Integer> marketId(Market market, boolean create) throws SQLException {
        Integer id = marketIds.get(market);
        if (id != null) {
            return Optional.of(id);
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM markets WHERE exchange=? AND symbol=?")) {
            ps.setString(1, market.exchange());
            ps.setString(2, market.symbol());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getInt(1);
                }
            }
        }
        if (id == null && create) {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO markets(exchange, symbol) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, market.exchange());
                ps.setString(2, market.symbol());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getInt(1);
                }
            }
            return Optional.of(id);
        }
        if (id != null) {
            marketIds.put(market, id);
        }
        return Optional.ofNullable(id);
    }

    /** Drops cached market ids after a rollback, since ids created in the rolled-back transaction are gone. */
    void forgetUncommittedMarkets() {
        marketIds.clear();
    }

    /** The markets that hold data (a segment of any series), sorted: one whose series were removed is not listed. */
    public List<Market> markets() {
        List<Market> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT exchange, symbol FROM markets m WHERE EXISTS (SELECT 1 FROM "
                     + "bar_segments s WHERE s.market = m.id) ORDER BY exchange, symbol")) {
            while (rs.next()) {
                out.add(new Market(rs.getString(1), rs.getString(2)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading markets failed: " + e.getMessage(), e);
        }
    }

    /**
     * Candles of {@code market} and {@code tf} with {@code from <= openTime < to}, as columns, read from the series'
     * segment files (only those of the periods the range touches: a live runner's short recent range reads one).
     */
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                return CandleSeries.builder(market, tf, 16).build();
            }
            return bars.read(id.get(), BarSegments.Kind.CANDLES, tf, from, to).candles(market, tf);
        } catch (SQLException e) {
            throw new StoreException("reading candles " + market + " " + tf + " failed: " + e.getMessage(), e);
        }
    }

    /** A stored bar series (candles or quote bars) and its {@linkplain #fingerprint fingerprint}. */
    public record BarSeries(Market market, Timeframe timeframe, boolean quoteBars, String fingerprint) {}

    /**
     * Every bar series an import has written, with its fingerprint, from the version table alone (no row is
     * counted, unlike {@link #summaries()}): what an exporter needs to see what changed. A series whose rows were
     * all deleted stays listed, and reads as empty.
     */
    public List<BarSeries> barSeries() {
        List<BarSeries> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT m.exchange, m.symbol, v.timeframe, v.kind, v.version "
                     + "FROM series_versions v JOIN markets m ON m.id=v.market "
                     + "WHERE v.kind IN ('candles', 'quote_candles') ORDER BY m.exchange, m.symbol, v.kind, v.timeframe")) {
            while (rs.next()) {
                out.add(new BarSeries(new Market(rs.getString(1), rs.getString(2)), Timeframe.parse(rs.getString(3)),
                        rs.getString(4).equals("quote_candles"), Long.toHexString(storeId) + ":" + rs.getLong(5)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the stored series failed: " + e.getMessage(), e);
        }
    }

    /**
     * A fingerprint of a stored series' content: the store's identity and the series' version, which every import
     * that changes the series replaces. Equal fingerprints mean equal data.
     */
    public String fingerprint(Market market, Timeframe tf, boolean quoteBars) {
        try {
            Optional<Integer> id = marketId(market, false);
            long v = id.isEmpty() ? 0 : seriesVersion(id.get(), quoteBars ? "quote_candles" : "candles", tf);
            return Long.toHexString(storeId) + ":" + v;
        } catch (SQLException e) {
            throw new StoreException("reading the version of " + market + " " + tf + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether a candle (or quote-bar) series of {@code market} and {@code tf} has ever been written. */
    public boolean holds(Market market, Timeframe tf, boolean quoteBars) {
        try {
            Optional<Integer> id = marketId(market, false);
            return id.isPresent() && seriesVersion(id.get(), quoteBars ? "quote_candles" : "candles", tf) > 0;
        } catch (SQLException e) {
            throw new StoreException("reading the version of " + market + " " + tf + " failed: " + e.getMessage(), e);
        }
    }

    /** The current version of a series (0 when it has never been written). */
    long seriesVersion(int marketId, String kind, Timeframe tf) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT version FROM series_versions WHERE market=? AND kind=? AND timeframe=?")) {
            ps.setInt(1, marketId);
            ps.setString(2, kind);
            ps.setString(3, tf.label());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    /**
     * Removes every series of {@code market} (ticks and bars of every timeframe) in one transaction, as an import
     * writes: all of it goes, or none. Each series' version moves on, so no featureset cached over its bars is served
     * again and the lake's next export deletes its months. The market's name stays known (an import may fill it again).
     *
     * @return the series removed, as {@link #summaries()} listed them
     * @throws IllegalArgumentException when the store has no such market
     */
    public List<SeriesSummary> remove(Market market) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                throw new IllegalArgumentException("no market " + market + " in " + file + "; see 'atlas data list' "
                        + "for the stored ones");
            }
            List<SeriesSummary> gone = summaries().stream().filter(s -> s.market().equals(market)).toList();
            bars.removeAll(id.get());
            try (PreparedStatement ps = conn.prepareStatement("UPDATE series_versions SET version = NEXT VALUE FOR "
                    + "series_version_seq WHERE market=?")) {
                ps.setInt(1, id.get());
                ps.executeUpdate();
            }
            commit();
            return gone;
        } catch (SQLException | RuntimeException e) {
            try {
                rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new StoreException("removing " + market + " failed, nothing of it was removed: " + e.getMessage(),
                    e);
        }
    }

    /** Gives a series a new version (inside the caller's transaction). */
    void bumpVersion(int marketId, String kind, Timeframe tf) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("MERGE INTO series_versions KEY(market, kind, timeframe) "
                + "VALUES (?, ?, ?, NEXT VALUE FOR series_version_seq)")) {
            ps.setInt(1, marketId);
            ps.setString(2, kind);
            ps.setString(3, tf.label());
            ps.executeUpdate();
        }
    }

    /** The result of {@link #verify}: segment files read, their bytes, and a message per damaged one. */
    public record Verification(int segments, long bytes, List<String> damaged) {
        public Verification {
            damaged = List.copyOf(damaged);
        }
    }

    /** Reads every stored segment file and checks it against its catalogue row (size, header, CRC-32C). */
    public Verification verify() {
        try {
            BarSegments.Verification v = bars.verify();
            return new Verification(v.segments(), v.bytes(), v.damaged());
        } catch (SQLException e) {
            throw new StoreException("reading the store's catalogue failed: " + e.getMessage(), e);
        }
    }

    /** All candles of {@code market} and {@code tf}. */
    public CandleSeries candles(Market market, Timeframe tf) {
        return candles(market, tf, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Trades of {@code market} with {@code from <= time < to}. */
    public TradeSeries trades(Market market, long from, long to) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                return TradeSeries.builder(market).build();
            }
            return bars.read(id.get(), BarSegments.Kind.TRADES, BarSegments.TICKS, from, to).trades(market);
        } catch (SQLException e) {
            throw new StoreException("reading trades " + market + " failed: " + e.getMessage(), e);
        }
    }

    /** Top-of-book quotes of {@code market} with {@code from <= time < to}. */
    public QuoteSeries quotes(Market market, long from, long to) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                return QuoteSeries.builder(market).build();
            }
            return bars.read(id.get(), BarSegments.Kind.QUOTES, BarSegments.TICKS, from, to).quotes(market);
        } catch (SQLException e) {
            throw new StoreException("reading quotes " + market + " failed: " + e.getMessage(), e);
        }
    }

    /** Quote bars of {@code market} and {@code tf} with {@code from <= openTime < to}. */
    public QuoteCandleSeries quoteCandles(Market market, Timeframe tf, long from, long to) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                return QuoteCandleSeries.builder(market, tf).build();
            }
            return bars.read(id.get(), BarSegments.Kind.QUOTE_BARS, tf, from, to).quoteCandles(market, tf);
        } catch (SQLException e) {
            throw new StoreException("reading quote bars " + market + " " + tf + " failed: " + e.getMessage(), e);
        }
    }

    /** Row counts and time ranges of everything stored: the basis of {@code atlas data list}. */
    public List<SeriesSummary> summaries() {
        List<SeriesSummary> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT m.exchange, m.symbol, s.kind, s.timeframe, SUM(s.rows), "
                     + "MIN(s.first_time), MAX(s.last_time), SUM(s.zero_volume), SUM(s.filled) FROM bar_segments s "
                     + "JOIN markets m ON m.id=s.market GROUP BY m.exchange, m.symbol, s.kind, s.timeframe")) {
            while (rs.next()) {
                String kind = rs.getString(3);
                boolean ticks = kind.equals("trades") || kind.equals("quotes");
                out.add(new SeriesSummary(new Market(rs.getString(1), rs.getString(2)),
                        SeriesSummary.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)),
                        ticks ? null : Timeframe.parse(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                        rs.getLong(8), rs.getLong(9)));
            }
        } catch (SQLException e) {
            throw new StoreException("reading the store's summary failed: " + e.getMessage(), e);
        }
        out.sort(SeriesSummary.ORDER);
        return out;
    }

    /** Open times of all candles (or quote bars) of a series, ascending: for gap statistics. */
    public long[] openTimes(Market market, Timeframe tf, boolean quoteBars) {
        try {
            Optional<Integer> id = marketId(market, false);
            if (id.isEmpty()) {
                return new long[0];
            }
            Bars b = bars.read(id.get(), quoteBars ? BarSegments.Kind.QUOTE_BARS : BarSegments.Kind.CANDLES, tf,
                    Long.MIN_VALUE, Long.MAX_VALUE);
            return b.select(b.withSource(io.atlasj.marketdata.CandleSource.FILLED.code(), false)).time();
        } catch (SQLException e) {
            throw new StoreException("reading open times failed: " + e.getMessage(), e);
        }
    }

    private void released() {
        synchronized (OPEN) {
            OPEN.computeIfPresent(file, (f, n) -> n == 1 ? null : n - 1);
        }
    }

    @Override
    public void close() {
        released();
        try {
            rollback();
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("closing the market-data store failed: " + e.getMessage(), e);
        }
    }
}
