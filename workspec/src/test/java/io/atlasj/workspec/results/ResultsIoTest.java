package io.atlasj.workspec.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 1 and 2 files stay readable (kept fixtures); schema 2 adds the further heads of multi-task models, schema 3
 * the typed spec.dataset and spec.split.
 */
class ResultsIoTest {
    @TempDir
    Path dir;

    @Test
    void readsASchemaOneFixtureWithoutHeads() throws Exception {
        ResultsObject r = ResultsIo.read(Path.of("src/test/resources/results/v1/result.json"));
        assertThat(r.schemaVersion()).isEqualTo(1);
        assertThat(r.folds()).hasSize(1);
        assertThat(r.folds().get(0).heads()).isEmpty();
        assertThat(r.folds().get(0).test().probabilities().row(0)).containsExactly(0.51, 0.49);
    }

    @Test
    void readsASchemaTwoFixtureWithHeadsAndTheLabelOfItsDatasetText() throws Exception {
        ResultsObject r = ResultsIo.read(Path.of("src/test/resources/results/v2/result.json"));
        assertThat(r.schemaVersion()).isEqualTo(2);
        assertThat(r.folds().get(0).heads()).containsOnlyKeys("FutureReturn(1)");
        assertThat(r.spec().get("dataset")).isInstanceOf(String.class);
        assertThat(SpecJson.label(r)).contains("UpDown(3)");
        // schema 1: the dataset was a bare word, naming no label
        assertThat(SpecJson.label(ResultsIo.read(Path.of("src/test/resources/results/v1/result.json")))).isEmpty();
    }

    @Test
    void refusesANewerSchemaNamingTheFile() throws Exception {
        Path f = dir.resolve("result.json");
        java.nio.file.Files.writeString(f, "{\"schemaVersion\":" + (ResultsIo.CURRENT_VERSION + 1) + "}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultsIo.read(f))
                .hasMessageContaining(f.toString()).hasMessageContaining("at most " + ResultsIo.CURRENT_VERSION);
    }

    @Test
    void writesAndReadsHeads() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1}, new double[] {0.5}, new double[] {0.375}, null);
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s,
                s, null, null, Map.of("FutureReturn(1)", new ResultsObject.Head(s, s, s)), new double[] {0.25, -0.0625},
                new double[] {0.75, 0.25});
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        assertThat(back.schemaVersion()).isEqualTo(9);
        assertThat(back.folds().get(0).importance()).containsExactly(0.25, -0.0625); // schema 6
        assertThat(back.folds().get(0).gain()).containsExactly(0.75, 0.25); // schema 7
        assertThat(back.withoutSeries().folds().get(0).gain()).containsExactly(0.75, 0.25);
        assertThat(back.folds().get(0).heads()).containsOnlyKeys("FutureReturn(1)");
        assertThat(back.folds().get(0).heads().get("FutureReturn(1)").test().predicted()).containsExactly(0.375);
        // schema 8: the training parts' predictions are not kept, the head's neither
        assertThat(back.folds().get(0).train()).isNull();
        assertThat(back.folds().get(0).heads().get("FutureReturn(1)").train()).isNull();
        assertThat(back.folds().get(0).validation().predicted()).containsExactly(0.375);
    }

    /**
     * Every double of the JSON (written by Jackson's fast writer, Schubfach, not {@code Double.toString}) reads back as
     * the same double: random values over the whole range, subnormals, extremes and signed zeros.
     */
    @Test
    void theJsonsDoublesReadBackExactly() throws Exception {
        java.util.Random random = new java.util.Random(5);
        double[] v = new double[5_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 5) {
                case 0 -> random.nextGaussian();
                case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
                case 2 -> random.nextDouble() * 1e-3;
                case 3 -> (float) random.nextGaussian();
                default -> new double[] {Double.MIN_VALUE, Double.MAX_VALUE, -0.0, 0.0, 1e-310, 0.1, 2e-3, 1e23}[i % 8];
            };
        }
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), null,
                null, null, null, null, Map.of(), v);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w",
                "done", null, Map.of(), Map.of(), List.of(), List.of(f), Map.of(), 0, 0)));
        double[] got = back.folds().get(0).importance();
        for (int i = 0; i < v.length; i++) {
            assertThat(Double.doubleToRawLongBits(got[i])).as("value %d: %s", i, v[i])
                    .isEqualTo(Double.doubleToRawLongBits(v[i]));
        }
    }

    /** A schema-6 file (importance, no gain) reads with no gain. */
    @Test
    void readsSchemaSixWithoutGain() throws Exception {
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), null,
                null, null, null, null, Map.of(), new double[] {0.5});
        Path file = ResultsIo.write(dir, new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(),
                Map.of(), List.of(), List.of(f), Map.of(), 0, 0));
        String json = java.nio.file.Files.readString(file);
        assertThat(json).contains("\"gain\":null");
        java.nio.file.Files.writeString(file, json.replace(",\"gain\":null", "")
                .replace("\"schemaVersion\":9", "\"schemaVersion\":6"));
        ResultsObject back = ResultsIo.read(file);
        assertThat(back.schemaVersion()).isEqualTo(6);
        assertThat(back.folds().get(0).importance()).containsExactly(0.5);
        assertThat(back.folds().get(0).gain()).isNull();
    }

    /** Schema 4 (an uncompressed file with its predicted column, written by the previous release) reads as it was. */
    @Test
    void readsASchemaFourFixture() throws Exception {
        ResultsObject r = ResultsIo.complete(Path.of("src/test/resources/results/v4")).orElseThrow();
        assertThat(r.schemaVersion()).isEqualTo(4);
        assertThat(r.folds().get(0).train().predicted()).containsExactly(0, 2, 2);
        assertThat(r.folds().get(0).test().probabilities().row(1)).containsExactly(0.625, 0.125, 0.25);
        assertThat(r.folds().get(0).test().time()).containsExactly(180_000L, 240_000L);
    }

    /** A predicted class that is not the most probable one (a threshold rule, a tie broken otherwise) is kept as written. */
    @Test
    void predictionsThatAreNotTheMostProbableClassAreKept() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2}, new double[] {0, 1}, new double[] {1, 1},
                Probabilities.of(new double[][] {{0.6, 0.4}, {0.5, 0.5}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s,
                s, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        assertThat(back.folds().get(0).test().predicted()).containsExactly(1, 1);
        // a tie goes to the first class when derived, so {0.5, 0.5} predicted as class 1 must keep its column
        ResultsObject.Split tie = new ResultsObject.Split(new long[] {1}, new double[] {0}, new double[] {0},
                Probabilities.of(new double[][] {{0.5, 0.5}}));
        ResultsObject.FoldResult g = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), tie,
                tie, tie, null, null);
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        ResultsObject back2 = ResultsIo.read(ResultsIo.write(dir.resolve("b"), new ResultsObject(
                ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(), List.of(), List.of(g), Map.of(), 0, 0)));
        assertThat(back2.folds().get(0).test().predicted()).containsExactly(0);
    }

    /** A classifier with no validation rows (validation: 0) writes an empty part as the trainers do, and reads back. */
    @Test
    void anEmptyClassificationPartReadsBack() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2}, new double[] {0, 1}, new double[] {0, 1},
                Probabilities.of(new double[][] {{0.75, 0.25}, {0.125, 0.875}}));
        ResultsObject.Split empty = new ResultsObject.Split(new long[0], new double[0], new double[0], Probabilities.of(new double[0][]));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s,
                empty, s, null, null);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w",
                "done", null, Map.of(), Map.of(), List.of(), List.of(f), Map.of(), 0, 0)));
        assertThat(back.folds().get(0).validation().time()).isEmpty();
        assertThat(back.folds().get(0).test().predicted()).containsExactly(0, 1);
        // the result in hand is what reading gives: the empty part has no probabilities either way
        ResultsObject.FoldResult inHand = ResultsIo.asStored(new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w",
                "done", null, Map.of(), Map.of(), List.of(), List.of(f), Map.of(), 0, 0)).folds().get(0);
        assertThat(inHand.validation().probabilities()).isNull();
        assertThat(back.folds().get(0).validation().probabilities()).isNull();
    }

    /**
     * A result in hand is what its file gives back: float32 outputs (a network's) are kept as they are, without a copy;
     * float64 ones are rounded to float32 as the file stores them.
     */
    @Test
    void aResultInHandIsRoundedAsItsFileStoresIt() {
        long[] t = {1, 2};
        double[] a = {0, 1};
        ResultsObject.Split floats = new ResultsObject.Split(t, a, new double[] {0, 2},
                Probabilities.of(new double[][] {{(float) 0.7, (float) 0.2, (float) 0.1}, {(float) 0.1, 0.25, Double.NaN}}));
        ResultsObject.Split doubles = new ResultsObject.Split(t, a, new double[] {0, 2},
                Probabilities.of(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.2, 0.7}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), new double[] {-1, 1}, 3,
                List.of(), floats, floats, doubles, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of("unit", "u"),
                Map.of(), List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject.FoldResult stored = ResultsIo.asStored(r).folds().get(0);
        assertThat(stored.train()).isNull(); // schema 8 keeps no training rows' predictions
        assertThat(stored.validation()).isSameAs(floats);
        assertThat(stored.test()).isNotSameAs(doubles);
        assertThat(stored.test().probabilities().get(0, 0)).isEqualTo((float) 0.7).isNotEqualTo(0.7);
        assertThat(stored.test().probabilities().row(1)).containsExactly((float) 0.1, (float) 0.2, (float) 0.7);
    }

    /** A tiny classifier's result over 40,000 rows: the series go into columns, the JSON keeps the rest. */
    @Test
    void predictionSeriesAreColumnsBesideASmallJson() throws Exception {
        java.util.Random rnd = new java.util.Random(1);
        List<ResultsObject.Split> parts = new java.util.ArrayList<>();
        for (int n : new int[] {20_000, 10_000, 10_000}) {
            long[] t = new long[n];
            double[] a = new double[n];
            double[] p = new double[n];
            double[][] prob = new double[n][3];
            for (int i = 0; i < n; i++) {
                t[i] = 1_675_209_600_000L + i * 60_000L;
                a[i] = rnd.nextInt(3);
                double x = rnd.nextDouble();
                double y = rnd.nextDouble() * (1 - x);
                prob[i] = new double[] {x, y, 1 - x - y};
                p[i] = x > y && x > 1 - x - y ? 0 : y > 1 - x - y ? 1 : 2;
            }
            parts.add(new ResultsObject.Split(t, a, p, Probabilities.of(prob)));
        }
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), new double[] {-1, 1}, 3,
                List.of(Map.of("epoch", 0.0)), parts.get(0), parts.get(1), parts.get(2), null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of("unit", "u"),
                Map.of(), List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject handedOn = ResultsIo.writeStored(dir, r).result();
        long json = java.nio.file.Files.size(dir.resolve(ResultsIo.FILE));
        long columns = java.nio.file.Files.size(dir.resolve(PredictionsFile.FILE));
        assertThat(json).isLessThan(2_000);
        // 20,000 rows of time, actual and three probabilities (the predicted class is the most probable one, and its
        // probability the others' complement, both derived on reading), compressed: the times and classes shrink to
        // almost nothing, these random probabilities do not; the training part is not kept (schema 8)
        assertThat(columns).isBetween(20_000L * 7, 20_000L * 10);
        ResultsObject back = ResultsIo.complete(dir).orElseThrow();
        ResultsObject.Split test = back.folds().get(0).test();
        assertThat(test.time()).containsExactly(parts.get(2).time());
        assertThat(test.actual()).containsExactly(parts.get(2).actual());
        assertThat(test.predicted()).containsExactly(parts.get(2).predicted());
        for (int i = 0; i < 10_000; i += 97) {
            for (int c = 0; c < 3; c++) {
                assertThat(test.probabilities().get(i, c)).isCloseTo(parts.get(2).probabilities().get(i, c),
                        org.assertj.core.api.Assertions.within(PredictionsFile.SUM_TOLERANCE));
            }
        }
        // what is read back is exactly what the result in hand becomes when stored
        ResultsObject.Split inHand = ResultsIo.asStored(r).folds().get(0).test();
        assertThat(test.probabilities()).isEqualTo(inHand.probabilities());
        assertThat(test.predicted()).containsExactly(inHand.predicted());
        assertThat(back.folds().get(0).train()).isNull();
        // and what the writer hands on (judged once, from the layout it wrote) is that too
        for (java.util.function.Function<ResultsObject.FoldResult, ResultsObject.Split> part : List.<java.util.function
                .Function<ResultsObject.FoldResult, ResultsObject.Split>>of(ResultsObject.FoldResult::validation,
                ResultsObject.FoldResult::test)) {
            ResultsObject.Split a = part.apply(handedOn.folds().get(0));
            ResultsObject.Split b = part.apply(back.folds().get(0));
            assertThat(a.probabilities()).isEqualTo(b.probabilities());
            assertThat(a.predicted()).containsExactly(b.predicted());
            assertThat(a.time()).containsExactly(b.time());
        }
        assertThat(handedOn.folds().get(0).train()).isNull();
        // an out-of-sample read leaves the training and validation rows in the file
        ResultsObject oos = ResultsIo.readOutOfSample(dir.resolve(ResultsIo.FILE));
        assertThat(oos.folds().get(0).train()).isNull();
        assertThat(oos.folds().get(0).validation()).isNull();
        assertThat(oos.folds().get(0).test().probabilities()).isEqualTo(test.probabilities());
        // a changed byte in the columns is caught by the checksum the JSON holds: the result does not count
        byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve(PredictionsFile.FILE));
        bytes[bytes.length / 2] ^= 1;
        java.nio.file.Files.write(dir.resolve(PredictionsFile.FILE), bytes);
        ResultsIo.Verified v = ResultsIo.verify(dir);
        assertThat(v.result()).isEmpty();
        assertThat(v.problem()).contains("predictions.arrow", "SHA-256");
    }

    /** Schema 7 (absolute times, every probability, the training part kept) reads as it was written. */
    @Test
    void readsASchemaSevenFixture() throws Exception {
        ResultsObject r = ResultsIo.complete(Path.of("src/test/resources/results/v7")).orElseThrow();
        assertThat(r.schemaVersion()).isEqualTo(7);
        ResultsObject.FoldResult f = r.folds().get(0);
        assertThat(f.train().time()).containsExactly(0L, 60_000L, 120_000L);
        assertThat(f.train().predicted()).containsExactly(0, 2, 2);
        assertThat(f.test().time()).containsExactly(240_000L, 360_000L);
        assertThat(f.test().predicted()).containsExactly(0, 2);
        assertThat(f.test().probabilities().row(1)).containsExactly((float) 0.2, (float) 0.3, (float) 0.5);
        assertThat(f.importance()).containsExactly(0.5, 0.25);
    }

    /**
     * What a reader that is not Atlas (pyarrow, say) sees in a schema-9 result: the prediction file names the rows file
     * that holds the times (as differences) and actuals, and leaves the predicted class's probability null, each said
     * in the metadata; and Atlas reads back the original rows.
     */
    @Test
    void aSchemaNineFileSaysHowItsColumnsAreStored() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {600_000, 660_000, 780_000}, new double[] {0, 2, 1},
                new double[] {1, 2, 0}, Probabilities.of(new double[][] {{0.25f, 0.5f, 0.25f}, {0.125f, 0.125f, 0.75f},
                {0.375f, 0.25f, 0.375f}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s,
                s, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        assertThat(back.folds().get(0).test().time()).containsExactly(600_000L, 660_000L, 780_000L);
        assertThat(back.folds().get(0).test().predicted()).containsExactly(1, 2, 0);
        assertThat(back.folds().get(0).test().probabilities()).isEqualTo(s.probabilities());
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
             var ch = java.nio.channels.FileChannel.open(dir.resolve(PredictionsFile.FILE));
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc,
                     org.apache.arrow.compression.CommonsCompressionFactory.INSTANCE)) {
            var root = reader.getVectorSchemaRoot();
            assertThat(root.getSchema().getCustomMetadata()).containsEntry("atlas.rows.file", "rows.arrow")
                    .containsEntry("atlas.predicted", "complement").doesNotContainKey("atlas.time");
            assertThat(reader.getRecordBlocks()).hasSize(2); // validation and test: no training part
            reader.loadNextBatch();
            var p1 = (org.apache.arrow.vector.Float4Vector) root.getVector("p1");
            assertThat(p1.isNull(0)).isTrue();
            assertThat(p1.get(1)).isEqualTo(0.125f);
            assertThat(root.getVector("predicted")).isNull();
            assertThat(root.getVector("time_delta")).isNull();
            assertThat(root.getVector("actual")).isNull();
        }
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
             var ch = java.nio.channels.FileChannel.open(dir.resolve(RowsFile.FILE));
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc,
                     org.apache.arrow.compression.CommonsCompressionFactory.INSTANCE)) {
            var root = reader.getVectorSchemaRoot();
            assertThat(root.getSchema().getCustomMetadata()).containsEntry("atlas.rows", "1")
                    .containsEntry("atlas.time", "delta");
            assertThat(reader.getRecordBlocks()).hasSize(2);
            reader.loadNextBatch();
            var dt = (org.apache.arrow.vector.BigIntVector) root.getVector("time_delta");
            assertThat(List.of(dt.get(0), dt.get(1), dt.get(2))).containsExactly(600_000L, 60_000L, 120_000L);
            var a = (org.apache.arrow.vector.Float8Vector) root.getVector("actual");
            assertThat(List.of(a.get(0), a.get(1), a.get(2))).containsExactly(0.0, 2.0, 1.0);
            assertThat(root.getFieldVectors()).hasSize(2);
        }
    }

    /** Schema 8 (times and actuals in the prediction file, written by the previous release) reads as it was. */
    @Test
    void readsASchemaEightFixture() throws Exception {
        ResultsObject r = ResultsIo.complete(Path.of("src/test/resources/results/v8")).orElseThrow();
        assertThat(r.schemaVersion()).isEqualTo(8);
        ResultsObject.FoldResult f = r.folds().get(0);
        assertThat(f.train()).isNull();
        assertThat(f.test().time()).containsExactly(600_000L, 660_000L, 780_000L);
        assertThat(f.test().actual()).containsExactly(0, 2, 1);
        assertThat(f.test().predicted()).containsExactly(1, 2, 0);
        assertThat(f.test().probabilities().row(1)).containsExactly(0.125, 0.125, 0.75);
        ResultsObject.Split head = f.heads().get("FutureReturn(1)").test();
        assertThat(head.actual()).containsExactly(0.0125, -0.003, 0.25);
        assertThat(head.predicted()).containsExactly((float) 0.01, (float) -0.002, 0.125);
        assertThat(java.nio.file.Files.exists(Path.of("src/test/resources/results/v8").resolve(RowsFile.FILE)))
                .isFalse();
    }

    /**
     * Models of a unit trained on the same rows share one rows file (the same file, linked into each folder); other
     * rows get a file of their own; each result reads back its own rows, and one whose rows file is changed, or gone,
     * does not count.
     */
    @Test
    void resultsOnTheSameRowsShareOneRowsFile() throws Exception {
        RowsFile.forget();
        long[] t = {600_000, 660_000, 720_000, 780_000};
        double[] actual = {0.0125, -0.003, 0.25, Double.NaN};
        Path a = regressor(dir.resolve("a"), t, actual.clone(), 0.5);
        Path b = regressor(dir.resolve("b"), t.clone(), actual.clone(), -0.25);
        Path c = regressor(dir.resolve("c"), t, new double[] {0.0125, -0.003, 0.25, 0.5}, 0.125);
        assertThat(java.nio.file.Files.isSameFile(a.resolve(RowsFile.FILE), b.resolve(RowsFile.FILE))).isTrue();
        assertThat(java.nio.file.Files.isSameFile(a.resolve(RowsFile.FILE), c.resolve(RowsFile.FILE))).isFalse();
        ResultsObject.Split back = ResultsIo.complete(b).orElseThrow().folds().get(0).test();
        assertThat(back.time()).containsExactly(t);
        assertThat(back.actual()).containsExactly(actual);
        assertThat(back.predicted()).containsOnly(-0.25);
        assertThat(ResultsIo.complete(c).orElseThrow().folds().get(0).test().actual()).endsWith(0.5);

        java.nio.file.Files.delete(c.resolve(RowsFile.FILE));
        assertThat(ResultsIo.verify(c).problem()).contains("rows.arrow", "missing");
        // the shared file changed under a result: every result that names it stops counting
        java.nio.file.Files.write(a.resolve(RowsFile.FILE), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(ResultsIo.verify(a).problem()).contains("rows.arrow", "SHA-256");
        assertThat(ResultsIo.verify(b).problem()).contains("rows.arrow", "SHA-256");
    }

    /**
     * A folder written again with other rows gets a file of its own (the rows it shared stay as they were for the
     * others), and rows written later are not linked to that new file: they are written anew.
     */
    @Test
    void aFolderWrittenAgainIsNotLinkedTo() throws Exception {
        RowsFile.forget();
        long[] t = {600_000, 660_000};
        Path a = regressor(dir.resolve("a"), t, new double[] {1, 2}, 0.5);
        Path b = regressor(dir.resolve("b"), t, new double[] {1, 2}, 0.5);
        RowsFile.forget();
        regressor(a, t, new double[] {3, 4}, 0.5); // a's rows now are other ones
        assertThat(ResultsIo.complete(b).orElseThrow().folds().get(0).test().actual()).containsExactly(1, 2);
        assertThat(ResultsIo.complete(a).orElseThrow().folds().get(0).test().actual()).containsExactly(3, 4);
        // {3, 4} is remembered at a; a folder written again after that with {1, 2} ...
        regressor(a, t, new double[] {1, 2}, 0.5);
        // ... then {3, 4} elsewhere: a's file no longer holds them, so d gets a file of its own
        Path d = regressor(dir.resolve("d"), t, new double[] {3, 4}, 0.5);
        assertThat(java.nio.file.Files.isSameFile(a.resolve(RowsFile.FILE), d.resolve(RowsFile.FILE))).isFalse();
        assertThat(ResultsIo.complete(d).orElseThrow().folds().get(0).test().actual()).containsExactly(3, 4);
        assertThat(ResultsIo.complete(a).orElseThrow().folds().get(0).test().actual()).containsExactly(1, 2);
        try (var files = java.nio.file.Files.list(a)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /**
     * A model written again in its own folder on the same rows keeps its link (no temporary name left: a rename onto
     * another link of the same file does nothing); a rows file that is not one is refused naming it, even when its
     * SHA-256 is the one named.
     */
    @Test
    void aModelWrittenAgainOnTheSameRowsKeepsItsLinkAndARowsFileIsChecked() throws Exception {
        RowsFile.forget();
        long[] t = {600_000, 660_000, 720_000};
        Path a = regressor(dir.resolve("a"), t, new double[] {1, 2, 3}, 0.5);
        Path b = regressor(dir.resolve("b"), t, new double[] {1, 2, 3}, 0.25);
        regressor(b, t, new double[] {1, 2, 3}, 0.125);
        regressor(a, t, new double[] {1, 2, 3}, 0.75);
        assertThat(java.nio.file.Files.isSameFile(a.resolve(RowsFile.FILE), b.resolve(RowsFile.FILE))).isTrue();
        for (Path d : List.of(a, b)) {
            try (var files = java.nio.file.Files.list(d)) {
                assertThat(files.map(p -> p.getFileName().toString())).as(d.toString())
                        .containsExactlyInAnyOrder("result.json", "predictions.arrow", "rows.arrow");
            }
        }
        assertThat(ResultsIo.complete(b).orElseThrow().folds().get(0).test().predicted()).containsOnly(0.125);
        assertThat(ResultsIo.complete(a).orElseThrow().folds().get(0).test().actual()).containsExactly(1, 2, 3);

        // a's rows file replaced by a prediction file, and its result made to name that file's SHA-256
        java.nio.file.Files.delete(a.resolve(RowsFile.FILE));
        java.nio.file.Files.copy(a.resolve(PredictionsFile.FILE), a.resolve(RowsFile.FILE));
        Path json = a.resolve(ResultsIo.FILE);
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("predictions")).put("rowsSha256",
                ResultsIo.sha256(a.resolve(RowsFile.FILE)));
        java.nio.file.Files.write(json, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(node));
        assertThat(ResultsIo.verify(a).problem()).contains(a.resolve(RowsFile.FILE).toString())
                .contains("not a rows file");
    }

    /**
     * Writes a one-fold regressor predicting {@code p} everywhere into {@code dir} (made by the write, as a trainer's
     * first result in a folder is); returns {@code dir}.
     */
    private static Path regressor(Path dir, long[] t, double[] actual, double p) throws Exception {
        double[] predicted = new double[t.length];
        java.util.Arrays.fill(predicted, p);
        ResultsObject.Split s = new ResultsObject.Split(t, actual, predicted, null);
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), null,
                s, s, null, null);
        ResultsIo.write(dir, new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0));
        return dir;
    }

    /**
     * Probabilities that do not sum to 1 (independent sigmoids, say) keep every column: a complement would change them.
     */
    @Test
    void probabilitiesThatDoNotSumToOneAreKeptWhole() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2}, new double[] {0, 1}, new double[] {0, 1},
                Probabilities.of(new double[][] {{0.75f, 0.5f}, {0.125f, 0.25f}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s,
                s, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        assertThat(back.folds().get(0).test().probabilities()).isEqualTo(s.probabilities());
        assertThat(ResultsIo.asStored(r).folds().get(0).test()).isSameAs(s);
        // one row's sum off by more than the tolerance is enough for the whole file
        ResultsObject.Split almost = new ResultsObject.Split(new long[] {1, 2}, new double[] {0, 1},
                new double[] {0, 1}, Probabilities.of(new double[][] {{0.75f, 0.25f}, {0.25f, 0.75f + 1e-5f}}));
        ResultsObject.FoldResult g = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(),
                almost, almost, almost, null, null);
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        ResultsObject back2 = ResultsIo.read(ResultsIo.write(dir.resolve("b"), new ResultsObject(
                ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(), List.of(), List.of(g), Map.of(), 0,
                0)));
        assertThat(back2.folds().get(0).test().probabilities()).isEqualTo(almost.probabilities());
    }

    /**
     * A near tie: a majority vote of three members that all disagree gives a third each. Stored as a complement the
     * predicted class's probability would read back a hair under the others', so such a file keeps every column and
     * the row reads back as written, its predicted class still the first most probable.
     */
    @Test
    void aNearTieKeepsEveryColumn() throws Exception {
        double third = 1.0 / 3;
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2}, new double[] {0, 1}, new double[] {0, 1},
                Probabilities.of(new double[][] {{third, third, third}, {0.25, 0.5, 0.25}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), null,
                s, s, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject.Split back = ResultsIo.read(ResultsIo.write(dir, r)).folds().get(0).test();
        assertThat(back.predicted()).containsExactly(0, 1);
        assertThat(back.probabilities().row(0)).containsExactly((float) third, (float) third, (float) third);
        assertThat(back.probabilities()).isEqualTo(ResultsIo.asStored(r).folds().get(0).test().probabilities());
    }

    /**
     * The layout is decided on what is stored: a training part whose probabilities do not sum to 1 (it is not kept)
     * does not cost the validation and test parts their complement, and the result in hand equals the file's.
     */
    @Test
    void theLayoutIsDecidedWithoutTheTrainingPart() throws Exception {
        ResultsObject.Split odd = new ResultsObject.Split(new long[] {1}, new double[] {0}, new double[] {0},
                Probabilities.of(new double[][] {{0.9, 0.4, 0.1}}));
        ResultsObject.Split s = new ResultsObject.Split(new long[] {2, 3}, new double[] {0, 1}, new double[] {0, 1},
                Probabilities.of(new double[][] {{0.6, 0.3, 0.1}, {0.2, 0.7, 0.1}}));
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), odd,
                s, s, null, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        ResultsObject.FoldResult inHand = ResultsIo.asStored(r).folds().get(0);
        assertThat(inHand.train()).isNull();
        assertThat(back.folds().get(0).test().probabilities()).isEqualTo(inHand.test().probabilities());
        // one less the floats 0.3 and 0.1 is not the float 0.6: the predicted class's value is derived, not stored
        assertThat(inHand.test().probabilities().get(0, 0)).isEqualTo((double) (float) (1.0 - ((double) (float) 0.3
                + (double) (float) 0.1))).isNotEqualTo((double) (float) 0.6);
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
             var ch = java.nio.channels.FileChannel.open(dir.resolve(PredictionsFile.FILE));
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc,
                     org.apache.arrow.compression.CommonsCompressionFactory.INSTANCE)) {
            assertThat(reader.getVectorSchemaRoot().getSchema().getCustomMetadata())
                    .containsEntry("atlas.predicted", "complement");
        }
    }
}
