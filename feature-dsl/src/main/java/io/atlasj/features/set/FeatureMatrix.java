package io.atlasj.features.set;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A built FeatureLabelSet: one row per base bar that has every feature and label, in columns. Features and labels
 * are named by their resolved canonical ids.
 *
 * @param time     base bar open times (UTC ms), ascending
 * @param features one array per feature, each {@code time.length} long
 * @param labels   one array per label
 * @param report   what the build kept and dropped, and why
 * @param dataFingerprint {@code "<series> <fingerprint>"} of every series the build read
 *                 ({@link FeatureSetBuilder#dataFingerprint}); kept in the cache file, so a matrix read back carries
 *                 it; empty when the source cannot fingerprint its data
 */
public record FeatureMatrix(String name, long[] time, List<String> featureIds, double[][] features,
                            List<String> labelIds, double[][] labels, BuildReport report, List<String> dataFingerprint)
        implements java.io.Serializable {
    public FeatureMatrix {
        featureIds = List.copyOf(featureIds);
        labelIds = List.copyOf(labelIds);
        dataFingerprint = dataFingerprint == null ? List.of() : List.copyOf(dataFingerprint);
    }

    /**
     * Java serialisation (a Spark task's matrix on its way to the driver) writes {@link Wire}: each column as
     * little-endian bytes through a small buffer, in bulk copies, where the default form writes and reads a double at a
     * time (in a {@code local[2]} build of seven markets, the two took as many samples as building the features), and
     * without a second copy of the matrix in memory. Values travel bit for bit, NaN payloads included.
     */
    @java.io.Serial
    private Object writeReplace() {
        return new Wire(this);
    }

    /** The serial form of a matrix: its names and report as objects, its columns as bytes ({@link #writeReplace}). */
    private static final class Wire implements java.io.Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;
        /** Values copied through the buffer at a time. */
        private static final int CHUNK = 8_192;

        private transient FeatureMatrix matrix;

        Wire(FeatureMatrix matrix) {
            this.matrix = matrix;
        }

        @java.io.Serial
        private void writeObject(java.io.ObjectOutputStream out) throws IOException {
            FeatureMatrix m = matrix;
            out.defaultWriteObject(); // no fields of its own: the form's version, for a later one to read
            out.writeObject(m.name);
            out.writeObject(m.featureIds);
            out.writeObject(m.labelIds);
            out.writeObject(m.report);
            out.writeObject(m.dataFingerprint);
            out.writeInt(m.features.length);
            out.writeInt(m.labels.length);
            byte[] buf = new byte[CHUNK * Long.BYTES];
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(buf).order(ORDER);
            out.writeInt(m.time.length);
            write(out, buf, m.time.length, (at, k) -> bytes.clear().asLongBuffer().put(m.time, at, k));
            for (double[][] cols : new double[][][] {m.features, m.labels}) {
                for (double[] col : cols) {
                    out.writeInt(col.length);
                    write(out, buf, col.length, (at, k) -> bytes.clear().asDoubleBuffer().put(col, at, k));
                }
            }
        }

        /** Values {@code at .. at + k} of a column, into (or out of) the buffer's first {@code k} eight-byte slots. */
        private interface Chunk {
            void copy(int at, int k);
        }

        /** A column of {@code length} eight-byte values, {@link #CHUNK} at a time through {@code buf}. */
        private static void write(java.io.ObjectOutputStream out, byte[] buf, int length, Chunk put) throws IOException {
            for (int at = 0; at < length; at += CHUNK) {
                int k = Math.min(CHUNK, length - at);
                put.copy(at, k);
                out.write(buf, 0, k * Long.BYTES);
            }
        }

        /** The reverse of {@link #write}. */
        private static void read(java.io.ObjectInputStream in, byte[] buf, int length, Chunk get) throws IOException {
            for (int at = 0; at < length; at += CHUNK) {
                int k = Math.min(CHUNK, length - at);
                in.readFully(buf, 0, k * Long.BYTES);
                get.copy(at, k);
            }
        }

        @java.io.Serial
        @SuppressWarnings("unchecked")
        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            String name = (String) in.readObject();
            List<String> featureIds = (List<String>) in.readObject();
            List<String> labelIds = (List<String>) in.readObject();
            BuildReport report = (BuildReport) in.readObject();
            List<String> dataFingerprint = (List<String>) in.readObject();
            double[][] features = new double[in.readInt()][];
            double[][] labels = new double[in.readInt()][];
            byte[] buf = new byte[CHUNK * Long.BYTES];
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(buf).order(ORDER);
            long[] time = new long[in.readInt()];
            read(in, buf, time.length, (at, k) -> bytes.clear().asLongBuffer().get(time, at, k));
            for (double[][] cols : new double[][][] {features, labels}) {
                for (int c = 0; c < cols.length; c++) {
                    double[] col = new double[in.readInt()];
                    read(in, buf, col.length, (at, k) -> bytes.clear().asDoubleBuffer().get(col, at, k));
                    cols[c] = col;
                }
            }
            matrix = new FeatureMatrix(name, time, featureIds, features, labelIds, labels, report, dataFingerprint);
        }

        @java.io.Serial
        private Object readResolve() {
            return matrix;
        }
    }

    /** A matrix of data that has no fingerprint (built by hand, or from a source that cannot tell). */
    public FeatureMatrix(String name, long[] time, List<String> featureIds, double[][] features, List<String> labelIds,
                         double[][] labels, BuildReport report) {
        this(name, time, featureIds, features, labelIds, labels, report, List.of());
    }

    public int rows() {
        return time.length;
    }

    public double[] feature(String id) {
        int i = featureIds.indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("no feature " + id + " in " + name + "; features: " + featureIds);
        }
        return features[i];
    }

    public double[] label(String id) {
        int i = labelIds.indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("no label " + id + " in " + name + "; labels: " + labelIds);
        }
        return labels[i];
    }

    /** Count, mean, std (sample), min and max of every column, features first. */
    public List<ColumnSummary> summary() {
        List<ColumnSummary> out = new ArrayList<>();
        for (int c = 0; c < features.length; c++) {
            out.add(ColumnSummary.of(featureIds.get(c), "feature", features[c]));
        }
        for (int c = 0; c < labels.length; c++) {
            out.add(ColumnSummary.of(labelIds.get(c), "label", labels[c]));
        }
        return out;
    }

    /** Writes a CSV: {@code time} (ISO UTC), then the features, then the labels. Temp file, then rename. */
    public void writeCsv(Path file) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("time");
            for (String id : featureIds) {
                w.write(',');
                w.write(csv(id));
            }
            for (String id : labelIds) {
                w.write(',');
                w.write(csv(id));
            }
            w.write('\n');
            for (int r = 0; r < time.length; r++) {
                w.write(Instant.ofEpochMilli(time[r]).toString());
                for (double[] col : features) {
                    w.write(',');
                    w.write(Double.toString(col[r]));
                }
                for (double[] col : labels) {
                    w.write(',');
                    w.write(Double.toString(col[r]));
                }
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes an Apache Parquet file that pandas, pyarrow, polars, DuckDB and Spark read as a table: {@code time} (a
     * UTC millisecond timestamp), then one double column per feature and per label named by its id, ZSTD-compressed;
     * the file's metadata holds the set's name, which columns are labels and the data fingerprint. Temp file, then
     * rename.
     */
    public void writeParquet(Path file) throws IOException {
        org.apache.parquet.schema.Types.MessageTypeBuilder b = org.apache.parquet.schema.Types.buildMessage();
        b.required(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64)
                .as(org.apache.parquet.schema.LogicalTypeAnnotation.timestampType(true,
                        org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS)).named("time");
        List<String> columns = new ArrayList<>(featureIds);
        columns.addAll(labelIds);
        for (String id : columns) {
            b.required(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE).named(id);
        }
        org.apache.parquet.schema.MessageType schema = b.named("featureset");
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("atlas.featureset", name);
        meta.put("atlas.features", String.valueOf(featureIds.size()));
        meta.put("atlas.labels", String.join("\n", labelIds));
        meta.put("atlas.data", String.join("\n", dataFingerprint));
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        Files.delete(tmp); // the writer creates it
        var groups = new org.apache.parquet.example.data.simple.SimpleGroupFactory(schema);
        try (var w = org.apache.parquet.hadoop.example.ExampleParquetWriter
                .builder(new org.apache.parquet.io.LocalOutputFile(tmp)).withType(schema).withExtraMetaData(meta)
                .withCompressionCodec(org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD)
                .withDictionaryEncoding(false).build()) {
            for (int r = 0; r < time.length; r++) {
                var g = groups.newGroup().append("time", time[r]);
                for (int c = 0; c < features.length; c++) {
                    g.add(c + 1, features[c][r]);
                }
                for (int c = 0; c < labels.length; c++) {
                    g.add(features.length + c + 1, labels[c][r]);
                }
                w.write(g);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String csv(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Statistics of one column. */
    public record ColumnSummary(String id, String role, long count, long nan, double mean, double std, double min,
                                double max) {
        static ColumnSummary of(String id, String role, double[] v) {
            long n = 0;
            long nan = 0;
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                if (Double.isNaN(x)) {
                    nan++;
                    continue;
                }
                n++;
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double ss = 0;
            for (double x : v) {
                if (!Double.isNaN(x)) {
                    ss += (x - mean) * (x - mean);
                }
            }
            return new ColumnSummary(id, role, n, nan, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN,
                    n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max);
        }
    }

    /**
     * @param baseBars        base bars in the range
     * @param droppedFeatures rows dropped because a feature had no value (warm-up, a gap in a window, a missing
     *                        bar of another timeframe or market)
     * @param droppedLabels   further rows dropped because a label had no value (its horizon runs past the data or
     *                        across a gap)
     * @param missing         per column (features, then labels): base bars on which it had no value
     * @param dataFrom        where reading bars started, to cover the longest warm-up
     * @param hint            why most rows were dropped and what to do, or null
     * @param filledBars      base bars that were filled flat ({@code gaps: fill-flat}; counted in {@code baseBars})
     * @param filledRows      kept rows built on filled bars: the row's own bar, or a bar within the history a feature
     *                        declares (its warm-up), was filled; 0 unless {@code gaps: fill-flat}. Labels never read
     *                        a filled bar.
     */
    public record BuildReport(long baseBars, long droppedFeatures, long droppedLabels, List<Long> missing,
                              long dataFrom, long from, long to, long millis, String hint, long filledBars,
                              long filledRows) implements java.io.Serializable {
        public BuildReport {
            missing = List.copyOf(missing);
            if (filledBars < 0 || filledRows < 0 || filledBars > baseBars) {
                throw new IllegalArgumentException("filled bars " + filledBars + " and rows " + filledRows
                        + " must be in [0, " + baseBars + "]");
            }
        }

        public BuildReport(long baseBars, long droppedFeatures, long droppedLabels, List<Long> missing, long dataFrom,
                           long from, long to, long millis) {
            this(baseBars, droppedFeatures, droppedLabels, missing, dataFrom, from, to, millis, null);
        }

        public BuildReport(long baseBars, long droppedFeatures, long droppedLabels, List<Long> missing, long dataFrom,
                           long from, long to, long millis, String hint) {
            this(baseBars, droppedFeatures, droppedLabels, missing, dataFrom, from, to, millis, hint, 0, 0);
        }

        /** The same report with {@code hint}. */
        public BuildReport withHint(String hint) {
            return new BuildReport(baseBars, droppedFeatures, droppedLabels, missing, dataFrom, from, to, millis, hint,
                    filledBars, filledRows);
        }

        /** Why most rows were dropped and what to do, when they were (else empty). */
        public java.util.Optional<String> why() {
            return java.util.Optional.ofNullable(hint);
        }
    }
}
