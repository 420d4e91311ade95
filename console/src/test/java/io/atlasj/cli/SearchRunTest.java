package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas run configs/workspecs/search.yaml --local} on the bundled data: asha stops poor dense networks of a
 * packed sweep at its rungs, the median rule stops linear models inside their walk-forward folds; stopped trials keep
 * their curves and reasons, a rerun skips them, the report counts them as trials, and without the search they train
 * again to their end.
 */
class SearchRunTest {
    private static final Pattern ASHA = Pattern.compile("stopped by asha after epoch (\\d+) of fold 0: validation loss");
    private static final Pattern MEDIAN = Pattern.compile("stopped by the median rule after epoch (\\d+) of fold (\\d+)");

    @TempDir
    Path home;
    @TempDir
    Path specs;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new);
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private List<ResultsObject> results(String unit) throws Exception {
        List<ResultsObject> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(home.resolve("runs/search").resolve(unit))) {
            for (Path d : s.sorted().toList()) {
                out.add(ResultsIo.read(d.resolve(ResultsIo.FILE)));
            }
        }
        return out;
    }

    @Test
    void poorTrialsStopEarlyKeepTheirCurvesAndStillCountAsTrials() throws Exception {
        run("data", "import", "--bundled");
        String first = run("run", "../configs/workspecs/search.yaml", "--local", "--slots", "1");
        Matcher summary = Pattern.compile("40 models: 40 trained now, 0 from earlier runs, (\\d+) stopped early by "
                + "their unit's search, 0 failed").matcher(first);
        assertThat(summary.find()).as(first).isTrue();
        int stopped = Integer.parseInt(summary.group(1));

        // asha, rungs after epochs 1, 3 and 9 of 27
        List<ResultsObject> asha = results("direction-asha");
        assertThat(asha).hasSize(24);
        int ashaStopped = 0;
        int reachedRung3 = 0;
        for (ResultsObject r : asha) {
            List<Map<String, Double>> curves = r.folds().get(0).curves();
            if (r.status().equals("stopped")) {
                ashaStopped++;
                Matcher m = ASHA.matcher(r.failure());
                assertThat(m.find()).as(r.failure()).isTrue();
                int rung = Integer.parseInt(m.group(1));
                assertThat(rung).isIn(1, 3, 9);
                // it stopped at the rung that judged it, with its predictions made by its best weights so far
                assertThat(curves).hasSize(rung);
                assertThat(r.folds().get(0).test().predicted()).isNotEmpty();
                assertThat(r.folds().get(0).bestEpoch()).isLessThan(rung);
            } else {
                assertThat(r.status()).isEqualTo("done");
                assertThat(curves).hasSize(27);
            }
            reachedRung3 += curves.size() >= 3 ? 1 : 0;
        }
        assertThat(ashaStopped).isBetween(1, 23);
        // at most the best third, plus the first to arrive at the rung in each pack, go on past the first rung
        assertThat(reachedRung3).isLessThanOrEqualTo(12);
        // the trial with the lowest validation loss at a rung is never the one stopped there
        for (int rung : new int[]{1, 3, 9}) {
            ResultsObject best = null;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (ResultsObject r : asha) {
                List<Map<String, Double>> c = r.folds().get(0).curves();
                if (c.size() >= rung && c.get(rung - 1).get("validationLoss") < bestLoss) {
                    bestLoss = c.get(rung - 1).get("validationLoss");
                    best = r;
                }
            }
            assertThat(best.folds().get(0).curves().size()).as("the best at rung %d", rung).isGreaterThan(rung);
        }

        // median stopping over walk-forward folds: a stopped model's later folds are not trained
        List<ResultsObject> median = results("return-median");
        int folds = median.stream().filter(r -> r.status().equals("done")).mapToInt(r -> r.folds().size()).max()
                .orElseThrow();
        assertThat(folds).isGreaterThan(1);
        int medianStopped = 0;
        int partial = 0;
        for (ResultsObject r : median) {
            if (r.status().equals("stopped")) {
                medianStopped++;
                partial += r.folds().size() < folds ? 1 : 0;
                Matcher m = MEDIAN.matcher(r.failure());
                assertThat(m.find()).as(r.failure()).isTrue();
                int epoch = Integer.parseInt(m.group(1));
                int fold = Integer.parseInt(m.group(2));
                assertThat(epoch).isGreaterThanOrEqualTo(4);
                assertThat(r.folds()).hasSize(fold + 1);
                assertThat(r.folds().get(fold).curves()).hasSize(epoch);
            } else {
                assertThat(r.folds()).hasSize(folds);
            }
        }
        assertThat(medianStopped).isPositive();

        // trees, dense networks and LSTMs in one asha search (rungs after 2 and 4 epochs or rounds of 8 to 40)
        List<ResultsObject> mixed = results("direction-mixed");
        assertThat(mixed).hasSize(8);
        int mixedStopped = 0;
        for (ResultsObject r : mixed) {
            if (r.status().equals("stopped")) {
                mixedStopped++;
                Matcher m = ASHA.matcher(r.failure());
                assertThat(m.find()).as(r.failure()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isIn(2, 4, 8, 16, 32);
                assertThat(r.folds().get(0).curves()).hasSize(Integer.parseInt(m.group(1)));
                assertThat(r.folds().get(0).importance()).as("no importance for a stopped trial").isNull();
            } else {
                assertThat(r.folds().get(0).importance()).hasSize(((List<?>) r.featureset().get("features")).size());
            }
            if (r.spec().get("type").equals("gbm")) { // the trees' own importance, stopped or not
                assertThat(java.util.Arrays.stream(r.folds().get(0).gain()).sum()).isCloseTo(1.0,
                        org.assertj.core.data.Offset.offset(1e-9));
            } else {
                assertThat(r.folds().get(0).gain()).isNull();
            }
        }
        assertThat(mixed.stream().map(r -> String.valueOf(r.spec().get("type"))).distinct())
                .containsExactlyInAnyOrder("gbm", "dnn", "lstm");
        assertThat(mixedStopped).isBetween(1, 7);
        assertThat(ashaStopped + medianStopped + mixedStopped).isEqualTo(stopped);

        // a rerun trains nothing; the report counts every trial and says how many stopped
        assertThat(run("run", "../configs/workspecs/search.yaml", "--local"))
                .contains("40 models: 0 trained now, 40 from earlier runs, " + stopped + " stopped early");
        run("report", "search");
        String page = Files.readString(home.resolve("reports/search/index.html"));
        assertThat(page).contains("24 (" + ashaStopped + " stopped early)")
                .contains("8 (" + medianStopped + " stopped early" + (partial == 0 ? ")" : ", " + partial
                        + " in the DSR only)"))
                .contains("8 (" + mixedStopped + " stopped early)")
                .contains("<span title=\"stopped by asha after epoch")
                // hyperparameter effects and the inputs the models lean on, per unit
                .contains("<h2 id=hyperparameters>").contains("img/parallel-direction-mixed.png")
                .contains("<td>type</td>").contains("Inputs by importance").contains("<th>tree gain</th>");

        // a feature selection over the mixed unit writes a featureset that builds and trains
        Path sets = specs.resolve("featuresets");
        Files.createDirectories(sets);
        Path selected = sets.resolve("quickstart-top5.yaml");
        assertThat(run("features", "select", "search", "--unit", "direction-mixed", "--top", "5", "--out",
                selected.toString())).contains("5 of ");
        Path small = specs.resolve("specs").resolve("small.yaml");
        Files.createDirectories(small.getParent());
        Files.writeString(small, """
                name: small
                units:
                  - name: u
                    featureset: quickstart-top5
                    dataset: {task: classification, label: 'UpDown(3)'}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: dnn, type: dnn, hidden: [[8]], training: {epochs: 3}}
                """);
        assertThat(run("run", small.toString(), "--local")).contains("1 models: 1 trained now, 0 from earlier runs, "
                + "0 failed");

        // without a search the stopped trials train again, to their end
        Path spec = specs.resolve("search.yaml");
        Files.writeString(spec, Files.readString(Path.of("../configs/workspecs/search.yaml"))
                .replaceAll("(?m)^    search: .*\\n", ""));
        String grid = run("run", spec.toString(), "--local");
        assertThat(grid).contains("40 models: " + stopped + " trained now, " + (40 - stopped)
                + " from earlier runs, 0 failed");
        assertThat(results("direction-asha")).allSatisfy(r -> assertThat(r.folds().get(0).curves()).hasSize(27));
        // and the results store follows the results trained again
        io.atlasj.home.AtlasHome h = new io.atlasj.home.AtlasHome(home);
        try (io.atlasj.harvester.ResultsStore store = io.atlasj.harvester.ResultsStore.open(h.results(), h.runs())) {
            assertThat(store.rows("search")).hasSize(40).allSatisfy(r -> assertThat(r.status()).isEqualTo("done"));
        }
    }
}
