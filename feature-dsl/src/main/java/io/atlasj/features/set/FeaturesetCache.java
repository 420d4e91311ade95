package io.atlasj.features.set;

import io.atlasj.features.eval.SeriesSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Built feature matrices under {@code ATLAS_HOME/cache/featuresets/<key>/matrix.arrow}, in Apache Arrow IPC file
 * format so that Python tools (pyarrow, pandas, polars) read them as they are: a {@code time} column (UTC epoch
 * ms) and one float64 column per feature and label, named by canonical id, with {@code atlas.role} field metadata
 * ({@code feature} or {@code label}).
 *
 * <p>The key is a SHA-256 of everything that decides the content, written from canonical forms: the resolved
 * canonical ids, base market and timeframe, gap policy, the range, and the fingerprint of every series read (the
 * store's identity and the series' version), so a data change makes a new key. The file's schema metadata keeps
 * those fingerprints ({@code atlas.data}, one per line), so that a matrix read back (a cluster trainer's) still
 * says which data it was built from. Writes go to a temporary directory renamed into place.
 */
public final class FeaturesetCache {
    /**
     * Bump when the file layout or the meaning of any feature changes. 3: the data fingerprints in the file, the key
     * written from canonical forms instead of toString() (earlier entries are rebuilt once). 4: recursions and rolling
     * sums restart at the timeline's anchors, so that a value does not depend on where reading began (values moved by
     * up to about 1e-12 relative: earlier entries are rebuilt once).
     */
    public static final int FORMAT_VERSION = 4;
    private final Path root;

    public FeaturesetCache(Path root) {
        this.root = root;
    }

    /** The cache key of a build, or empty when the source cannot fingerprint its data. */
    public Optional<String> key(FeatureSetBuilder.Resolved r, long from, long to, SeriesSource source) {
        StringBuilder sb = new StringBuilder("atlas-featureset-v").append(FORMAT_VERSION).append('\n');
        FeatureLabelSet s = r.set();
        sb.append(s.baseMarket().exchange()).append(':').append(s.baseMarket().symbol()).append(' ')
                .append(s.baseTimeframe().label()).append(' ').append(s.gaps().name())
                .append(s.fillLimit() == null ? "" : " " + s.fillLimit().toMillis() + " since-last-real") // the fill rule
                .append(s.prices() == io.atlasj.features.eval.PriceBasis.MID ? " mid" : "").append('\n');
        sb.append(from).append(' ').append(to).append('\n');
        r.features().forEach(f -> sb.append("F ").append(f.id()).append('\n'));
        r.labels().forEach(l -> sb.append("L ").append(l.id()).append('\n'));
        for (FeatureSetBuilder.Need n : r.needs()) {
            String fp = source.fingerprint(n.market(), n.timeframe(), n.quotes());
            if (fp == null) {
                return Optional.empty();
            }
            sb.append("D ").append(n.canonical()).append(' ').append(fp).append('\n');
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return Optional.of(HexFormat.of().formatHex(h, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file(String key) {
        return root.resolve(key).resolve("matrix.arrow");
    }

    /** The cached matrix for {@code key}, if present. */
    public Optional<FeatureMatrix> get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(f));
        } catch (RuntimeException e) {
            // a damaged cache file costs a rebuild, never the work: it is moved aside (kept for a post-mortem)
            Path aside = root.resolve(key + ".damaged-" + System.currentTimeMillis());
            LOG.warn("the cached featureset {} cannot be read and is rebuilt (the damaged copy is moved to {})", f,
                    aside, e);
            try {
                Files.move(root.resolve(key), aside);
            } catch (IOException moveFailed) {
                LOG.warn("cannot move {} aside: {}", root.resolve(key), moveFailed.toString());
                return Optional.empty();
            }
            return Optional.empty();
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeaturesetCache.class);

    /** Reads an Arrow file written by {@link #write}. */
    public static FeatureMatrix read(Path f) {
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
            VectorSchemaRoot vsr = reader.getVectorSchemaRoot();
            Map<String, String> meta = vsr.getSchema().getCustomMetadata();
            String name = meta.getOrDefault("atlas.featureset", f.getFileName().toString());
            FeatureMatrix.BuildReport report = report(meta.get("atlas.report"));
            if (meta.containsKey("atlas.hint")) {
                report = report.withHint(meta.get("atlas.hint"));
            }
            List<String> fids = new ArrayList<>();
            List<String> lids = new ArrayList<>();
            for (Field field : vsr.getSchema().getFields()) {
                String role = field.getMetadata() == null ? null : field.getMetadata().get("atlas.role");
                if ("feature".equals(role)) {
                    fids.add(field.getName());
                } else if ("label".equals(role)) {
                    lids.add(field.getName());
                }
            }
            int total = 0;
            List<long[]> times = new ArrayList<>();
            List<double[][]> fcols = new ArrayList<>();
            List<double[][]> lcols = new ArrayList<>();
            while (reader.loadNextBatch()) {
                int n = vsr.getRowCount();
                total += n;
                BigIntVector t = (BigIntVector) vsr.getVector("time");
                long[] tt = new long[n];
                requireNoNulls(t, f);
                longs(t, n).get(tt);
                times.add(tt);
                fcols.add(columns(vsr, fids, n, f));
                lcols.add(columns(vsr, lids, n, f));
            }
            long[] time = new long[total];
            double[][] feats = new double[fids.size()][total];
            double[][] labels = new double[lids.size()][total];
            int at = 0;
            for (int b = 0; b < times.size(); b++) {
                int n = times.get(b).length;
                System.arraycopy(times.get(b), 0, time, at, n);
                for (int c = 0; c < fids.size(); c++) {
                    System.arraycopy(fcols.get(b)[c], 0, feats[c], at, n);
                }
                for (int c = 0; c < lids.size(); c++) {
                    System.arraycopy(lcols.get(b)[c], 0, labels[c], at, n);
                }
                at += n;
            }
            String data = meta.get("atlas.data");
            List<String> fingerprint = data == null || data.isEmpty() ? List.of() : List.of(data.split("\n"));
            return new FeatureMatrix(name, time, fids, feats, lids, labels, report, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cached featureset " + f + ": " + e.getMessage()
                    + " (delete the folder to rebuild)", e);
        }
    }

    private static FeatureMatrix.BuildReport report(String s) {
        if (s == null) {
            return new FeatureMatrix.BuildReport(0, 0, 0, List.of(), 0, 0, 0, 0);
        }
        String[] p = s.split(";", -1);
        List<Long> missing = p[6].isEmpty() ? List.of()
                : java.util.Arrays.stream(p[6].split(",")).map(Long::valueOf).toList();
        // files written before gaps: fill-flat have no filled counts: nothing was filled
        return new FeatureMatrix.BuildReport(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), missing,
                Long.parseLong(p[3]), Long.parseLong(p[4]), Long.parseLong(p[5]), 0, null,
                p.length > 8 ? Long.parseLong(p[7]) : 0, p.length > 8 ? Long.parseLong(p[8]) : 0);
    }

    /** A batch's columns, each copied out of its Arrow buffer in one bulk copy (little-endian, as Arrow stores it). */
    private static double[][] columns(VectorSchemaRoot vsr, List<String> ids, int n, Path f) {
        double[][] out = new double[ids.size()][n];
        for (int c = 0; c < ids.size(); c++) {
            Float8Vector v = (Float8Vector) vsr.getVector(ids.get(c));
            requireNoNulls(v, f);
            doubles(v, n).get(out[c]);
        }
        return out;
    }

    /** The cache writes no nulls (a missing value is NaN); a file with one was not written by it. */
    private static void requireNoNulls(org.apache.arrow.vector.FieldVector v, Path f) {
        if (v.getNullCount() != 0) {
            throw new IllegalStateException("the cached featureset " + f + " has " + v.getNullCount()
                    + " null values in column " + v.getName() + " (the cache writes none)");
        }
    }

    /** The first {@code n} values of a vector's data buffer as longs (Arrow's byte order), for bulk copies. */
    private static java.nio.LongBuffer longs(BigIntVector v, int n) {
        return n == 0 ? java.nio.LongBuffer.allocate(0)
                : v.getDataBuffer().nioBuffer(0, n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    }

    /** The first {@code n} values of a vector's data buffer as doubles (Arrow's byte order), for bulk copies. */
    private static java.nio.DoubleBuffer doubles(Float8Vector v, int n) {
        return n == 0 ? java.nio.DoubleBuffer.allocate(0)
                : v.getDataBuffer().nioBuffer(0, n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    }

    /** Room for {@code n} values in {@code v}, every one marked valid (the values are then copied in bulk). */
    private static void allocateValid(org.apache.arrow.vector.BaseFixedWidthVector v, int n) {
        v.allocateNew(n);
        if (n == 0) {
            return;
        }
        int bytes = org.apache.arrow.vector.BitVectorHelper.getValidityBufferSizeFromCount(n);
        java.nio.ByteBuffer validity = v.getValidityBuffer().nioBuffer(0, bytes);
        for (int i = 0; i < bytes; i++) {
            validity.put(i, (byte) 0xFF);
        }
    }

    /** Stores {@code m} under {@code key}; concurrent writers of the same key are harmless (same content). */
    public Path put(String key, FeatureMatrix m) {
        Path target = root.resolve(key);
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, key + ".tmp");
            write(m, tmp.resolve("matrix.arrow"));
            io.atlasj.home.Durable.force(tmp.resolve("matrix.arrow")); // on the device before it gets its name
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException
                     | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp);
            }
            return target.resolve("matrix.arrow");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the featureset cache under " + root + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code m} as an Arrow IPC file (also used by {@code atlas features build --out x.arrow}). */
    public static void write(FeatureMatrix m, Path file) throws IOException {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("time", new FieldType(false, new ArrowType.Int(64, true), null,
                Map.of("atlas.unit", "epoch milliseconds UTC, bar open time")), null));
        ArrowType f8 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        m.featureIds().forEach(id -> fields.add(new Field(id, new FieldType(false, f8, null, Map.of("atlas.role", "feature")), null)));
        m.labelIds().forEach(id -> fields.add(new Field(id, new FieldType(false, f8, null, Map.of("atlas.role", "label")), null)));
        FeatureMatrix.BuildReport r = m.report();
        String report = r.baseBars() + ";" + r.droppedFeatures() + ";" + r.droppedLabels() + ";" + r.dataFrom() + ";"
                + r.from() + ";" + r.to() + ";" + r.missing().stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")) + ";" + r.filledBars() + ";" + r.filledRows();
        Map<String, String> meta = new java.util.HashMap<>(Map.of("atlas.featureset", m.name(), "atlas.format",
                String.valueOf(FORMAT_VERSION), "atlas.report", report, "atlas.data",
                String.join("\n", m.dataFingerprint())));
        r.why().ifPresent(h -> meta.put("atlas.hint", h));
        Schema schema = new Schema(fields, meta);
        int batch = 65_536;
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(vsr, null, ch)) {
            w.start();
            for (int start = 0; start < m.rows() || start == 0; start += batch) {
                int n = Math.min(batch, m.rows() - start);
                BigIntVector t = (BigIntVector) vsr.getVector("time");
                allocateValid(t, n);
                longs(t, n).put(m.time(), start, n);
                t.setValueCount(n);
                fill(vsr, m.featureIds(), m.features(), start, n);
                fill(vsr, m.labelIds(), m.labels(), start, n);
                vsr.setRowCount(n);
                w.writeBatch();
                if (m.rows() == 0) {
                    break;
                }
            }
            w.end();
        }
    }

    private static void fill(VectorSchemaRoot vsr, List<String> ids, double[][] cols, int start, int n) {
        for (int c = 0; c < ids.size(); c++) {
            Float8Vector v = (Float8Vector) vsr.getVector(ids.get(c));
            allocateValid(v, n);
            doubles(v, n).put(cols[c], start, n);
            v.setValueCount(n);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

}
