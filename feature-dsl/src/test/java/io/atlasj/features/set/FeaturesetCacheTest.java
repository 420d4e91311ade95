package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second build of the same set is a cache hit with identical content; new data makes it a miss. */
class FeaturesetCacheTest {
    @TempDir
    Path dir;

    @Test
    void hitsOnTheSameDataAndMissesAfterAnImport() throws Exception {
        FeatureLabelSet set = FeatureSetYaml.read(Path.of("../configs/featuresets/quickstart.yaml"));
        FeaturesetCache cache = new FeaturesetCache(dir.resolve("cache"));
        long from = Long.MIN_VALUE / 4;
        long to = Long.MAX_VALUE / 4;
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
            FeatureSetBuilder.Built first = b.build(set, from, to, cache);
            assertThat(first.cacheHit()).isFalse();
            assertThat(first.file()).isPresent();
            assertThat(first.file().get()).exists().hasFileName("matrix.arrow");
            // Arrow IPC file magic at both ends
            byte[] bytes = Files.readAllBytes(first.file().get());
            assertThat(new String(bytes, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ARROW1");

            FeatureSetBuilder.Built second = b.build(set, from, to, cache);
            assertThat(second.cacheHit()).isTrue();
            FeatureMatrix m1 = first.matrix();
            FeatureMatrix m2 = second.matrix();
            assertThat(m2.time()).containsExactly(m1.time());
            assertThat(m2.featureIds()).isEqualTo(m1.featureIds());
            assertThat(m2.labelIds()).isEqualTo(m1.labelIds());
            for (int c = 0; c < m1.features().length; c++) {
                assertThat(m2.features()[c]).containsExactly(m1.features()[c]);
            }
            for (int c = 0; c < m1.labels().length; c++) {
                assertThat(m2.labels()[c]).containsExactly(m1.labels()[c]);
            }
            assertThat(m2.report().baseBars()).isEqualTo(m1.report().baseBars());
            assertThat(m2.report().missing()).isEqualTo(m1.report().missing());
            // the data it was built from, kept in the file: a matrix read back (a cluster trainer's) still tells
            assertThat(m1.dataFingerprint()).singleElement().asString().matches("bitstamp:btc_usd 5m candles \\S+");
            assertThat(m2.dataFingerprint()).isEqualTo(m1.dataFingerprint());
            assertThat(FeaturesetCache.read(first.file().get()).dataFingerprint()).isEqualTo(m1.dataFingerprint());

            // a different range is a different key
            assertThat(b.build(set, m1.time()[100], to, cache).cacheHit()).isFalse();

            // new data for the market changes the series' fingerprint: a miss
            Path more = dir.resolve("more.csv");
            Files.writeString(more, "1385942400,1000,1\n1385942700,1001,1\n");
            new ImportJob(store).run(List.of(more), BundledData.options(), ImportJob.Listener.NONE);
            FeatureSetBuilder.Built third = b.build(set, from, to, cache);
            assertThat(third.cacheHit()).isFalse();
            assertThat(third.file().get()).isNotEqualTo(first.file().get());
            assertThat(third.matrix().dataFingerprint()).isNotEqualTo(m1.dataFingerprint());
        }
    }

    /**
     * The file's values are copied in bulk, batch by batch: every bit of every value, special ones included, comes
     * back in its row, over several batches of 65,536 rows and a short last one.
     */
    @Test
    void aMatrixOfSeveralBatchesComesBackBitForBit() throws Exception {
        int rows = 65_536 * 2 + 1_234;
        java.util.Random rnd = new java.util.Random(7);
        long[] time = new long[rows];
        double[][] feats = new double[3][rows];
        double[][] labels = new double[1][rows];
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
                -Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8_0000_0000_0001L)};
        for (int i = 0; i < rows; i++) {
            time[i] = -5_000_000_000L + 60_000L * i + (i % 3);
            for (double[] c : feats) {
                c[i] = i % 97 == 0 ? special[(i / 97) % special.length] : rnd.nextGaussian() * Math.pow(10, i % 9 - 4);
            }
            labels[0][i] = i % 3;
        }
        FeatureMatrix m = new FeatureMatrix("bulk", time, List.of("a", "b", "c"), feats, List.of("y"), labels,
                new FeatureMatrix.BuildReport(rows, 0, 0, List.of(0L, 0L, 0L, 0L), 0, 0, rows, 1), List.of("x"));
        Path f = dir.resolve("bulk.arrow");
        FeaturesetCache.write(m, f);
        FeatureMatrix back = FeaturesetCache.read(f);
        assertThat(back.rows()).isEqualTo(rows);
        assertThat(back.time()).containsExactly(time);
        for (int c = 0; c < feats.length; c++) {
            long[] want = java.util.Arrays.stream(feats[c]).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] got = java.util.Arrays.stream(back.features()[c]).mapToLong(Double::doubleToRawLongBits).toArray();
            assertThat(got).as("column %d", c).containsExactly(want);
        }
        assertThat(back.labels()[0]).containsExactly(labels[0]);
        // a matrix without rows (a set whose rows were all dropped is cached too)
        FeatureMatrix empty = new FeatureMatrix("empty", new long[0], List.of("a"), new double[1][0], List.of("y"),
                new double[1][0], new FeatureMatrix.BuildReport(10, 10, 0, List.of(10L, 0L), 0, 0, 10, 1), List.of());
        Path e = dir.resolve("empty.arrow");
        FeaturesetCache.write(empty, e);
        FeatureMatrix none = FeaturesetCache.read(e);
        assertThat(none.rows()).isZero();
        assertThat(none.featureIds()).containsExactly("a");
        assertThat(none.report().droppedFeatures()).isEqualTo(10);
        // and as any Arrow reader sees the file (its own getters): the second batch's rows
        try (org.apache.arrow.memory.BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator();
             java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f);
             org.apache.arrow.vector.ipc.ArrowFileReader r = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
            r.loadNextBatch();
            r.loadNextBatch();
            var vsr = r.getVectorSchemaRoot();
            var t = (org.apache.arrow.vector.BigIntVector) vsr.getVector("time");
            var b = (org.apache.arrow.vector.Float8Vector) vsr.getVector("b");
            for (int i = 0; i < vsr.getRowCount(); i += 101) {
                assertThat(t.get(i)).isEqualTo(time[65_536 + i]);
                assertThat(Double.doubleToRawLongBits(b.get(i))).isEqualTo(Double.doubleToRawLongBits(feats[1][65_536 + i]));
            }
        }
    }
}
