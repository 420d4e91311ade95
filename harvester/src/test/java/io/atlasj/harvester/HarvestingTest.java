package io.atlasj.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results query the report and the console use, over a store and result folders it does not all know. */
class HarvestingTest {
    @TempDir
    Path tmp;

    static final String K3 = "00112233445566778899aabbccddeeff";

    @Test
    void resultsComeThroughTheStoreUnknownFoldersAreIngestedAndRefusedOnesAreNamed() throws Exception {
        Path runs = tmp.resolve("runs");
        Path known = ResultsStoreTest.result(runs, "ws", "u", ResultsStoreTest.K1, new double[] {0, 1, 0, 0});
        // written before results went through the store (or copied in): not known to it yet
        ResultsStoreTest.result(runs, "ws", "u", ResultsStoreTest.K2, new double[] {0, 1, 1, 0});
        // a result whose model file went missing: readable, so kept for evaluation, but not stored
        Path modelless = ResultsStoreTest.result(runs, "ws", "v", K3, new double[] {1, 1, 1, 0});
        Files.delete(modelless.resolve("model-fold0.zip"));
        // a torn result file: left out
        Path torn = Files.createDirectories(runs.resolve("ws/v/ffffffffffffffffffffffffffffffff"));
        Files.writeString(torn.resolve(ResultsIo.FILE), "{\"schemaVersion\": 3, \"key\": ");
        try (ResultsStore store = ResultsStore.open(tmp.resolve("results"), runs)) {
            Harvesting h = new Harvesting(store);
            assertThat(h.ingest("ws", "u", ResultsStoreTest.K1, "local").outcome())
                    .isEqualTo(ResultsStore.Outcome.INGESTED);
            assertThat(known).exists();
            Harvesting.Results r = h.results("ws");
            assertThat(r.results()).extracting(ResultsObject::key)
                    .containsExactlyInAnyOrder(ResultsStoreTest.K1, ResultsStoreTest.K2, K3);
            assertThat(store.rows("ws")).extracting(ResultsStore.Row::key)
                    .containsExactlyInAnyOrder(ResultsStoreTest.K1, ResultsStoreTest.K2);
            assertThat(r.warnings()).hasSize(2);
            assertThat(r.warnings()).anyMatch(w -> w.startsWith("not in the results store, read from disk for "
                    + "evaluation only: ") && w.contains(K3) && w.endsWith("model file missing"));
            assertThat(r.warnings()).anyMatch(w -> w.startsWith("left out: ") && w.contains("ffffffff"));
            // a second query ingests nothing new and gives the same answer
            assertThat(h.results("ws").results()).hasSize(3);
            assertThat(store.rows("ws")).hasSize(2);
        }
    }

    @Test
    void aResultsStoreOfANewerSchemaIsRefusedOnOpen() throws Exception {
        Path db = tmp.resolve("results");
        ResultsStore.open(db, tmp.resolve("runs")).close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + db.resolve("results")
                .toAbsolutePath(), "atlas", ""); java.sql.Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT version FROM schema_version").next()).isTrue();
            s.execute("UPDATE schema_version SET version = " + (ResultsStore.SCHEMA_VERSION + 1));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultsStore.open(db, tmp.resolve("runs")))
                .hasMessageContaining("has schema version " + (ResultsStore.SCHEMA_VERSION + 1))
                .hasMessageContaining("supports at most " + ResultsStore.SCHEMA_VERSION);
    }
}
