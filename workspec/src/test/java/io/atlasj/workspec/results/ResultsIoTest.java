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
        assertThat(r.folds().get(0).test().probabilities()[0]).containsExactly(0.51, 0.49);
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
        java.nio.file.Files.writeString(f, "{\"schemaVersion\":4}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultsIo.read(f))
                .hasMessageContaining(f.toString()).hasMessageContaining("at most 3");
    }

    @Test
    void writesAndReadsHeadsInSchemaTwo() throws Exception {
        ResultsObject.Split s = new ResultsObject.Split(new long[] {1}, new double[] {0.5}, new double[] {0.4}, null);
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), s, s,
                s, null, null, Map.of("FutureReturn(1)", new ResultsObject.Head(s, s, s)));
        ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, "k", "w", "done", null, Map.of(), Map.of(),
                List.of(), List.of(f), Map.of(), 0, 0);
        ResultsObject back = ResultsIo.read(ResultsIo.write(dir, r));
        assertThat(back.schemaVersion()).isEqualTo(3);
        assertThat(back.folds().get(0).heads()).containsOnlyKeys("FutureReturn(1)");
        assertThat(back.folds().get(0).heads().get("FutureReturn(1)").test().predicted()).containsExactly(0.4);
    }
}
