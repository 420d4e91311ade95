package io.atlasj.marketdata.store;

import io.atlasj.marketdata.Timeframe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The upgrade of a store of schema version 1 or 2, which kept its series as H2 rows ({@code candles},
 * {@code quote_candles}, {@code trades} and {@code quotes} tables), to segment files: each series is read period by period (one segment's bars at a
 * time, through the table's key) and each period committed, so that a store of any size moves in bounded memory, and
 * an upgrade stopped half-way is simply done again (a period's segment is replaced whole). The caller marks the store
 * upgraded, then drops the old tables.
 */
final class LegacyBarRows {
    private LegacyBarRows() {
    }

    /** Moves every bar row into segments, committing each period; returns how many bars moved. */
    static long moveIntoSegments(Connection conn, BarSegments segments) throws SQLException {
        long moved = 0;
        for (BarSegments.Kind kind : BarSegments.Kind.values()) {
            if (!tableExists(conn, kind.label)) {
                continue;
            }
            List<Object[]> series = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery(kind.ticks ? "SELECT DISTINCT market FROM " + kind.label
                         : "SELECT DISTINCT market, timeframe FROM " + kind.label)) {
                while (rs.next()) {
                    series.add(new Object[] {rs.getInt(1),
                        kind.ticks ? BarSegments.TICKS : Timeframe.parse(rs.getString(2))});
                }
            }
            for (Object[] s : series) {
                int market = (Integer) s[0];
                Timeframe tf = (Timeframe) s[1];
                long[] range = range(conn, kind, market, tf);
                if (range == null) {
                    continue;
                }
                for (long p = BarSegments.periodStart(kind, tf, range[0]); p <= range[1];
                        p = BarSegments.nextPeriod(kind, tf, p)) {
                    long next = BarSegments.nextPeriod(kind, tf, p);
                    Bars b = rows(conn, kind, market, tf, p, next);
                    if (b.size() > 0) {
                        segments.replace(market, kind, tf, p, next, b);
                        segments.commit();
                        moved += b.size();
                    }
                }
            }
        }
        return moved;
    }

    /** Whether the store still has any of the old row tables. */
    static boolean present(Connection conn) throws SQLException {
        for (BarSegments.Kind kind : BarSegments.Kind.values()) {
            if (tableExists(conn, kind.label)) {
                return true;
            }
        }
        return false;
    }

    private static boolean tableExists(Connection conn, String table) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA='PUBLIC' AND UPPER(TABLE_NAME)=?")) {
            ps.setString(1, table.toUpperCase(java.util.Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private static long[] range(Connection conn, BarSegments.Kind kind, int market, Timeframe tf) throws SQLException {
        String sql = kind.ticks ? "SELECT MIN(time), MAX(time) FROM " + kind.label + " WHERE market=?"
                : "SELECT MIN(open_time), MAX(open_time) FROM " + kind.label + " WHERE market=? AND timeframe=?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, market);
            if (!kind.ticks) {
                ps.setString(2, tf.label());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
            }
        }
    }

    private static Bars rows(Connection conn, BarSegments.Kind kind, int market, Timeframe tf, long from, long to)
            throws SQLException {
        String cols = switch (kind) {
            case CANDLES -> "open_time, open, high, low, close, volume, quote_volume, taker_buy_volume, trade_count, source";
            case QUOTE_BARS -> "open_time, bid_open, bid_high, bid_low, bid_close, bid_size, ask_open, ask_high, ask_low, "
                    + "ask_close, ask_size, source";
            case TRADES -> "time, price, quantity, seq, trade_id, side";
            case QUOTES -> "time, bid, bid_size, ask, ask_size, seq, 0";
        };
        String where = kind.ticks ? " WHERE market=? AND time>=? AND time<? ORDER BY time, seq"
                : " WHERE market=? AND timeframe=? AND open_time>=? AND open_time<? ORDER BY open_time";
        int cap = 1024;
        long[] t = new long[cap];
        double[][] d = new double[kind.doubles][cap];
        long[][] l = new long[kind.longs][cap];
        byte[] src = new byte[cap];
        int n = 0;
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + cols + " FROM " + kind.label + where)) {
            int p = 1;
            ps.setInt(p++, market);
            if (!kind.ticks) {
                ps.setString(p++, tf.label());
            }
            ps.setLong(p++, from);
            ps.setLong(p, to);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == cap) {
                        cap *= 2;
                        t = Arrays.copyOf(t, cap);
                        src = Arrays.copyOf(src, cap);
                        for (int c = 0; c < d.length; c++) {
                            d[c] = Arrays.copyOf(d[c], cap);
                        }
                        for (int c = 0; c < l.length; c++) {
                            l[c] = Arrays.copyOf(l[c], cap);
                        }
                    }
                    int col = 1;
                    t[n] = rs.getLong(col++);
                    for (double[] dc : d) {
                        dc[n] = rs.getDouble(col++);
                    }
                    for (long[] lc : l) {
                        lc[n] = rs.getLong(col++);
                    }
                    src[n] = rs.getByte(col);
                    n++;
                }
            }
        }
        for (int c = 0; c < d.length; c++) {
            d[c] = Arrays.copyOf(d[c], n);
        }
        for (int c = 0; c < l.length; c++) {
            l[c] = Arrays.copyOf(l[c], n);
        }
        return new Bars(Arrays.copyOf(t, n), d, l, Arrays.copyOf(src, n));
    }
}
