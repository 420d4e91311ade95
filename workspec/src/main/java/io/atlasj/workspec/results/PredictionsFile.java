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
 * series (a fold's train, validation or test part, or a multi-task head's), with the bar open time (int64), the
 * actual target (float64: it is what returns are computed from), the prediction (float32) and, for classification,
 * one float32 column per class probability ({@code p0, p1, ...}; null in a regression series). Which batch is which
 * is recorded in the result's JSON ({@link Series}). Float32 keeps seven significant digits, more than a model's
 * prediction carries.
 *
 * <p>Since result schema 5 the batches' buffers are ZSTD-compressed (the body compression of the Arrow IPC format
 * itself, which other Arrow readers such as pyarrow decode), and a file whose every series is a classification whose predicted class
 * is the first most probable one has no {@code predicted} column: it is derived on reading (schema metadata
 * {@code atlas.predicted = argmax}). Both cut a small model's file about threefold: times, class labels and a
 * model's near-constant probabilities compress well. Schema-4 files (uncompressed, with the column) read as before.
 */
public final class PredictionsFile {
    public static final String FILE = "predictions.arrow";

    private static final String PREDICTED = "atlas.predicted";
    private static final String ARGMAX = "argmax";
    /**
     * ZSTD's fastest positive level: on a tiny model's 40,000 rows it wrote 535,042 bytes in about 5 ms, level 3 (the
     * default) 536,842 bytes in about 8 ms; levels up to 19 gain under 10% more and cost several times the time.
     */
    private static final int ZSTD_LEVEL = 1;

    private PredictionsFile() {
    }

    /**
     * Whether a classification series' predicted classes are the first most probable class of each row, judged on
     * the float32 probabilities the file keeps, so that reading derives exactly the values written.
     */
    private static boolean isArgmax(ResultsObject.Split s) {
        double[][] p = s.probabilities();
        if (p == null || p.length != s.time().length) {
            return false;
        }
        int classes = p.length == 0 ? 0 : p[0].length;
        for (int i = 0; i < p.length; i++) {
            double[] row = p[i];
            if (row.length != classes) {
                return false;
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if ((float) row[c] > (float) row[best]) {
                    best = c;
                }
            }
            if (s.predicted()[i] != best) {
                return false;
            }
        }
        return true;
    }

    private static int firstMax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Where a batch belongs: fold, part (train, validation, test), head (null: the primary label), its rows and its
     * number of class probabilities (0: regression).
     */
    public record Series(int fold, String part, String head, int rows, int classes) {
    }

    /** Writes {@code splits} (one batch each, in order) to {@code file}, which must not be open elsewhere. */
    static void write(Path file, List<ResultsObject.Split> splits) throws IOException {
        int classes = 0;
        for (ResultsObject.Split s : splits) {
            if (s.probabilities() != null && s.probabilities().length > 0) {
                classes = Math.max(classes, s.probabilities()[0].length);
            }
        }
        boolean argmax = classes > 0;
        for (ResultsObject.Split s : splits) {
            argmax &= isArgmax(s);
        }
        ArrowType f4 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("time", FieldType.notNullable(new ArrowType.Int(64, true)), null));
        fields.add(new Field("actual", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                null));
        if (!argmax) {
            fields.add(new Field("predicted", FieldType.notNullable(f4), null));
        }
        for (int c = 0; c < classes; c++) {
            fields.add(new Field("p" + c, FieldType.nullable(f4), null));
        }
        Schema schema = new Schema(fields, argmax ? Map.of("atlas.predictions", "1", PREDICTED, ARGMAX)
                : Map.of("atlas.predictions", "1"));
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(vsr, null, ch, null, IpcOption.DEFAULT,
                     CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD, Optional.of(ZSTD_LEVEL))) {
            w.start();
            for (ResultsObject.Split s : splits) {
                int n = s.time().length;
                if (s.actual().length != n || !argmax && s.predicted().length != n
                        || s.probabilities() != null && s.probabilities().length != n) {
                    throw new IllegalArgumentException(file + ": a series of " + n + " times has "
                            + s.actual().length + " actuals and " + s.predicted().length + " predictions");
                }
                // whole columns into the vectors' buffers (little-endian, as Arrow stores them), every row valid
                ByteBuffer times = column(n, 8);
                times.asLongBuffer().put(s.time());
                fill(vsr.getVector("time"), n, times);
                ByteBuffer actual = column(n, 8);
                actual.asDoubleBuffer().put(s.actual());
                fill(vsr.getVector("actual"), n, actual);
                if (!argmax) {
                    ByteBuffer p = column(n, 4);
                    for (int i = 0; i < n; i++) {
                        p.putFloat(i * 4, (float) s.predicted()[i]);
                    }
                    fill(vsr.getVector("predicted"), n, p);
                }
                for (int c = 0; c < classes; c++) {
                    Float4Vector v = (Float4Vector) vsr.getVector("p" + c);
                    if (s.probabilities() != null && c < (n == 0 ? 0 : s.probabilities()[0].length)) {
                        ByteBuffer p = column(n, 4);
                        for (int i = 0; i < n; i++) {
                            p.putFloat(i * 4, (float) s.probabilities()[i][c]);
                        }
                        fill(v, n, p);
                    } else {
                        v.allocateNew(n);
                        for (int i = 0; i < n; i++) {
                            v.setNull(i);
                        }
                        v.setValueCount(n);
                    }
                }
                vsr.setRowCount(n);
                w.writeBatch();
            }
            w.end();
        }
    }

    /**
     * A series as reading this file gives it back: predictions and class probabilities rounded to float32 (times and
     * actuals are kept whole), so that figures computed from a result in hand equal those computed from its file.
     */
    static ResultsObject.Split asStored(ResultsObject.Split s) {
        if (s == null) {
            return null;
        }
        if (floats(s.predicted()) && (s.probabilities() == null || Arrays.stream(s.probabilities())
                .allMatch(PredictionsFile::floats))) {
            return s; // a network's outputs are float32 already: nothing to round, nothing to copy
        }
        double[] predicted = new double[s.predicted().length];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = (float) s.predicted()[i];
        }
        double[][] probabilities = null;
        if (s.probabilities() != null) {
            probabilities = new double[s.probabilities().length][];
            for (int i = 0; i < probabilities.length; i++) {
                double[] row = s.probabilities()[i];
                probabilities[i] = new double[row.length];
                for (int c = 0; c < row.length; c++) {
                    probabilities[i][c] = (float) row[c];
                }
            }
        }
        return new ResultsObject.Split(s.time(), s.actual(), predicted, probabilities);
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
     * Reads the splits of {@code file}, one per batch, in order.
     *
     * @throws IOException naming the file when it is unreadable or holds another number of batches or rows
     */
    static List<ResultsObject.Split> read(Path file, List<Series> series) throws IOException {
        return read(file, series, s -> true);
    }

    /**
     * Reads the batches of {@code file} that {@code wanted} accepts (the others are null in the list, and are not
     * decompressed): an evaluation reads the test parts only, a quarter of a small model's rows.
     */
    static List<ResultsObject.Split> read(Path file, List<Series> series, java.util.function.Predicate<Series> wanted)
            throws IOException {
        List<ResultsObject.Split> out = new ArrayList<>();
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot vsr = reader.getVectorSchemaRoot();
            boolean argmax = ARGMAX.equals(vsr.getSchema().getCustomMetadata().get(PREDICTED));
            List<org.apache.arrow.vector.ipc.message.ArrowBlock> blocks = reader.getRecordBlocks();
            if (blocks.size() != series.size()) {
                throw new IOException(file + ": " + blocks.size() + " record batches, the result has " + series.size()
                        + " series");
            }
            int b = 0;
            for (org.apache.arrow.vector.ipc.message.ArrowBlock block : blocks) {
                if (!wanted.test(series.get(b))) {
                    out.add(null);
                    b++;
                    continue;
                }
                if (!reader.loadRecordBatch(block)) {
                    throw new IOException(file + ": record batch " + b + " cannot be read");
                }
                int n = vsr.getRowCount();
                if (n != series.get(b).rows()) {
                    throw new IOException(file + ": batch " + b + " has " + n + " rows, the result says "
                            + series.get(b).rows());
                }
                BigIntVector t = (BigIntVector) vsr.getVector("time");
                Float8Vector a = (Float8Vector) vsr.getVector("actual");
                long[] time = new long[n];
                double[] actual = new double[n];
                double[] predicted = new double[n];
                for (int i = 0; i < n; i++) {
                    time[i] = t.get(i);
                    actual[i] = a.get(i);
                }
                if (!argmax) {
                    Float4Vector p = (Float4Vector) vsr.getVector("predicted");
                    for (int i = 0; i < n; i++) {
                        predicted[i] = p.get(i);
                    }
                }
                double[][] prob = null;
                int k = series.get(b).classes();
                if (k > 0) {
                    prob = new double[n][k];
                    for (int c = 0; c < k; c++) {
                        Float4Vector v = (Float4Vector) vsr.getVector("p" + c);
                        for (int i = 0; i < n; i++) {
                            prob[i][c] = v.get(i);
                        }
                    }
                    if (argmax) {
                        for (int i = 0; i < n; i++) {
                            predicted[i] = firstMax(prob[i]);
                        }
                    }
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
