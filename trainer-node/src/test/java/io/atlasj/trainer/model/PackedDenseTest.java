package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Packed training: each model of a pack gives what it gives trained alone (every epoch's losses and every prediction,
 * within float tolerance), models learn, keep their own early stopping, and their saved DL4J files reproduce their
 * predictions.
 */
class PackedDenseTest {

    /** Classes from the sign of x0 + x1 (classification), or y = 2 x0 - x1 + noise (regression). */
    static PreparedData rule(int n, long seed, boolean classify) {
        return rule(n, seed, classify ? 2 : 0);
    }

    /**
     * {@code classes} classes from x0 + x1 (2: its sign; 3: below -0.6, up to 0.6, above), or with none a regression
     * y = 2 x0 - x1 + noise.
     */
    static PreparedData rule(int n, long seed, int classes) {
        return rule(n, seed, classes, 5);
    }

    /** As {@link #rule(int, long, int)} with {@code features} inputs (at least 2; those past x1 are noise). */
    static PreparedData rule(int n, long seed, int classes, int features) {
        Random r = new Random(seed);
        double[][] x = new double[n][features];
        double[] y = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < features; c++) {
                x[i][c] = r.nextGaussian();
            }
            t[i] = i * 60_000L;
            double v = 2 * x[i][0] - x[i][1];
            double s = x[i][0] + x[i][1];
            y[i] = classes == 0 ? v + 0.1 * r.nextGaussian() : classes == 2 ? (s > 0 ? 1 : 0)
                    : s < -0.6 ? 0 : s < 0.6 ? 1 : 2;
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, classes > 0 ? DatasetOptions.Task.CLASSIFICATION : DatasetOptions.Task.REGRESSION,
                classes, TestData.sub(t, x, y, 0, a), TestData.sub(t, x, y, a, b), TestData.sub(t, x, y, b, n),
                null, null, 0, 1, new PreparedData.Context(t, x, 60_000L));
    }

    static ModelSpec dnn(long seed, double lr, double l2, double dropout, double clip, int patience) throws Exception {
        return TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4)).set("l2", l2)
                .set("dropout", dropout).set("lr", lr).set("clip", clip).set("epochs", 6).set("patience", patience)
                .set("batchSize", 64).set("seed", seed).build(), DatasetOptions.Task.CLASSIFICATION);
    }

    static List<TrainingResult> train(List<ModelSpec> specs, PreparedData d, List<Path> files) {
        return PackedDense.train(specs, d, Collections.nCopies(specs.size(), ModelTrainer.Listener.NONE), files);
    }

    @Test
    void eachModelOfAPackEqualsTheSameModelTrainedAlone() throws Exception {
        PreparedData d = rule(1_500, 7, true);
        List<ModelSpec> specs = List.of(dnn(1, 0.01, 0.0, 0.0, 0.0, 0), dnn(2, 0.003, 0.01, 0.2, 0.0, 0),
                dnn(3, 0.03, 0.001, 0.0, 0.5, 0), dnn(4, 0.3, 0.0, 0.1, 0.0, 1));
        List<TrainingResult> packed = train(specs, d, null);
        for (int j = 0; j < specs.size(); j++) {
            TrainingResult alone = train(List.of(specs.get(j)), d, null).get(0);
            TrainingResult p = packed.get(j);
            assertThat(p.ok()).as(p.failure()).isTrue();
            assertThat(p.curves()).hasSameSizeAs(alone.curves());
            assertThat(p.bestEpoch()).isEqualTo(alone.bestEpoch());
            for (int e = 0; e < p.curves().size(); e++) {
                assertThat(p.curves().get(e).trainLoss()).isCloseTo(alone.curves().get(e).trainLoss(), within(1e-5));
                assertThat(p.curves().get(e).validationLoss())
                        .isCloseTo(alone.curves().get(e).validationLoss(), within(1e-5));
            }
            for (int i = 0; i < d.test().rows(); i++) {
                assertThat(p.test().probabilities().get(i, 1)).isCloseTo(alone.test().probabilities().get(i, 1), within(1e-5));
            }
        }
        // the models differ from each other (their own seeds, rates and penalties), and they learn the rule
        assertThat(packed.get(0).curves().get(0).trainLoss()).isNotEqualTo(packed.get(1).curves().get(0).trainLoss());
        assertThat(TestData.accuracy(packed.get(0).test(), d.test())).isGreaterThan(0.9);
        assertThat(TestData.accuracy(packed.get(2).test(), d.test())).isGreaterThan(0.9);
    }

    @Test
    void everyEpochsValidationLossAndMetricAreThoseOfThePredictions() throws Exception {
        // a composite score needs the validation outputs, so its model's epochs are scored from them (Scores' way);
        // any other monitor scores in one pass that keeps no outputs: the two must give the same figures
        for (int classes : new int[]{3, 0}) {
            PreparedData d = rule(3_000, 5, classes); // 600 validation rows: more than one of score's chunks
            DatasetOptions.Task task = classes > 0 ? DatasetOptions.Task.CLASSIFICATION
                    : DatasetOptions.Task.REGRESSION;
            List<TrainingResult> byMonitor = new ArrayList<>();
            for (String monitor : List.of("val_loss", "val_composite")) {
                ModelSpec m = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(6))
                        .set("lr", 0.01).set("epochs", 4).set("batchSize", 64).set("seed", 9L)
                        .set("monitor", monitor).build(), task);
                byMonitor.add(train(List.of(m), d, null).get(0));
            }
            List<TrainingResult.Epoch> lean = byMonitor.get(0).curves();
            List<TrainingResult.Epoch> full = byMonitor.get(1).curves();
            assertThat(lean).hasSize(4).hasSameSizeAs(full);
            for (int e = 0; e < lean.size(); e++) {
                // the same probabilities; the lean pass sums the logs of products of sixteen rows (within 4e-15 each)
                assertThat(lean.get(e).validationLoss()).isCloseTo(full.get(e).validationLoss(), within(1e-14));
                assertThat(lean.get(e).validationMetric()).isEqualTo(full.get(e).validationMetric());
            }
            // and the kept epoch's figures are the loss and metric of the validation predictions (its weights')
            TrainingResult r = byMonitor.get(0);
            TrainingResult.Epoch best = lean.stream().filter(e -> e.epoch() == r.bestEpoch()).findFirst().orElseThrow();
            boolean classify = classes > 0;
            assertThat(best.validationLoss())
                    .isCloseTo(Scores.loss(r.validation(), d.validation().y(), classify), within(1e-12));
            assertThat(best.validationMetric())
                    .isCloseTo(Scores.metric(r.validation(), d.validation().y(), classify), within(1e-12));
        }
    }

    @Test
    void withoutDropoutAPackedModelEqualsTheSameModelTrainedByDl4j() throws Exception {
        // the pack starts from DL4J's own initialisation for the seed, draws the same shuffle, and applies the same
        // Adam, L2 and clipping: with no dropout (whose masks come from ND4J's generator in DL4J) the two agree
        PreparedData d = rule(1_200, 12, true);
        ModelSpec s = dnn(21, 0.01, 0.001, 0.0, 1.0, 0);
        TrainingResult packed = train(List.of(s, dnn(22, 0.03, 0, 0, 0, 0)), d, null).get(0);
        TrainingResult dl4j = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        assertThat(packed.curves()).hasSameSizeAs(dl4j.curves());
        for (int e = 0; e < packed.curves().size(); e++) {
            assertThat(packed.curves().get(e).validationLoss())
                    .isCloseTo(dl4j.curves().get(e).validationLoss(), within(1e-4));
        }
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(packed.test().probabilities().get(i, 1)).isCloseTo(dl4j.test().probabilities().get(i, 1), within(1e-4));
        }
    }

    @Test
    void aWideLayerOnOpenBlasEqualsDl4j() throws Exception {
        // a 40-by-32 layer runs on OpenBLAS (its forward pass, its weight and input gradients), the layers around it
        // in Java's loops
        PreparedData d = rule(1_500, 19, 3);
        ModelSpec wide = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(40, 32))
                .set("lr", 0.003).set("l2", 0.001).set("epochs", 4).set("patience", 0).set("batchSize", 64)
                .set("seed", 5L).build(), DatasetOptions.Task.CLASSIFICATION);
        ModelSpec other = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(40, 32))
                .set("lr", 0.01).set("epochs", 4).set("patience", 0).set("batchSize", 64).set("seed", 6L).build(),
                DatasetOptions.Task.CLASSIFICATION);
        TrainingResult packed = train(List.of(wide, other), d, null).get(0);
        TrainingResult dl4j = new Dl4jTrainer().train(wide, d, ModelTrainer.Listener.NONE);
        assertThat(packed.ok()).as(packed.failure()).isTrue();
        assertThat(packed.curves()).hasSize(4).hasSameSizeAs(dl4j.curves());
        for (int e = 0; e < packed.curves().size(); e++) {
            // (DL4J's training score adds the L2 penalty, so the validation losses are the ones to compare)
            assertThat(packed.curves().get(e).validationLoss()).as("epoch %d", e)
                    .isCloseTo(dl4j.curves().get(e).validationLoss(), within(1e-4));
        }
        for (int i = 0; i < d.test().rows(); i++) {
            for (int q = 0; q < 3; q++) {
                assertThat(packed.test().probabilities().get(i, q)).isCloseTo(dl4j.test().probabilities().get(i, q),
                        within(1e-4));
            }
        }
        assertThat(TestData.accuracy(packed.test(), d.test())).isGreaterThan(0.8);
    }

    @Test
    void aWideFirstLayerOnOpenBlasEqualsDl4jItselfAloneAndItsSavedFile(@TempDir Path dir) throws Exception {
        // 30 inputs to 40 units: the first layer's forward pass on OpenBLAS in training, predictions and importance
        for (int classes : new int[]{3, 0}) {
            PreparedData d = rule(2_000, 23, classes, 30);
            DatasetOptions.Task task = classes > 0 ? DatasetOptions.Task.CLASSIFICATION
                    : DatasetOptions.Task.REGRESSION;
            List<ModelSpec> specs = new ArrayList<>();
            for (double dropout : new double[]{0.0, 0.2}) {
                specs.add(TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(40))
                        .set("lr", 0.003).set("dropout", dropout).set("epochs", 3).set("patience", 0)
                        .set("batchSize", 64).set("seed", 31L).build(), task));
            }
            List<Path> files = List.of(dir.resolve("wide-" + classes + "-a.zip"),
                    dir.resolve("wide-" + classes + "-b.zip"));
            List<TrainingResult> packed = train(specs, d, files);
            TrainingResult dl4j = new Dl4jTrainer().train(specs.get(0), d, ModelTrainer.Listener.NONE);
            TrainingResult alone = train(List.of(specs.get(1)), d, null).get(0);
            for (int e = 0; e < 3; e++) {
                assertThat(packed.get(0).curves().get(e).validationLoss()).as("%d classes, epoch %d", classes, e)
                        .isCloseTo(dl4j.curves().get(e).validationLoss(), within(1e-4));
                assertThat(packed.get(1).curves().get(e).validationLoss()).as("dropout, %d classes, epoch %d",
                        classes, e).isCloseTo(alone.curves().get(e).validationLoss(), within(1e-5));
            }
            for (int j = 0; j < 2; j++) {
                double[] fromFile;
                try (Predictor p = Predictor.load(files.get(j), ModelType.DNN, 30)) {
                    fromFile = Importance.permutation(p, d, specs.get(j).seed());
                }
                for (int c = 0; c < 30; c++) {
                    assertThat(packed.get(j).importance()[c]).as("model %d input %d", j, c)
                            .isCloseTo(fromFile[c], within(1e-5));
                }
            }
            // the inputs the rule is made of matter more than the noise
            assertThat(packed.get(0).importance()[0]).isGreaterThan(5 * Math.abs(packed.get(0).importance()[29]));
        }
    }

    @Test
    void everyActivationAndOptimizerEqualsDl4j() throws Exception {
        // the packed loop's own arithmetic (each activation and its derivative, L1, Nesterov momentum, a regression's
        // squared error, a tail batch) against DL4J's layers and updaters, epoch by epoch (AdamW: below)
        record Case(String activation, String optimizer, double l1, double decay, boolean classify) {
        }
        List<Case> cases = List.of(new Case("tanh", "adam", 0, 0, true), new Case("sigmoid", "adam", 0.001, 0, true),
                new Case("leakyrelu", "sgd", 0, 0, true), new Case("relu", "adam", 0, 0, false));
        for (Case k : cases) {
            PreparedData d = rule(1_130, 14, k.classify());
            DatasetOptions.Task task = k.classify() ? DatasetOptions.Task.CLASSIFICATION
                    : DatasetOptions.Task.REGRESSION;
            ModelSpec s = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                    .set("activation", k.activation()).set("optimizer", k.optimizer()).set("l1", k.l1())
                    .set("weightDecay", k.decay()).set("lr", "sgd".equals(k.optimizer()) ? 0.05 : 0.01)
                    .set("epochs", 4).set("patience", 0).set("batchSize", 64).set("seed", 41L).build(), task);
            assertThat(PackedDense.packable(s)).as(k.toString()).isTrue();
            TrainingResult packed = train(List.of(s), d, null).get(0);
            TrainingResult dl4j = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
            assertThat(packed.ok()).as(packed.failure()).isTrue();
            assertThat(packed.curves()).as(k.toString()).hasSameSizeAs(dl4j.curves());
            for (int e = 0; e < packed.curves().size(); e++) {
                assertThat(packed.curves().get(e).validationLoss()).as("%s epoch %d", k, e)
                        .isCloseTo(dl4j.curves().get(e).validationLoss(), within(1e-4));
            }
            for (int i = 0; i < d.test().rows(); i++) {
                double p = k.classify() ? packed.test().probabilities().get(i, 1) : packed.test().values()[i];
                double q = k.classify() ? dl4j.test().probabilities().get(i, 1) : dl4j.test().values()[i];
                assertThat(p).as("%s row %d", k, i).isCloseTo(q, within(1e-4));
            }
        }
    }

    @Test
    void modelsSharingTheirShufflesEqualTheSameModelsAlone() throws Exception {
        // models of one seed share each batch and one product for their first layers' gradients: each must still get
        // its own (three classes; deep, with dropout, and logistic with L2 and clipping; a batch larger than the
        // training rows too)
        PreparedData d = rule(1_000, 15, 3);
        for (String shape : List.of("dnn", "logistic", "whole")) {
            List<ModelSpec> specs = new ArrayList<>();
            for (long seed = 51; seed <= 52; seed++) {
                for (double lr : new double[] {0.003, 0.03}) {
                    ModelEntry.Builder e = shape.equals("logistic")
                            ? ModelEntry.builder("lg", ModelType.LOGISTIC).set("l2", 0.001).set("clip", 0.5)
                            : ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                                    .set("dropout", shape.equals("dnn") ? 0.1 : 0.0).set("l2", 0.001);
                    specs.add(TestData.spec(e.set("lr", lr).set("epochs", 3).set("patience", 0)
                            .set("batchSize", shape.equals("whole") ? 4_096 : 50).set("seed", seed).build(),
                            DatasetOptions.Task.CLASSIFICATION));
                }
            }
            List<TrainingResult> packed = train(specs, d, null);
            for (int j = 0; j < specs.size(); j++) {
                TrainingResult alone = train(List.of(specs.get(j)), d, null).get(0);
                TrainingResult p = packed.get(j);
                assertThat(p.ok()).as(p.failure()).isTrue();
                for (int e = 0; e < p.curves().size(); e++) {
                    assertThat(p.curves().get(e).trainLoss()).as("%s model %d epoch %d", shape, j, e)
                            .isCloseTo(alone.curves().get(e).trainLoss(), within(1e-5));
                }
                for (int i = 0; i < d.test().rows(); i++) {
                    for (int q = 0; q < 3; q++) {
                        assertThat(p.test().probabilities().get(i, q)).isCloseTo(alone.test().probabilities().get(i, q),
                                within(1e-5));
                    }
                }
                for (int c = 0; c < 5; c++) {
                    assertThat(p.importance()[c]).isCloseTo(alone.importance()[c], within(1e-5));
                }
            }
            // the models learnt the three classes (above a third)
            assertThat(TestData.accuracy(packed.get(1).test(), d.test())).as(shape).isGreaterThan(0.6);
        }
    }

    @Test
    void adamWDecaysTheWeightsOnceAStepAsDl4jTrainingDoes() throws Exception {
        // lr * decay * w off the weights before each step (DL4J's WeightDecay as documented); DL4J's network applies
        // a coefficient twice a step, which Dl4jTrainer halves: packed or alone, an AdamW model is the same model
        PreparedData d = rule(1_130, 14, true);
        ModelEntry.Builder e = ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                .set("optimizer", "adamw").set("lr", 0.01).set("epochs", 4).set("patience", 0).set("batchSize", 64)
                .set("seed", 41L);
        ModelSpec s = TestData.spec(e.set("weightDecay", 0.2).build(), DatasetOptions.Task.CLASSIFICATION);
        ModelSpec none = TestData.spec(e.set("weightDecay", 0.0).build(), DatasetOptions.Task.CLASSIFICATION);
        TrainingResult packed = train(List.of(s), d, null).get(0);
        TrainingResult dl4j = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
        TrainingResult undecayed = train(List.of(none), d, null).get(0);
        for (int i = 0; i < packed.curves().size(); i++) {
            double v = packed.curves().get(i).validationLoss();
            assertThat(v).as("epoch %d", i).isCloseTo(dl4j.curves().get(i).validationLoss(), within(1e-4));
            // the decay is felt
            assertThat(Math.abs(v - undecayed.curves().get(i).validationLoss())).as("epoch %d", i).isGreaterThan(1e-3);
        }
    }

    @Test
    void geluNetworksPackAndEqualDl4jsAndTheirSavedFiles(@TempDir Path dir) throws Exception {
        // gelu is ND4J's op (x sigmoid(1.702 x)), as DL4J's Activation.GELU computes it
        PreparedData d = rule(1_200, 13, true);
        List<ModelSpec> specs = new ArrayList<>();
        for (long seed = 31; seed <= 33; seed++) {
            specs.add(TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                    .set("activation", "gelu").set("l2", 0.001).set("lr", 0.01).set("epochs", 5).set("patience", 0)
                    .set("batchSize", 64).set("seed", seed).build(), DatasetOptions.Task.CLASSIFICATION));
        }
        assertThat(specs).allMatch(PackedDense::packable);
        List<Path> files = List.of(dir.resolve("a.zip"), dir.resolve("b.zip"), dir.resolve("c.zip"));
        List<TrainingResult> packed = train(specs, d, files);
        for (int j = 0; j < specs.size(); j++) {
            TrainingResult dl4j = new Dl4jTrainer().train(specs.get(j), d, ModelTrainer.Listener.NONE);
            TrainingResult p = packed.get(j);
            assertThat(p.ok()).as(p.failure()).isTrue();
            assertThat(p.curves()).hasSameSizeAs(dl4j.curves());
            for (int e = 0; e < p.curves().size(); e++) {
                assertThat(p.curves().get(e).validationLoss()).as("model %d epoch %d", j, e)
                        .isCloseTo(dl4j.curves().get(e).validationLoss(), within(1e-4));
            }
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(files.get(j).toFile(), false);
            assertThat(net.getLayerWiseConfigurations().getConf(0).getLayer().toString()).containsIgnoringCase("gelu");
            float[][] x = new float[d.test().rows()][5];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < 5; c++) {
                    x[i][c] = (float) d.test().x()[i][c];
                }
            }
            INDArray out = net.output(Nd4j.create(x));
            for (int i = 0; i < x.length; i++) {
                assertThat(p.test().probabilities().get(i, 1)).isCloseTo(dl4j.test().probabilities().get(i, 1), within(1e-4));
                assertThat(out.getDouble(i, 1)).isCloseTo(p.test().probabilities().get(i, 1), within(1e-5));
            }
        }
        assertThat(TestData.accuracy(packed.get(0).test(), d.test())).isGreaterThan(0.9);
    }

    @Test
    void modelsStoppedByTheSearchLeaveThePackAndTheOthersTrainOnUnchanged() throws Exception {
        PreparedData d = rule(1_500, 9, true);
        List<ModelSpec> specs = new java.util.ArrayList<>();
        for (int j = 0; j < 8; j++) {
            specs.add(dnn(40 + j, 0.003 * (1 + j % 3), 0.001 * (j % 2), j % 4 == 0 ? 0.1 : 0.0, 0.0, 0));
        }
        // the search stops the even models after their second epoch: the pack narrows to the odd ones (and the
        // optimizer state, step count and kept weights go with them)
        List<ModelTrainer.Listener> stops = new java.util.ArrayList<>();
        for (int j = 0; j < 8; j++) {
            stops.add(stopAfter(j % 2 == 0 ? 2 : Integer.MAX_VALUE));
        }
        List<TrainingResult> packed = PackedDense.train(specs, d, stops, null);
        for (int j = 0; j < 8; j++) {
            TrainingResult alone = PackedDense.train(List.of(specs.get(j)), d,
                    List.of(stopAfter(j % 2 == 0 ? 2 : Integer.MAX_VALUE)), null).get(0);
            TrainingResult p = packed.get(j);
            assertThat(p.curves()).hasSize(j % 2 == 0 ? 2 : 6);
            assertThat(p.curves()).hasSameSizeAs(alone.curves());
            assertThat(p.bestEpoch()).isEqualTo(alone.bestEpoch());
            for (int e = 0; e < p.curves().size(); e++) {
                assertThat(p.curves().get(e).validationLoss())
                        .isCloseTo(alone.curves().get(e).validationLoss(), within(1e-5));
            }
            for (int i = 0; i < d.test().rows(); i++) {
                assertThat(p.test().probabilities().get(i, 1)).isCloseTo(alone.test().probabilities().get(i, 1), within(1e-5));
            }
        }
    }

    /** A listener that stops its model after {@code epochs} epochs. */
    private static ModelTrainer.Listener stopAfter(int epochs) {
        return new ModelTrainer.Listener() {
            @Override
            public String stop(TrainingResult.Epoch e) {
                return e.epoch() + 1 >= epochs ? "stopped after " + epochs : null;
            }
        };
    }

    /**
     * A pack cut short goes on from its checkpoint: trained without a break, and trained with a crash during epoch 4
     * and then again, the models give the same curves, kept epochs, predictions and importance. The second run trains
     * only the epochs after the checkpoint; the models that had left the pack (stopped by the search after two
     * epochs, or early by their own patience) keep their results; the finished pack deletes its checkpoint; and a
     * damaged checkpoint is set aside and the pack trains from the start.
     */
    @Test
    void aPackCutShortGoesOnFromItsCheckpoint(@TempDir Path dir) throws Exception {
        PreparedData d = rule(1_500, 9, true);
        List<ModelSpec> specs = new ArrayList<>();
        for (int j = 0; j < 8; j++) {
            specs.add(dnn(60 + j, 0.003 * (1 + j % 3), 0.001 * (j % 2), j % 4 == 1 ? 0.1 : 0.0, 0.0, 0));
        }
        // one of two epochs, which leaves the pack with the searched ones (its importance measured then), and one
        // whose rate of 3 overshoots: it stops by its own patience, and stays in the pack, idle, to the end
        specs.add(TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4)).set("lr", 0.01)
                .set("epochs", 2).set("batchSize", 64).set("seed", 68L).build(), DatasetOptions.Task.CLASSIFICATION));
        specs.add(TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4)).set("lr", 3.0)
                .set("epochs", 6).set("patience", 1).set("batchSize", 64).set("seed", 69L).build(),
                DatasetOptions.Task.CLASSIFICATION));
        int k = specs.size();
        int[] told = new int[k];
        String[] toldStopped = new String[k];
        int[] crashAt = {Integer.MAX_VALUE};
        java.util.function.Function<Integer, ModelTrainer.Listener> listener = j -> new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                if (e.epoch() == crashAt[0]) {
                    throw new IllegalStateException("the trainer was killed");
                }
                told[j]++;
            }

            @Override
            public String stop(TrainingResult.Epoch e) {
                return j % 2 == 0 && j < 8 && e.epoch() + 1 >= 2 ? "stopped by the search" : null;
            }

            @Override
            public void stoppedBefore(String reason) {
                toldStopped[j] = reason;
            }

            @Override
            public long checkpointEveryMillis() {
                return 0;
            }
        };
        List<ModelTrainer.Listener> listeners = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            listeners.add(listener.apply(j));
        }
        List<Path> whole = new ArrayList<>();
        List<Path> cut = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            whole.add(dir.resolve("whole/m" + j + ".zip"));
            cut.add(dir.resolve("cut/m" + j + ".zip"));
        }
        java.nio.file.Files.createDirectories(dir.resolve("whole"));
        java.nio.file.Files.createDirectories(dir.resolve("cut"));
        List<TrainingResult> once = PackedDense.train(specs, d, listeners, whole);
        Path ckpt = dir.resolve("cut/m0.zip.pack-ckpt.zip");
        assertThat(dir.resolve("whole/m0.zip.pack-ckpt.zip")).as("deleted when the pack finished").doesNotExist();
        crashAt[0] = 4;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PackedDense.train(specs, d, listeners, cut))
                .hasMessageContaining("killed");
        assertThat(ckpt).as("the checkpoint of epoch 3").exists();
        crashAt[0] = Integer.MAX_VALUE;
        java.util.Arrays.fill(told, 0);
        List<TrainingResult> resumed = PackedDense.train(specs, d, listeners, cut);
        assertThat(ckpt).doesNotExist();
        int stoppedEarly = 0;
        for (int j = 0; j < k; j++) {
            TrainingResult a = once.get(j);
            TrainingResult b = resumed.get(j);
            assertThat(b.ok()).as(b.failure()).isTrue();
            assertThat(b.curves()).as("model %d", j).isEqualTo(a.curves());
            assertThat(b.bestEpoch()).isEqualTo(a.bestEpoch());
            for (int i = 0; i < d.test().rows(); i++) {
                assertThat(b.test().probabilities().get(i, 1)).isCloseTo(a.test().probabilities().get(i, 1), within(1e-6));
            }
            if (a.importance() == null) {
                assertThat(b.importance()).isNull();
            } else {
                for (int c = 0; c < 5; c++) {
                    assertThat(b.importance()[c]).isCloseTo(a.importance()[c], within(1e-6));
                }
            }
            // only the epochs after the checkpoint were trained again
            assertThat(told[j]).as("model %d's epochs trained after the resume", j)
                    .isEqualTo(Math.max(0, a.curves().size() - 4));
            stoppedEarly += j < 8 && j % 2 == 1 && a.curves().size() < 6 ? 1 : 0;
        }
        assertThat(once.get(0).curves()).hasSize(2);
        assertThat(once.get(1).curves()).hasSize(6);
        assertThat(once.get(8).curves()).hasSize(2);
        assertThat(once.get(8).importance()).as("measured when it left the pack").isNotNull();
        assertThat(once.get(9).curves().size()).as("the overshooting model stopped by its patience").isLessThan(6);
        assertThat(stoppedEarly).isZero();
        // the models the search stopped before the checkpoint are told so on the resume (their stop is not asked again)
        for (int j = 0; j < k; j++) {
            assertThat(toldStopped[j]).as("model %d", j).isEqualTo(j % 2 == 0 && j < 8 ? "stopped by the search" : null);
        }
        // a damaged checkpoint: set aside, and the pack trains from the start to the same models
        java.nio.file.Files.write(ckpt, new byte[] {1, 2, 3});
        java.util.Arrays.fill(told, 0);
        List<TrainingResult> fresh = PackedDense.train(specs, d, listeners, cut);
        assertThat(dir.resolve("cut/m0.zip.pack-ckpt.zip.damaged")).exists();
        assertThat(told[1]).isEqualTo(6);
        for (int j = 0; j < k; j++) {
            assertThat(fresh.get(j).curves()).isEqualTo(once.get(j).curves());
        }
        // a checkpoint of these keys whose arrays do not fit (the inputs are one column narrower now): set aside too
        crashAt[0] = 4;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PackedDense.train(specs, d, listeners, cut))
                .hasMessageContaining("killed");
        crashAt[0] = Integer.MAX_VALUE;
        java.nio.file.Files.delete(dir.resolve("cut/m0.zip.pack-ckpt.zip.damaged"));
        int a = 1_500 * 6 / 10;
        int b = 1_500 * 8 / 10;
        double[][] x4 = java.util.Arrays.stream(d.context().x()).map(r -> java.util.Arrays.copyOf(r, 4))
                .toArray(double[][]::new);
        double[] y = new double[1_500];
        for (PreparedData.Part p : List.of(d.train(), d.validation(), d.test())) {
            for (int i = 0; i < p.rows(); i++) {
                y[p.index()[i]] = p.y()[i];
            }
        }
        long[] t = d.context().time();
        PreparedData narrower = new PreparedData(0, d.task(), d.classes(), TestData.sub(t, x4, y, 0, a),
                TestData.sub(t, x4, y, a, b), TestData.sub(t, x4, y, b, 1_500), null, null, 0, 1,
                new PreparedData.Context(t, x4, 60_000L));
        List<TrainingResult> other = PackedDense.train(specs, narrower, listeners, cut);
        assertThat(dir.resolve("cut/m0.zip.pack-ckpt.zip.damaged")).exists();
        assertThat(other.get(1).curves()).hasSize(6);
    }

    @Test
    void earlyStoppingIsEachModelsOwn() throws Exception {
        PreparedData d = rule(1_500, 8, true);
        // a rate of 3 overshoots: that model stops after one epoch without improvement, its neighbour trains on
        ModelSpec wild = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                .set("lr", 3.0).set("epochs", 12).set("patience", 1).set("batchSize", 64).set("seed", 5L).build(),
                DatasetOptions.Task.CLASSIFICATION);
        ModelSpec calm = dnn(6, 0.01, 0, 0, 0, 0);
        List<TrainingResult> r = train(List.of(wild, calm), d, null);
        assertThat(r.get(1).curves()).hasSize(6);
        assertThat(r.get(0).curves().size()).isLessThan(12);
        assertThat(r.get(0).curves()).hasSize(train(List.of(wild), d, null).get(0).curves().size());
    }

    @Test
    void savedNetworksReproduceThePredictions(@TempDir Path dir) throws Exception {
        PreparedData d = rule(1_000, 9, true);
        List<ModelSpec> specs = List.of(dnn(11, 0.01, 0, 0, 0, 0), dnn(12, 0.01, 0, 0.2, 0, 0));
        List<Path> files = List.of(dir.resolve("a.zip"), dir.resolve("b.zip"));
        List<TrainingResult> r = train(specs, d, files);
        for (int j = 0; j < 2; j++) {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(files.get(j).toFile(), false);
            float[][] x = new float[d.test().rows()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = new float[5];
                for (int c = 0; c < 5; c++) {
                    x[i][c] = (float) d.test().x()[i][c];
                }
            }
            INDArray out = net.output(Nd4j.create(x));
            for (int i = 0; i < x.length; i++) {
                assertThat(out.getDouble(i, 1)).isCloseTo(r.get(j).test().probabilities().get(i, 1), within(1e-5));
            }
            // the importance the pack measured from its weights is the one the saved file gives, shuffle for shuffle
            double[] fromFile;
            try (Predictor p = Predictor.load(files.get(j), ModelType.DNN, 5)) {
                fromFile = Importance.permutation(p, d, specs.get(j).seed());
            }
            assertThat(r.get(j).importance()).hasSize(5);
            for (int c = 0; c < 5; c++) {
                assertThat(r.get(j).importance()[c]).isCloseTo(fromFile[c], within(1e-5));
            }
        }
        // the inputs the rule is made of matter, the noise does not
        assertThat(r.get(0).importance()[0]).isGreaterThan(10 * Math.abs(r.get(0).importance()[4]));
    }

    @Test
    void importanceOfEveryShapeIsTheSavedFilesShuffleForShuffle(@TempDir Path dir) throws Exception {
        // 1,600 validation rows; models sharing a seed share their shuffles; logistic and linear
        // models have no hidden layer, so the rank-one step lands on their output layer
        for (boolean classify : new boolean[] {true, false}) {
            PreparedData d = rule(8_000, 13, classify);
            ModelType type = classify ? ModelType.LOGISTIC : ModelType.LINEAR;
            DatasetOptions.Task task = classify ? DatasetOptions.Task.CLASSIFICATION : DatasetOptions.Task.REGRESSION;
            List<ModelSpec> specs = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                specs.add(TestData.spec(ModelEntry.builder("m", type).set("lr", 0.01 * (j + 1)).set("epochs", 3)
                        .set("batchSize", 64).set("seed", j < 2 ? 21L : 22L).build(), task));
                files.add(dir.resolve(type.id() + j + ".zip"));
            }
            ModelSpec deep = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(8, 4))
                    .set("lr", 0.01).set("epochs", 3).set("batchSize", 64).set("seed", 21L).build(), task);
            List<List<ModelSpec>> packs = List.of(specs, List.of(deep, deep));
            for (List<ModelSpec> pack : packs) {
                List<Path> out = pack == specs ? files
                        : List.of(dir.resolve("deep-" + classify + "-a.zip"), dir.resolve("deep-" + classify + "-b.zip"));
                List<TrainingResult> r = train(pack, d, out);
                for (int j = 0; j < pack.size(); j++) {
                    double[] fromFile;
                    try (Predictor p = Predictor.load(out.get(j), pack.get(j).type(), 5)) {
                        fromFile = Importance.permutation(p, d, pack.get(j).seed());
                    }
                    for (int c = 0; c < 5; c++) {
                        assertThat(r.get(j).importance()[c]).as("%s %s input %d", pack.get(j).type(), task, c)
                                .isCloseTo(fromFile[c], within(1e-5));
                    }
                }
                // the inputs the rule is made of matter, the noise does not
                assertThat(r.get(0).importance()[0]).isGreaterThan(10 * Math.abs(r.get(0).importance()[4]));
            }
        }
    }

    @Test
    void theFastShuffleIsJavaUtilRandomsShuffle() {
        // sizes whose bounds include powers of two and the rejection loop's edge; seeds of every sign
        long[] seeds = {0, 1, -1, 42, 31L * 7 + 4, Long.MAX_VALUE, Long.MIN_VALUE, 0x9E3779B97F4A7C15L};
        int[] sizes = {0, 1, 2, 3, 64, 1_000, 19_865, (1 << 20) + 3};
        for (long seed : seeds) {
            for (int n : sizes) {
                assertThat(Dl4jTrainer.shuffled(n, seed)).as("seed %d, n %d", seed, n)
                        .isEqualTo(Dl4jTrainer.shuffled(n, new Random(seed)));
            }
        }
    }

    @Test
    void regressionWithSgdAndLinearModels() throws Exception {
        PreparedData d = rule(2_000, 10, false);
        List<ModelSpec> specs = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            specs.add(TestData.spec(ModelEntry.builder("linear", ModelType.LINEAR).set("optimizer", "sgd")
                    .set("lr", 0.01 * seed).set("epochs", 8).set("patience", 0).set("batchSize", 32).set("seed", seed)
                    .build(), DatasetOptions.Task.REGRESSION));
        }
        List<TrainingResult> r = train(specs, d, null);
        for (int j = 0; j < 3; j++) {
            assertThat(TestData.rmse(r.get(j).test(), d.test())).as("model %d", j).isLessThan(0.15);
            TrainingResult alone = train(List.of(specs.get(j)), d, null).get(0);
            for (int i = 0; i < d.test().rows(); i++) {
                assertThat(r.get(j).test().values()[i]).isCloseTo(alone.test().values()[i], within(1e-4));
            }
        }
        // a linear model does not fit a classification task: every model of the pack fails with the reason
        ModelSpec lin = specs.get(0);
        List<TrainingResult> wrong = train(List.of(lin), rule(200, 1, true), null);
        assertThat(wrong.get(0).ok()).isFalse();
        assertThat(wrong.get(0).failure()).contains("does not fit a classification task");
    }

    @Test
    void whatCannotBePackedSaysSo() throws Exception {
        assertThat(PackedDense.packable(dnn(1, 0.01, 0, 0, 0, 0))).isTrue();
        assertThat(PackedDense.packable(TestData.spec(ModelEntry.builder("n", ModelType.DNN).set("layerNorm", true)
                .build(), DatasetOptions.Task.CLASSIFICATION))).isFalse();
        assertThat(PackedDense.packable(TestData.spec(ModelEntry.builder("n", ModelType.LSTM).build(),
                DatasetOptions.Task.CLASSIFICATION))).isFalse();
    }

    @Test
    void aDropoutMaskDropsItsRateAndScalesTheRestFromItsSeedAlone() {
        int units = 24;
        int n = 2_000;
        // the rates of a sweep, and the edges of the comparison: the least rate above 0, a rate one ulp past a half,
        // the greatest below 1 (x < ceil(p 2^53) must hold exactly where nextDouble() < p does)
        for (double p : new double[]{0.1, 0.3, 0.5, Double.MIN_VALUE, Math.nextUp(0.5), Math.nextDown(1.0)}) {
            boolean edge = p < 0.01 || p > 0.99 || p == Math.nextUp(0.5);
            float[][] m = new float[units][n];
            PackedDense.drawMask(m, units, n, p, new java.util.SplittableRandom(11));
            float scale = (float) (1 / (1 - p));
            int dropped = 0;
            for (int u = 0; u < units; u++) {
                int unitDropped = 0;
                for (int r = 0; r < n; r++) {
                    assertThat(m[u][r]).as("p %s unit %d row %d", p, u, r).isIn(0f, scale);
                    unitDropped += m[u][r] == 0f ? 1 : 0;
                }
                // every unit draws its own: none is all kept or all dropped (binomial sd at n 2,000: at most 0.011)
                if (!edge || p == Math.nextUp(0.5)) {
                    assertThat(unitDropped / (double) n).as("p %s unit %d", p, u).isCloseTo(p, within(0.06));
                }
                dropped += unitDropped;
            }
            assertThat(dropped / (double) (units * n)).as("p %s", p).isCloseTo(p, within(0.01));
            // the draws of nextDouble() < p, without its branch
            java.util.SplittableRandom plain = new java.util.SplittableRandom(11);
            for (int u = 0; u < units; u++) {
                for (int r = 0; r < n; r++) {
                    assertThat(m[u][r]).as("p %s unit %d row %d", p, u, r)
                            .isEqualTo(plain.nextDouble() < p ? 0f : scale);
                }
            }
            if (edge && p != Math.nextUp(0.5)) {
                continue; // all kept or all dropped: no other seed draws another mask
            }
            // the same seed draws the same mask, another seed another one
            float[][] again = new float[units][n];
            PackedDense.drawMask(again, units, n, p, new java.util.SplittableRandom(11));
            assertThat(again).isDeepEqualTo(m);
            float[][] other = new float[units][n];
            PackedDense.drawMask(other, units, n, p, new java.util.SplittableRandom(12));
            assertThat(java.util.Arrays.deepEquals(other, m)).isFalse();
        }
    }
}
