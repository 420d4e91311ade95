package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient-boosted trees ({@code type: gbm}): they learn what a linear model cannot, stop early on the validation loss
 * and keep the best round's trees, are deterministic for a seed, and the saved file predicts what training stored.
 */
class GbmTrainerTest {
    @TempDir
    Path dir;

    static ModelSpec gbm(DatasetOptions.Task task, Object... settings) throws Exception {
        ModelEntry.Builder b = ModelEntry.builder("gbm", ModelType.GBM);
        for (int i = 0; i < settings.length; i += 2) {
            b.set((String) settings[i], settings[i + 1]);
        }
        return TestData.spec(b.build(), task);
    }

    @Test
    void treesLearnInteractionsALinearModelCannotAndPredictTheirClassFromTheirProbabilities() throws Exception {
        PreparedData d = TestData.normal(4000, 3, 2, x -> x[0] * x[1] > 0 ? 1 : 0); // XOR of signs
        TrainingResult r = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 300, "eta", 0.1),
                d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(TestData.accuracy(r.test(), d.test())).isGreaterThan(0.9);
        for (int i = 0; i < d.test().rows(); i++) {
            double[] p = r.test().probabilities().row(i);
            assertThat(p).hasSize(2);
            assertThat(p[0] + p[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(r.test().values()[i]).isEqualTo(p[1] > p[0] ? 1.0 : 0.0);
        }
        // three classes too (multi:softprob)
        PreparedData three = TestData.normal(3000, 4, 3, x -> x[0] < -0.5 ? 0 : x[0] < 0.5 ? 1 : 2);
        TrainingResult r3 = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 100), three,
                ModelTrainer.Listener.NONE);
        assertThat(r3.ok()).as(r3.failure()).isTrue();
        assertThat(r3.test().probabilities().row(0)).hasSize(3);
        assertThat(TestData.accuracy(r3.test(), three.test())).isGreaterThan(0.95);
    }

    @Test
    void regressionTreesFitANonlinearFunction() throws Exception {
        Random noise = new Random(5);
        PreparedData d = TestData.normal(4000, 6, 0, x -> Math.sin(2 * x[0]) + 0.05 * noise.nextGaussian());
        TrainingResult r = new Dl4jTrainer().train(gbm(DatasetOptions.Task.REGRESSION, "rounds", 400, "eta", 0.1), d,
                ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(r.test().probabilities()).isNull();
        assertThat(TestData.rmse(r.test(), d.test())).isLessThan(0.15); // the target's own spread is about 0.7
    }

    @Test
    void earlyStoppingKeepsTheBestRoundAndTheSavedFilePredictsWhatTrainingStored() throws Exception {
        // labels that are mostly noise: the validation loss turns up after a few rounds
        Random noise = new Random(7);
        PreparedData d = TestData.normal(3000, 8, 2, x -> x[0] + 2 * noise.nextGaussian() > 0 ? 1 : 0);
        ModelSpec spec = gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 2000, "eta", 0.3, "maxDepth", 8,
                "earlyStopping", 10);
        Path file = dir.resolve("model.ubj");
        TrainingResult r = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE, file);
        assertThat(r.ok()).as(r.failure()).isTrue();
        int done = r.curves().size();
        assertThat(done).as("stopped early").isLessThan(2000);
        // the best round (counted from 0, as epochs are), then ten rounds without a better one
        assertThat(r.bestEpoch()).isEqualTo(done - 11);
        assertThat(r.curves().get(r.bestEpoch()).epoch()).isEqualTo(r.bestEpoch());
        double best = r.curves().get(r.bestEpoch()).validationLoss();
        for (TrainingResult.Epoch e : r.curves()) {
            assertThat(e.validationLoss()).isGreaterThanOrEqualTo(best);
        }
        assertThat(r.curves().get(r.bestEpoch()).validationMetric()).isBetween(0.5, 1.0); // its accuracy
        // the file's trees, up to the best round, predict each test row as training did
        Predictor p = Predictor.load(file, ModelType.GBM, 4);
        assertThat(p.outputs()).isEqualTo(2);
        for (int i = 0; i < d.test().rows(); i++) {
            double[] out = p.predict(d.test().x()[i]);
            assertThat(out).containsExactly(r.test().probabilities().row(i));
        }
        // and the same seed trains the same trees
        TrainingResult again = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE);
        assertThat(again.test().probabilities()).isEqualTo(r.test().probabilities());
        assertThat(again.curves()).isEqualTo(r.curves());
    }

    /**
     * Live fine-tuning of trees: the trees a trained model kept after its best round are dropped (the served rounds
     * are kept bit for bit), new rounds are boosted on the batch as training grew its trees, the batch's loss falls, the
     * saved version predicts as the model in memory, a loss that is not finite leaves the model as it was, and a file
     * without its growth settings (written before tree fine-tuning) is refused with the reason.
     */
    @Test
    void fineTuningBoostsNewRoundsOnTheServedTreesOnly() throws Exception {
        Random noise = new Random(7);
        PreparedData d = TestData.normal(3000, 8, 2, x -> x[0] + 2 * noise.nextGaussian() > 0 ? 1 : 0);
        ModelSpec spec = gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 2000, "eta", 0.3, "maxDepth", 4,
                "earlyStopping", 10);
        Path file = dir.resolve("model.ubj");
        TrainingResult r = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE, file);
        assertThat(r.ok()).as(r.failure()).isTrue();
        int served = r.bestEpoch() + 1;
        assertThat(r.curves().size()).as("trees kept after the best round").isGreaterThan(served);
        Predictor p = Predictor.load(file, ModelType.GBM, 4);
        assertThat(p.fineTunes()).isTrue();
        // a batch whose class another input decides: what the trees have not learnt
        int n = 300;
        long[][] times = new long[n][];
        double[][][] windows = new double[n][][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = new long[] {i * 60_000L};
            windows[i] = new double[][] {d.test().x()[i]};
            y[i] = d.test().x()[i][1] > 0 ? 1 : 0;
        }
        double before = logLoss(p, windows, y);
        assertThat(p.fineTune(times, windows, y, null, 2, Optimizer.ADAM, 0.3, 3, 60_000L, 11)).isTrue();
        double after = logLoss(p, windows, y);
        assertThat(after).as("the batch's log loss").isLessThan(before * 0.9);

        Path v = dir.resolve("v2.ubj");
        String sha = p.save(v);
        assertThat(sha).isEqualTo(io.atlasj.workspec.results.ResultsIo.sha256(v));
        ml.dmlc.xgboost4j.java.Booster b = ml.dmlc.xgboost4j.java.XGBoost.loadModel(v.toString());
        try {
            assertThat(b.getNumBoostedRound()).as("the served rounds and three new ones").isEqualTo(served + 3);
            for (int i = 0; i < d.test().rows(); i++) {
                float[] row = GbmTrainer.flat(new double[][] {d.test().x()[i]});
                float[] old = b.inplace_predict(row, 1, 4, Float.NaN, new int[] {0, served})[0];
                for (int c = 0; c < 2; c++) { // the served trees as training left them, to the bit
                    assertThat((double) old[c]).isEqualTo(r.test().probabilities().get(i, c));
                }
            }
        } finally {
            b.dispose();
        }
        try (Predictor q = Predictor.load(v, ModelType.GBM, 4)) {
            for (int i = 0; i < 50; i++) {
                assertThat(q.predict(d.test().x()[i])).containsExactly(p.predict(d.test().x()[i]));
            }
            // a loss that is not finite (a regression target beyond float range): nothing kept
            double[] first = q.predict(d.test().x()[0]);
            double[] huge = new double[n];
            java.util.Arrays.fill(huge, Double.MAX_VALUE);
            assertThat(q.fineTune(times, windows, huge, null, 2, Optimizer.ADAM, 0.3, 1, 60_000L, 3)).isFalse();
            assertThat(q.predict(d.test().x()[0])).containsExactly(first);
        }
        // regression trees whose new round overflows (a learning rate near float's largest): nothing kept either
        PreparedData reg = TestData.normal(2000, 9, 0, x -> x[0]);
        Path regFile = dir.resolve("reg.ubj");
        assertThat(new Dl4jTrainer().train(gbm(DatasetOptions.Task.REGRESSION, "rounds", 20), reg,
                ModelTrainer.Listener.NONE, regFile).ok()).isTrue();
        try (Predictor q = Predictor.load(regFile, ModelType.GBM, 4)) {
            double[] first = q.predict(reg.test().x()[0]);
            double[] big = new double[n];
            java.util.Arrays.fill(big, 1e30);
            assertThat(q.fineTune(times, windows, big, null, 0, Optimizer.ADAM, 3e38, 2, 60_000L, 3)).isFalse();
            assertThat(q.predict(reg.test().x()[0])).containsExactly(first);
            assertThat(q.fineTune(times, windows, y, null, 0, Optimizer.ADAM, 0.1, 2, 60_000L, 3)).isTrue();
            assertThat(q.predict(reg.test().x()[0])).isNotEqualTo(first);
        }
        p.close();

        // a model file written before tree fine-tuning: no growth settings, refused with why
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        ml.dmlc.xgboost4j.java.Booster trained = ml.dmlc.xgboost4j.java.XGBoost.loadModel(file.toString());
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(trained.toByteArray("json"));
        trained.dispose();
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.path("learner").path("attributes")).remove(GbmTrainer.GROWTH);
        ml.dmlc.xgboost4j.java.Booster older = ml.dmlc.xgboost4j.java.XGBoost.loadModel(json.writeValueAsBytes(root));
        Path old = dir.resolve("old.ubj");
        older.saveModel(old.toString());
        older.dispose();
        try (Predictor o = Predictor.load(old, ModelType.GBM, 4)) {
            assertThat(o.fineTunes()).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.fineTune(times, windows, y, null, 2,
                    Optimizer.ADAM, 0.3, 1, 60_000L, 1)).hasMessageContaining("train the model again");
        }
    }

    /**
     * A warm start boosts on from another model's served trees: the file holds those rounds first (predicting as the
     * source did) and this model's after them, its curves count its own rounds only, and trees of another shape are
     * refused with the reason.
     */
    @Test
    void aWarmStartBoostsOnFromAnotherModelsServedTrees() throws Exception {
        PreparedData d = TestData.normal(3000, 4, 2, x -> x[0] * x[1] > 0 ? 1 : 0);
        Path source = dir.resolve("source.ubj");
        TrainingResult first = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 15, "eta",
                0.1, "earlyStopping", 0), d, ModelTrainer.Listener.NONE, source);
        assertThat(first.ok()).as(first.failure()).isTrue();
        int served = first.bestEpoch() + 1;
        Path warm = dir.resolve("warm.ubj");
        ModelSpec spec = gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 10, "eta", 0.1, "earlyStopping", 0);
        TrainingResult r = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE, warm, source);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(r.curves()).hasSize(10);
        assertThat(r.curves().get(0).trainLoss()).as("starts where the source ended")
                .isLessThan(first.curves().get(0).trainLoss());
        ml.dmlc.xgboost4j.java.Booster b = ml.dmlc.xgboost4j.java.XGBoost.loadModel(warm.toString());
        try {
            assertThat(b.getNumBoostedRound()).isEqualTo(served + 10);
            assertThat(b.getAttr(GbmTrainer.BEST)).isEqualTo(String.valueOf(served + r.bestEpoch()));
            for (int i = 0; i < 100; i++) {
                float[] row = GbmTrainer.flat(new double[][] {d.test().x()[i]});
                float[] old = b.inplace_predict(row, 1, 4, Float.NaN, new int[] {0, served})[0];
                assertThat((double) old[1]).isEqualTo(first.test().probabilities().get(i, 1));
            }
        } finally {
            b.dispose();
        }
        // the file predicts what training stored (the source's trees and this model's, to its best round)
        try (Predictor p = Predictor.load(warm, ModelType.GBM, 4)) {
            for (int i = 0; i < 100; i++) {
                assertThat(p.predict(d.test().x()[i])).containsExactly(r.test().probabilities().row(i));
            }
        }
        // a source of other inputs, or of other outputs: refused, with why
        PreparedData wide = TestData.normal(3000, 4, 2, x -> x[0] > 0 ? 1 : 0);
        PreparedData narrow = new PreparedData(0, wide.task(), wide.classes(), drop(wide.train()),
                drop(wide.validation()), drop(wide.test()), null, null);
        TrainingResult otherInputs = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 5),
                narrow, ModelTrainer.Listener.NONE, dir.resolve("narrow.ubj"), source);
        assertThat(otherInputs.ok()).isFalse();
        assertThat(otherInputs.failure()).contains("takes 4 inputs, this model 3");
        PreparedData three = TestData.normal(3000, 4, 3, x -> x[0] < -0.5 ? 0 : x[0] < 0.5 ? 1 : 2);
        TrainingResult refused = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 5), three,
                ModelTrainer.Listener.NONE, dir.resolve("three.ubj"), source);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.failure()).contains("warmStart").contains("has 2 outputs, this model 3");
    }

    /** The part without its last input column. */
    private static PreparedData.Part drop(PreparedData.Part p) {
        double[][] x = new double[p.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = java.util.Arrays.copyOf(p.x()[i], p.x()[i].length - 1);
        }
        return new PreparedData.Part(p.time(), x, p.y(), p.index());
    }

    private static double logLoss(Predictor p, double[][][] windows, double[] y) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum -= Math.log(Math.max(1e-15, p.predict(windows[i][0])[(int) y[i]]));
        }
        return sum / y.length;
    }
}
