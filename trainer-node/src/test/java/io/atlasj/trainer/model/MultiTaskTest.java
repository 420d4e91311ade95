package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One network with several heads learns each head's known function; loss weights and stages steer what it learns. */
class MultiTaskTest {
    /**
     * Primary: class of x0 + x1 > 0. Extra heads: a regression 2 x2 - x3 (z-scored), and three classes of x1
     * (below -0.5, between, above 0.5). Some rows have an unknown regression target (NaN).
     */
    static PreparedData data(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][4];
        double[] y = new double[n];
        double[] reg = new double[n];
        double[] tri = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
                x[i][c] = r.nextGaussian();
            }
            t[i] = i * 60_000L;
            y[i] = x[i][0] + x[i][1] > 0 ? 1 : 0;
            reg[i] = i % 17 == 0 ? Double.NaN : (2 * x[i][2] - x[i][3]) / Math.sqrt(5);
            tri[i] = x[i][1] < -0.5 ? 0 : x[i][1] > 0.5 ? 2 : 1;
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 2, TestData.sub(t, x, y, 0, a),
                TestData.sub(t, x, y, a, b), TestData.sub(t, x, y, b, n), null, null, 0, 1,
                new PreparedData.Context(t, x, 60_000L),
                List.of(new PreparedData.Target("reg", 0, 0, 1, null, reg),
                        new PreparedData.Target("tri", 3, 0, 1, null, tri)));
    }

    static ModelEntry.Builder net() {
        return ModelEntry.builder("mt", ModelType.MULTI_TASK).set("hidden", List.of(32, 16)).set("epochs", 25)
                .set("lr", 0.005).set("batchSize", 64);
    }

    static double rmse(TrainingResult.Predictions p, PreparedData d, PreparedData.Part part, int target) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < part.rows(); i++) {
            double y = d.extraTargets().get(target).values()[part.index()[i]];
            if (Double.isFinite(y)) {
                s += (p.values()[i] - y) * (p.values()[i] - y);
                n++;
            }
        }
        return Math.sqrt(s / n);
    }

    static double accuracy(TrainingResult.Predictions p, PreparedData d, PreparedData.Part part, int target) {
        int ok = 0;
        for (int i = 0; i < part.rows(); i++) {
            ok += p.values()[i] == d.extraTargets().get(target).values()[part.index()[i]] ? 1 : 0;
        }
        return (double) ok / part.rows();
    }

    @Test
    void everyHeadLearnsItsFunction() throws Exception {
        PreparedData d = data(3000, 1);
        ModelSpec s = TestData.spec(net().build(), DatasetOptions.Task.CLASSIFICATION);
        TrainingResult r = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double acc = TestData.accuracy(r.validation(), d.validation());
        assertThat(r.heads()).extracting(TrainingResult.Head::label).containsExactly("reg", "tri");
        double reg = rmse(r.heads().get(0).validation(), d, d.validation(), 0);
        double tri = accuracy(r.heads().get(1).validation(), d, d.validation(), 1);
        System.out.printf("multi-task: primary accuracy %.3f, regression head RMSE %.3f (target std 1), three-class "
                + "head accuracy %.3f (%d ms)%n", acc, reg, tri, r.millis());
        assertThat(acc).isGreaterThan(0.95);
        assertThat(reg).isLessThan(0.15);
        assertThat(tri).isGreaterThan(0.93);
        assertThat(r.heads().get(1).test().probabilities().row(0)).hasSize(3);
    }

    @Test
    void aHeadWithWeightZeroLearnsNothingUntilAStageGivesItWeight() throws Exception {
        PreparedData d = data(2000, 2);
        TrainingResult off = new Dl4jTrainer().train(TestData.spec(net().set("epochs", 12)
                .set("lossWeights", List.of(1.0, 0.0, 1.0)).build(), DatasetOptions.Task.CLASSIFICATION), d,
                ModelTrainer.Listener.NONE);
        TrainingResult staged = new Dl4jTrainer().train(TestData.spec(net().set("epochs", 12)
                .set("lossWeights", List.of(1.0, 0.0, 1.0)).set("stageEpochs", List.of(4))
                .set("stageWeights", List.of(0.2, 1.0, 0.2)).build(), DatasetOptions.Task.CLASSIFICATION), d,
                ModelTrainer.Listener.NONE);
        assertThat(off.ok()).as(off.failure()).isTrue();
        assertThat(staged.ok()).as(staged.failure()).isTrue();
        double offRmse = rmse(off.heads().get(0).validation(), d, d.validation(), 0);
        double stagedRmse = rmse(staged.heads().get(0).validation(), d, d.validation(), 0);
        System.out.printf("multi-task: regression head RMSE %.3f with weight 0, %.3f once a stage gives it weight%n",
                offRmse, stagedRmse);
        assertThat(offRmse).isGreaterThan(0.5);
        assertThat(stagedRmse).isLessThan(0.2);
    }

    @Test
    void stagedWeightsAndBadListsAreChecked() throws Exception {
        ModelSpec s = TestData.spec(net().set("lossWeights", List.of(1.0, 0.5, 0.5)).set("stageEpochs", List.of(3, 6))
                .set("stageWeights", List.of(1.0, 0.0, 0.0, 0.0, 1.0, 2.0)).build(), DatasetOptions.Task.CLASSIFICATION);
        assertThat(SameDiffTrainer.multiTaskWeights(s, 3, 0)).containsExactly(1.0, 0.5, 0.5);
        assertThat(SameDiffTrainer.multiTaskWeights(s, 3, 3)).containsExactly(1.0, 0.0, 0.0);
        assertThat(SameDiffTrainer.multiTaskWeights(s, 3, 9)).containsExactly(0.0, 1.0, 2.0);
        TrainingResult bad = new Dl4jTrainer().train(TestData.spec(net().set("lossWeights", List.of(1.0, 2.0)).build(),
                DatasetOptions.Task.CLASSIFICATION), data(300, 3), ModelTrainer.Listener.NONE);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.failure()).contains("lossWeights has 2 weights but the featureset gives 3 heads");
        TrainingResult bad2 = new Dl4jTrainer().train(TestData.spec(net().set("stageEpochs", List.of(2))
                .set("stageWeights", List.of(1.0)).build(), DatasetOptions.Task.CLASSIFICATION), data(300, 3),
                ModelTrainer.Listener.NONE);
        assertThat(bad2.failure()).contains("stageWeights must hold heads x stages = 3 x 1 = 3 weights, got 1");
    }

    @Test
    void theSameSeedGivesTheSamePredictions() throws Exception {
        PreparedData d = data(800, 4);
        ModelSpec s = TestData.spec(net().set("epochs", 3).set("dropout", 0.2).build(),
                DatasetOptions.Task.CLASSIFICATION);
        TrainingResult a = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        TrainingResult b = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(b.test().probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
            assertThat(b.heads().get(0).test().values()[i]).isEqualTo(a.heads().get(0).test().values()[i]);
        }
    }
}
