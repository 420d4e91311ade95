package io.atlasj.marketdata.lake;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The store's bar series as one file each, for tools that read a file rather than a lake: {@code csv} (what
 * spreadsheets, pandas' {@code read_csv} and {@code atlas data import --format ohlcv-csv} read) or {@code arrow} (an
 * Arrow IPC file with ZSTD bodies: Feather v2, read by pandas' {@code read_feather}, pyarrow, polars and
 * {@code atlas data import --format arrow}). The Parquet form is the {@link Lake}.
 *
 * <p>Files are {@code DIR/EXCHANGE/SYMBOL/candles-TF.csv} (or {@code .arrow}) and {@code quote-bars-TF.*}. Columns are
 * the lake's: {@code open_time} (ISO-8601 UTC text in CSV, a UTC millisecond timestamp in Arrow), the bar's values,
 * {@code trade_count} for candles, and {@code source} ({@code imported}, {@code derived} or {@code filled}). A value
 * the store does not know (a volume in quote currency a format lacks, an unknown trade count) is an empty CSV field
 * or an Arrow null. A column no bar of the series knows is left out. Filled bars ({@code --fill-gaps}) are left out:
 * they are not data. An import of a file reads every row as imported (the {@code source} column is for the reader).
 * Each file is written under a temporary name, flushed and renamed ({@link io.atlasj.home.Durable}), so a file is
 * whole or absent; an export replaces the files it writes. Trades and quote ticks go to {@code trades.*} and
 * {@code quotes.*} beside them ({@link #exportTicks}).
 */
public final class SeriesFiles {
    /** The two file formats. */
    public enum Format {
        CSV("csv"), ARROW("arrow");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /** What an export wrote: one line per file. */
    public record Written(Path file, long rows) {
    }

    private SeriesFiles() {
    }

    /** The file of {@code key} under {@code dir}. */
    public static Path fileOf(Path dir, Lake.SeriesKey key, Format format) {
        return dir.resolve(key.market().exchange()).resolve(key.market().symbol())
                .resolve((key.kind() == Lake.Kind.CANDLES ? "candles-" : "quote-bars-") + key.timeframe().label() + "."
                        + format.extension());
    }

    /** Writes the series of {@code store} that {@code which} accepts, one file each, under {@code dir}. */
    public static List<Written> export(MarketDataStore store, Predicate<Lake.SeriesKey> which, Format format, Path dir)
            throws IOException {
        List<Written> out = new ArrayList<>();
        for (MarketDataStore.BarSeries s : store.barSeries()) {
            Lake.SeriesKey key = new Lake.SeriesKey(s.quoteBars() ? Lake.Kind.QUOTE_BARS : Lake.Kind.CANDLES, s.market(),
                    s.timeframe());
            if (!which.test(key)) {
                continue;
            }
            boolean candles = !s.quoteBars();
            ParquetSeries.Columns c = candles
                    ? ParquetSeries.of(store.candles(s.market(), s.timeframe(), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4))
                    : ParquetSeries.of(store.quoteCandles(s.market(), s.timeframe(), Long.MIN_VALUE / 4,
                    Long.MAX_VALUE / 4));
            ParquetSeries.Columns data = withoutFilled(c);
            if (data.size() == 0) {
                continue;
            }
            Path file = fileOf(dir, key, format);
            List<Column> cols = columns(data, candles);
            io.atlasj.home.Durable.write(file, tmp -> {
                if (format == Format.CSV) {
                    writeCsv(cols, data.size(), tmp);
                } else {
                    writeArrow(cols, data.size(), tmp, Map.of("atlas.market", s.market().toString(),
                            "atlas.timeframe", s.timeframe().label(), "atlas.fingerprint", s.fingerprint()));
                }
            });
            out.add(new Written(file, data.size()));
        }
        return out;
    }

    /**
     * {@code c} without its filled bars: flat bars that {@code --fill-gaps} stored where nothing was known are not data,
     * and an import of the file would take them for real bars in which nothing traded.
     */
    private static ParquetSeries.Columns withoutFilled(ParquetSeries.Columns c) {
        int n = 0;
        for (byte b : c.source()) {
            n += b == CandleSource.FILLED.code() ? 0 : 1;
        }
        if (n == c.size()) {
            return c;
        }
        List<ParquetSeries.Columns> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= c.size(); i++) {
            boolean real = i < c.size() && c.source()[i] != CandleSource.FILLED.code();
            if (real && start < 0) {
                start = i;
            } else if (!real && start >= 0) {
                runs.add(c.slice(start, i));
                start = -1;
            }
        }
        return ParquetSeries.Columns.concat(runs, c.tradeCount() != null);
    }

    /** One output column: doubles (NaN unknown), longs (negative unknown) or texts (empty unknown). */
    private record Column(String name, double[] doubles, long[] longs, String[] texts) {
    }

    /** The file of {@code market}'s trades ({@code trades}) or quote ticks ({@code quotes}) under {@code dir}. */
    public static Path ticksFileOf(Path dir, io.atlasj.marketdata.Market market, String what, Format format) {
        return dir.resolve(market.exchange()).resolve(market.symbol()).resolve(what + "." + format.extension());
    }

    /**
     * Writes the trades and top-of-book quotes of the markets {@code which} accepts, one file each
     * ({@code DIR/EXCHANGE/SYMBOL/trades.csv}, {@code quotes.csv}, or {@code .arrow}): trades as {@code time, price,
     * amount} and, when the store knows them, {@code side} ({@code buy} or {@code sell}, the aggressor) and {@code id};
     * quotes as {@code time, bid, ask} and their sizes when known. Rows keep their order within a millisecond, so
     * {@code atlas data import --format trades-csv}, {@code quotes-csv} or {@code arrow} reads back the same series.
     */
    public static List<Written> exportTicks(MarketDataStore store, Predicate<io.atlasj.marketdata.Market> which,
                                            Format format, Path dir) throws IOException {
        List<Written> out = new ArrayList<>();
        for (io.atlasj.marketdata.Market m : store.markets()) {
            if (!which.test(m)) {
                continue;
            }
            io.atlasj.marketdata.TradeSeries t = store.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            if (!t.isEmpty()) {
                int n = t.size();
                String[] side = new String[n];
                long[] id = java.util.Arrays.copyOf(t.tradeIds(), n);
                boolean sides = false;
                boolean ids = false;
                for (int i = 0; i < n; i++) {
                    side[i] = t.sides()[i] > 0 ? "buy" : t.sides()[i] < 0 ? "sell" : "";
                    sides |= t.sides()[i] != 0;
                    ids |= id[i] >= 0;
                }
                List<Column> cols = new ArrayList<>(List.of(
                        new Column("time", null, java.util.Arrays.copyOf(t.times(), n), null),
                        new Column("price", java.util.Arrays.copyOf(t.prices(), n), null, null),
                        new Column("amount", java.util.Arrays.copyOf(t.quantities(), n), null, null)));
                if (sides) {
                    cols.add(new Column("side", null, null, side));
                }
                if (ids) {
                    cols.add(new Column("id", null, id, null));
                }
                out.add(writeTicks(m, "trades", cols, n, format, dir));
            }
            io.atlasj.marketdata.QuoteSeries q = store.quotes(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            if (!q.isEmpty()) {
                int n = q.size();
                List<Column> cols = new ArrayList<>(List.of(
                        new Column("time", null, java.util.Arrays.copyOf(q.times(), n), null),
                        new Column("bid", java.util.Arrays.copyOf(q.bids(), n), null, null),
                        new Column("ask", java.util.Arrays.copyOf(q.asks(), n), null, null)));
                if (java.util.Arrays.stream(q.bidSizes(), 0, n).anyMatch(v -> !Double.isNaN(v))) {
                    cols.add(new Column("bid_size", java.util.Arrays.copyOf(q.bidSizes(), n), null, null));
                    cols.add(new Column("ask_size", java.util.Arrays.copyOf(q.askSizes(), n), null, null));
                }
                out.add(writeTicks(m, "quotes", cols, n, format, dir));
            }
        }
        return out;
    }

    private static Written writeTicks(io.atlasj.marketdata.Market m, String what, List<Column> cols, int n,
                                      Format format, Path dir) throws IOException {
        Path file = ticksFileOf(dir, m, what, format);
        io.atlasj.home.Durable.write(file, tmp -> {
            if (format == Format.CSV) {
                writeCsv(cols, n, tmp);
            } else {
                writeArrow(cols, n, tmp, Map.of("atlas.market", m.toString(), "atlas.series", what));
            }
        });
        return new Written(file, n);
    }

    private static List<Column> columns(ParquetSeries.Columns c, boolean candles) {
        List<Column> out = new ArrayList<>();
        String[] names = candles ? ParquetSeries.CANDLE_DOUBLES : ParquetSeries.QUOTE_DOUBLES;
        for (int k = 0; k < names.length; k++) {
            double[] v = c.doubles()[k];
            boolean known = false;
            for (double x : v) {
                known |= !Double.isNaN(x);
            }
            if (known) {
                out.add(new Column(names[k], v, null, null));
            }
        }
        if (candles) {
            boolean known = false;
            for (long n : c.tradeCount()) {
                known |= n >= 0;
            }
            if (known) {
                out.add(new Column("trade_count", null, c.tradeCount(), null));
            }
        }
        String[] source = new String[c.size()];
        for (int i = 0; i < source.length; i++) {
            source[i] = CandleSource.of(c.source()[i]).name().toLowerCase(Locale.ROOT);
        }
        out.add(new Column("source", null, null, source));
        out.add(0, new Column("open_time", null, c.time(), null));
        return out;
    }

    private static void writeCsv(List<Column> cols, int n, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(w)) {
            String[] row = new String[cols.size()];
            for (int k = 0; k < row.length; k++) {
                row[k] = cols.get(k).name();
            }
            csv.writeRecord(row);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < row.length; k++) {
                    Column c = cols.get(k);
                    if (k == 0) {
                        row[k] = Instant.ofEpochMilli(c.longs()[i]).toString();
                    } else if (c.doubles() != null) {
                        row[k] = Double.isNaN(c.doubles()[i]) ? "" : Double.toString(c.doubles()[i]);
                    } else if (c.longs() != null) {
                        row[k] = c.longs()[i] < 0 ? "" : Long.toString(c.longs()[i]);
                    } else {
                        row[k] = c.texts()[i];
                    }
                }
                csv.writeRecord(row);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void writeArrow(List<Column> cols, int n, Path file, Map<String, String> meta) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (int k = 0; k < cols.size(); k++) {
            Column c = cols.get(k);
            ArrowType t = k == 0 ? new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")
                    : c.doubles() != null ? new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)
                    : c.longs() != null ? new ArrowType.Int(64, true) : ArrowType.Utf8.INSTANCE;
            fields.add(new Field(c.name(), k == 0 ? FieldType.notNullable(t) : FieldType.nullable(t), null));
        }
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields, meta), alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch, meta, IpcOption.DEFAULT,
                     CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD, Optional.of(3))) {
            w.start();
            int batch = 1 << 16;
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
                    v.setInitialCapacity(to - from);
                }
                root.allocateNew();
                for (int k = 0; k < cols.size(); k++) {
                    Column c = cols.get(k);
                    for (int i = from; i < to; i++) {
                        int j = i - from;
                        if (k == 0) {
                            ((TimeStampMilliTZVector) root.getVector(k)).set(j, c.longs()[i]);
                        } else if (c.doubles() != null) {
                            if (Double.isNaN(c.doubles()[i])) {
                                ((Float8Vector) root.getVector(k)).setNull(j);
                            } else {
                                ((Float8Vector) root.getVector(k)).set(j, c.doubles()[i]);
                            }
                        } else if (c.longs() != null) {
                            if (c.longs()[i] < 0) {
                                ((BigIntVector) root.getVector(k)).setNull(j);
                            } else {
                                ((BigIntVector) root.getVector(k)).set(j, c.longs()[i]);
                            }
                        } else if (c.texts()[i].isEmpty()) {
                            ((VarCharVector) root.getVector(k)).setNull(j);
                        } else {
                            ((VarCharVector) root.getVector(k)).setSafe(j, c.texts()[i].getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                root.setRowCount(to - from);
                w.writeBatch();
            }
            w.end();
        }
    }
}
