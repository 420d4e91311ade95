package io.atlasj.marketdata.store;

import io.atlasj.home.Durable;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's series (candles, quote bars, trades and quote ticks) as columnar segment files, one per series and
 * period, with H2 as their catalogue ({@code bar_segments}). An import writes whole segments, never rows: H2's row writes were the import's wall
 * (about 85% of its time, measured), and a series is read as a few sequential files instead of one JDBC row per bar.
 *
 * <p>A segment covers a UTC hour of ticks, a UTC day of 1-second bars, a UTC month of bars from 1 minute to 12
 * hours, a UTC year of daily and weekly bars: tens of thousands of bars at most, so an import (or a live feed's one new bar) rewrites
 * little. Every file gets a new name and is never changed: its file name, row count and CRC-32C are in its catalogue
 * row, written in the import's H2 transaction. The transaction's commit is the only commit point:
 * <ul>
 *   <li>changes are held in memory until {@link #commit}: then each changed segment is written to a new file and
 *       flushed to the device, the catalogue rows are updated, and H2 commits (with {@code WRITE_DELAY=0});</li>
 *   <li>only then are the replaced files deleted. A crash before the commit leaves new files no row names, a crash
 *       after it old files no row names: {@link #collectGarbage} deletes both when the store is next opened, so a
 *       reader sees the old segments or the new ones, never a mix;</li>
 *   <li>a file whose size, header or checksum does not match its row is refused with its name, never read.</li>
 * </ul>
 *
 * <p>File layout (little-endian): magic {@code ATLASBAR}, format version (int), store id (long), value columns of
 * doubles and of longs (ints), row count (int), then the open times (long), the double columns, the long columns and
 * the source codes (byte).
 */
final class BarSegments {
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "ATLASBAR".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 4 + 8 + 4 + 4 + 4;
    private static final long DAY = 86_400_000L;
    /** Bounds beyond which a time is not split into periods (1000-01-01 and 9999-01-01). */
    private static final long LOW = -30_610_224_000_000L;
    private static final long HIGH = 253_370_764_800_000L;
    private static final Logger LOG = LoggerFactory.getLogger(BarSegments.class);

    /** What a series holds. */
    enum Kind {
        CANDLES("candles", 7, 1, false), QUOTE_BARS("quote_candles", 10, 0, false),
        TRADES("trades", 2, 2, true), QUOTES("quotes", 4, 1, true);

        /** The name in the catalogue and in {@code series_versions}. */
        final String label;
        final int doubles;
        final int longs;
        /** Rows keyed by time and seq (the first long), in segments of a UTC hour, not by a bar's open time. */
        final boolean ticks;

        Kind(String label, int doubles, int longs, boolean ticks) {
            this.label = label;
            this.doubles = doubles;
            this.longs = longs;
            this.ticks = ticks;
        }

        Bars empty() {
            return Bars.empty(doubles, longs);
        }

        /** The kind of catalogue label {@code label}, or null. */
        static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The timeframe tick series are given in calls (their periods are UTC hours whatever it is; see periodStart). */
    static final Timeframe TICKS = Timeframe.S1;

    /** A series' timeframe as the catalogue and the folders name it ({@code tick} for ticks). */
    private static String tf(Kind kind, Timeframe tf) {
        return kind.ticks ? "tick" : tf.label();
    }

    private record Key(int market, Kind kind, Timeframe tf, long period) {}

    private record Row(long period, String file, int rows, long crc) {}

    private final Connection conn;
    private final Path root;
    private final long storeId;
    /** Segments changed in the open transaction (empty bars: the segment goes). */
    private final Map<Key, Bars> pending = new LinkedHashMap<>();
    /** Files written by a commit that has not finished yet. */
    private final List<Path> written = new ArrayList<>();

    BarSegments(Connection conn, Path root, long storeId) {
        this.conn = conn;
        this.root = root;
        this.storeId = storeId;
    }

    static void createTable(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS bar_segments(market INT NOT NULL, kind VARCHAR(16) NOT NULL, "
                + "timeframe VARCHAR(" + MarketDataStore.TIMEFRAME_CHARS + ") NOT NULL, period BIGINT NOT NULL, file VARCHAR(255) NOT NULL, rows INT NOT NULL, "
                + "first_time BIGINT NOT NULL, last_time BIGINT NOT NULL, zero_volume INT NOT NULL, "
                + "filled INT NOT NULL, crc BIGINT NOT NULL, PRIMARY KEY(market, kind, timeframe, period))");
    }

    // ---- periods

    private static final long HOUR = 3_600_000L;

    /**
     * The start of the segment period of {@code kind} and {@code tf} holding time {@code t}: an hour of ticks (a busy
     * market's day of book updates would not fit one file), a day of 1-second bars, a month of 1-minute to 12-hour bars,
     * a year of daily and weekly ones.
     */
    static long periodStart(Kind kind, Timeframe tf, long t) {
        if (kind.ticks) {
            return Math.floorDiv(t, HOUR) * HOUR;
        }
        if (tf.millis() < Timeframe.M1.millis()) {
            return Math.floorDiv(t, DAY) * DAY;
        }
        LocalDate d = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start = tf.millis() < Timeframe.D1.millis() ? d.withDayOfMonth(1) : d.withDayOfYear(1);
        return start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The start of the period after the one starting at {@code start}. */
    static long nextPeriod(Kind kind, Timeframe tf, long start) {
        if (kind.ticks) {
            return start + HOUR;
        }
        if (tf.millis() < Timeframe.M1.millis()) {
            return start + DAY;
        }
        LocalDate d = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate next = tf.millis() < Timeframe.D1.millis() ? d.plusMonths(1) : d.plusYears(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** A period's name in file names and messages: its UTC date, with the hour for ticks ({@code 2024-03-01T13}). */
    private static String label(Kind kind, long period) {
        String s = Instant.ofEpochMilli(period).toString(); // 2024-03-01T13:00:00Z
        return kind.ticks ? s.substring(0, s.indexOf(':')) : s.substring(0, s.indexOf('T'));
    }

    // ---- reading

    /** The bars of a series with {@code from <= time < to}, including this transaction's changes. */
    Bars read(int market, Kind kind, Timeframe tf, long from, long to) throws SQLException {
        long lo = from <= LOW ? Long.MIN_VALUE : periodStart(kind, tf, from);
        List<Row> rows = rows(market, kind, tf, lo, to);
        boolean changed = false;
        for (Key k : pending.keySet()) {
            changed |= k.market == market && k.kind == kind && k.tf == tf && k.period >= lo && k.period < to;
        }
        if (!changed) {
            Bars direct = readStored(market, kind, tf, rows, from, to);
            if (direct != null) {
                return direct;
            }
        }
        TreeMap<Long, Bars> parts = new TreeMap<>();
        for (Row r : rows) {
            Key k = new Key(market, kind, tf, r.period);
            if (!pending.containsKey(k)) {
                parts.put(r.period, readStored(market, kind, tf, List.of(r), Long.MIN_VALUE, Long.MAX_VALUE));
            }
        }
        for (Map.Entry<Key, Bars> e : pending.entrySet()) {
            Key k = e.getKey();
            if (k.market == market && k.kind == kind && k.tf == tf && k.period >= lo && k.period < to) {
                parts.put(k.period, e.getValue());
            }
        }
        List<Bars> in = new ArrayList<>(parts.size());
        for (Bars b : parts.values()) {
            in.add(b.between(from, to));
        }
        return in.size() == 1 ? in.get(0) : Bars.merge(kind, in);
    }

    /**
     * The stored segments' rows with {@code from <= time < to}, decoded straight into the result's columns: each file
     * is read into one buffer reused for every segment of the read, checked ({@link #checked}), and only its
     * rows in range are copied (a whole-history read of a year of minute bars allocates its bars once, not the files'
     * bytes, the segments' columns and their merge again). Null when the segments do not follow each other in time
     * (never for files this class wrote), for the merging read to sort out.
     */
    private Bars readStored(int market, Kind kind, Timeframe tf, List<Row> rows, long from, long to) {
        if (rows.isEmpty()) {
            return kind.empty();
        }
        int total = 0;
        long largest = 0;
        for (Row r : rows) {
            total += r.rows;
            largest = Math.max(largest, rowBytes(kind, r.rows));
        }
        long[] t = new long[total];
        double[][] d = new double[kind.doubles][total];
        long[][] l = new long[kind.longs][total];
        byte[] src = new byte[total];
        ByteBuffer buf = ByteBuffer.allocate((int) largest).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (Row r : rows) {
            int n = r.rows;
            checked(new Key(market, kind, tf, r.period), r, buf);
            int times = HEADER;
            int a = lowerBound(buf, times, n, from);
            int b = Math.max(a, lowerBound(buf, times, n, to));
            int m = b - a;
            if (m == 0) {
                continue;
            }
            long first = buf.getLong(times + 8 * a);
            boolean follows = at == 0 || first > t[at - 1]
                    || (kind.ticks && first == t[at - 1] && firstLong(buf, kind, n, a) > l[0][at - 1]);
            if (!follows) {
                return null; // segments out of time order
            }
            buf.asLongBuffer().get(a, t, at, m);
            int col = times + 8 * n;
            for (double[] c : d) {
                buf.position(col);
                buf.asDoubleBuffer().get(a, c, at, m);
                col += 8 * n;
            }
            for (long[] c : l) {
                buf.position(col);
                buf.asLongBuffer().get(a, c, at, m);
                col += 8 * n;
            }
            buf.get(col + a, src, at, m);
            buf.position(0);
            at += m;
        }
        if (at == total) {
            return new Bars(t, d, l, src);
        }
        double[][] dd = new double[d.length][];
        for (int c = 0; c < d.length; c++) {
            dd[c] = java.util.Arrays.copyOf(d[c], at);
        }
        long[][] ll = new long[l.length][];
        for (int c = 0; c < l.length; c++) {
            ll[c] = java.util.Arrays.copyOf(l[c], at);
        }
        return new Bars(java.util.Arrays.copyOf(t, at), dd, ll, java.util.Arrays.copyOf(src, at));
    }

    /** The first long column's value in row {@code i} of a tick segment in {@code buf} (its seq). */
    private static long firstLong(ByteBuffer buf, Kind kind, int n, int i) {
        return buf.getLong(HEADER + 8 * n + 8 * n * kind.doubles + 8 * i);
    }

    /** The first of the {@code n} open times at {@code times} in {@code buf} that is {@code >= t}, or n. */
    private static int lowerBound(ByteBuffer buf, int times, int n, long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (buf.getLong(times + 8 * mid) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The size of a segment file of {@code n} rows. */
    private static long rowBytes(Kind kind, int n) {
        return HEADER + (long) n * (8 + 8L * kind.doubles + 8L * kind.longs + 1);
    }

    private List<Row> rows(int market, Kind kind, Timeframe tf, long lo, long to) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT period, file, rows, crc FROM bar_segments "
                + "WHERE market=? AND kind=? AND timeframe=? AND period>=? AND period<? ORDER BY period")) {
            ps.setInt(1, market);
            ps.setString(2, kind.label);
            ps.setString(3, tf(kind, tf));
            ps.setLong(4, lo);
            ps.setLong(5, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /**
     * Reads segment {@code r}'s file into {@code buf} (from its start, at least the file's size) and checks it against
     * its catalogue row: size, CRC-32C and header. A file that does not match is refused with its name, never read.
     */
    private void checked(Key k, Row r, ByteBuffer buf) {
        Path f = root.resolve(r.file);
        String what = k.kind.label.replace('_', ' ') + (k.kind.ticks ? "" : " at " + k.tf) + " of the period from "
                + label(k.kind, k.period)
                + " (market id " + k.market + ")";
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            long expected = rowBytes(k.kind, r.rows);
            if (size != expected) {
                throw damaged(f, what, "it has " + size + " bytes where its catalogue row promises " + expected);
            }
            buf.clear().limit((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw damaged(f, what, "it ends early");
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(buf.array(), 0, (int) size);
            if (crc.getValue() != r.crc) {
                throw damaged(f, what, "its CRC-32C does not match its catalogue row");
            }
            buf.flip();
            byte[] magic = new byte[8];
            buf.get(magic);
            int format = buf.getInt();
            long store = buf.getLong();
            int nd = buf.getInt();
            int nl = buf.getInt();
            int n = buf.getInt();
            if (!java.util.Arrays.equals(magic, MAGIC) || format != FORMAT_VERSION || store != storeId
                    || nd != k.kind.doubles || nl != k.kind.longs || n != r.rows) {
                throw damaged(f, what, "its header is not that of this store's segment");
            }
        } catch (NoSuchFileException e) {
            throw damaged(f, what, "it is missing");
        } catch (IOException e) {
            throw damaged(f, what, "it cannot be read (" + e.getMessage() + ")");
        }
    }

    private static StoreException damaged(Path f, String what, String why) {
        return new StoreException("the market-data store's segment file " + f + " (" + what + ") is damaged: " + why
                + ". Its bars cannot be read. Restore ATLAS_HOME from a backup, or remove the store (ATLAS_HOME/"
                + "marketdata) and import the files again", null);
    }

    // ---- writing

    /**
     * Replaces everything stored in {@code [from, to)} of a series by {@code bars} (all inside the range, ascending),
     * in this transaction; nothing is written before {@link #commit}.
     */
    void replace(int market, Kind kind, Timeframe tf, long from, long to, Bars bars) throws SQLException {
        if (from <= LOW || to >= HIGH) {
            throw new IllegalArgumentException("bars outside 1000-01-01 to 9999-01-01 cannot be stored: " + from
                    + " to " + to);
        }
        for (long p = periodStart(kind, tf, from); p < to; ) {
            long end = nextPeriod(kind, tf, p);
            Key k = new Key(market, kind, tf, p);
            Bars kept;
            if (from <= p && to >= end) {
                kept = kind.empty(); // the whole period is replaced: what it held is not read
            } else {
                Bars current = pending.get(k);
                if (current == null) {
                    current = read(market, kind, tf, p, end);
                }
                kept = Bars.merge(kind, List.of(current.between(p, from), current.between(to, end)));
            }
            pending.put(k, Bars.merge(kind, List.of(kept, bars.between(Math.max(p, from), Math.min(end, to)))));
            p = end;
        }
    }

    /**
     * Whether a stored segment of the series overlapping {@code [from, to)} holds filled bars (by its catalogue row;
     * a segment changed in the open transaction counts as it was stored).
     */
    boolean anyFilled(int market, Kind kind, Timeframe tf, long from, long to) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM bar_segments WHERE market=? AND kind=? "
                + "AND timeframe=? AND period>=? AND period<? AND filled>0")) {
            ps.setInt(1, market);
            ps.setString(2, kind.label);
            ps.setString(3, tf(kind, tf));
            ps.setLong(4, periodStart(kind, tf, from));
            ps.setLong(5, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Removes every segment of {@code market} in the open transaction (each goes at {@link #commit}). */
    void removeAll(int market) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT kind, timeframe, period FROM bar_segments "
                + "WHERE market=?")) {
            ps.setInt(1, market);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Kind kind = java.util.Objects.requireNonNull(Kind.of(rs.getString(1)), "segment kind");
                    Timeframe tf = kind.ticks ? TICKS : Timeframe.parse(rs.getString(2));
                    pending.put(new Key(market, kind, tf, rs.getLong(3)), kind.empty());
                }
            }
        }
    }

    /** Whether this transaction has changed any segment. */
    boolean changed() {
        return !pending.isEmpty();
    }

    /**
     * Writes the changed segments (new files, flushed), updates their catalogue rows, commits the H2 transaction and
     * then deletes the files it replaced. On any failure before H2's commit, nothing is committed (the caller rolls
     * back).
     */
    void commit() throws SQLException {
        List<Path> replaced = new ArrayList<>();
        List<Path> made = new ArrayList<>();
        Set<Path> dirs = new HashSet<>();
        try {
            for (Map.Entry<Key, Bars> e : pending.entrySet()) {
                commitOne(e.getKey(), e.getValue(), replaced, made, dirs);
            }
            // the new files, then the folders naming them, are on the device before H2's commit names them
            Durable.forceAll(made, dirs);
        } catch (IOException e) {
            throw new StoreException("writing the store's bar segments under " + root + " failed: " + e.getMessage(),
                    e);
        }
        pending.clear();
        if (scratch != null && scratch.capacity() > KEPT_SCRATCH) {
            scratch = null; // a store held open for days (a live runner) keeps no large buffer between commits
        }
        // From here on the files written are never deleted by this transaction: a commit that throws may still have
        // reached the file, and then its rows name them. Files no committed row names go at the next open.
        written.clear();
        conn.commit();
        if (replaced.isEmpty()) {
            return;
        }
        // H2 writes a commit without flushing it to the device; the replaced files may only go once no state the
        // database could come back in after a power loss names them
        try (Statement st = conn.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        }
        for (Path f : replaced) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot delete the replaced segment {} (deleted when the store is next opened): {}", f,
                        e.toString());
            }
        }
    }

    /**
     * One pending segment of {@link #commit}: its file written (unless it is now empty), its catalogue row set or
     * deleted, the file it replaces noted. The commit's loop only calls this, so the JIT compiles it once, where the
     * loop holding it all was compiled twice (on-stack at the loop, then whole).
     */
    private void commitOne(Key k, Bars b, List<Path> replaced, List<Path> made, Set<Path> dirs)
            throws SQLException, IOException {
        String old = null;
        try (PreparedStatement ps = conn.prepareStatement("SELECT file FROM bar_segments WHERE market=? "
                + "AND kind=? AND timeframe=? AND period=?")) {
            bind(ps, k);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    old = rs.getString(1);
                }
            }
        }
        if (old != null) {
            replaced.add(root.resolve(old));
        }
        if (b.size() == 0) {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM bar_segments WHERE market=? "
                    + "AND kind=? AND timeframe=? AND period=?")) {
                bind(ps, k);
                ps.executeUpdate();
            }
            return;
        }
        long seq;
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT NEXT VALUE FOR series_version_seq")) {
            rs.next();
            seq = rs.getLong(1);
        }
        String name = k.market + "/" + k.kind.label + "/" + tf(k.kind, k.tf) + "/" + label(k.kind, k.period) + "."
                + seq + ".bars";
        Path f = root.resolve(name);
        // a folder made here must itself survive a power loss: its parent's entry is flushed too
        for (Path d = f.getParent(); !Files.isDirectory(d); d = d.getParent()) {
            dirs.add(d.getParent());
        }
        Files.createDirectories(f.getParent());
        long crc = write(f, b);
        written.add(f);
        made.add(f);
        dirs.add(f.getParent());
        int zero = k.kind == Kind.CANDLES ? zeroVolume(b) : 0;
        int filledBars = k.kind.ticks ? 0 : filled(b);
        try (PreparedStatement ps = conn.prepareStatement("MERGE INTO bar_segments KEY(market, kind, "
                + "timeframe, period) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            bind(ps, k);
            ps.setString(5, name);
            ps.setInt(6, b.size());
            ps.setLong(7, b.time()[0]);
            ps.setLong(8, b.time()[b.size() - 1]);
            ps.setInt(9, zero);
            ps.setInt(10, filledBars);
            ps.setLong(11, crc);
            ps.executeUpdate();
        }
    }

    /** How many of a segment's candles have no volume (column 4). */
    private static int zeroVolume(Bars b) {
        double[] volume = b.d()[4];
        int n = 0;
        for (int i = 0; i < b.size(); i++) {
            n += volume[i] == 0 ? 1 : 0;
        }
        return n;
    }

    /** How many of a segment's bars were filled, not imported. */
    private static int filled(Bars b) {
        byte[] src = b.src();
        byte code = io.atlasj.marketdata.CandleSource.FILLED.code();
        int n = 0;
        for (int i = 0; i < b.size(); i++) {
            n += src[i] == code ? 1 : 0;
        }
        return n;
    }

    /** Forgets this transaction's changes (before the caller rolls back H2). */
    void discard() {
        pending.clear();
    }

    /**
     * Deletes the files a commit that failed before H2's commit wrote: called once H2 has rolled back, so that no row
     * that could still be committed names them.
     */
    void deleteUncommitted() {
        for (Path f : written) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot delete {} (deleted when the store is next opened): {}", f, e.toString());
            }
        }
        written.clear();
    }

    private static void bind(PreparedStatement ps, Key k) throws SQLException {
        ps.setInt(1, k.market);
        ps.setString(2, k.kind.label);
        ps.setString(3, tf(k.kind, k.tf));
        ps.setLong(4, k.period);
    }

    /**
     * The bytes of the segment being written, kept for the next one: a commit writes a dozen segments of up to a few
     * megabytes, one after the other on the committing thread (an import of 58 months allocated 230 MB of them).
     */
    private ByteBuffer scratch;
    /** The largest segment buffer kept between commits: a month of minute bars (43,200 of 81 bytes) fits. */
    private static final int KEPT_SCRATCH = 8 << 20;

    /** Writes a segment file (not yet flushed: {@link #commit} flushes it with its folder) and returns its CRC-32C. */
    private long write(Path f, Bars b) throws IOException {
        int n = b.size();
        int nd = b.d().length;
        int nl = b.l().length;
        long size = HEADER + (long) n * (8 + 8L * nd + 8L * nl + 1);
        if (size > Integer.MAX_VALUE) {
            throw new IOException("a segment of " + n + " bars is too large");
        }
        if (scratch == null || scratch.capacity() < size) {
            scratch = ByteBuffer.allocate((int) Math.max(size, Math.min(Integer.MAX_VALUE - 8,
                    scratch == null ? 0 : scratch.capacity() * 3L / 2)))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer buf = scratch.clear().limit((int) size);
        buf.put(MAGIC).putInt(FORMAT_VERSION).putLong(storeId).putInt(nd).putInt(nl).putInt(n);
        buf.asLongBuffer().put(b.time());
        buf.position(buf.position() + 8 * n);
        for (double[] col : b.d()) {
            buf.asDoubleBuffer().put(col);
            buf.position(buf.position() + 8 * n);
        }
        for (long[] col : b.l()) {
            buf.asLongBuffer().put(col);
            buf.position(buf.position() + 8 * n);
        }
        buf.put(b.src());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, (int) size);
        buf.flip();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        return crc.getValue();
    }

    // ---- upkeep

    /** What {@link #verify} found: segments and bytes read, and one message per damaged segment. */
    record Verification(int segments, long bytes, List<String> damaged) {}

    /**
     * Reads every committed segment and checks its size, header and CRC-32C against its catalogue row: the whole store
     * read once, damage reported per file rather than at the first read that meets it.
     */
    Verification verify() throws SQLException {
        List<Object[]> all = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT market, kind, timeframe, "
                + "period, file, rows, crc FROM bar_segments ORDER BY market, kind, timeframe, period")) {
            while (rs.next()) {
                all.add(new Object[] {rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                    rs.getInt(6), rs.getLong(7)});
            }
        }
        List<String> damaged = new ArrayList<>();
        long bytes = 0;
        for (Object[] r : all) {
            Kind kind = Kind.of((String) r[1]);
            if (kind == null) {
                damaged.add(r[4] + ": of an unknown kind '" + r[1] + "'");
                continue;
            }
            try {
                Timeframe tf = kind.ticks ? TICKS : Timeframe.parse((String) r[2]);
                Key k = new Key((Integer) r[0], kind, tf, (Long) r[3]);
                checked(k, new Row((Long) r[3], (String) r[4], (Integer) r[5], (Long) r[6]),
                        ByteBuffer.allocate((int) rowBytes(kind, (Integer) r[5])).order(ByteOrder.LITTLE_ENDIAN));
                bytes += Files.size(root.resolve((String) r[4]));
            } catch (StoreException | IOException | IllegalArgumentException e) {
                damaged.add(e instanceof StoreException ? e.getMessage() : r[4] + ": " + e.getMessage());
            }
        }
        return new Verification(all.size(), bytes, damaged);
    }

    /**
     * Deletes the files under the segment folder that no catalogue row names: those of a commit a crash interrupted
     * (before H2's commit) and those a commit replaced (when a crash came before their deletion). Called when the
     * store is opened, under its lock. Returns how many files went.
     */
    int collectGarbage() throws SQLException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Set<Path> named = new HashSet<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT file FROM bar_segments")) {
            while (rs.next()) {
                named.add(root.resolve(rs.getString(1)).normalize());
            }
        }
        int deleted = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!named.contains(f.normalize())) {
                    Files.deleteIfExists(f);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean the segment folder {}: {}", root, e.toString());
        }
        if (deleted > 0) {
            LOG.info("deleted {} segment file(s) under {} that no committed import names", deleted, root);
        }
        return deleted;
    }
}
