package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.chart.HyperparameterCharts;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HyperparameterEffectsTest {
    /** A trial of a dense network whose validation loss at its kept epoch is {@code loss}. */
    static ResultsObject trial(String key, String status, double lr, double dropout, long seed, double loss) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("unit", "u");
        spec.put("type", "dnn");
        spec.put("hyperparameters", Map.of("hidden", List.of(16), "dropout", dropout));
        spec.put("training", Map.of("lr", lr, "epochs", 10, "seed", seed));
        List<Map<String, Double>> curves = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            curves.add(Map.of("epoch", (double) e, "trainLoss", 1.0, "validationLoss", e == 2 ? loss : loss + 0.5));
        }
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 2, curves, null, null,
                null, null, null);
        return new ResultsObject(6, key, "w", status, null, spec, Map.of(), List.of(), List.of(f), Map.of(), 0, 0);
    }

    @Test
    void theLearningRateThatDecidesTheLossTakesMostOfItsVariance(@TempDir Path dir) throws Exception {
        List<ResultsObject> rs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] lrs = {0.1, 0.01, 0.001};
        double[] lossOfLr = {1.30, 1.00, 1.10};
        int i = 0;
        for (int a = 0; a < 3; a++) {
            for (double dropout : new double[]{0.0, 0.2}) {
                for (long seed = 1; seed <= 2; seed++) {
                    double loss = lossOfLr[a] + (dropout > 0 ? 0.02 : 0) + (seed == 2 ? 0.001 : 0);
                    rs.add(trial("k" + i, "done", lrs[a], dropout, seed, loss));
                    names.add("dnn#" + i++);
                }
            }
        }
        // a stopped trial with a poor loss is drawn but not counted
        rs.add(trial("stopped", "stopped", 0.1, 0.0, 3, 5.0));
        names.add("dnn#stopped");
        double[] sharpes = new double[rs.size()];
        HyperparameterEffects e = HyperparameterEffects.of("u", rs, names, sharpes);
        assertThat(e.trials()).hasSize(13);
        assertThat(e.counted()).isEqualTo(12);
        // hidden and epochs do not vary, seeds are not a setting
        assertThat(e.settings()).extracting(HyperparameterEffects.Setting::name)
                .containsExactly("training.lr", "dropout");
        HyperparameterEffects.Setting lr = e.settings().get(0);
        assertThat(lr.numeric()).isTrue();
        assertThat(lr.log()).isTrue();
        // by hand: level means 1.1105, 1.3105, 1.0105 around 1.1438; total variance adds dropout's and the seeds'
        double mean = (1.1105 + 1.3105 + 1.0105) / 3;
        double between = 4 * (Math.pow(1.1105 - mean, 2) + Math.pow(1.3105 - mean, 2) + Math.pow(1.0105 - mean, 2));
        double total = between + 12 * 0.01 * 0.01 + 12 * 0.0005 * 0.0005;
        assertThat(lr.share()).isCloseTo(between / total, within(1e-9));
        assertThat(e.settings().get(1).share()).isCloseTo(12 * 0.01 * 0.01 / total, within(1e-9));
        assertThat(lr.levels()).extracting(HyperparameterEffects.Level::label).containsExactly("0.001", "0.01", "0.1");
        assertThat(lr.levels().get(1).mean()).isCloseTo(1.0105, within(1e-12));
        assertThat(lr.levels().get(2).count()).isEqualTo(4); // the stopped trial is not counted
        // the figures draw, as PNG and SVG
        ChartFiles.write(HyperparameterCharts.parallel(e, 0.1), dir.resolve("parallel"));
        ChartFiles.write(HyperparameterCharts.slices(e), dir.resolve("slices"));
        assertThat(Files.size(dir.resolve("parallel.png"))).isGreaterThan(5_000);
        assertThat(Files.readString(dir.resolve("slices.svg"))).contains("training.lr").contains("dropout");
    }

    @Test
    void sampledSettingsAreCutIntoDeciles() {
        List<ResultsObject> rs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            double lr = Math.pow(10, -4 + 3 * rnd.nextDouble());
            rs.add(trial("k" + i, "done", lr, 0.1, 1, 1 + Math.abs(Math.log10(lr) + 2.5) + 0.01 * rnd.nextDouble()));
            names.add("dnn#" + i);
        }
        HyperparameterEffects e = HyperparameterEffects.of("u", rs, names, new double[200]);
        HyperparameterEffects.Setting lr = e.settings().get(0);
        assertThat(lr.levels()).hasSize(HyperparameterEffects.MAX_LEVELS);
        assertThat(lr.levels()).allSatisfy(l -> assertThat(l.count()).isEqualTo(20));
        assertThat(lr.levels().get(0).label()).startsWith("decile 1 [");
        assertThat(lr.share()).isGreaterThan(0.8);
    }
}
