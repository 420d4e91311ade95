package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * OHLCV candles in an Apache Parquet file, as pandas ({@code DataFrame.to_parquet}), pyarrow, polars, DuckDB and
 * Spark write them. Columns are found by name as {@link OhlcvCsvParser} finds a CSV's header (any case; or named in
 * schema order by {@code --columns}); other columns are skipped. When no column is a time, pandas' index column
 * (named in the file's {@code pandas} metadata, such as {@code __index_level_0__}) is the time.
 *
 * <p>Times may be Parquet timestamps in milli-, micro- or nanoseconds (read as UTC: a timestamp a tool wrote without a
 * zone is taken to be UTC), legacy INT96 timestamps (Spark's default, older pandas and Impala), dates, epoch numbers
 * (the unit told by magnitude, as in CSV files) or ISO-8601 text. Prices and volumes may be doubles, floats (read as
 * their shortest decimal, as the tool printed them), integers, decimals or numeric text. A null is a bad row like an
 * empty CSV field. Rows are numbered from 1 in file order, and problems name them as a CSV's lines.
 */
final class ParquetCandlesParser implements FileParser {
    /** Julian day number of 1970-01-01, for INT96 timestamps. */
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        requireParquet(file);
        ColumnarRows rows = null;
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            FileMetaData meta = r.getFooter().getFileMetaData();
            MessageType schema = meta.getSchema();
            List<Type> fields = schema.getFields();
            Map<String, Integer> columns = ColumnarRows.columns(file, options, fields.stream().map(Type::getName)
                    .toList(), describe(fields), meta.getKeyValueMetaData());
            ColumnDescriptor[] used = new ColumnDescriptor[fields.size()];
            for (Map.Entry<String, Integer> e : columns.entrySet()) {
                Type t = fields.get(e.getValue());
                if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
                    throw new ImportException(file, "column '" + t.getName() + "' (" + e.getKey() + ") holds "
                            + (t.isPrimitive() ? "a list" : "nested fields") + " (" + t + "), not one value a row");
                }
                used[e.getValue()] = schema.getColumnDescription(new String[] {t.getName()});
            }
            int timeColumn = columns.get("time");
            PrimitiveType timeType = fields.get(timeColumn).asPrimitiveType();
            rows = new ColumnarRows(file, "parquet", options, columns);
            String[] text = new String[fields.size()];
            Arrays.fill(text, "");
            long total = Math.max(1, r.getRecordCount());
            long size = Files.size(file);
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                        new GroupRecordConverter(schema).getRootConverter(), schema, meta.getCreatedBy());
                ColumnReader[] readers = new ColumnReader[fields.size()];
                for (int c = 0; c < used.length; c++) {
                    if (used[c] != null) {
                        readers[c] = store.getColumnReader(used[c]);
                    }
                }
                long n = pages.getRowCount();
                boolean typed = typedTime(timeType);
                for (long i = 0; i < n; i++) {
                    long time = 0;
                    boolean timeNull = false;
                    for (int c = 0; c < readers.length; c++) {
                        ColumnReader cr = readers[c];
                        if (cr == null) {
                            continue;
                        }
                        boolean isNull = cr.getCurrentDefinitionLevel() < used[c].getMaxDefinitionLevel();
                        if (c == timeColumn) {
                            timeNull = isNull;
                            text[c] = "";
                            if (!isNull && typed) {
                                time = typedMillis(cr, timeType);
                            } else if (!isNull) {
                                text[c] = text(cr, used[c].getPrimitiveType());
                            }
                        } else {
                            text[c] = isNull ? "" : text(cr, used[c].getPrimitiveType());
                        }
                        cr.consume();
                    }
                    rows.add(text, timeNull, typed, time);
                }
                progress.accept(size * rows.rows() / total);
            }
        } catch (ImportException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImportException(file, "cannot be read as Parquet: " + e.getMessage()
                    + " (a file cut short or written by a tool still running?)");
        }
        return rows.bars(options, market);
    }

    /** Refuses a file that does not start with Parquet's magic bytes, before the reader gives a cryptic error. */
    private static void requireParquet(Path file) throws IOException {
        byte[] head = ColumnarRows.head(file, 4);
        if (head.length < 4 || !new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("PAR1")) {
            throw new ImportException(file, "not a Parquet file (it does not start with PAR1); is this the right "
                    + "--format? (" + ImportFormat.ids() + ")");
        }
    }

    private static String describe(List<Type> fields) {
        return fields.stream().map(Type::getName).toList().toString();
    }

    private static boolean typedTime(PrimitiveType t) {
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        return t.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96
                || a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                || a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
    }

    /** Epoch milliseconds of a typed Parquet time (a timestamp of any unit, INT96 or a date). */
    private static long typedMillis(ColumnReader cr, PrimitiveType t) {
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        if (t.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
            // 8 bytes of nanoseconds in the day, then 4 of the Julian day, both little-endian
            ByteBuffer b = cr.getBinary().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long nanosOfDay = b.getLong(b.position());
            long julianDay = b.getInt(b.position() + 8);
            return (julianDay - JULIAN_EPOCH_DAY) * 86_400_000L + Math.floorDiv(nanosOfDay, 1_000_000L);
        }
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return cr.getInteger() * 86_400_000L;
        }
        long v = cr.getLong();
        return switch (((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a).getUnit()) {
            case MILLIS -> v;
            case MICROS -> Math.floorDiv(v, 1_000L);
            case NANOS -> Math.floorDiv(v, 1_000_000L);
        };
    }

    /** A value as the text a CSV would hold, for the checks every OHLCV format shares. */
    private static String text(ColumnReader cr, PrimitiveType t) {
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        int scale = a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d ? d.getScale() : -1;
        return switch (t.getPrimitiveTypeName()) {
            // a NaN is what pandas and polars write for a missing value: empty, as a CSV holds it
            case DOUBLE -> Double.isNaN(cr.getDouble()) ? "" : Double.toString(cr.getDouble());
            case FLOAT -> Float.isNaN(cr.getFloat()) ? "" : Float.toString(cr.getFloat());
            case INT32 -> scale >= 0 ? BigDecimal.valueOf(cr.getInteger(), scale).toPlainString()
                    : Integer.toString(cr.getInteger());
            case INT64 -> scale >= 0 ? BigDecimal.valueOf(cr.getLong(), scale).toPlainString()
                    : Long.toString(cr.getLong());
            case BINARY, FIXED_LEN_BYTE_ARRAY -> scale >= 0
                    ? new BigDecimal(new BigInteger(cr.getBinary().getBytes()), scale).toPlainString()
                    : cr.getBinary().toStringUsingUTF8();
            case BOOLEAN -> Boolean.toString(cr.getBoolean());
            case INT96 -> "(an INT96 timestamp)";
        };
    }
}
