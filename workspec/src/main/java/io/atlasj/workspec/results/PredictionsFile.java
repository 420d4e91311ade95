package io.atlasj.workspec.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A result's prediction series in columns ({@code predictions.arrow}, an Apache Arrow IPC file): one record batch per
 * series (a fold's validation or test part, or a multi-task head's; before schema 8 the training part too), with the
 * bar open times, the actual target (float64: it is what returns are computed from), the prediction (float32) and, for
 * classification, one float32 column per class probability ({@code p0, p1, ...}; null in a regression series). Which
 * batch is which is recorded in the result's JSON ({@link Series}). Float32 keeps seven significant digits, more than a
 * model's prediction carries.
 *
 * <p>The buffers are ZSTD-compressed (the body compression of the Arrow IPC format itself, which other Arrow readers
 * such as pyarrow decode; since schema 5). Three columns are stored in a form that compresses, each said in the
 * schema's metadata, so that a reader that is not this class can undo it:
 * <ul>
 *   <li>{@code atlas.time = delta} (since schema 8): the times are column {@code time_delta}, each row's open time less
 *   the row before's, the batch's first row its open time itself ({@code time = cumsum(time_delta)} per batch). A
 *   regular series' times then compress to a few bytes; absolute times took a fifth of a small model's file.</li>
 *   <li>{@code atlas.predicted = argmax} (since schema 5): every series is a classification whose predicted class is
 *   each row's first most probable one; there is no {@code predicted} column, it is derived on reading.</li>
 *   <li>{@code atlas.predicted = complement} (since schema 8): as {@code argmax}, and every row's probabilities sum to
 *   1 within {@value #SUM_TOLERANCE} (a softmax's do), and the predicted class stays the first most probable one when
 *   its probability is replaced as follows. Each row's predicted class is the one whose probability is null, and that
 *   probability is one less the others' (summed in float64 from their float32 values, rounded to float32): within the
 *   tolerance of the model's own. One value in each row is then a null that compresses to nothing (a three-class
 *   file went from 407 KB of probabilities to 294 KB). A series that does not qualify makes the whole file keep every
 *   column.</li>
 * </ul>
 * Since schema 9 the times and actuals are not in this file: they are the {@code time_delta} and {@code actual}
 * columns of the rows file ({@link RowsFile}, {@code rows.arrow}) beside it, batch for batch, which this file's
 * metadata names ({@code atlas.rows.file}); the rows file's metadata says {@code atlas.rows = 1} and
 * {@code atlas.time = delta}. A reader joins the two files' batches by their order.
 *
 * <p>Files of schema 4 (uncompressed, with every column), 5 to 7 (absolute times, every probability) and 8 (times and
 * actuals in this file) read as before: the reader goes by the metadata, not by the version.
 */
public final class PredictionsFile {
    public static final String FILE = "predictions.arrow";

    private static final String PREDICTED = "atlas.predicted";
    private static final String ARGMAX = "argmax";
    private static final String COMPLEMENT = "complement";
    private static final String TIME = "atlas.time";
    /** In a predictions file whose times and actuals are in a rows file: that file's name, in the same folder. */
    private static final String ROWS = "atlas.rows.file";
    private static final String DELTA = "delta";
    /**
     * How far a row's float32 probabilities may sum from 1 for its most probable one to be stored as the complement of
     * the others: a float32 softmax over a few classes sums within a few 1e-7.
     */
    static final double SUM_TOLERANCE = 1e-6;
    /**
     * ZSTD's fastest positive level: on a tiny model's 40,000 rows it wrote 535,042 bytes in about 5 ms, level 3 (the
     * default) 536,842 bytes in about 8 ms; levels up to 19 gain under 10% more and cost several times the time.
     */
    private static final int ZSTD_LEVEL = 1;

    private PredictionsFile() {
    }

    /**
     * How a file lays out its series, decided from all of them: the number of probability columns, whether the
     * predicted classes are derived ({@code argmax}) and whether each row's most probable class is stored as the
     * complement of the others ({@code complement}). {@link #write} and {@link #asStored} decide alike, so a result in
     * hand equals the one read back.
     */
    record Layout(int classes, boolean argmax, boolean complement) {
    }

    static Layout layout(List<ResultsObject.Split> splits) {
        int classes = 0;
        for (ResultsObject.Split s : splits) {
            if (s.probabilities() != null && s.probabilities().rows() > 0) {
                classes = Math.max(classes, s.probabilities().classes());
            }
        }
        // one pass over the rows for both: the predicted classes are each row's first most probable (judged on the
        // float32 probabilities the file keeps, so reading derives exactly the values written), and each row qualifies
        // for the complement
        boolean argmax = classes > 0;
        boolean complement = classes > 1;
        for (ResultsObject.Split s : splits) {
            Probabilities p = s.probabilities();
            if (!argmax || p == null || p.rows() != s.time().length || s.predicted().length != p.rows()) {
                argmax = false;
                break;
            }
            int own = p.classes();
            double[] v = p.values();
            for (int i = 0; i < p.rows(); i++) {
                if (s.predicted()[i] != firstMaxFloat(v, i * own, own)) {
                    argmax = false;
                    break;
                }
                complement = complement && complementable(v, i * own, own, (int) s.predicted()[i], classes);
            }
        }
        return new Layout(classes, argmax, argmax && complement);
    }

    /** The first most probable class of a row (the {@code k} values at {@code off}), judged on its float32 values. */
    private static int firstMaxFloat(double[] row, int off, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) {
            if ((float) row[off + c] > (float) row[off + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Whether a row has {@code classes} probabilities whose float32 values sum to 1 within the tolerance, and whose
     * predicted class {@code m} stays the first most probable one with its probability replaced by the others'
     * complement (a near tie, such as three votes of a third each, could otherwise read back with another class ahead
     * of it).
     */
    private static boolean complementable(double[] row, int off, int k, int m, int classes) {
        if (k != classes) {
            return false;
        }
        double derived = complement(row, off, k, m);
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            float f = (float) row[off + c];
            if (c != m && (c < m ? f >= derived : f > derived) || !(f >= 0 && f <= 1)) {
                return false;
            }
            sum += f;
        }
        return Math.abs(sum - 1) <= SUM_TOLERANCE;
    }

    /** The probability of class {@code m} of a row as a complement file gives it back: one less the others'. */
    private static double complement(double[] row, int off, int k, int m) {
        double sum = 0;
        for (int c = 0; c < k; c++) {
            if (c != m) {
                sum += (float) row[off + c];
            }
        }
        return (float) (1.0 - sum);
    }

    private static int firstMax(double[] p, int off, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (p[off + c] > p[off + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Where a batch belongs: fold, part (validation or test; train too before schema 8), head (null: the primary
     * label), its rows and its number of class probabilities (0: regression, or no rows).
     */
    public record Series(int fold, String part, String head, int rows, int classes) {
    }

    /**
     * Writes the model's own columns of {@code splits} (one batch each, in order) to {@code file}, which must not be
     * open elsewhere: predictions and class probabilities, the times and actuals being in the rows file
     * {@code rows} names ({@link #writeRows}).
     */
    static void write(Path file, List<ResultsObject.Split> splits, Layout layout, String rows) throws IOException {
        write(file, splits, layout, false, java.util.Objects.requireNonNull(rows, "rows"));
    }

    /**
     * Writes the series' times and actuals (one batch each, in order: column {@code time_delta} as in a predictions
     * file, and {@code actual}) to {@code file}: what every model of a unit trained on the same rows shares.
     */
    static void writeRows(Path file, List<ResultsObject.Split> splits) throws IOException {
        write(file, splits, null, true, null);
    }

    /**
     * The series of a predictions file ({@code rows} false: the model's own columns, with its times and actuals in the
     * rows file named {@code rowsFile}) or of a rows file ({@code rows} true: times and actuals only).
     */
    private static void write(Path file, List<ResultsObject.Split> splits, Layout layout, boolean rows, String rowsFile)
            throws IOException {
        int classes = rows ? 0 : layout.classes();
        boolean argmax = !rows && layout.argmax();
        ArrowType f4 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        List<Field> fields = new ArrayList<>();
        if (rows) {
            fields.add(new Field("time_delta", FieldType.notNullable(new ArrowType.Int(64, true)), null));
            fields.add(new Field("actual", FieldType.notNullable(
                    new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        if (!rows && !argmax) {
            fields.add(new Field("predicted", FieldType.notNullable(f4), null));
        }
        for (int c = 0; c < classes; c++) {
            fields.add(new Field("p" + c, FieldType.nullable(f4), null));
        }
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put(rows ? "atlas.rows" : "atlas.predictions", "1");
        if (rows) {
            meta.put(TIME, DELTA);
        } else {
            meta.put(ROWS, rowsFile);
        }
        if (argmax) {
            meta.put(PREDICTED, layout.complement() ? COMPLEMENT : ARGMAX);
        }
        Schema schema = new Schema(fields, meta);
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(vsr, null, ch, null, IpcOption.DEFAULT,
                     CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD, Optional.of(ZSTD_LEVEL))) {
            w.start();
            for (ResultsObject.Split s : splits) {
                int n = s.time().length;
                if (s.actual().length != n || !rows && !argmax && s.predicted().length != n
                        || !rows && s.probabilities() != null && s.probabilities().rows() != n) {
                    throw new IllegalArgumentException(file + ": a series of " + n + " times has "
                            + s.actual().length + " actuals, " + (s.predicted() == null ? "no" : s.predicted().length)
                            + " predictions and " + (s.probabilities() == null ? "no" : s.probabilities().rows())
                            + " rows of probabilities");
                }
                // whole columns into the vectors' buffers (little-endian, as Arrow stores them), every row valid; each
                // loop in a method of its own, which C2 compiles once (this method inlined them and was compiled seven
                // times over in a run of a thousand models)
                if (rows) {
                    fill(vsr.getVector("time_delta"), n, deltas(s.time()));
                    fill(vsr.getVector("actual"), n, doubles(s.actual()));
                }
                if (!rows && !argmax) {
                    fill(vsr.getVector("predicted"), n, float32(s.predicted()));
                }
                for (int c = 0; c < classes; c++) {
                    Float4Vector v = (Float4Vector) vsr.getVector("p" + c);
                    if (s.probabilities() != null && c < (n == 0 ? 0 : s.probabilities().classes())) {
                        fill(v, n, float32(s.probabilities(), c));
                        if (layout.complement()) {
                            complementNulls(v, s.predicted(), c, n);
                        }
                    } else {
                        nulls(v, n);
                    }
                }
                vsr.setRowCount(n);
                w.writeBatch();
            }
            w.end();
        }
    }

    /**
     * A series as reading a file of {@code layout} gives it back: predictions and class probabilities rounded to
     * float32 (times and actuals are kept whole) and, in a complement file, each row's predicted class's probability
     * one less the others', so that figures computed from a result in hand equal those computed from its file.
     */
    static ResultsObject.Split asStored(ResultsObject.Split s, Layout layout) {
        if (s == null) {
            return null;
        }
        if (s.time().length == 0 && s.probabilities() != null) {
            // an empty part is recorded without classes, and reads back without probabilities
            return new ResultsObject.Split(s.time(), s.actual(), s.predicted(), null);
        }
        boolean complemented = layout.complement() && s.probabilities() != null && !complementsKept(s);
        if (!complemented && floats(s.predicted()) && (s.probabilities() == null
                || floats(s.probabilities().values()))) {
            return s; // a network's outputs are float32 already: nothing to round, nothing to copy
        }
        double[] predicted = s.predicted(); // a classifier's classes are whole numbers: kept as they are
        if (!floats(predicted)) {
            predicted = new double[s.predicted().length];
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = (float) s.predicted()[i];
            }
        }
        Probabilities probabilities = null;
        if (s.probabilities() != null) {
            int k = s.probabilities().classes();
            double[] row = s.probabilities().values();
            double[] v = new double[row.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) row[j];
            }
            if (layout.complement()) {
                for (int i = 0; i < s.probabilities().rows(); i++) {
                    int m = (int) s.predicted()[i];
                    v[i * k + m] = complement(row, i * k, k, m);
                }
            }
            probabilities = Probabilities.of(k, v);
        }
        return new ResultsObject.Split(s.time(), s.actual(), predicted, probabilities);
    }

    /** Whether every row's predicted class's probability already is the complement of the others' (no copy needed). */
    private static boolean complementsKept(ResultsObject.Split s) {
        int k = s.probabilities().classes();
        double[] v = s.probabilities().values();
        for (int i = 0; i < s.probabilities().rows(); i++) {
            int m = (int) s.predicted()[i];
            if (v[i * k + m] != complement(v, i * k, k, m)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every value is a float32 value (NaN included), so that storing it as one changes nothing. */
    private static boolean floats(double[] v) {
        for (double x : v) {
            if ((double) (float) x != x && !Double.isNaN(x)) {
                return false;
            }
        }
        return true;
    }

    /** Each time less the one before it (the first less 0), as 64-bit integers. */
    private static ByteBuffer deltas(long[] t) {
        ByteBuffer b = column(t.length, 8);
        long before = 0;
        for (int i = 0; i < t.length; i++) {
            b.putLong(i * 8, t[i] - before);
            before = t[i];
        }
        return b;
    }

    private static ByteBuffer doubles(double[] v) {
        ByteBuffer b = column(v.length, 8);
        b.asDoubleBuffer().put(v);
        return b;
    }

    /** The values rounded to float32. */
    private static ByteBuffer float32(double[] v) {
        ByteBuffer b = column(v.length, 4);
        for (int i = 0; i < v.length; i++) {
            b.putFloat(i * 4, (float) v[i]);
        }
        return b;
    }

    /** Column {@code c} of the rows, rounded to float32. */
    private static ByteBuffer float32(Probabilities rows, int c) {
        int n = rows.rows();
        int k = rows.classes();
        double[] v = rows.values();
        ByteBuffer b = column(n, 4);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 4, (float) v[i * k + c]);
        }
        return b;
    }

    /** In a complement file, the predicted class's probability is the others' complement: null, its value zeroed. */
    private static void complementNulls(Float4Vector v, double[] predicted, int c, int n) {
        for (int i = 0; i < n; i++) {
            if ((int) predicted[i] == c) {
                v.setNull(i);
                v.getDataBuffer().setFloat(i * 4L, 0f);
            }
        }
    }

    private static void nulls(FieldVector v, int n) {
        ((org.apache.arrow.vector.FixedWidthVector) v).allocateNew(n);
        for (int i = 0; i < n; i++) {
            v.setNull(i);
        }
        v.setValueCount(n);
    }

    private static ByteBuffer column(int n, int width) {
        return ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Puts {@code n} fixed-width values ({@code values}, little-endian) into {@code v}, every one of them valid. */
    private static void fill(FieldVector v, int n, ByteBuffer values) {
        ((org.apache.arrow.vector.FixedWidthVector) v).allocateNew(n);
        v.getDataBuffer().setBytes(0, values.rewind());
        v.getValidityBuffer().setOne(0L, (n + 7) / 8);
        v.setValueCount(n);
    }

    /**
     * The schema root of rows file {@code rowsFile}, checked: {@code atlas.rows = 1}, an int64 {@code time_delta} and a
     * float64 {@code actual} column; an error naming the file otherwise.
     */
    private static VectorSchemaRoot rowsRoot(ArrowFileReader reader, Path rowsFile) throws IOException {
        try {
            VectorSchemaRoot rows = reader.getVectorSchemaRoot();
            if (!"1".equals(rows.getSchema().getCustomMetadata().get("atlas.rows"))
                    || !(rows.getVector("time_delta") instanceof BigIntVector)
                    || !(rows.getVector("actual") instanceof Float8Vector)) {
                throw new IOException(rowsFile + ": not a rows file (it needs metadata atlas.rows = 1, an int64 column "
                        + "time_delta and a float64 column actual)");
            }
            return rows;
        } catch (RuntimeException e) {
            throw new IOException(rowsFile + ": not a readable rows file: " + e.getMessage(), e);
        }
    }

    /** Loads a batch of rows file {@code rowsFile}; an error naming the file where Arrow cannot. */
    private static boolean loadRows(ArrowFileReader reader, org.apache.arrow.vector.ipc.message.ArrowBlock block,
                                    Path rowsFile) throws IOException {
        try {
            return reader.loadRecordBatch(block);
        } catch (RuntimeException e) {
            throw new IOException(rowsFile + ": not a readable rows file: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the batches of {@code file} that {@code wanted} accepts (the others are null in the list, and are not
     * decompressed): an evaluation reads the test parts only. {@code rowsFile} is the rows file the result names
     * (since schema 9), whose batches hold the series' times and actuals; null for a file that holds them itself.
     */
    static List<ResultsObject.Split> read(Path file, Path rowsFile, List<Series> series,
                                          java.util.function.Predicate<Series> wanted) throws IOException {
        List<ResultsObject.Split> out = new ArrayList<>();
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE);
             FileChannel rch = rowsFile == null ? null : FileChannel.open(rowsFile, StandardOpenOption.READ);
             ArrowFileReader rowsReader = rch == null ? null
                     : new ArrowFileReader(rch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot vsr = reader.getVectorSchemaRoot();
            Map<String, String> meta = vsr.getSchema().getCustomMetadata();
            boolean complement = COMPLEMENT.equals(meta.get(PREDICTED));
            boolean argmax = complement || ARGMAX.equals(meta.get(PREDICTED));
            String named = meta.get(ROWS);
            if (named != null && (rowsFile == null || !rowsFile.getFileName().toString().equals(named))
                    || named == null && rowsFile != null) {
                throw new IOException(file + ": its times and actuals are in " + (named == null ? "the file itself"
                        : "'" + named + "'") + ", the result names " + (rowsFile == null ? "no rows file"
                        : "'" + rowsFile.getFileName() + "'"));
            }
            // the times and actuals: in the rows file when there is one, else in this file's own batches
            ArrowFileReader rowsIn = rowsReader == null ? reader : rowsReader;
            VectorSchemaRoot rows = rowsReader == null ? vsr : rowsRoot(rowsReader, rowsFile);
            boolean delta = DELTA.equals(rows.getSchema().getCustomMetadata().get(TIME));
            List<org.apache.arrow.vector.ipc.message.ArrowBlock> blocks = reader.getRecordBlocks();
            List<org.apache.arrow.vector.ipc.message.ArrowBlock> rowBlocks = rowsIn.getRecordBlocks();
            if (blocks.size() != series.size() || rowBlocks.size() != series.size()) {
                Path which = blocks.size() != series.size() ? file : rowsFile;
                throw new IOException(which + ": " + (which == file ? blocks : rowBlocks).size()
                        + " record batches, the result has " + series.size() + " series");
            }
            int b = 0;
            for (org.apache.arrow.vector.ipc.message.ArrowBlock block : blocks) {
                if (!wanted.test(series.get(b))) {
                    out.add(null);
                    b++;
                    continue;
                }
                if (rowsReader != null && !loadRows(rowsReader, rowBlocks.get(b), rowsFile)) {
                    throw new IOException(rowsFile + ": record batch " + b + " cannot be read");
                }
                if (!reader.loadRecordBatch(block)) {
                    throw new IOException(file + ": record batch " + b + " cannot be read");
                }
                int n = vsr.getRowCount();
                if (n != series.get(b).rows() || rows.getRowCount() != n) {
                    Path which = n != series.get(b).rows() ? file : rowsFile;
                    throw new IOException(which + ": batch " + b + " has " + (which == file ? n : rows.getRowCount())
                            + " rows, the result says " + series.get(b).rows());
                }
                BigIntVector t = (BigIntVector) rows.getVector(delta ? "time_delta" : "time");
                Float8Vector a = (Float8Vector) rows.getVector("actual");
                long[] time = new long[n];
                double[] actual = new double[n];
                double[] predicted = new double[n];
                long at = 0;
                for (int i = 0; i < n; i++) {
                    at = delta ? at + t.get(i) : t.get(i);
                    time[i] = at;
                    actual[i] = a.get(i);
                }
                if (!argmax) {
                    Float4Vector p = (Float4Vector) vsr.getVector("predicted");
                    for (int i = 0; i < n; i++) {
                        predicted[i] = p.get(i);
                    }
                }
                Probabilities prob = null;
                int k = series.get(b).classes();
                if (k > 0) {
                    double[] pv = new double[n * k];
                    int[] nulls = new int[n];
                    for (int c = 0; c < k; c++) {
                        Float4Vector v = (Float4Vector) vsr.getVector("p" + c);
                        for (int i = 0; i < n; i++) {
                            if (complement && v.isNull(i)) {
                                predicted[i] = c;
                                nulls[i]++;
                            } else {
                                pv[i * k + c] = v.get(i);
                            }
                        }
                    }
                    if (complement) {
                        for (int i = 0; i < n; i++) {
                            if (nulls[i] != 1) {
                                throw new IOException(file + ": batch " + b + " row " + i + " has " + nulls[i]
                                        + " null probabilities; a complement file has one, the predicted class's");
                            }
                            int m = (int) predicted[i];
                            pv[i * k + m] = complement(pv, i * k, k, m);
                        }
                    } else if (argmax) {
                        for (int i = 0; i < n; i++) {
                            predicted[i] = firstMax(pv, i * k, k);
                        }
                    }
                    prob = Probabilities.of(k, pv);
                } else if (argmax && n > 0) {
                    throw new IOException(file + ": batch " + b + " has no class probabilities to derive its predicted "
                            + "classes from");
                }
                out.add(new ResultsObject.Split(time, actual, predicted, prob));
                b++;
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable predictions file: " + e.getMessage(), e);
        }
        return out;
    }
}
