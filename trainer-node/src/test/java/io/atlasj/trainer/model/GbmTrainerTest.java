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
            double[] p = r.test().probabilities()[i];
            assertThat(p).hasSize(2);
            assertThat(p[0] + p[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(r.test().values()[i]).isEqualTo(p[1] > p[0] ? 1.0 : 0.0);
        }
        // three classes too (multi:softprob)
        PreparedData three = TestData.normal(3000, 4, 3, x -> x[0] < -0.5 ? 0 : x[0] < 0.5 ? 1 : 2);
        TrainingResult r3 = new Dl4jTrainer().train(gbm(DatasetOptions.Task.CLASSIFICATION, "rounds", 100), three,
                ModelTrainer.Listener.NONE);
        assertThat(r3.ok()).as(r3.failure()).isTrue();
        assertThat(r3.test().probabilities()[0]).hasSize(3);
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
            assertThat(out).containsExactly(r.test().probabilities()[i]);
        }
        // and the same seed trains the same trees
        TrainingResult again = new Dl4jTrainer().train(spec, d, ModelTrainer.Listener.NONE);
        assertThat(again.test().probabilities()).isDeepEqualTo(r.test().probabilities());
        assertThat(again.curves()).isEqualTo(r.curves());
    }
}
