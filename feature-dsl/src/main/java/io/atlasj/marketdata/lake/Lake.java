package io.atlasj.marketdata.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The market-data lake: the store's candles and quote bars as Parquet files, one per series and month, in Hive-style
 * folders ({@code candles/exchange=bitstamp/symbol=btc_usd/timeframe=5m/month=2013-11/part-0.parquet}), so that Spark
 * ({@code spark.read.parquet(LAKE + "/candles")}) reads it as one table with market, timeframe and month as columns
 * (pyarrow's Hive partitioning too). The lake lives on a local folder or on any Hadoop filesystem (a URI such as
 * {@code hdfs://...}).
 *
 * <p>{@code _atlas_lake.json} at the top is its catalogue: per series the store's fingerprint (the same text the
 * featureset cache keys on, so a build over the lake and one over the store that read the same data share a cache
 * entry), rows, time range, and per month its rows and a CRC-32C of its values. An export writes only series whose
 * fingerprint changed, and of those only months whose values changed. A series is marked incomplete in the
 * catalogue before its files change and complete after, so a lake read while an export runs, or after one was cut
 * short, refuses that series rather than mixing old and new months; the next export repairs it.
 */
public final class Lake implements AutoCloseable {
    /** The catalogue's name (a leading underscore: Spark and pyarrow skip it when they read the folders). */
    public static final String CATALOGUE = "_atlas_lake.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a series holds. */
    public enum Kind {
        CANDLES("candles"), QUOTE_BARS("quote_bars");

        private final String folder;

        Kind(String folder) {
            this.folder = folder;
        }

        public String folder() {
            return folder;
        }
    }

    /** One series of the lake. */
    public record SeriesKey(Kind kind, Market market, Timeframe timeframe) implements Comparable<SeriesKey> {
        @Override
        public int compareTo(SeriesKey o) {
            int c = kind.compareTo(o.kind);
            c = c != 0 ? c : market.compareTo(o.market);
            return c != 0 ? c : Long.compare(timeframe.millis(), o.timeframe.millis());
        }

        @Override
        public String toString() {
            return market + " " + timeframe.label() + " " + kind.folder();
        }
    }

    /** One month's file: its rows and the CRC-32C of its values. */
    public record Month(long rows, String crc) {
    }

    /**
     * A series as the catalogue records it.
     *
     * @param fingerprint the store's fingerprint of the data exported; null while an export of it is under way (or
     *                    was cut short)
     */
    public record Series(SeriesKey key, String fingerprint, long rows, long first, long last,
                         SortedMap<String, Month> months) {
        public boolean complete() {
            return fingerprint != null;
        }
    }

    /** What an export did. */
    public record ExportReport(int seriesWritten, int seriesUnchanged, int monthsWritten, int monthsUnchanged,
                               int monthsDeleted, long rowsWritten, long millis) {
        /** One line for the user, about the lake at {@code at}. */
        public String describe(String at) {
            return String.format(java.util.Locale.ROOT, "lake %s: %d series written (%d months, %,d rows; %d months "
                    + "unchanged, %d deleted), %d series unchanged, in %d ms", at, seriesWritten, monthsWritten,
                    rowsWritten, monthsUnchanged, monthsDeleted, seriesUnchanged, millis);
        }
    }

    private final String location;
    private final Path root;
    private final Configuration conf;
    private final FileSystem fs;
    private final TreeMap<SeriesKey, Series> series;
    /**
     * Months read through this instance (a build reads its base series more than once), by file; a build's columns
     * read on several threads at once.
     */
    private final Map<Path, ParquetSeries.Columns> read = new java.util.concurrent.ConcurrentHashMap<>();

    private Lake(String location, Path root, Configuration conf, FileSystem fs, TreeMap<SeriesKey, Series> series) {
        this.location = location;
        this.root = root;
        this.conf = conf;
        this.fs = fs;
        this.series = series;
    }

    /**
     * Opens the lake at {@code location}: a local folder (which need not exist yet) or a Hadoop filesystem URI.
     *
     * @throws LakeException when the catalogue cannot be read
     */
    public static Lake open(String location) {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem"); // no .crc files beside ours
        conf.setBoolean("fs.file.impl.disable.cache", true);
        URI uri = URI.create(location.contains("://") ? location
                : java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri().toString());
        Path root = new Path(uri);
        try {
            FileSystem fs = FileSystem.newInstance(uri, conf);
            return new Lake(location, root, conf, fs, readCatalogue(fs, new Path(root, CATALOGUE), location));
        } catch (IOException e) {
            throw new LakeException("cannot open the lake " + location + ": " + e.getMessage(), e);
        }
    }

    public String location() {
        return location;
    }

    /** The series the catalogue lists, complete or not. */
    public List<Series> series() {
        return List.copyOf(series.values());
    }

    /** The markets that have a complete series with rows. */
    public List<Market> markets() {
        TreeSet<Market> out = new TreeSet<>();
        // a series of no rows (its market removed from the store, then exported) holds no market
        series.values().stream().filter(s -> s.complete() && s.rows() > 0).forEach(s -> out.add(s.key().market()));
        return List.copyOf(out);
    }

    /** The store's fingerprint of a complete series as exported; empty when the lake has no complete such series. */
    public Optional<String> fingerprint(SeriesKey key) {
        Series s = series.get(key);
        return s == null ? Optional.empty() : Optional.ofNullable(s.fingerprint());
    }

    /** Candles with {@code from <= open time < to} (empty when the lake has no such series). */
    public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
        SeriesKey key = new SeriesKey(Kind.CANDLES, market, tf);
        return ParquetSeries.candles(market, tf, read(key, from, to)).between(from, to);
    }

    /** Quote bars with {@code from <= open time < to} (empty when the lake has no such series). */
    public QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
        SeriesKey key = new SeriesKey(Kind.QUOTE_BARS, market, tf);
        return ParquetSeries.quoteBars(market, tf, read(key, from, to)).between(from, to);
    }

    /**
     * Refuses a series the catalogue lists as incomplete (its export is under way or was cut short); a series the lake
     * does not list at all passes (it reads as empty).
     */
    public void requireComplete(SeriesKey key) {
        Series s = series.get(key);
        if (s != null && !s.complete()) {
            throw new LakeException("the lake " + location + " holds " + key + " only in part: an export of it is "
                    + "under way or was cut short (run atlas data export --to " + location + " again)");
        }
    }

    /** The months of {@code key} that overlap {@code [from, to)}, read and joined. */
    private ParquetSeries.Columns read(SeriesKey key, long from, long to) {
        Series s = series.get(key);
        boolean candles = key.kind() == Kind.CANDLES;
        if (s == null) {
            return ParquetSeries.Columns.concat(List.of(), candles);
        }
        requireComplete(key);
        if (from > s.last() || to <= s.first()) { // nothing of the series in the range (a partition past its end)
            return ParquetSeries.Columns.concat(List.of(), candles);
        }
        String first = month(Math.max(from, s.first()));
        String last = month(Math.min(to - 1, s.last()));
        List<ParquetSeries.Columns> parts = new ArrayList<>();
        for (Map.Entry<String, Month> m : s.months().subMap(first, last + "\uffff").entrySet()) {
            Path file = file(key, m.getKey());
            ParquetSeries.Columns known = read.get(file);
            if (known != null) {
                parts.add(known);
                continue;
            }
            try {
                ParquetSeries.Columns c = ParquetSeries.read(file, candles, conf);
                if (c.size() != m.getValue().rows() || !crc(c).equals(m.getValue().crc())) {
                    throw new LakeException(file + " does not hold what the lake's catalogue says (" + c.size()
                            + " rows, expected " + m.getValue().rows() + ", or other values): the file was changed "
                            + "outside Atlas; run atlas data export --to " + location + " --rewrite to write it again");
                }
                read.put(file, c);
                parts.add(c);
            } catch (IOException e) {
                throw new LakeException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return ParquetSeries.Columns.concat(parts, candles);
    }

    /**
     * Exports the store's series that {@code which} accepts: series whose fingerprint is unchanged are skipped, and of
     * the others only months whose values changed are written; months the store no longer has are deleted.
     *
     * @param again rewrite every month even when its values are unchanged (repairs files changed outside Atlas)
     */
    public ExportReport export(MarketDataStore store, Predicate<SeriesKey> which, boolean again) {
        long t0 = System.nanoTime();
        int seriesWritten = 0;
        int seriesUnchanged = 0;
        int monthsWritten = 0;
        int monthsUnchanged = 0;
        int monthsDeleted = 0;
        long rowsWritten = 0;
        for (MarketDataStore.BarSeries stored : store.barSeries()) {
            SeriesKey key = new SeriesKey(stored.quoteBars() ? Kind.QUOTE_BARS : Kind.CANDLES, stored.market(),
                    stored.timeframe());
            if (!which.test(key)) {
                continue;
            }
            Series old = series.get(key);
            if (!again && old != null && stored.fingerprint().equals(old.fingerprint())) {
                seriesUnchanged++;
                continue;
            }
            MonthCounts counts = exportSeries(store, key, stored.fingerprint(), old, again);
            monthsWritten += counts.written;
            monthsUnchanged += counts.unchanged;
            monthsDeleted += counts.deleted;
            rowsWritten += counts.rows;
            seriesWritten++;
        }
        return new ExportReport(seriesWritten, seriesUnchanged, monthsWritten, monthsUnchanged, monthsDeleted,
                rowsWritten, (System.nanoTime() - t0) / 1_000_000L);
    }

    private record MonthCounts(int written, int unchanged, int deleted, long rows) {}

    /**
     * Writes one series month by month: the catalogue marks it incomplete first, months whose rows and CRC are as
     * the catalogue lists are kept unless {@code again}, months the store no longer has are deleted, and the
     * catalogue takes the new fingerprint last.
     */
    private MonthCounts exportSeries(MarketDataStore store, SeriesKey key, String fp, Series old, boolean again) {
        ParquetSeries.Columns all = key.kind() == Kind.CANDLES
                ? ParquetSeries.of(store.candles(key.market(), key.timeframe()))
                : ParquetSeries.of(store.quoteCandles(key.market(), key.timeframe(), Long.MIN_VALUE, Long.MAX_VALUE));
        SortedMap<String, Month> before = old == null ? new TreeMap<>() : old.months();
        series.put(key, new Series(key, null, old == null ? 0 : old.rows(), old == null ? 0 : old.first(),
                old == null ? 0 : old.last(), before));
        writeCatalogue(); // incomplete until every month is written
        int written = 0;
        int unchanged = 0;
        int deleted = 0;
        long rows = 0;
        TreeMap<String, Month> months = new TreeMap<>();
        long[] time = all.time();
        int start = 0;
        while (start < all.size()) {
            String month = month(time[start]);
            long end = YearMonth.parse(month).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                    .toEpochMilli();
            int stop = start;
            while (stop < time.length && time[stop] < end) {
                stop++;
            }
            Month m = new Month(stop - start, crc(all, start, stop));
            if (!again && m.equals(before.get(month))) {
                unchanged++;
            } else {
                writeMonth(key, month, all.slice(start, stop), fp);
                written++;
                rows += stop - start;
            }
            months.put(month, m);
            start = stop;
        }
        for (String gone : before.keySet()) {
            if (!months.containsKey(gone)) {
                delete(new Path(file(key, gone).getParent().toUri()));
                deleted++;
            }
        }
        series.put(key, new Series(key, fp, all.size(), all.size() == 0 ? 0 : time[0],
                all.size() == 0 ? 0 : time[all.size() - 1], months));
        writeCatalogue();
        return new MonthCounts(written, unchanged, deleted, rows);
    }

    /** The folder of a series. */
    Path folder(SeriesKey key) {
        return new Path(root, key.kind().folder() + "/exchange=" + key.market().exchange() + "/symbol="
                + key.market().symbol() + "/timeframe=" + key.timeframe().label());
    }

    Path file(SeriesKey key, String month) {
        return new Path(folder(key), "month=" + month + "/part-0.parquet");
    }

    private void writeMonth(SeriesKey key, String month, ParquetSeries.Columns part, String fingerprint) {
        Path target = file(key, month);
        read.remove(target);
        Path tmp = new Path(target.getParent(), "_tmp-part-0.parquet"); // skipped by readers of the folders
        try {
            fs.mkdirs(target.getParent());
            ParquetSeries.write(part, key.kind() == Kind.CANDLES, tmp, conf, Map.of("atlas.market",
                    key.market().toString(), "atlas.timeframe", key.timeframe().label(), "atlas.month", month,
                    "atlas.fingerprint", fingerprint));
            replace(tmp, target);
        } catch (IOException e) {
            throw new LakeException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Gives {@code tmp} the name {@code target}, replacing what had it. */
    private void replace(Path tmp, Path target) throws IOException {
        if (!fs.rename(tmp, target)) {
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        }
    }

    private void delete(Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            throw new LakeException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }

    private void writeCatalogue() {
        ObjectNode top = JSON.createObjectNode();
        top.put("format", FORMAT);
        top.put("layout", "KIND/exchange=E/symbol=S/timeframe=TF/month=YYYY-MM/part-0.parquet");
        ArrayNode arr = top.putArray("series");
        for (Series s : series.values()) {
            ObjectNode o = arr.addObject();
            o.put("kind", s.key().kind().folder());
            o.put("market", s.key().market().toString());
            o.put("timeframe", s.key().timeframe().label());
            o.put("fingerprint", s.fingerprint());
            o.put("rows", s.rows());
            o.put("first", s.first());
            o.put("last", s.last());
            ObjectNode months = o.putObject("months");
            s.months().forEach((k, m) -> months.putObject(k).put("rows", m.rows()).put("crc", m.crc()));
        }
        Path target = new Path(root, CATALOGUE);
        Path tmp = new Path(root, "_tmp" + CATALOGUE);
        try {
            fs.mkdirs(root);
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue((OutputStream) new NonClosing(out), top);
                out.hsync(); // on the device before it gets its name
            }
            replace(tmp, target);
        } catch (IOException e) {
            throw new LakeException("cannot write the lake's catalogue " + target + ": " + e.getMessage(), e);
        }
    }

    private static TreeMap<SeriesKey, Series> readCatalogue(FileSystem fs, Path file, String location)
            throws IOException {
        TreeMap<SeriesKey, Series> out = new TreeMap<>();
        if (!fs.exists(file)) {
            return out;
        }
        JsonNode top;
        try (InputStream in = fs.open(file)) {
            top = JSON.readTree(in);
        } catch (IOException e) {
            throw new LakeException(file + ": not a lake catalogue: " + e.getMessage(), e);
        }
        if (top.path("format").asInt() != FORMAT) {
            throw new LakeException(file + ": lake format " + top.path("format") + ", this Atlas reads " + FORMAT
                    + " (export to a new folder)");
        }
        for (JsonNode o : top.path("series")) {
            try {
                Kind kind = "candles".equals(o.path("kind").asText()) ? Kind.CANDLES : Kind.QUOTE_BARS;
                SeriesKey key = new SeriesKey(kind, Market.parse(o.path("market").asText()),
                        Timeframe.parse(o.path("timeframe").asText()));
                TreeMap<String, Month> months = new TreeMap<>();
                o.path("months").fields().forEachRemaining(e -> months.put(e.getKey(),
                        new Month(e.getValue().path("rows").asLong(), e.getValue().path("crc").asText())));
                JsonNode fp = o.path("fingerprint");
                out.put(key, new Series(key, fp.isNull() || fp.isMissingNode() ? null : fp.asText(),
                        o.path("rows").asLong(), o.path("first").asLong(), o.path("last").asLong(), months));
            } catch (IllegalArgumentException e) {
                throw new LakeException(file + ": a series entry cannot be read (" + e.getMessage() + "): " + o, e);
            }
        }
        return out;
    }

    /** The UTC month of an epoch-millisecond time, as {@code 2013-11}. */
    static String month(long millis) {
        return YearMonth.from(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC)).toString();
    }

    /** A CRC-32C over every value of {@code c}, in column order. */
    static String crc(ParquetSeries.Columns c) {
        return crc(c, 0, c.size());
    }

    /** A CRC-32C over the values of rows {@code [from, to)} of {@code c}, in column order. */
    static String crc(ParquetSeries.Columns c, int from, int to) {
        CRC32C crc = new CRC32C();
        int n = to - from;
        ByteBuffer buf = ByteBuffer.allocate(8 * Math.max(1, n)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(c.time(), from, n);
        crc.update(buf.array(), 0, 8 * n);
        for (double[] d : c.doubles()) {
            buf.clear();
            buf.asDoubleBuffer().put(d, from, n);
            crc.update(buf.array(), 0, 8 * n);
        }
        if (c.tradeCount() != null) {
            buf.clear();
            buf.asLongBuffer().put(c.tradeCount(), from, n);
            crc.update(buf.array(), 0, 8 * n);
        }
        crc.update(c.source(), from, n);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    @Override
    public void close() {
        try {
            fs.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets Jackson close its generator without closing the stream we still sync. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** A lake that cannot be read or written, with the file and what to do. */
    public static final class LakeException extends RuntimeException {
        public LakeException(String message) {
            super(message);
        }

        public LakeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
