package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code configs/workspecs/search.yaml} on a local cluster (a coordinator, a harvester and a trainer process): the
 * trainer reports every epoch to the coordinator, whose searches answer with the trials they stop; the trainer stops
 * them (asynchronously: after the epoch in which the answer arrives), and their results are stored as stopped.
 */
class SearchClusterIT {
    @TempDir
    Path home;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new);
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all);
        assertThat(code).as(out + "\n" + err).isZero();
        return out.toString();
    }

    @Test
    void theCoordinatorStopsTrialsATrainerTrains() throws Exception {
        run("data", "import", "--bundled");
        String out = run("run", "../configs/workspecs/search.yaml", "--local-cluster", "1");
        assertThat(out).containsPattern("40 models: \\d+ stopped early by their unit's search, 0 failed");
        List<ResultsStore.Row> rows;
        AtlasHome h = new AtlasHome(home);
        try (ResultsStore store = ResultsStore.open(h.results(), h.runs())) {
            rows = store.rows("search");
        }
        assertThat(rows).hasSize(40);
        List<ResultsStore.Row> stopped = rows.stream().filter(r -> r.status().equals("stopped")).toList();
        assertThat(stopped).as("trials stopped by the coordinator").isNotEmpty();
        for (ResultsStore.Row row : stopped) {
            assertThat(row.failure()).matches("stopped by (asha|the median rule) after epoch \\d+ of fold \\d+: .*");
            ResultsObject r = ResultsIo.read(h.runs().resolve("search").resolve(row.unit()).resolve(row.key())
                    .resolve(ResultsIo.FILE));
            // the stopping fold ended early: fewer epochs than the trial's own
            ResultsObject.FoldResult last = r.folds().get(r.folds().size() - 1);
            // a tree model's rounds are its epochs
            Map<?, ?> settings = (Map<?, ?>) r.spec().get("gbm".equals(r.spec().get("type")) ? "hyperparameters"
                    : "training");
            int epochs = ((Number) settings.get("gbm".equals(r.spec().get("type")) ? "rounds" : "epochs")).intValue();
            assertThat(last.curves().size()).isLessThan(epochs);
            assertThat(last.test().predicted()).isNotEmpty();
        }
    }
}
