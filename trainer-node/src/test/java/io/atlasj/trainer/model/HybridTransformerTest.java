package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hybrid multi-timeframe transformer on the columns of the multi-timeframe featureset (5m base; 15m, 1h and 4h
 * features): columns grouped by timeframe, windows at each timeframe's stride, a missing timeframe masked. That it
 * learns is {@link HybridTransformerLearnsIT} (about 20 to 40 s on one core).
 */
class HybridTransformerTest {
    static final String LABEL = "TripleBarrier(12, 0.005, 0.005)";
    static final long BAR = 300_000L;

    @TempDir
    Path dir;

    static ModelEntry.Builder small() {
        return ModelEntry.builder("hy", ModelType.HYBRID_TRANSFORMER).set("dModel", 16).set("heads", 2)
                .set("layers", 1).set("timeframes", List.of("5m", "15m", "1h")).set("windowLength", 4)
                .set("dropout", 0.0).set("candleLossWeight", 0.1).set("epochs", 15).set("lr", 0.005)
                .set("batchSize", 64);
    }

    static ModelSpec spec(ModelEntry e) throws Exception {
        return TestData.spec(e, DatasetOptions.Task.CLASSIFICATION, "multi-timeframe", LABEL);
    }

    /**
     * 11 random columns on 5-minute rows; the class is whether the 1-hour return one hour ago (column 4, 12 rows
     * back) plus the 15-minute return 15 minutes ago (column 2, 3 rows back) is positive: only the 1h and 15m windows
     * hold both.
     */
    static PreparedData data(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][11];
        double[] y = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 11; c++) {
                x[i][c] = r.nextGaussian();
            }
            t[i] = i * BAR;
        }
        for (int i = 0; i < n; i++) {
            y[i] = i >= 12 && x[i - 12][4] + x[i - 3][2] > 0 ? 1 : 0;
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 2, TestData.sub(t, x, y, 40, a),
                TestData.sub(t, x, y, a, b), TestData.sub(t, x, y, b, n), null, null, 0, 1,
                new PreparedData.Context(t, x, BAR));
    }

    @Test
    void columnsAreGroupedByTimeframeWithTheBaseFirst() throws Exception {
        List<SdNet.Group> g = SameDiffTrainer.groups(spec(small().build()), 11);
        assertThat(g).extracting(SdNet.Group::stride).containsExactly(1, 3, 12);
        assertThat(g.get(0).columns()).containsExactly(0, 1, 9, 10);
        assertThat(g.get(1).columns()).containsExactly(2, 3);
        assertThat(g.get(2).columns()).containsExactly(4, 5, 6); // the 4h columns 7 and 8 are not encoded
        assertThat(g.get(2).name()).endsWith(" 1h");
    }

    @Test
    void aMissingTimeframeIsMaskedInTheCrossAttention() throws Exception {
        PreparedData d = data(400, 6);
        int i = 7;
        int row = d.test().index()[i];
        for (int c : new int[] {4, 5, 6}) {
            d.context().x()[row][c] = Double.NaN; // the 1h timeframe has no value at this row
        }
        SdNet net = new SdNet(SameDiffTrainer.arch(spec(small().build()), d));
        SdInputs in = new SdInputs(net.arch, d);
        assertThat(in.timeframesPresent(d.test(), new int[] {i, i + 1})).isDeepEqualTo(new boolean[][] {
                {true, true, false}, {true, true, true}});
        SdNet.Graph g = net.build(false);
        Map<String, INDArray> ph = in.inputs(d.test(), new int[] {i});
        float[] before = g.sd().output(ph, g.outputs()).get(g.outputs().get(0)).toFloatVector();
        INDArray hour = ph.get(SdNet.groupX(2));
        for (long k = 0; k < hour.length(); k++) {
            hour.putScalar(k, 1000.0 * Math.sin(k)); // arbitrary values in every step of the masked timeframe
        }
        assertThat(g.sd().output(ph, g.outputs()).get(g.outputs().get(0)).toFloatVector()).containsExactly(before);
        INDArray quarter = ph.get(SdNet.groupX(1)); // the same change to a present timeframe changes the output
        for (long k = 0; k < quarter.length(); k++) {
            quarter.putScalar(k, 1000.0 * Math.sin(k));
        }
        assertThat(g.sd().output(ph, g.outputs()).get(g.outputs().get(0)).toFloatVector()).isNotEqualTo(before);
    }

    @Test
    void reloadsExactlyAndRepeatsForTheSameSeed() throws Exception {
        PreparedData d = data(600, 7);
        ModelSpec s = spec(small().set("epochs", 2).set("dropout", 0.1).build());
        Path file = dir.resolve("m.zip");
        TrainingResult a = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE, file);
        TrainingResult b = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(a.ok()).as(a.failure()).isTrue();
        SdNet net = SdModelFile.read(file).net;
        TrainingResult.Predictions p = SameDiffTrainer.predict(net, net.build(false), new SdInputs(net.arch, d),
                d.test(), true);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(b.test().probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
            assertThat(p.probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
    }

    @Test
    void timeframesWithoutFeaturesAreClearErrors() throws Exception {
        TrainingResult r = new Dl4jTrainer().train(spec(small().set("timeframes", List.of("5m", "1d")).build()),
                data(300, 1), ModelTrainer.Listener.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).contains("timeframe 1d has no features in featureset multi-timeframe")
                .contains("its timeframes: 5m, 15m, 1h, 4h");
    }
}
