package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The LSTM and BiLSTM graphs (ND4J's fused lstmLayer) compute the textbook LSTM equations, a gap in the bars ends a
 * window (nothing before it is read), a batch of mixed window lengths trains as the sum of its groups, and a saved
 * model reloads to the same predictions.
 */
class LstmTest {
    @TempDir
    Path dir;

    static ModelEntry.Builder small(ModelType type) {
        return ModelEntry.builder("seq", type).set("hidden", List.of(5)).set("sequenceLength", 6).set("dropout", 0.0)
                .set("epochs", 2).set("lr", 0.01).set("batchSize", 32);
    }

    @Test
    void theFusedOpComputesTheLstmEquationsForwardAndBothWays() throws Exception {
        PreparedData d = TestData.lagged(200, 5);
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelSpec s = TestData.spec(small(type).set("hidden", List.of(5, 3)).build(),
                    DatasetOptions.Task.CLASSIFICATION);
            SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
            SdNet.Graph g = net.build(false);
            int[] rows = {2, 3, 30};
            Map<String, INDArray> in = new SdInputs(net.arch, d).inputs(d.test(), rows);
            float[][] x = new float[6][];
            INDArray out = g.sd().output(in, g.outputs()).get(g.outputs().get(0));
            for (int b = 0; b < rows.length; b++) {
                for (int k = 0; k < 6; k++) {
                    x[k] = in.get(SdNet.X).get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(k),
                            org.nd4j.linalg.indexing.NDArrayIndex.all()).toFloatVector();
                }
                float[][] seq = x;
                boolean bi = type == ModelType.BILSTM;
                float[][] h1 = layer(net, "lstm0", seq, bi, false);
                float[] last = layer(net, "lstm1", h1, bi, true)[0];
                float[] p = head(net, last);
                assertThat(out.getRow(b).toFloatVector()).as(type.id()).containsExactly(p, within(1e-5f));
            }
        }
    }

    /**
     * One layer by the equations: i, f, g, o from x·Wx + h·Wr + b (gate blocks in that order), c = f·c + i·g,
     * h = o·tanh(c); both directions concatenated for a BiLSTM. {@code lastOnly}: the final states (forward after
     * the last step, backward after the first) as one row.
     */
    private static float[][] layer(SdNet net, String n, float[][] x, boolean bi, boolean lastOnly) {
        INDArray wx = net.params.get(n + "_Wx");
        INDArray wr = net.params.get(n + "_Wr");
        INDArray b = net.params.get(n + "_b");
        int dirs = bi ? 2 : 1;
        int u = (int) wr.size(bi ? 1 : 0);
        float[][] out = new float[x.length][u * dirs];
        float[] lastH = new float[u * dirs];
        for (int dir = 0; dir < dirs; dir++) {
            INDArray dwx = bi ? wx.slice(dir) : wx;
            INDArray dwr = bi ? wr.slice(dir) : wr;
            INDArray db = bi ? b.slice(dir) : b;
            float[] h = new float[u];
            float[] c = new float[u];
            for (int step = 0; step < x.length; step++) {
                int t = dir == 0 ? step : x.length - 1 - step;
                float[] z = new float[4 * u];
                for (int j = 0; j < 4 * u; j++) {
                    double v = db.getDouble(j);
                    for (int i = 0; i < x[t].length; i++) {
                        v += x[t][i] * dwx.getDouble(i, j);
                    }
                    for (int i = 0; i < u; i++) {
                        v += h[i] * dwr.getDouble(i, j);
                    }
                    z[j] = (float) v;
                }
                for (int j = 0; j < u; j++) {
                    double ig = sigmoid(z[j]);
                    double fg = sigmoid(z[u + j]);
                    double gg = Math.tanh(z[2 * u + j]);
                    double og = sigmoid(z[3 * u + j]);
                    c[j] = (float) (fg * c[j] + ig * gg);
                    h[j] = (float) (og * Math.tanh(c[j]));
                }
                System.arraycopy(h, 0, out[t], dir * u, u);
            }
            System.arraycopy(h, 0, lastH, dir * u, u);
        }
        return lastOnly ? new float[][] {lastH} : out;
    }

    private static float[] head(SdNet net, float[] h) {
        INDArray w = net.params.get("head0_W");
        INDArray b = net.params.get("head0_b");
        int k = (int) w.size(1);
        double[] z = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            z[j] = b.getDouble(j);
            for (int i = 0; i < h.length; i++) {
                z[j] += h[i] * w.getDouble(i, j);
            }
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(z[j] - max);
        }
        float[] p = new float[k];
        for (int j = 0; j < k; j++) {
            p[j] = (float) (Math.exp(z[j] - max) / sum);
        }
        return p;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @Test
    void theKernelGivesTheGraphsOutputsLossAndGradients() throws Exception {
        PreparedData d = TestData.lagged(300, 8);
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelSpec s = TestData.spec(small(type).set("hidden", List.of(5, 3)).set("dropout", 0.3).build(),
                    DatasetOptions.Task.CLASSIFICATION);
            SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
            SdNet.Graph g = net.build(true);
            SdNet.Graph infer = net.build(false);
            int[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // windows of 6 steps
            SdInputs in = new SdInputs(net.arch, d);
            Map<String, INDArray> ph = new java.util.HashMap<>(in.inputs(d.train(), rows));
            SameDiffTrainer.targets(net.arch, d, in, d.train(), rows, SameDiffTrainer.rows(d.train()), ph,
                    new double[] {0.7});
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            Map<String, INDArray> masks = new java.util.HashMap<>();
            for (SdNet.Dropout drop : g.dropouts()) {
                long[] shape = drop.perExample() == 0 ? new long[] {rows.length, 6, drop.width()}
                        : new long[] {rows.length, drop.width()};
                INDArray m = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
                for (long i = 0; i < m.length(); i++) {
                    m.putScalar(i, rnd.nextDouble() < 0.3 ? 0 : 1 / 0.7);
                }
                masks.put(drop.name(), m);
            }
            assertThat(masks).hasSize(2);
            ph.putAll(masks);
            List<String> names = new java.util.ArrayList<>(net.params.keySet());
            org.nd4j.autodiff.samediff.api.OutAndGrad og = g.sd().calculateGradientsAndOutputs(ph,
                    List.of(SdNet.LOSS), names);
            LstmKernel kernel = new LstmKernel(net);
            LstmKernel.Pass pass = kernel.lossAndGradients(ph.get(SdNet.X), ph.get(SdNet.label(0)),
                    ph.get(SdNet.weight(0)), 0.7, masks);
            assertThat(pass.loss()).as(type.id()).isCloseTo(og.getOutputs().get(SdNet.LOSS).getDouble(0),
                    within(1e-5));
            assertThat(pass.gradients().keySet()).containsExactlyInAnyOrderElementsOf(names);
            for (String n : names) {
                float[] want = og.getGradients().get(n).dup().data().asFloat();
                float[] got = pass.gradients().get(n).dup().data().asFloat();
                assertThat(got).as(type.id() + " " + n).containsExactly(want, within(2e-6f));
            }
            float[] graph = infer.sd().output(Map.of(SdNet.X, ph.get(SdNet.X)), infer.outputs()).get(infer.outputs().get(0)).dup().data()
                    .asFloat();
            assertThat(kernel.predict(ph.get(SdNet.X)).dup().data().asFloat()).containsExactly(graph,
                    within(1e-6f));
        }
    }

    @Test
    void aKernelKeepsNothingFromALargerBatchBefore() throws Exception {
        // the kernel keeps its per-batch arrays: a smaller batch of shorter windows after a larger one must give
        // exactly what a fresh kernel gives, for every layer, direction and dropout site
        PreparedData d = TestData.lagged(400, 8);
        long[] t = d.context().time();
        for (int r = 0; r < t.length; r++) {
            t[r] += (r / 50) * 120_000L; // gaps: windows of several lengths
        }
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelSpec s = TestData.spec(small(type).set("hidden", List.of(5, 3)).set("dropout", 0.3).build(),
                    DatasetOptions.Task.CLASSIFICATION);
            SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
            SdNet.Graph g = net.build(true);
            SdInputs in = new SdInputs(net.arch, d);
            int[] big = java.util.stream.IntStream.range(0, 40).toArray();
            int seq = net.arch.seqLen();
            int[] small = java.util.stream.IntStream.range(0, d.train().rows())
                    .filter(i -> in.run(d.train().index()[i], seq) == 3).limit(3).toArray(); // just after a gap
            LstmKernel reused = new LstmKernel(net);
            Map<String, INDArray> first = batch(net, g, in, d, big);
            reused.lossAndGradients(first.get(SdNet.X), first.get(SdNet.label(0)), first.get(SdNet.weight(0)), 1.0,
                    first);
            // four full windows: their gradient rows land where the next batch's layout has none of its own
            int[] four = java.util.stream.IntStream.range(0, d.train().rows())
                    .filter(i -> in.run(d.train().index()[i], seq) == seq).limit(4).toArray();
            Map<String, INDArray> mid = batch(net, g, in, d, four);
            reused.lossAndGradients(mid.get(SdNet.X), mid.get(SdNet.label(0)), mid.get(SdNet.weight(0)), 1.0, mid);
            reused.predict(in.inputs(d.test(), java.util.stream.IntStream.range(0, 30).toArray()).get(SdNet.X));
            Map<String, INDArray> second = batch(net, g, in, d, small);
            assertThat(second.get(SdNet.X).size(1)).as("shorter windows").isLessThan(first.get(SdNet.X).size(1));
            LstmKernel.Pass again = reused.lossAndGradients(second.get(SdNet.X), second.get(SdNet.label(0)),
                    second.get(SdNet.weight(0)), 1.0, second);
            LstmKernel.Pass fresh = new LstmKernel(net).lossAndGradients(second.get(SdNet.X),
                    second.get(SdNet.label(0)), second.get(SdNet.weight(0)), 1.0, second);
            assertThat(again.loss()).as(type.id()).isEqualTo(fresh.loss());
            for (String n : fresh.gradients().keySet()) {
                assertThat(again.gradients().get(n).dup().data().asFloat()).as(type.id() + " " + n)
                        .containsExactly(fresh.gradients().get(n).dup().data().asFloat());
            }
            INDArray x = second.get(SdNet.X);
            assertThat(reused.predict(x).dup().data().asFloat())
                    .containsExactly(new LstmKernel(net).predict(x).dup().data().asFloat());
            reused.release(); // and after letting go of everything it works again
            assertThat(reused.predict(x).dup().data().asFloat())
                    .containsExactly(new LstmKernel(net).predict(x).dup().data().asFloat());
        }
    }

    /**
     * A prediction pass over windows that share their rows (each row's input product made once, no window copied)
     * gives what the same windows copied out give, for both directions and two layers: consecutive windows, windows
     * with holes between them, windows too far apart to share rows (the copying path), and shorter windows after a
     * gap; and the part's stored predictions are those outputs.
     */
    @Test
    void windowsOfSharedRowsPredictWhatCopiedWindowsPredict() throws Exception {
        PreparedData d = TestData.lagged(600, 8);
        long[] t = d.context().time();
        for (int r = 0; r < t.length; r++) {
            t[r] += (r / 70) * 120_000L; // gaps: windows of several lengths
        }
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelSpec s = TestData.spec(small(type).set("hidden", List.of(5, 3)).build(),
                    DatasetOptions.Task.CLASSIFICATION);
            SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
            SdInputs in = new SdInputs(net.arch, d);
            LstmKernel kernel = new LstmKernel(net);
            int seq = net.arch.seqLen();
            PreparedData.Part part = d.train();
            int[] all = java.util.stream.IntStream.range(0, part.rows()).toArray();
            int[] full = java.util.Arrays.stream(all).filter(i -> in.run(part.index()[i], seq) == seq).toArray();
            int[] holes = java.util.Arrays.stream(full).filter(i -> i % 3 != 1).limit(40).toArray();
            int[] apart = java.util.Arrays.stream(full).filter(i -> i % 25 == 0).toArray();
            int[] shorter = java.util.Arrays.stream(all).filter(i -> in.run(part.index()[i], seq) == 2).toArray();
            assertThat(apart.length).isGreaterThan(3);
            assertThat(shorter.length).isGreaterThan(1);
            for (int[] rows : List.of(java.util.Arrays.copyOf(full, 50), holes, apart, shorter)) {
                int[] ends = java.util.Arrays.stream(rows).map(i -> part.index()[i]).toArray();
                int len = in.run(ends[0], seq);
                float[] want = kernel.predict(in.inputs(part, rows).get(SdNet.X)).dup().data().asFloat();
                float[] got = kernel.predictWindows(in.contextRows(), ends, len).dup().data().asFloat();
                assertThat(got).as(type.id() + " " + rows.length + " windows of " + len).containsExactly(want,
                        within(1e-6f));
            }
            // a whole part through the trainer's prediction pass: each row's output is its copied window's
            float[][] outs = SameDiffTrainer.outputs(net, net.build(false), in, part)[0];
            for (int i : new int[] {full[0], full[full.length - 1], shorter[0]}) {
                float[] one = kernel.predict(in.inputs(part, new int[] {i}).get(SdNet.X)).dup().data().asFloat();
                assertThat(outs[i]).as(type.id() + " row " + i).containsExactly(one, within(1e-6f));
            }
        }
    }

    /** The inputs, targets and dropout masks of training rows {@code rows} (of one window length). */
    private static Map<String, INDArray> batch(SdNet net, SdNet.Graph g, SdInputs in, PreparedData d, int[] rows) {
        List<int[]> groups = in.groups(d.train(), rows);
        int[] one = java.util.Arrays.stream(groups.get(0)).map(i -> rows[i]).toArray();
        Map<String, INDArray> ph = new java.util.HashMap<>(in.inputs(d.train(), one));
        SameDiffTrainer.targets(net.arch, d, in, d.train(), one, SameDiffTrainer.rows(d.train()), ph,
                new double[] {1.0});
        long steps = ph.get(SdNet.X).size(1);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(rows.length);
        for (SdNet.Dropout drop : g.dropouts()) {
            long[] shape = drop.perExample() == 0 ? new long[] {one.length, steps, drop.width()}
                    : new long[] {one.length, drop.width()};
            INDArray m = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
            for (long i = 0; i < m.length(); i++) {
                m.putScalar(i, rnd.nextDouble() < 0.3 ? 0 : 1 / 0.7);
            }
            ph.put(drop.name(), m);
        }
        return ph;
    }

    @Test
    void theKernelsTanhAndSigmoidAreFloatAccurate() {
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int i = -400_000; i <= 400_000; i++) {
            float v = i * 5e-5f; // -20 .. 20, both saturated ends included
            worstTanh = Math.max(worstTanh, Math.abs(LstmKernel.tanh(v) - Math.tanh(v)));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(LstmKernel.sigmoid(v) - sigmoid(v)));
        }
        assertThat(worstTanh).isLessThan(4e-7);
        assertThat(worstSigmoid).isLessThan(4e-7);
        assertThat(LstmKernel.tanh(0f)).isZero();
        assertThat(LstmKernel.tanh(1e-3f)).isCloseTo((float) Math.tanh(1e-3), within(1e-10f)); // relative near 0
        assertThat(LstmKernel.tanh(-3.7f)).isEqualTo(-LstmKernel.tanh(3.7f));
        assertThat(LstmKernel.tanh(1e30f)).isCloseTo(1f, within(1e-6f));
        assertThat(LstmKernel.sigmoid(-1e30f)).isCloseTo(0f, within(1e-6f));
        assertThat(LstmKernel.tanh(Float.NaN)).isNaN(); // a NaN reaches the loss, which refuses it
    }

    @Test
    void theForgetGateStartsOpen() throws Exception {
        PreparedData d = TestData.lagged(200, 5);
        SdNet net = new SdNet(SameDiffTrainer.arch(TestData.spec(small(ModelType.BILSTM).build(),
                DatasetOptions.Task.CLASSIFICATION), d));
        net.build(false);
        INDArray b = net.params.get("lstm0_b");
        for (int dir = 0; dir < 2; dir++) {
            for (int j = 0; j < 20; j++) {
                assertThat(b.getDouble(dir, j)).isEqualTo(j >= 5 && j < 10 ? 1.0 : 0.0);
            }
        }
    }

    @Test
    void aGapEndsTheWindowAndNothingBeforeItIsRead() throws Exception {
        PreparedData d = TestData.lagged(300, 6);
        long[] t = d.context().time();
        int row = d.test().index()[10];
        for (int r = row - 2; r < t.length; r++) {
            t[r] += 3_600_000L; // an hour missing before bar row-2: the row's window is bars row-2, row-1 and row
        }
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelSpec s = TestData.spec(small(type).build(), DatasetOptions.Task.CLASSIFICATION);
            SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
            SdNet.Graph g = net.build(false);
            SdInputs in = new SdInputs(net.arch, d);
            assertThat(in.run(row, 6)).isEqualTo(3);
            assertThat(in.run(row + 4, 6)).isEqualTo(6);
            assertThat(in.inputs(d.test(), new int[] {10}).get(SdNet.X).shape()).containsExactly(1, 3, 4);
            float[][][] before = SameDiffTrainer.outputs(net, g, in, d.test());
            double[][] x = d.context().x();
            double[] saved = x[row - 3].clone();
            // the inputs read the context once (a copy as floats): new inputs after each change
            java.util.Arrays.fill(x[row - 3], 50.0); // before the gap: not in the window
            float[][][] after = SameDiffTrainer.outputs(net, g, new SdInputs(net.arch, d), d.test());
            assertThat(after[0][10]).as(type.id()).containsExactly(before[0][10]);
            x[row - 3] = saved;
            java.util.Arrays.fill(x[row - 1], 50.0); // after the gap: in the window
            assertThat(SameDiffTrainer.outputs(net, g, new SdInputs(net.arch, d), d.test())[0][10]).as(type.id())
                    .isNotEqualTo(before[0][10]);
            java.util.Arrays.fill(x[row - 1], 0.0);
        }
    }

    @Test
    void mixedWindowLengthsTrainAndASavedModelReloads() throws Exception {
        PreparedData d = TestData.lagged(600, 9);
        long[] t = d.context().time();
        for (int r = 0; r < t.length; r++) {
            t[r] += (r / 37) * 120_000L; // a gap every 37 bars: many batches hold windows of several lengths
        }
        ModelSpec s = TestData.spec(small(ModelType.LSTM).set("dropout", 0.2).set("hidden", List.of(6, 4)).build(),
                DatasetOptions.Task.CLASSIFICATION);
        Path file = dir.resolve("lstm.zip");
        TrainingResult a = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE, file);
        assertThat(a.ok()).as(a.failure()).isTrue();
        assertThat(a.curves()).hasSize(2);
        assertThat(a.curves().get(1).trainLoss()).isFinite();
        SdInputs probe = new SdInputs(SameDiffTrainer.arch(s, d), d);
        int[] all = java.util.stream.IntStream.range(0, d.train().rows()).toArray();
        assertThat(probe.groups(d.train(), all).size()).isEqualTo(6);
        SameDiffTrainer.State loaded = SdModelFile.read(file);
        SdNet net = loaded.net;
        TrainingResult.Predictions p = SameDiffTrainer.predict(net, net.build(false), new SdInputs(net.arch, d),
                d.test(), true);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(p.probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
        TrainingResult again = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(again.test().probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
    }

    /**
     * Fine-tuning steps a network with its training's optimizer: AdamW's decoupled weight decay shrinks every weight by
     * lr x wd beyond the Adam step, SGD keeps Nesterov's one moment per weight, and the gradient's global norm is
     * clipped (one fresh Nesterov step of a clipped gradient moves the weights by (1 + momentum) x lr x clip).
     */
    @Test
    void fineTuningStepsWithTheTrainingsOptimizer() throws Exception {
        PreparedData d = TestData.lagged(200, 5);
        ModelSpec s = TestData.spec(small(ModelType.LSTM).build(), DatasetOptions.Task.CLASSIFICATION);
        SdNet net = new SdNet(SameDiffTrainer.arch(s, d));
        net.build(false);
        Path file = dir.resolve("lstm.zip");
        SdModelFile.write(file, new SameDiffTrainer.State(net));
        double lr = 0.01;
        double wd = 3;
        SameDiffTrainer.State plain = SdModelFile.read(file);
        SameDiffTrainer.State decayed = SdModelFile.read(file);
        assertThat(SameDiffTrainer.fineTune(plain, d, new Optimizer("adamw", 0, 0, 0, 0), lr, 1, 7)).isTrue();
        assertThat(SameDiffTrainer.fineTune(decayed, d, new Optimizer("adamw", 0, wd, 0, 0), lr, 1, 7)).isTrue();
        for (Map.Entry<String, INDArray> e : net.params.entrySet()) {
            float[] before = e.getValue().ravel().toFloatVector();
            float[] a = plain.net.params.get(e.getKey()).ravel().toFloatVector();
            float[] b = decayed.net.params.get(e.getKey()).ravel().toFloatVector();
            for (int i = 0; i < before.length; i++) {
                assertThat(a[i] - b[i]).as("%s[%d]", e.getKey(), i).isCloseTo((float) (lr * wd * before[i]),
                        within(1e-5f));
            }
        }
        double momentum = 0.9;
        double clip = 1e-3;
        SameDiffTrainer.State sgd = SdModelFile.read(file);
        assertThat(SameDiffTrainer.fineTune(sgd, d, new Optimizer("sgd", momentum, 0, clip, 0), lr, 1, 7)).isTrue();
        double moved = 0;
        for (Map.Entry<String, INDArray> e : net.params.entrySet()) {
            assertThat(sgd.updater.get(e.getKey()).length()).as("Nesterov's one moment per weight of %s", e.getKey())
                    .isEqualTo(e.getValue().length());
            moved += Math.pow(sgd.net.params.get(e.getKey()).sub(e.getValue()).norm2Number().doubleValue(), 2);
        }
        assertThat(Math.sqrt(moved)).isCloseTo((1 + momentum) * lr * clip, within(1e-7));
    }
}
