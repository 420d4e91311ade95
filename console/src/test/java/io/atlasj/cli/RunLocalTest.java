package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas run configs/workspecs/quickstart.yaml --local} on the bundled data: one complete, versioned result per
 * key; a rerun trains nothing; a missing or corrupt result is trained again.
 */
class RunLocalTest {
    @TempDir
    Path home;

    private String run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new);
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all);
        assertThat(code).as(err.toString()).isEqualTo(expected);
        return out.toString();
    }

    private List<Path> results() throws Exception {
        try (Stream<Path> s = Files.walk(home.resolve("runs/quickstart"))) {
            return s.filter(p -> p.getFileName().toString().equals(ResultsIo.FILE)).sorted().toList();
        }
    }

    @Test
    void quickstartRunsLocallyAndResumes() throws Exception {
        run(0, "data", "import", "--bundled");
        String first = run(0, "run", "../configs/workspecs/quickstart.yaml", "--local", "--slots", "2");
        assertThat(first).contains("25 models: 25 trained now, 0 from earlier runs, 0 failed");
        assertThat(first).contains("baseline direction-3bar: majority class").contains("baseline terciles-3bar: majority class")
                .contains("baseline return-1bar: test rmse").contains("predicting the last value");
        List<Path> files = results();
        assertThat(files).hasSize(25);
        int done = 0;
        for (Path f : files) {
            ResultsObject r = ResultsIo.read(f);
            assertThat(r.schemaVersion()).isEqualTo(ResultsIo.CURRENT_VERSION);
            assertThat(f.getParent().getFileName().toString()).isEqualTo(r.key());
            assertThat(r.provenance()).containsKeys("java", "os", "backend", "seed", "OMP_NUM_THREADS");
            // which OpenBLAS kernels ran the products: the launcher names them on processors OpenBLAS does not know
            String kernels = System.getenv("OPENBLAS_CORETYPE");
            String named = "OpenBLAS kernels " + (kernels == null || kernels.isBlank() ? "as detected" : kernels.strip());
            assertThat(r.provenance().get("backend")).as(r.key()).satisfiesAnyOf(
                    b -> assertThat(b).startsWith("none (an ensemble"), b -> assertThat(b).contains(named));
            if (r.status().equals("done") && r.folds().get(0).modelFile() == null) {
                // the ensemble: each test row's class is the majority of the eight dense networks' classes
                done++;
                List<ResultsObject> members = new java.util.ArrayList<>();
                for (Object k : (List<?>) r.featureset().get("members")) {
                    members.add(ResultsIo.read(f.getParent().resolveSibling(String.valueOf(k)).resolve(ResultsIo.FILE)));
                }
                assertThat(members).hasSize(8);
                ResultsObject.Split test = r.folds().get(0).test();
                for (int i = 0; i < test.predicted().length; i++) {
                    int ones = 0;
                    for (ResultsObject mr : members) {
                        ones += mr.folds().get(0).test().predicted()[i] == 1 ? 1 : 0;
                    }
                    assertThat(test.predicted()[i]).isEqualTo(ones > 4 ? 1.0 : 0.0);
                }
            } else if (r.status().equals("done")) {
                done++;
                ResultsObject.FoldResult fold = r.folds().get(0);
                assertThat(fold.test().time()).hasSameSizeAs(fold.test().predicted());
                assertThat(fold.curves()).isNotEmpty();
                assertThat(ResultsIo.sha256(f.resolveSibling(fold.modelFile()))).isEqualTo(fold.modelSha256());
                assertThat(((List<?>) r.featureset().get("features"))).hasSize(19);
            }
        }
        assertThat(done).isEqualTo(25);
        // every model of a unit was trained on the same rows: one rows file per unit, linked into each model's folder
        java.util.Map<Path, java.util.Set<Object>> rowsFiles = new java.util.TreeMap<>();
        for (Path f : files) {
            rowsFiles.computeIfAbsent(f.getParent().getParent(), u -> new java.util.HashSet<>()).add(Files.readAttributes(
                    f.resolveSibling("rows.arrow"), java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
        assertThat(rowsFiles).hasSize(3).allSatisfy((unit, keys) -> assertThat(keys).as(unit.toString()).hasSize(1));

        String again = run(0, "run", "../configs/workspecs/quickstart.yaml", "--local");
        assertThat(again).contains("25 models: 0 trained now, 25 from earlier runs");

        // a lost result and a damaged model file are trained again; the rest are not
        ResultsObject victim = null;
        for (Path f : files) {
            ResultsObject r = ResultsIo.read(f);
            if (r.status().equals("done") && victim == null && r.folds().get(0).modelFile() != null) {
                victim = r;
                Files.writeString(f.resolveSibling(r.folds().get(0).modelFile()), "damaged");
            }
        }
        Files.delete(files.get(files.size() - 1));
        String third = run(0, "run", "../configs/workspecs/quickstart.yaml", "--local", "--resume");
        assertThat(third).contains("25 models: 2 trained now, 23 from earlier runs");
        assertThat(ResultsIo.complete(files.get(0).getParent().getParent().resolve(victim.key()))).isPresent();
    }

    @Test
    void anUnknownResultVersionIsRefused() throws Exception {
        Path f = home.resolve("result.json");
        Files.writeString(f, "{\"schemaVersion\": 99, \"key\": \"x\"}");
        assertThatThrownBy(() -> ResultsIo.read(f)).hasMessageContaining("unknown result schema version 99")
                .hasMessageContaining("supports at most " + ResultsIo.CURRENT_VERSION);
    }
}
