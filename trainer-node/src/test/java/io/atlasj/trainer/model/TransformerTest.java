package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The causal Transformer learns from the past window, is causal, reloads exactly, and is deterministic. */
class TransformerTest {
    @TempDir
    Path dir;

    static ModelEntry.Builder small() {
        return ModelEntry.builder("tr", ModelType.TRANSFORMER).set("dModel", 16).set("heads", 2).set("layers", 1)
                .set("ffDim", 32).set("sequenceLength", 6).set("dropout", 0.0).set("epochs", 12).set("lr", 0.005)
                .set("batchSize", 64);
    }

    /** Regression rows whose target is the input three rows earlier. */
    static PreparedData laggedRegression(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][4];
        double[] y = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
                x[i][c] = r.nextGaussian();
            }
            t[i] = i * 60_000L;
        }
        for (int i = 3; i < n; i++) {
            y[i] = x[i - 3][1];
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, DatasetOptions.Task.REGRESSION, 0, TestData.sub(t, x, y, 10, a),
                TestData.sub(t, x, y, a, b), TestData.sub(t, x, y, b, n), null, null, 0, 1,
                new PreparedData.Context(t, x, 60_000L));
    }

    @Test
    void learnsTheSignOfAnInputThreeStepsBack() throws Exception {
        PreparedData d = TestData.lagged(1500, 7);
        ModelSpec s = TestData.spec(small().build(), DatasetOptions.Task.CLASSIFICATION);
        TrainingResult r = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double acc = TestData.accuracy(r.validation(), d.validation());
        System.out.printf("transformer, sign 3 steps back: validation accuracy %.3f (%d ms)%n", acc, r.millis());
        assertThat(acc).isGreaterThan(0.95);
        assertThat(r.validation().probabilities().row(0)).hasSize(2);
    }

    @Test
    void regressionOfALaggedInput() throws Exception {
        PreparedData d = laggedRegression(1600, 8);
        ModelSpec s = TestData.spec(small().set("epochs", 15).build(), DatasetOptions.Task.REGRESSION);
        TrainingResult r = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double rmse = TestData.rmse(r.validation(), d.validation());
        System.out.printf("transformer, input 3 steps back: validation RMSE %.3f, target std 1 (%d ms)%n", rmse,
                r.millis());
        assertThat(rmse).isLessThan(0.2);
    }

    @Test
    void theMaskIsCausalAndSkipsMissingSteps() throws Exception {
        PreparedData d = TestData.lagged(400, 3);
        ModelSpec s = TestData.spec(small().set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
        SdNet.Graph g = net.build(false);
        SdInputs in = new SdInputs(net.arch, d);
        float[][][] before = SameDiffTrainer.outputs(net, g, in, d.test());
        // changing rows after the test rows' own time must not change their predictions (no look-ahead) ...
        double[][] x = d.context().x();
        int last = d.test().index()[d.test().rows() - 1];
        int probe = d.test().index()[10];
        for (int r = probe + 1; r <= last; r++) {
            x[r][0] += 100;
        }
        float[][][] after = SameDiffTrainer.outputs(net, g, in, d.test());
        for (int i = 0; i <= 10; i++) {
            assertThat(after[0][i]).containsExactly(before[0][i]);
        }
        assertThat(after[0][11]).isNotEqualTo(before[0][11]);
    }

    @Test
    void aMissingStepIsMaskedNotZeroFilled() throws Exception {
        PreparedData d = TestData.lagged(400, 4);
        int row = d.test().index()[5];
        for (int c = 0; c < 4; c++) {
            d.context().x()[row - 2][c] = Double.NaN; // two steps back in the window of test row 5
        }
        ModelSpec s = TestData.spec(small().set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
        SdNet.Graph g = net.build(false);
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> in = new SdInputs(net.arch, d)
                .inputs(d.test(), new int[] {5});
        float[] masked = g.sd().output(in, g.outputs()).get(g.outputs().get(0)).toFloatVector();
        // whatever the masked step holds, the prediction is the same ...
        in.get(SdNet.X).putScalar(new long[] {0, 3, 0}, 1e3);
        in.get(SdNet.X).putScalar(new long[] {0, 3, 2}, -7);
        assertThat(g.sd().output(in, g.outputs()).get(g.outputs().get(0)).toFloatVector()).containsExactly(masked);
        // ... while the same change at a step that is present does change it
        in.get(SdNet.X).putScalar(new long[] {0, 4, 0}, 1e3);
        assertThat(g.sd().output(in, g.outputs()).get(g.outputs().get(0)).toFloatVector()).isNotEqualTo(masked);
    }

    @Test
    void aSavedModelReloadsWithIdenticalPredictionsAndTheSameSeedRepeats() throws Exception {
        PreparedData d = TestData.lagged(800, 11);
        ModelSpec s = TestData.spec(small().set("epochs", 3).set("dropout", 0.1).build(),
                DatasetOptions.Task.CLASSIFICATION);
        Path file = dir.resolve("model.zip");
        TrainingResult a = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE, file);
        TrainingResult b = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(a.ok()).as(a.failure()).isTrue();
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(b.test().probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
        SameDiffTrainer.State loaded = SdModelFile.read(file);
        SdNet net = loaded.net;
        TrainingResult.Predictions p = SameDiffTrainer.predict(net, net.build(false), new SdInputs(net.arch, d),
                d.test(), true);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(p.probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
        assertThat(loaded.updater).isNotEmpty();
        assertThat(loaded.epoch).isEqualTo(3);
        // a different seed gives a different model
        ModelSpec other = TestData.spec(small().set("epochs", 3).set("dropout", 0.1).set("seed", 7L).build(),
                DatasetOptions.Task.CLASSIFICATION);
        TrainingResult c = new Dl4jTrainer().train(other, d, ModelTrainer.Listener.NONE);
        assertThat(c.test().probabilities().row(0)).isNotEqualTo(a.test().probabilities().row(0));
    }

    @Test
    void warmStartsFromASavedModelOfTheSameArchitectureOnly() throws Exception {
        PreparedData d = TestData.lagged(600, 12);
        Path source = dir.resolve("source.zip");
        TrainingResult a = new Dl4jTrainer().train(TestData.spec(small().set("epochs", 3).build(),
                DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE, source);
        ModelSpec still = TestData.spec(small().set("epochs", 1).set("lr", 1e-9).set("seed", 99L).build(),
                DatasetOptions.Task.CLASSIFICATION);
        TrainingResult warm = new Dl4jTrainer().train(still, d, ModelTrainer.Listener.NONE, null, source);
        assertThat(warm.ok()).as(warm.failure()).isTrue();
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(warm.test().probabilities().get(i, 1)).isCloseTo(a.test().probabilities().get(i, 1),
                    org.assertj.core.api.Assertions.within(1e-4));
        }
        TrainingResult wider = new Dl4jTrainer().train(TestData.spec(small().set("dModel", 32).build(),
                DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE, null, source);
        assertThat(wider.ok()).isFalse();
        assertThat(wider.failure()).contains("warmStart: weight").contains("warm start needs the same architecture");
    }

    @Test
    void windowsLongerThanTheModelWidthTrain() throws Exception {
        // found on real data: ND4J's strided-slice gradient failed once the window was longer than dModel
        PreparedData d = TestData.lagged(300, 13);
        TrainingResult r = new Dl4jTrainer().train(TestData.spec(small().set("sequenceLength", 24).set("epochs", 1)
                .build(), DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
    }

    @Test
    void badShapesAreClearFailures() throws Exception {
        PreparedData d = TestData.lagged(300, 1);
        TrainingResult r = new Dl4jTrainer().train(TestData.spec(small().set("dModel", 10).set("heads", 4).build(),
                DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).contains("dModel (10) must be a multiple of heads (4)");
    }
}
