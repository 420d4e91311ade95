package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permutation importance finds the inputs a model uses: on labels made from inputs 0 and 1 only, shuffling either
 * raises the validation loss by far more than shuffling inputs 2 and 3, for trees, a dense network and a regression;
 * and it is measured on the saved file, through the batch outputs that made the stored predictions.
 */
class ImportanceTest {
    @TempDir
    Path dir;

    @Test
    void theInputsTheLabelIsMadeOfMatterAndTheOthersDoNot() throws Exception {
        PreparedData d = TestData.normal(3000, 11, 2, x -> x[0] + 0.5 * x[1] > 0 ? 1 : 0);
        for (var entry : List.of(
                ModelEntry.builder("gbm", ModelType.GBM).set("rounds", 100).set("eta", 0.1).build(),
                ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16)).set("epochs", 30).set("lr", 0.01)
                        .build())) {
            Path file = dir.resolve(entry.name() + ".model");
            var spec = TestData.spec(entry, DatasetOptions.Task.CLASSIFICATION);
            TrainingResult r = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE, file);
            assertThat(r.ok()).as(r.failure()).isTrue();
            Predictor p = Predictor.load(file, spec.type(), 4);
            // the batch path gives the stored validation probabilities
            double[][] out = p.predict(d, d.validation());
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i][1]).as(entry.name()).isCloseTo(r.validation().probabilities().get(i, 1),
                        org.assertj.core.data.Offset.offset(1e-6));
            }
            double[] imp = Importance.permutation(p, d, 42);
            assertThat(imp).as(entry.name()).hasSize(4);
            assertThat(imp[0]).as(entry.name()).isGreaterThan(0.2);
            assertThat(imp[1]).as(entry.name()).isGreaterThan(0.05);
            assertThat(Math.abs(imp[2])).as(entry.name()).isLessThan(imp[1] / 3);
            assertThat(Math.abs(imp[3])).as(entry.name()).isLessThan(imp[1] / 3);
            assertThat(imp[0]).isGreaterThan(imp[1]); // input 0 weighs twice as much
            assertThat(Importance.permutation(p, d, 42)).containsExactly(imp); // seeded
        }
        // a regression's loss is the squared error
        PreparedData reg = TestData.normal(3000, 12, 0, x -> x[2] * x[2]);
        Path file = dir.resolve("reg.ubj");
        var spec = TestData.spec(ModelEntry.builder("gbm", ModelType.GBM).set("rounds", 200).set("eta", 0.1).build(),
                DatasetOptions.Task.REGRESSION);
        assertThat(new Dl4jTrainer().train(spec, reg, ModelTrainer.Listener.NONE, file).ok()).isTrue();
        double[] imp = Importance.permutation(Predictor.load(file, ModelType.GBM, 4), reg, 1);
        assertThat(imp[2]).isGreaterThan(1.0); // the variance of x^2 is 2
        assertThat(Math.abs(imp[0]) + Math.abs(imp[1]) + Math.abs(imp[3])).isLessThan(0.2);
    }

    /**
     * The trees' own importance: the inputs the label is made of hold nearly all the split gain; the shares sum to 1;
     * they count the trees up to the best round only; and over all trees they are XGBoost's own {@code total_gain}.
     */
    @Test
    void treeGainSharesPointAtTheInputsTheLabelIsMadeOfAndAgreeWithXgboost() throws Exception {
        PreparedData d = TestData.normal(3000, 13, 3, x -> x[0] < -0.5 ? 0 : x[1] < 0.3 ? 1 : 2);
        Path file = dir.resolve("three.ubj");
        var spec = TestData.spec(ModelEntry.builder("gbm", ModelType.GBM).set("rounds", 60).set("eta", 0.2).build(),
                DatasetOptions.Task.CLASSIFICATION);
        TrainingResult r = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE, file);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double[] gain = r.gain();
        assertThat(gain).hasSize(4);
        assertThat(java.util.Arrays.stream(gain).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(gain[0] + gain[1]).isGreaterThan(0.9);
        assertThat(r.importance()).as("permutation importance is measured on the file, later").isNull();
        ml.dmlc.xgboost4j.java.Booster b = ml.dmlc.xgboost4j.java.XGBoost.loadModel(java.nio.file.Files.readAllBytes(file));
        try {
            String[] trees = b.getModelDump((String) null, true, "json");
            int rounds = r.curves().size();
            assertThat(trees).hasSize(3 * rounds); // one tree per class and round
            assertThat(GbmTrainer.gainShares(trees, rounds, r.bestEpoch(), 4)).containsExactly(gain);
            // over every tree, the shares are XGBoost's total_gain normalised
            double[] all = GbmTrainer.gainShares(trees, rounds, rounds - 1, 4);
            java.util.Map<String, Double> xgb = b.getScore((String) null, "total_gain");
            double total = xgb.values().stream().mapToDouble(Double::doubleValue).sum();
            for (int j = 0; j < 4; j++) {
                assertThat(all[j]).isCloseTo(xgb.getOrDefault("f" + j, 0.0) / total,
                        org.assertj.core.data.Offset.offset(1e-6));
            }
        } finally {
            b.dispose();
        }
        // only the trees up to the best round count: a later tree's splits are left out
        String[] two = {"{\"nodeid\":0,\"split\":\"f1\",\"gain\":3,\"children\":[{\"nodeid\":1,\"leaf\":0.1},"
                + "{\"nodeid\":2,\"split\":\"f0\",\"gain\":1,\"children\":[{\"leaf\":0},{\"leaf\":1}]}]}",
            "{\"nodeid\":0,\"split\":\"f2\",\"gain\":100,\"children\":[{\"leaf\":0},{\"leaf\":1}]}"};
        assertThat(GbmTrainer.gainShares(two, 2, 0, 3)).containsExactly(0.25, 0.75, 0.0);
        assertThat(GbmTrainer.gainShares(two, 2, 1, 3)).containsExactly(1 / 104.0, 3 / 104.0, 100 / 104.0);
        assertThat(GbmTrainer.gainShares(new String[] {"{\"nodeid\":0,\"leaf\":0.5}"}, 1, 0, 2))
                .as("a tree without a split").containsExactly(0.0, 0.0);
    }
}
