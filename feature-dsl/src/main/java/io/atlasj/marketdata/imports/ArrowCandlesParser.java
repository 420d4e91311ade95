package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * OHLCV candles in an Apache Arrow IPC file, the format of Feather v2 ({@code DataFrame.to_feather}, pyarrow's
 * {@code feather.write_feather}, polars' {@code write_ipc}) and of {@code atlas data export --format arrow}. Record
 * batches may be uncompressed or compressed with LZ4 (pyarrow's default for Feather) or ZSTD. Columns are found by
 * name as {@link OhlcvCsvParser} finds a CSV's header (or named in schema order by {@code --columns}); a time index
 * pandas wrote as a column is found through the file's {@code pandas} metadata, as in Parquet files.
 *
 * <p>Times may be Arrow timestamps of any unit (read as UTC: one written without a zone is taken to be UTC), dates,
 * epoch numbers (the unit told by magnitude) or ISO-8601 text; prices and volumes doubles, floats (read as their
 * shortest decimal), integers, decimals or numeric text. A null is a bad row, rows are numbered from 1. Feather v1
 * files (written before pyarrow 0.17, or with {@code version=1}) are refused with a hint.
 */
final class ArrowCandlesParser implements FileParser {
    private static final byte[] MAGIC = "ARROW1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        requireArrow(file);
        ColumnarRows rows = null;
        long size = Files.size(file);
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            Schema schema = root.getSchema();
            List<Field> fields = schema.getFields();
            Map<String, Integer> columns = ColumnarRows.columns(file, options, fields.stream().map(Field::getName)
                    .toList(), describe(fields), schema.getCustomMetadata());
            for (Map.Entry<String, Integer> e : columns.entrySet()) {
                Field f = fields.get(e.getValue());
                if (!readable(f.getType()) || f.getDictionary() != null) {
                    throw new ImportException(file, "column '" + f.getName() + "' (" + e.getKey() + ") is of type "
                            + f.getType() + (f.getDictionary() != null ? " (dictionary-encoded)" : "")
                            + ", not a time, number or text");
                }
            }
            int timeColumn = columns.get("time");
            rows = new ColumnarRows(file, "arrow", options, columns);
            String[] text = new String[fields.size()];
            Arrays.fill(text, "");
            int batches = Math.max(1, r.getRecordBlocks().size());
            int batch = 0;
            while (r.loadNextBatch()) {
                batch++;
                FieldVector[] vectors = new FieldVector[fields.size()];
                for (int c : columns.values()) {
                    vectors[c] = root.getVector(c);
                }
                FieldVector timeVector = vectors[timeColumn];
                boolean typed = typedTime(timeVector);
                for (int i = 0; i < root.getRowCount(); i++) {
                    for (int c = 0; c < vectors.length; c++) {
                        if (vectors[c] != null) {
                            text[c] = c == timeColumn && typed ? "" : text(vectors[c], i);
                        }
                    }
                    boolean isNull = timeVector.isNull(i);
                    rows.add(text, isNull, typed, typed && !isNull ? typedMillis(timeVector, i) : 0);
                }
                progress.accept(size * batch / batches);
            }
        } catch (ImportException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImportException(file, "cannot be read as an Arrow IPC (Feather v2) file: " + e.getMessage()
                    + " (a file cut short, or written by a tool still running?)");
        }
        return rows.bars(options, market);
    }

    /** Refuses a file that is not an Arrow IPC file, naming Feather v1 and Arrow's stream format when it is one. */
    private static void requireArrow(Path file) throws IOException {
        byte[] head = ColumnarRows.head(file, 8);
        int got = head.length;
        if (got >= 6 && Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
            return;
        }
        String hint;
        if (got >= 4 && new String(head, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("FEA1")) {
            hint = "it is a Feather v1 file; write it again as Feather v2 (pandas to_feather or pyarrow "
                    + "feather.write_feather with version=2, the default since pyarrow 0.17)";
        } else if (got >= 4 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xff && (head[2] & 0xff) == 0xff
                && (head[3] & 0xff) == 0xff) {
            hint = "it looks like an Arrow IPC stream (.arrows); write the file format (pyarrow ipc.new_file, "
                    + "feather.write_feather)";
        } else {
            hint = "is this the right --format? (" + ImportFormat.ids() + ")";
        }
        throw new ImportException(file, "not an Arrow IPC file (it does not start with ARROW1): " + hint);
    }

    private static String describe(List<Field> fields) {
        return fields.stream().map(f -> f.getName() + " " + f.getType()).toList().toString();
    }

    private static boolean readable(ArrowType t) {
        return switch (t.getTypeID()) {
            case Timestamp, Date, Int, FloatingPoint, Decimal, Utf8, LargeUtf8, Bool -> true;
            default -> false;
        };
    }

    private static boolean typedTime(FieldVector v) {
        return v instanceof TimeStampVector || v instanceof DateDayVector || v instanceof DateMilliVector;
    }

    /** Epoch milliseconds of a typed Arrow time (a timestamp of any unit, with or without a zone, or a date). */
    private static long typedMillis(FieldVector v, int i) {
        if (v instanceof DateDayVector d) {
            return d.get(i) * 86_400_000L;
        }
        if (v instanceof DateMilliVector d) {
            return d.get(i);
        }
        TimeStampVector ts = (TimeStampVector) v;
        long raw = ts.get(i);
        TimeUnit unit = switch (((ArrowType.Timestamp) ts.getField().getType()).getUnit()) {
            case SECOND -> TimeUnit.SECONDS;
            case MILLISECOND -> TimeUnit.MILLISECONDS;
            case MICROSECOND -> TimeUnit.MICROSECONDS;
            case NANOSECOND -> TimeUnit.NANOSECONDS;
        };
        return switch (unit) {
            case SECONDS -> Math.multiplyExact(raw, 1000L);
            case MICROSECONDS -> Math.floorDiv(raw, 1_000L);
            case NANOSECONDS -> Math.floorDiv(raw, 1_000_000L);
            default -> raw;
        };
    }

    /** A value as the text a CSV would hold, for the checks every OHLCV format shares ("" for a null). */
    private static String text(FieldVector v, int i) {
        if (v.isNull(i)) {
            return "";
        }
        // a NaN is what polars and pandas write for a missing value: empty, as a CSV holds it
        if (v instanceof Float8Vector f) {
            return Double.isNaN(f.get(i)) ? "" : Double.toString(f.get(i));
        }
        if (v instanceof Float4Vector f) {
            return Float.isNaN(f.get(i)) ? "" : Float.toString(f.get(i));
        }
        if (v instanceof BaseIntVector b) {
            return Long.toString(b.getValueAsLong(i));
        }
        if (v instanceof DecimalVector d) {
            BigDecimal x = d.getObject(i);
            return x.toPlainString();
        }
        if (v instanceof VarCharVector s) {
            return new String(s.get(i), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (v instanceof LargeVarCharVector s) {
            return new String(s.get(i), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (v instanceof BitVector b) {
            return Boolean.toString(b.get(i) != 0);
        }
        return String.valueOf(v.getObject(i));
    }
}
