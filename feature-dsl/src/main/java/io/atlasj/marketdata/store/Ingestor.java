package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import io.atlasj.marketdata.imports.ParsedFile;
import io.atlasj.marketdata.resample.Resampler;
import io.atlasj.marketdata.resample.Unkept;
import io.atlasj.marketdata.store.BarSegments.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one parsed file and the bars resampled from it in a single transaction: all of it commits, or none.
 *
 * <p>Re-importing is a no-op: rows whose key (market, time, seq) or (market, timeframe, open time) exists are
 * counted as present and not written (for candles: an imported one, whose values must be the file's, or the file is
 * refused; a candle the store resampled from finer bars, or filled, gives way to the file's); when nothing new was
 * written nothing is resampled. After new rows, the bars of
 * the whole UTC days the new rows touch are rebuilt from the stored data: after candles, their timeframe's coarser
 * ones; after trades, every timeframe except those the day's imported candles make (their own and the ones they
 * divide). So a day split across two files of one kind ends up with the same bars as if it had come in one file,
 * and trades and whole days of candles give the same bars in either order.
 */
public final class Ingestor {
    private static final int BATCH = 5_000;
    private static final long DAY = Timeframe.D1.millis();
    /** The lengths within a day that imported candles can have: the kept ones and the exchanges' other ones (6h, 8h). */
    private static final List<Timeframe> CANDLE_LENGTHS = java.util.stream.Stream.concat(
                    java.util.Arrays.stream(Timeframe.values()), Timeframe.exchangeLengths().stream())
            .filter(Timeframe::withinDay)
            .collect(java.util.stream.Collectors.toMap(Timeframe::millis, t -> t, (a, b) -> a, java.util.TreeMap::new))
            .values().stream().toList();
    private final MarketDataStore store;
    private final Connection conn;
    private final BarSegments segments;
    private final boolean revise;

    public Ingestor(MarketDataStore store) {
        this(store, false);
    }

    /**
     * @param revise the files correct bars imported before ({@code data import --revise}): a file's candles and quote
     *               bars replace the imported ones they differ from, and are counted as revised, instead of refusing
     *               the file. Ticks are never revised (an exchange's trade id is one trade).
     */
    public Ingestor(MarketDataStore store, boolean revise) {
        this.store = store;
        this.conn = store.connection();
        this.segments = store.segments();
        this.revise = revise;
    }

    /** Imports {@code parsed}; {@code format} is recorded in the import log. */
    public IngestResult ingest(ParsedFile parsed, String format, boolean fillGaps) {
        Counts c = new Counts();
        try {
            for (TradeSeries t : parsed.trades()) {
                ingestTrades(t, fillGaps, c);
            }
            for (CandleSeries cs : parsed.candles()) {
                ingestCandles(cs, fillGaps, c);
            }
            for (QuoteSeries q : parsed.quotes()) {
                // binance-ws ticks are keyed by the book's update id; every other format's (quotes-csv, Parquet and
                // Arrow ticks) by their order within a time
                ingestQuotes(q, !format.equals(io.atlasj.marketdata.imports.ImportFormat.BINANCE_WS.id()), c);
            }
            for (QuoteCandleSeries q : parsed.quoteCandles()) {
                ingestQuoteCandles(q, c);
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO imports(file, format, imported_at, "
                    + "rows_read, inserted, present, bad_rows, revised) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setString(1, parsed.file().toAbsolutePath().toString());
                ps.setString(2, format);
                ps.setLong(3, System.currentTimeMillis());
                ps.setLong(4, parsed.rowsRead());
                ps.setLong(5, c.inserted);
                ps.setLong(6, c.present);
                ps.setLong(7, parsed.badRows());
                ps.setLong(8, c.revised);
                ps.executeUpdate();
            }
            store.commit();
            return new IngestResult(c.markets, c.inserted, c.present, c.derived, c.filled, c.changedFrom, c.revised,
                    c.revisions);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("importing " + parsed.file() + " failed, nothing of it was written: "
                    + e.getMessage(), e);
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            store.rollback();
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
        store.forgetUncommittedMarkets();
    }

    private static final class Counts {
        final Set<Market> markets = new HashSet<>();
        long inserted;
        long present;
        long derived;
        long filled;
        /** Imported bars replaced by a revising file's ({@link #revise}), and for each series the first of them. */
        long revised;
        final List<String> revisions = new ArrayList<>();
        /** The first day an import of the file rewrote bars of (Long.MAX_VALUE: none). */
        long changedFrom = Long.MAX_VALUE;

        void changed(long dayFrom) {
            changedFrom = Math.min(changedFrom, dayFrom);
        }
    }

    // ---- trades

    private void ingestTrades(TradeSeries t, boolean fillGaps, Counts c) throws SQLException {
        if (t.isEmpty()) {
            return;
        }
        int id = store.marketId(t.market(), true).orElseThrow();
        c.markets.add(t.market());
        long[] time = t.times();
        int n = t.size();
        long min = time[0];
        long max = time[n - 1];
        Merge merge = continuation(t);
        long[] seq = merge == null ? t.seqs() : merge.seq();
        boolean[] present = merge == null ? null : merge.present();
        long inserted = insertNewTicks(Kind.TRADES, id, Bars.ofTrades(t, seq), present, c,
                "trades of " + t.market(), TRADE_COLUMNS);
        c.inserted += inserted;
        if (inserted == 0 && !fillGaps) {
            return;
        }
        long from = Math.floorDiv(min, DAY) * DAY;
        long to = Math.floorDiv(max, DAY) * DAY + DAY;
        c.changed(from);
        // candles imported on a day (an exchange's klines) make their own timeframe and those it divides, as an import
        // of them does; the trades make that day's other timeframes, so that trades of part of a day (a capture) do not
        // replace the bars made from whole days of candles, and the bars are the same whichever came first. Decided day
        // by day, and each timeframe rebuilt over runs of consecutive days (a gap across midnight filled as before).
        int days = (int) ((to - from) / DAY);
        List<List<Timeframe>> imported = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            imported.add(importedTimeframes(id, from + d * DAY, from + (d + 1) * DAY));
        }
        boolean daily = false;
        TradeSeries stored = store.trades(t.market(), from, to); // read once
        for (Timeframe tf : Timeframe.values()) {
            if (!tf.withinDay()) {
                continue;
            }
            // the bars before the one the file's first trade falls in are unchanged: a live recorder's five minutes of
            // trades late in a busy day remake the 1-second to 1-hour bars of that hour, not of the whole day (the
            // daily bar still reads the day); with --fill-gaps, or filled bars stored in the day's segments (an
            // earlier --fill-gaps import, whose fill an import without it takes out of the day), the day whole
            long lo = fillGaps || segments.anyFilled(id, Kind.CANDLES, tf, from, to) ? from : tf.floor(min);
            int d = 0;
            while (d < days) {
                if (madeByCandles(imported.get(d), tf)) {
                    d++;
                    continue;
                }
                int e = d + 1;
                while (e < days && !madeByCandles(imported.get(e), tf)) {
                    e++;
                }
                long runFrom = Math.max(from + d * DAY, lo);
                long runTo = from + e * DAY;
                if (runFrom < runTo) {
                    CandleSeries made = Resampler.candles(stored, tf, Bars.lowerBound(stored.times(), runFrom));
                    replaceDerivedCandles(id, tf, runFrom, runTo, made.between(runFrom, runTo), fillGaps, c);
                }
                daily |= tf.millis() == DAY;
                d = e;
            }
        }
        if (daily) {
            deriveMultiDay(id, t.market(), from, to, fillGaps, c);
        }
    }

    /** Whether a day's imported candles of {@code imported} timeframes make {@code tf}: one of them is it or divides it. */
    private static boolean madeByCandles(List<Timeframe> imported, Timeframe tf) {
        for (Timeframe imp : imported) {
            if (imp.millis() == tf.millis() || imp.divides(tf)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The timeframes holding imported candles in [from, to): the kept ones, and the exchange lengths the store does not
     * keep (6h, 8h), whose imported candles it holds under their own length.
     */
    private List<Timeframe> importedTimeframes(int id, long from, long to) throws SQLException {
        List<Timeframe> out = new ArrayList<>();
        for (Timeframe tf : CANDLE_LENGTHS) {
            Bars b = segments.read(id, Kind.CANDLES, tf, from, to);
            if (b.withSource(CandleSource.IMPORTED.code(), true).length > 0) {
                out.add(tf);
            }
        }
        return out;
    }

    /** The keys a file's rows get next to what is stored: their seqs, and which rows are stored already. */
    private record Merge(long[] seq, boolean[] present) {
    }

    /**
     * Rows keyed by their time and their order within it (Bitstamp's trades, which have no id; quote ticks of a
     * {@code quotes-csv} file) would collide, in a file that continues another within the same time, with the first
     * file's keys, and be lost there. Where the store already holds rows at a time this file has, the file's rows at
     * that time are matched to the stored ones by content ({@code same}, each stored row matched once): a match is the
     * same row again, the others are new and numbered after the stored ones. Null when no row needs this. Two identical
     * rows at the same time, one in each file, are taken for one.
     *
     * @param ordinal which rows are keyed by their order (the others carry an exchange's id as their seq)
     */
    private static Merge merge(long[] time, long[] seq, boolean[] ordinal, long[] storedTime, long[] storedSeq,
                               java.util.function.BiPredicate<Integer, Integer> same) {
        if (storedTime.length == 0) {
            return null;
        }
        java.util.Map<Long, java.util.List<Integer>> storedAt = new java.util.HashMap<>();
        for (int k = 0; k < storedTime.length; k++) {
            storedAt.computeIfAbsent(storedTime[k], x -> new java.util.ArrayList<>()).add(k);
        }
        int n = time.length;
        boolean[] present = new boolean[n];
        long[] out = seq.clone();
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && time[j] == time[i]) {
                j++;
            }
            java.util.List<Integer> there = storedAt.get(time[i]);
            if (there != null) {
                boolean[] used = new boolean[there.size()];
                long next = 0;
                for (int k : there) {
                    next = Math.max(next, storedSeq[k] + 1);
                }
                for (int r = i; r < j; r++) {
                    if (!ordinal[r]) {
                        continue;
                    }
                    int match = -1;
                    for (int u = 0; u < there.size() && match < 0; u++) {
                        if (!used[u] && same.test(r, there.get(u))) {
                            match = u;
                        }
                    }
                    if (match >= 0) {
                        used[match] = true;
                        present[r] = true;
                    } else {
                        out[r] = next++;
                    }
                }
            }
            i = j;
        }
        return new Merge(out, present);
    }

    /** {@link #merge} for trades: those without an exchange id, matched by price, quantity and side. */
    private Merge continuation(TradeSeries t) {
        long[] ids = t.tradeIds();
        boolean[] ordinal = new boolean[ids.length];
        boolean any = false;
        for (int i = 0; i < ids.length; i++) {
            ordinal[i] = ids[i] < 0;
            any |= ordinal[i];
        }
        if (!any) {
            return null;
        }
        long[] time = t.times();
        TradeSeries stored = store.trades(t.market(), time[0], time[time.length - 1] + 1);
        return merge(time, t.seqs(), ordinal, stored.times(), stored.seqs(),
                (r, k) -> Double.compare(stored.prices()[k], t.prices()[r]) == 0
                        && Double.compare(stored.quantities()[k], t.quantities()[r]) == 0
                        && stored.sides()[k] == t.sides()[r]);
    }

    /** {@link #merge} for the ticks of a {@code quotes-csv} file, matched by bid, ask and their sizes. */
    private Merge continuation(QuoteSeries q) {
        boolean[] ordinal = new boolean[q.size()];
        java.util.Arrays.fill(ordinal, true);
        long[] time = q.times();
        QuoteSeries stored = store.quotes(q.market(), time[0], time[time.length - 1] + 1);
        return merge(time, q.seqs(), ordinal, stored.times(), stored.seqs(),
                (r, k) -> Double.compare(stored.bids()[k], q.bids()[r]) == 0
                        && Double.compare(stored.asks()[k], q.asks()[r]) == 0
                        && Double.compare(stored.bidSizes()[k], q.bidSizes()[r]) == 0
                        && Double.compare(stored.askSizes()[k], q.askSizes()[r]) == 0);
    }

    // ---- candles

    private void ingestCandles(CandleSeries cs, boolean fillGaps, Counts c) throws SQLException {
        if (cs.isEmpty()) {
            return;
        }
        int id = store.marketId(cs.market(), true).orElseThrow();
        c.markets.add(cs.market());
        Timeframe tf = cs.timeframe();
        long min = cs.openTime(0);
        long max = cs.openTime(cs.size() - 1);
        Bars file = Bars.of(cs);
        Bars stored = segments.read(id, Kind.CANDLES, tf, min, max + 1);
        Bars real = stored.select(stored.withSource(CandleSource.FILLED.code(), false));
        // a bar imported before is present; one the store made (resampled from finer bars, perhaps from part of its
        // period, as at the end of an earlier import) gives way to the file's, as a filled one does
        Bars imported = stored.select(stored.withSource(CandleSource.IMPORTED.code(), true));
        Unlike unlike = unlike(cs.timeframe() + " candles of " + cs.market(), CANDLE_COLUMNS, file, imported,
                () -> newestImported(id, Kind.CANDLES, tf, max, imported), c);
        // the series' newest bar imported while it was forming, and revised bars: the file's values replace them
        int[] fresh = unlike.with(file.notAt(imported.time()));
        c.present += file.size() - fresh.length;
        long inserted = fresh.length;
        c.inserted += inserted - unlike.revised();
        Bars added = file.select(fresh);
        Bars kept = real.select(real.notAt(added.time()));
        boolean gone = kept.size() < stored.size();
        if (inserted > 0 || gone) {
            segments.replace(id, Kind.CANDLES, tf, min, max + 1, Bars.merge(Kind.CANDLES, List.of(kept, added)));
        }
        if (inserted > 0 || gone || fillGaps) {
            store.bumpVersion(id, Kind.CANDLES.label, tf);
        }
        if (inserted == 0 && !fillGaps) {
            return;
        }
        long from = Math.floorDiv(min, DAY) * DAY;
        long to = Math.floorDiv(max, DAY) * DAY + DAY;
        c.changed(Math.min(from, tf.floor(min)));
        Bars days = segments.read(id, Kind.CANDLES, tf, from, to);
        // a timeframe stores do not keep holds only its imported bars: the coarser ones come from those bars together
        // with the finer data resampled to it, as a read of it sees them
        CandleSeries storedDays = tf.kept() ? days.candles(cs.market(), tf) : Unkept.candles(cs.market(), tf, from, to,
                store::candles, t -> store.holds(cs.market(), t, false));
        if (fillGaps) {
            Bars fill = Bars.of(Resampler.fillGaps(storedDays));
            c.filled += fill.size();
            segments.replace(id, Kind.CANDLES, tf, from, to, Bars.merge(Kind.CANDLES, List.of(days, fill)));
        }
        for (Timeframe coarser : Timeframe.values()) {
            if (tf.divides(coarser) && coarser.withinDay()) {
                replaceDerivedCandles(id, coarser, from, to, Resampler.candles(storedDays, coarser), fillGaps, c);
            }
        }
        if (tf.withinDay()) {
            deriveMultiDay(id, cs.market(), from, to, fillGaps, c);
        }
    }

    /** Relative difference up to which two values of a bar are the same value (parsing and rounding noise). */
    private static final double SAME = 1e-9;

    /**
     * The file's rows whose values replace stored imported bars: the forming bar's (see below), and under
     * {@link #revise} every row that differs. Otherwise a file whose candles (or quote bars) at times the store holds
     * imported ones of differ from them in open, high, low, close or volume (a volume either side lacks is not
     * compared) is refused. Keeping the stored bar and calling the file's "present", as a re-import of the same file
     * is, would drop the file's bars without a word; they are most often another market's under the same name (a
     * perpetual beside its spot market, two venues) or a revised file, which {@code --revise} imports. The series'
     * newest imported bar ({@code newest}) is the exception: it may have been imported while it was forming (a
     * collector's file ending with the current bar), so a file whose values for it are that bar grown on
     * ({@link #grew}) replaces it.
     */
    private Unlike unlike(String what, String[] columns, Bars file, Bars imported, Newest newest, Counts c)
            throws SQLException {
        long[] t = imported.time();
        List<int[]> unlike = new ArrayList<>(); // (file row, stored row)
        int e = 0;
        for (int i = 0; i < file.size(); i++) {
            long time = file.time()[i];
            while (e < t.length && t[e] < time) {
                e++;
            }
            if (e < t.length && t[e] == time && !same(columns, file, i, imported, e)) {
                unlike.add(new int[] {i, e});
            }
        }
        if (unlike.isEmpty()) {
            return Unlike.NONE;
        }
        // looked up only now: an import without differing bars pays nothing for it (nor one that revises)
        long last = revise ? Long.MIN_VALUE : newest.time();
        int forming = -1;
        int differing = 0;
        int first = -1;
        int firstStored = -1;
        int[] rows = new int[unlike.size()];
        for (int[] u : unlike) {
            // under --revise every replaced bar is a revision, the newest one grown on too
            if (!revise && file.time()[u[0]] == last && grew(columns, imported, u[1], file, u[0])) {
                forming = u[0];
            } else {
                if (differing == 0) {
                    first = u[0];
                    firstStored = u[1];
                }
                rows[differing++] = u[0];
            }
        }
        if (differing == 0) {
            return new Unlike(forming, new int[0]);
        }
        String firstOne = "first at " + java.time.Instant.ofEpochMilli(file.time()[first]) + ": stored "
                + values(columns, imported, firstStored) + ", file " + values(columns, file, first);
        if (revise) {
            c.revised += differing;
            c.revisions.add("revised " + differing + " " + what + " (" + firstOne + ")");
            return new Unlike(forming, Arrays.copyOf(rows, differing));
        }
        throw new IllegalArgumentException(differing + " of its " + what + " differ from the ones already imported "
                + "(" + firstOne + "). These are another market's under the same name (a perpetual beside its spot "
                + "market, another venue) or a revised file: import another market under its own name with "
                + "--exchange or --symbol, a revised file with --revise (its bars then replace the stored ones)");
    }

    /**
     * The rows of a file that replace stored imported bars.
     *
     * @param forming the row of the series' newest bar grown on since it was imported, or -1
     * @param revisedRows the rows that revise stored bars ({@link #revise}), in order
     */
    private record Unlike(int forming, int[] revisedRows) {
        static final Unlike NONE = new Unlike(-1, new int[0]);

        int revised() {
            return revisedRows.length;
        }

        /** {@code fresh} (the file's rows at times no imported bar has) with these, in order. */
        int[] with(int[] fresh) {
            if (forming < 0 && revisedRows.length == 0) {
                return fresh;
            }
            java.util.stream.IntStream more = java.util.Arrays.stream(revisedRows);
            if (forming >= 0) {
                more = java.util.stream.IntStream.concat(more, java.util.stream.IntStream.of(forming));
            }
            return java.util.stream.IntStream.concat(java.util.Arrays.stream(fresh), more).sorted().toArray();
        }
    }

    /** The open time of a series' newest imported bar, looked up when needed. */
    @FunctionalInterface
    private interface Newest {
        long time() throws SQLException;
    }

    /**
     * The open time of the series' newest imported bar when it is among {@code imported} (the stored imported bars up
     * to {@code max}, the file's last bar); MIN_VALUE when an imported bar comes after {@code max} (bars made from
     * trades, or filled, after it do not count).
     */
    private long newestImported(int id, Kind kind, Timeframe tf, long max, Bars imported) throws SQLException {
        if (imported.size() == 0) {
            return Long.MIN_VALUE;
        }
        Bars after = segments.read(id, kind, tf, max + 1, Long.MAX_VALUE / 4);
        if (after.withSource(CandleSource.IMPORTED.code(), true).length > 0) {
            return Long.MIN_VALUE;
        }
        return imported.time()[imported.size() - 1];
    }

    /** The values a candle file's bars are compared on; a volume either side lacks (NaN) is not compared. */
    private static final String[] CANDLE_COLUMNS = {"open", "high", "low", "close", "volume"};
    /** A quote bar's columns, in {@link Bars#of(QuoteCandleSeries)}'s order; a size either side lacks is not compared. */
    private static final String[] QUOTE_BAR_COLUMNS = {"bid open", "bid high", "bid low", "bid close", "bid size",
        "ask open", "ask high", "ask low", "ask close", "ask size"};

    /** Whether row {@code i} of {@code a} and row {@code k} of {@code b} hold the same values in {@code columns}. */
    private static boolean same(String[] columns, Bars a, int i, Bars b, int k) {
        for (int f = 0; f < columns.length; f++) {
            double x = a.d()[f][i];
            double y = b.d()[f][k];
            if (Double.compare(x, y) == 0) {
                continue;
            }
            if (Double.isNaN(x) || Double.isNaN(y)) {
                if (columns[f].endsWith("volume") || columns[f].endsWith("size")) {
                    continue; // one side does not know it
                }
                return false;
            }
            if (Math.abs(x - y) > SAME * Math.max(Math.abs(x), Math.abs(y))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether row {@code i} of {@code file} is row {@code k} of {@code stored} grown on, as a forming bar grows: the same
     * open, a high no lower, a low no higher, a volume no smaller (closes and sizes may be anything).
     */
    private static boolean grew(String[] columns, Bars stored, int k, Bars file, int i) {
        for (int f = 0; f < columns.length; f++) {
            double was = stored.d()[f][k];
            double now = file.d()[f][i];
            double slack = SAME * Math.max(Math.abs(was), Math.abs(now));
            boolean ok = switch (columns[f].substring(columns[f].lastIndexOf(' ') + 1)) {
                case "open" -> Math.abs(now - was) <= slack;
                case "high" -> now >= was - slack;
                case "low" -> now <= was + slack;
                case "volume" -> Double.isNaN(was) || Double.isNaN(now) || now >= was - slack;
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String values(String[] columns, Bars b, int i) {
        StringBuilder out = new StringBuilder();
        for (int f = 0; f < columns.length; f++) {
            out.append(f == 0 ? "" : ", ").append(columns[f]).append(' ').append(b.d()[f][i]);
        }
        return out.toString();
    }

    /**
     * Rebuilds the weekly candles (every kept timeframe longer than a day) of the whole periods that the days [from, to)
     * touch, from the stored daily candles (filled ones left out), which the caller has just rebuilt for those days: such a candle is made of
     * whole days, and open, high, low, close and the sums aggregate the same from days as from the base bars, so a week
     * costs seven bars to read, not a week of trades.
     */
    private void deriveMultiDay(int id, Market market, long from, long to, boolean fillGaps, Counts c)
            throws SQLException {
        for (Timeframe tf : Timeframe.values()) {
            if (!tf.withinDay()) {
                long tfFrom = tf.floor(from);
                long tfTo = tf.floor(to - 1) + tf.millis();
                CandleSeries days = store.candles(market, Timeframe.D1, tfFrom, tfTo);
                replaceDerivedCandles(id, tf, tfFrom, tfTo, Resampler.candles(days, tf), fillGaps, c);
            }
        }
    }

    private void replaceDerivedCandles(int id, Timeframe tf, long from, long to, CandleSeries derived,
                                       boolean fillGaps, Counts c) throws SQLException {
        replaceDerived(id, Kind.CANDLES, tf, from, to, Bars.of(derived),
                fillGaps ? Bars.of(Resampler.fillGaps(derived)) : null, c);
    }

    /**
     * Replaces the derived and filled bars of a series in [from, to) with {@code derived} (and {@code fill}, when not
     * null), never touching imported bars (an imported bar wins over a derived one at the same time).
     */
    private void replaceDerived(int id, Kind kind, Timeframe tf, long from, long to, Bars derived, Bars fill,
                                Counts c) throws SQLException {
        store.bumpVersion(id, kind.label, tf);
        Bars current = segments.read(id, kind, tf, from, to);
        Bars imported = current.select(current.withSource(CandleSource.IMPORTED.code(), true));
        Bars d = derived.select(derived.notAt(imported.time()));
        c.derived += d.size();
        List<Bars> parts = new ArrayList<>(List.of(imported, d));
        if (fill != null) {
            Bars f = fill.select(fill.notAt(imported.time()));
            c.filled += f.size();
            parts.add(f);
        }
        segments.replace(id, kind, tf, from, to, Bars.merge(kind, parts));
    }

    // ---- quotes

    private void ingestQuotes(QuoteSeries q, boolean ordinal, Counts c) throws SQLException {
        if (q.isEmpty()) {
            return;
        }
        int id = store.marketId(q.market(), true).orElseThrow();
        c.markets.add(q.market());
        long[] time = q.times();
        int n = q.size();
        long min = time[0];
        long max = time[n - 1];
        Merge merge = ordinal ? continuation(q) : null;
        long[] seq = merge == null ? q.seqs() : merge.seq();
        boolean[] present = merge == null ? null : merge.present();
        long inserted = insertNewTicks(Kind.QUOTES, id, Bars.ofQuotes(q, seq), present, c,
                "quote ticks of " + q.market(), QUOTE_COLUMNS);
        c.inserted += inserted;
        if (inserted == 0) {
            return;
        }
        long from = Math.floorDiv(min, DAY) * DAY;
        long to = Math.floorDiv(max, DAY) * DAY + DAY;
        c.changed(from);
        QuoteSeries stored = store.quotes(q.market(), from, to);
        for (Timeframe tf : Timeframe.values()) {
            if (tf.withinDay()) {
                replaceDerivedQuoteCandles(id, tf, from, to, Resampler.quoteCandles(stored, tf), c);
            }
        }
        deriveQuoteMultiDay(id, q.market(), from, to, c);
    }

    private void ingestQuoteCandles(QuoteCandleSeries q, Counts c) throws SQLException {
        if (q.isEmpty()) {
            return;
        }
        int id = store.marketId(q.market(), true).orElseThrow();
        c.markets.add(q.market());
        Timeframe tf = q.timeframe();
        long min = q.openTimes()[0];
        long max = q.openTimes()[q.size() - 1];
        Bars file = Bars.of(q);
        Bars stored = segments.read(id, Kind.QUOTE_BARS, tf, min, max + 1);
        Bars imported = stored.select(stored.withSource(CandleSource.IMPORTED.code(), true));
        Unlike unlike = unlike(tf + " quote bars of " + q.market(), QUOTE_BAR_COLUMNS, file, imported,
                () -> newestImported(id, Kind.QUOTE_BARS, tf, max, imported), c);
        int[] fresh = unlike.with(file.notAt(stored.time()));
        c.present += file.size() - fresh.length;
        long inserted = fresh.length;
        c.inserted += inserted - unlike.revised();
        if (inserted == 0) {
            return;
        }
        store.bumpVersion(id, Kind.QUOTE_BARS.label, tf);
        Bars added = file.select(fresh);
        segments.replace(id, Kind.QUOTE_BARS, tf, min, max + 1, Bars.merge(Kind.QUOTE_BARS,
                List.of(stored.select(stored.notAt(added.time())), added)));
        long from = Math.floorDiv(min, DAY) * DAY;
        long to = Math.floorDiv(max, DAY) * DAY + DAY;
        c.changed(Math.min(from, tf.floor(min)));
        QuoteCandleSeries storedDays = tf.kept() ? store.quoteCandles(q.market(), tf, from, to)
                : Unkept.quoteBars(q.market(), tf, from, to, store::quoteCandles, t -> store.holds(q.market(), t, true));
        for (Timeframe coarser : Timeframe.values()) {
            if (tf.divides(coarser) && coarser.withinDay()) {
                replaceDerivedQuoteCandles(id, coarser, from, to, Resampler.quoteCandles(storedDays, coarser), c);
            }
        }
        if (tf.withinDay()) {
            deriveQuoteMultiDay(id, q.market(), from, to, c);
        }
    }

    /**
     * Derives, for every candle and quote-bar series of every market, the timeframes the store lacks though a stored
     * timeframe divides them: those a store written by an older Atlas never derived (weeks before schema 2; 3m, 30m,
     * 2h and 12h before their first release, in schema 3). Each comes from the coarsest stored
     * timeframe of its market that divides it, over that series' whole range (the same bars as from the base data:
     * open, high, low, close and the sums aggregate alike), about a quarter of a year at a time so that years of
     * 1-second bars are never held whole. Filled bars are not written (they are read as absent anyway). The caller
     * commits. Returns the bars written.
     */
    long deriveMissingTimeframes() throws SQLException {
        Counts c = new Counts();
        Map<Market, Map<SeriesSummary.Kind, Map<Timeframe, SeriesSummary>>> series = new HashMap<>();
        for (SeriesSummary s : store.summaries()) {
            if (s.timeframe() != null && s.rows() > s.filled()) {
                series.computeIfAbsent(s.market(), m -> new EnumMap<>(SeriesSummary.Kind.class))
                        .computeIfAbsent(s.kind(), k -> new java.util.TreeMap<>()).put(s.timeframe(), s);
            }
        }
        for (var byMarket : series.entrySet()) {
            Market m = byMarket.getKey();
            int id = store.marketId(m, false).orElseThrow();
            for (var byKind : byMarket.getValue().entrySet()) {
                boolean quoteBars = byKind.getKey() == SeriesSummary.Kind.QUOTE_CANDLES;
                Map<Timeframe, SeriesSummary> stored = byKind.getValue();
                for (Timeframe tf : Timeframe.values()) {
                    Timeframe source = Unkept.source(tf, stored::containsKey);
                    if (stored.containsKey(tf) || source == null) {
                        continue;
                    }
                    long from = tf.floor(stored.get(source).first());
                    long to = tf.floor(stored.get(source).last()) + tf.millis();
                    long step = tf.millis() * Math.max(1, UPGRADE_CHUNK / tf.millis());
                    for (long a = from; a < to; a += step) {
                        long b = Math.min(a + step, to);
                        if (quoteBars) {
                            replaceDerivedQuoteCandles(id, tf, a, b,
                                    Resampler.quoteCandles(store.quoteCandles(m, source, a, b), tf), c);
                        } else {
                            replaceDerivedCandles(id, tf, a, b, Resampler.candles(store.candles(m, source, a, b), tf),
                                    false, c);
                        }
                    }
                }
            }
        }
        return c.derived;
    }

    /** About a quarter of a year: the span of bars the upgrade reads at a time, in whole bars of the timeframe derived. */
    private static final long UPGRADE_CHUNK = 90 * DAY;

    /** As {@link #deriveMultiDay}, for quote bars. */
    private void deriveQuoteMultiDay(int id, Market market, long from, long to, Counts c) throws SQLException {
        for (Timeframe tf : Timeframe.values()) {
            if (!tf.withinDay()) {
                long tfFrom = tf.floor(from);
                long tfTo = tf.floor(to - 1) + tf.millis();
                QuoteCandleSeries days = store.quoteCandles(market, Timeframe.D1, tfFrom, tfTo);
                replaceDerivedQuoteCandles(id, tf, tfFrom, tfTo, Resampler.quoteCandles(days, tf), c);
            }
        }
    }

    private void replaceDerivedQuoteCandles(int id, Timeframe tf, long from, long to, QuoteCandleSeries derived,
                                            Counts c) throws SQLException {
        replaceDerived(id, Kind.QUOTE_BARS, tf, from, to, Bars.of(derived), null, c);
    }

    // ---- helpers

    /** A trade's values in {@link Bars#ofTrades}'s order (the side is compared too). */
    private static final String[] TRADE_COLUMNS = {"price", "quantity"};
    /** A quote tick's values in {@link Bars#ofQuotes}'s order; a size either side lacks is not compared. */
    private static final String[] QUOTE_COLUMNS = {"bid", "bid size", "ask", "ask size"};

    /**
     * Stores the ticks of {@code file} (time ascending) whose keys (time, seq) are not stored yet and that
     * {@code present} (when not null) does not mark; counts the others as present. Returns the ticks stored. A tick whose
     * key is stored with other values ({@code columns}, and the side; an exchange's trade id given to another trade,
     * most often another market's under the same name) refuses the file, as differing candles do.
     */
    private long insertNewTicks(Kind kind, int id, Bars file, boolean[] present, Counts c, String what,
                                String[] columns) throws SQLException {
        int n = file.size();
        long min = file.time()[0];
        long max = file.time()[n - 1];
        Bars stored = segments.read(id, kind, BarSegments.TICKS, min, max + 1);
        int[] fresh = new int[n];
        int k = 0;
        int differing = 0;
        int first = -1;
        int firstStored = -1;
        for (int i = 0; i < n; i++) {
            int at = present != null && present[i] ? -2 : stored.keyIndex(file.time()[i], file.l()[0][i]);
            if (at == -1) {
                fresh[k++] = i;
                continue;
            }
            c.present++;
            if (at >= 0 && (file.src()[i] != stored.src()[at] || !same(columns, file, i, stored, at))
                    && differing++ == 0) {
                first = i;
                firstStored = at;
            }
        }
        if (differing > 0) {
            throw new IllegalArgumentException(differing + " of its " + what + " differ from the ones already imported "
                    + "with the same time and id (first at " + java.time.Instant.ofEpochMilli(file.time()[first])
                    + ", id " + file.l()[0][first] + ": stored " + values(columns, stored, firstStored) + ", side "
                    + stored.src()[firstStored] + "; file " + values(columns, file, first) + ", side "
                    + file.src()[first] + "). These are another market's under the same name (a perpetual beside its "
                    + "spot market, another venue): import it under its own name with --exchange or --symbol"
                    + (revise ? " (--revise replaces candles and quote bars; an exchange's trade id is one trade)" : ""));
        }
        if (k > 0) {
            segments.replace(id, kind, BarSegments.TICKS, min, max + 1,
                    Bars.merge(kind, List.of(stored, file.select(Arrays.copyOf(fresh, k)))));
        }
        return k;
    }
}
