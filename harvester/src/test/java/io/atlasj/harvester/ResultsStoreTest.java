package io.atlasj.harvester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsStoreTest {
    @TempDir
    Path tmp;

    /** Writes a classification result with one model file, as a trainer would. */
    static Path result(Path runs, String workspec, String unit, String key, double[] predicted) throws Exception {
        written(runs, workspec, unit, key, predicted, 1000);
        return runs.resolve(workspec).resolve(unit).resolve(key);
    }

    /** {@link #result}, returning the result as {@link ResultsIo#writeStored} hands it on (its series as stored). */
    static ResultsIo.Written written(Path runs, String workspec, String unit, String key, double[] predicted,
                                 long startedAt) throws Exception {
        Path dir = runs.resolve(workspec).resolve(unit).resolve(key);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model-fold0.zip"), ("weights of " + key).getBytes());
        double[] actual = {0, 1, 1, 0};
        double[][] p = {{0.6, 0.4}, {0.3, 0.7}, {0.2, 0.8}, {0.9, 0.1}};
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2, 3, 4}, actual, predicted, Probabilities.of(p));
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, key, workspec, "done", null,
                Map.of("unit", unit, "name", "dnn#0", "type", "dnn", "hyperparameters", Map.of("hidden", List.of(16))),
                Map.of(), List.of(), List.of(new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 3, List.of(), s,
                        s, s, "model-fold0.zip", ResultsIo.sha256(dir.resolve("model-fold0.zip")))), Map.of(), startedAt,
                250);
        return ResultsIo.writeStored(dir, r);
    }

    static final String K1 = "0123456789abcdef0123456789abcdef";
    static final String K2 = "fedcba9876543210fedcba9876543210";

    @Test
    void ingestionIsIdempotentAndKeepsTheHeadline() throws Exception {
        Path runs = tmp.resolve("runs");
        Path dir = result(runs, "ws", "u", K1, new double[] {0, 1, 0, 0});
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            assertThat(store.ingest(dir, "node-a").outcome()).isEqualTo(ResultsStore.Outcome.INGESTED);
            assertThat(store.ingest(dir, "node-b").outcome()).isEqualTo(ResultsStore.Outcome.PRESENT);
            List<ResultsStore.Row> rows = store.rows("ws");
            assertThat(rows).hasSize(1);
            ResultsStore.Row row = rows.get(0);
            assertThat(row.node()).isEqualTo("node-a");
            assertThat(row.headline().metric()).isEqualTo("accuracy");
            assertThat(row.headline().validation()).isEqualTo(0.75); // 3 of 4 predictions equal the actual class
            assertThat(row.hyperparameters()).isEqualTo("{\"hidden\":[16]}");
            assertThat(store.results("ws")).extracting(ResultsObject::key).containsExactly(K1);
        }
        // committed rows survive a reopen
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            assertThat(store.rows("ws")).hasSize(1);
        }
    }

    @Test
    void aResultJustWrittenIsIngestedFromMemoryButOnlyWhenItsFilesMatch() throws Exception {
        Path runs = tmp.resolve("runs");
        ResultsIo.Written r = written(runs, "ws", "u", K1, new double[] {0, 1, 0, 0}, 1000);
        Path dir = runs.resolve("ws/u").resolve(K1);
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            // the SHA-256 handed on is the one of the file written
            assertThat(r.sha256()).isEqualTo(ResultsIo.sha256(dir.resolve(ResultsIo.FILE)));
            ResultsStore.Ingest in = store.ingestWritten(r, "local");
            assertThat(in.outcome()).isEqualTo(ResultsStore.Outcome.INGESTED);
            assertThat(in.result()).isSameAs(r.result()); // taken as handed on, not read back
            // handed back, not read back, but at the file's precision: equal to what reading the file gives
            ResultsObject.Split back = ResultsIo.read(dir.resolve(ResultsIo.FILE)).folds().get(0).test();
            assertThat(in.result().folds().get(0).test().probabilities()).isEqualTo(back.probabilities());
            assertThat(in.result().folds().get(0).test().probabilities().get(0, 0)).isNotEqualTo(0.6).isEqualTo((float) 0.6);
            assertThat(store.rows("ws").get(0).headline().validation()).isEqualTo(0.75);
            assertThat(store.ingestWritten(r, "local").outcome()).isEqualTo(ResultsStore.Outcome.PRESENT);

            // the series on disk are checked against their SHA-256 even though they are not read
            ResultsIo.Written r2 = written(runs, "ws", "u", K2, new double[] {0, 1, 1, 0}, 1000);
            Path p2 = runs.resolve("ws/u").resolve(K2).resolve("predictions.arrow");
            byte[] b = Files.readAllBytes(p2);
            b[b.length / 2] ^= 1;
            Files.write(p2, b);
            ResultsStore.Ingest bad = store.ingestWritten(r2, "local");
            assertThat(bad.outcome()).isEqualTo(ResultsStore.Outcome.CORRUPT);
            assertThat(bad.detail()).contains("predictions.arrow").contains("SHA-256");
            assertThat(store.rows("ws")).extracting(ResultsStore.Row::key).containsExactly(K1);
            // and so are the model files (the series put right again)
            b[b.length / 2] ^= 1;
            Files.write(p2, b);
            Files.write(runs.resolve("ws/u").resolve(K2).resolve("model-fold0.zip"), "other weights".getBytes());
            ResultsStore.Ingest badModel = store.ingestWritten(r2, "local");
            assertThat(badModel.outcome()).isEqualTo(ResultsStore.Outcome.CORRUPT);
            assertThat(badModel.detail()).contains("model-fold0.zip").contains("SHA-256");
            assertThat(store.rows("ws")).extracting(ResultsStore.Row::key).containsExactly(K1);
            // and so is the rows file with the times and actuals (K2's own copy changed, K1's link left whole)
            Files.write(runs.resolve("ws/u").resolve(K2).resolve("model-fold0.zip"), ("weights of " + K2).getBytes());
            Path rows2 = runs.resolve("ws/u").resolve(K2).resolve("rows.arrow");
            assertThat(Files.isSameFile(rows2, dir.resolve("rows.arrow"))).isTrue(); // one file, linked into both
            byte[] rb = Files.readAllBytes(rows2);
            rb[rb.length / 2] ^= 1;
            Files.delete(rows2);
            Files.write(rows2, rb);
            ResultsStore.Ingest badRows = store.ingestWritten(r2, "local");
            assertThat(badRows.outcome()).isEqualTo(ResultsStore.Outcome.CORRUPT);
            assertThat(badRows.detail()).contains("rows.arrow").contains("SHA-256");
            Files.delete(rows2);
            assertThat(store.ingestWritten(r2, "local").detail()).contains("rows.arrow").contains("missing");
            assertThat(store.rows("ws")).extracting(ResultsStore.Row::key).containsExactly(K1);

            // a folder holding another attempt's result than the one in hand is read whole, and that one is stored
            ResultsIo.Written later = written(runs, "ws", "u", K1, new double[] {0, 1, 1, 0}, 2000);
            ResultsStore.Ingest again = store.ingestWritten(r, "local");
            assertThat(again.outcome()).isEqualTo(ResultsStore.Outcome.INGESTED);
            assertThat(again.result().startedAt()).isEqualTo(later.result().startedAt());
            assertThat(store.rows("ws").get(0).headline().validation()).isEqualTo(1.0);
        }
        assertThat(dir).isDirectory();
    }

    @Test
    void aResultInHandThatWasNotStoredIsRefused() throws Exception {
        Path runs = tmp.resolve("runs");
        written(runs, "ws", "u", K1, new double[] {0, 1, 0, 0}, 1000);
        Path dir = runs.resolve("ws/u").resolve(K1);
        // the result as a trainer holds it before writing: training part and float64 probabilities
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2, 3, 4}, new double[] {0, 1, 1, 0},
                new double[] {0, 1, 0, 0}, Probabilities.of(new double[][] {{0.6, 0.4}, {0.3, 0.7}, {0.2, 0.8}, {0.9, 0.1}}));
        ResultsObject raw = new ResultsObject(ResultsIo.CURRENT_VERSION, K1, "ws", "done", null,
                Map.of("unit", "u", "name", "dnn#0", "type", "dnn", "hyperparameters", Map.of()), Map.of(), List.of(),
                List.of(new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 3, List.of(), s, s, s,
                        "model-fold0.zip", ResultsIo.sha256(dir.resolve("model-fold0.zip")))), Map.of(), 1000, 250);
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            assertThatThrownBy(() -> store.ingestWritten(new ResultsIo.Written(raw, "0", null, null), "local"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("writeStored");
            assertThat(store.rows("ws")).isEmpty();
        }
    }

    @Test
    void aRegressionWrittenAndIngestedFromMemoryHasTheHeadlineItsFilesGive() throws Exception {
        Path runs = tmp.resolve("runs");
        Path dir = runs.resolve("ws/u").resolve(K1);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model-fold0.zip"), "weights".getBytes());
        // predictions that float32 does not hold exactly: the stored RMSE is the one of the file's values
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1, 2, 3}, new double[] {0.1, -0.2, 0.3},
                new double[] {0.123456789, -0.187654321, 0.311111111}, null);
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, K1, "ws", "done", null,
                Map.of("unit", "u", "name", "dnn#0", "type", "dnn", "hyperparameters", Map.of()), Map.of(), List.of(),
                List.of(new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s, s,
                        "model-fold0.zip", ResultsIo.sha256(dir.resolve("model-fold0.zip")))), Map.of(), 1000, 250);
        ResultsIo.Written stored = ResultsIo.writeStored(dir, r);
        double fromFile = io.atlasj.workspec.results.Headline.of(ResultsIo.read(dir.resolve(ResultsIo.FILE))).test();
        assertThat(fromFile).isNotEqualTo(io.atlasj.workspec.results.Headline.of(r).test());
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            ResultsStore.Ingest in = store.ingestWritten(stored, "local");
            assertThat(in.outcome()).isEqualTo(ResultsStore.Outcome.INGESTED);
            assertThat(store.rows("ws").get(0).headline().test()).isEqualTo(fromFile);
            assertThat(io.atlasj.workspec.results.Headline.of(in.result()).test()).isEqualTo(fromFile);
        }
    }

    @Test
    void aModelFileThatDoesNotMatchItsChecksumIsNotIngested() throws Exception {
        Path runs = tmp.resolve("runs");
        Path dir = result(runs, "ws", "u", K1, new double[] {0, 1, 0, 0});
        Files.write(dir.resolve("model-fold0.zip"), "tampered".getBytes());
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            ResultsStore.Ingest in = store.ingest(dir, null);
            assertThat(in.outcome()).isEqualTo(ResultsStore.Outcome.CORRUPT);
            assertThat(in.detail()).contains("model-fold0.zip").contains("SHA-256");
            assertThat(store.rows("ws")).isEmpty();
        }
    }

    @Test
    void anOfflineHarvestCopiesCompleteResultsInAndReportsTheRest() throws Exception {
        Path elsewhere = tmp.resolve("copied-from-another-machine/runs");
        result(elsewhere, "ws", "u", K1, new double[] {0, 1, 1, 0});
        Path broken = result(elsewhere, "ws", "u", K2, new double[] {0, 1, 1, 0});
        Files.writeString(broken.resolve(ResultsIo.FILE), "{\"schemaVersion\": 1, \"key\": ");
        Path missing = elsewhere.resolve("ws/u/00000000000000000000000000000000");
        Files.createDirectories(missing);
        Files.write(missing.resolve("model-fold0.zip"), new byte[] {1});

        Path runs = tmp.resolve("home/runs");
        try (ResultsStore store = ResultsStore.open(tmp.resolve("home/results"), runs)) {
            List<ResultsStore.Ingest> report = store.harvest(elsewhere.resolve("ws"));
            assertThat(report).extracting(ResultsStore.Ingest::outcome).containsExactlyInAnyOrder(
                    ResultsStore.Outcome.INGESTED, ResultsStore.Outcome.CORRUPT, ResultsStore.Outcome.MISSING);
            assertThat(Files.isRegularFile(runs.resolve("ws/u/" + K1 + "/result.json"))).isTrue();
            assertThat(ResultsIo.complete(runs.resolve("ws/u/" + K1))).isPresent();
            assertThat(store.rows("ws")).extracting(ResultsStore.Row::key).containsExactly(K1);
            // a second harvest of the same copy adds nothing
            assertThat(store.harvest(elsewhere.resolve("ws"))).extracting(ResultsStore.Ingest::outcome)
                    .contains(ResultsStore.Outcome.PRESENT).doesNotContain(ResultsStore.Outcome.INGESTED);
        }
    }
}
