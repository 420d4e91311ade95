package io.atlasj.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each implemented model type learns data whose label is a known function of the inputs; training is deterministic. */
class TrainerLearnsTest {
    static final ModelTrainer TRAINER = new Dl4jTrainer();

    static ModelSpec spec(ModelEntry entry, DatasetOptions.Task task) throws Exception {
        Path local = Path.of("configs/featuresets/quickstart.yaml"); // from the repository root (benchmarks)
        FeatureLabelSet fls = FeatureSetYaml.read(java.nio.file.Files.exists(local) ? local
                : Path.of("../configs/featuresets/quickstart.yaml"));
        DatasetOptions ds = task == DatasetOptions.Task.REGRESSION ? DatasetOptions.regression()
                : new DatasetOptions(task, "UpDown(3)", null, null, null);
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "quickstart", fls, Long.MIN_VALUE, Long.MAX_VALUE, ds,
                new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0), List.of(entry))).build();
        return Expander.expand(ws).get(0);
    }

    /** n rows of 4 standard normal inputs; the target from {@code f}; 60/20/20 in order. */
    static PreparedData data(int n, long seed, boolean classify, ToDoubleFunction<double[]> f) {
        return io.atlasj.trainer.model.TestData.normal(n, seed, classify ? 2 : 0, f);
    }

    static double accuracy(TrainingResult.Predictions p, PreparedData.Part part) {
        int ok = 0;
        for (int i = 0; i < part.rows(); i++) {
            ok += p.values()[i] == part.y()[i] ? 1 : 0;
        }
        return (double) ok / part.rows();
    }

    @Test
    void logisticRegressionLearnsALinearBoundary() throws Exception {
        PreparedData d = data(3000, 1, true, x -> x[0] + 0.5 * x[1] > 0 ? 1 : 0);
        TrainingResult r = TRAINER.train(spec(ModelEntry.builder("l", ModelType.LOGISTIC).set("epochs", 40)
                .set("lr", 0.05).build(), DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(accuracy(r.validation(), d.validation())).isGreaterThan(0.97);
        assertThat(r.validation().probabilities().row(0)).hasSize(2);
    }

    @Test
    void linearRegressionRecoversALinearFunction() throws Exception {
        Random noise = new Random(9);
        PreparedData d = data(3000, 2, false, x -> 2 * x[0] - x[1] + 0.5 + 0.01 * noise.nextGaussian());
        TrainingResult r = TRAINER.train(spec(ModelEntry.builder("lin", ModelType.LINEAR).set("epochs", 60)
                .set("lr", 0.05).build(), DatasetOptions.Task.REGRESSION), d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double ss = 0;
        for (int i = 0; i < d.validation().rows(); i++) {
            double e = r.validation().values()[i] - d.validation().y()[i];
            ss += e * e;
        }
        assertThat(Math.sqrt(ss / d.validation().rows())).isLessThan(0.05);
    }

    @Test
    void aDenseNetworkLearnsWhatALinearModelCannot() throws Exception {
        PreparedData d = data(4000, 3, true, x -> x[0] * x[1] > 0 ? 1 : 0); // XOR of signs
        ModelEntry dnn = ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(32, 16)).set("epochs", 60)
                .set("lr", 0.01).set("batchSize", 64).build();
        TrainingResult r = TRAINER.train(spec(dnn, DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(accuracy(r.validation(), d.validation())).isGreaterThan(0.93);
        TrainingResult lin = TRAINER.train(spec(ModelEntry.builder("l", ModelType.LOGISTIC).set("epochs", 30).build(),
                DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(accuracy(lin.validation(), d.validation())).isLessThan(0.65);
        assertThat(r.curves()).isNotEmpty();
        assertThat(r.curves().get(r.curves().size() - 1).trainLoss()).isLessThan(r.curves().get(0).trainLoss());
    }

    @Test
    void lstmAndBiLstmLearnFromThePastWindow() throws Exception {
        PreparedData d = io.atlasj.trainer.model.TestData.lagged(3000, 7); // label: the sign of an input 3 rows back
        for (ModelType type : List.of(ModelType.LSTM, ModelType.BILSTM)) {
            ModelEntry e = ModelEntry.builder("seq", type).set("hidden", List.of(16)).set("sequenceLength", 6)
                    .set("epochs", 25).set("lr", 0.01).set("batchSize", 64).build();
            TrainingResult r = TRAINER.train(spec(e, DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
            assertThat(r.ok()).as(r.failure()).isTrue();
            assertThat(accuracy(r.validation(), d.validation())).as(type.id()).isGreaterThan(0.9);
        }
        // a dense model of the same rows cannot see three rows back
        TrainingResult dnn = TRAINER.train(spec(ModelEntry.builder("dnn", ModelType.DNN).set("epochs", 15).build(),
                DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(accuracy(dnn.validation(), d.validation())).isLessThan(0.6);
    }

    @Test
    void theSameSeedGivesTheSamePredictions() throws Exception {
        PreparedData d = data(1500, 4, true, x -> x[0] - x[2] > 0 ? 1 : 0);
        ModelSpec s = spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16)).set("dropout", 0.2)
                .set("epochs", 8).build(), DatasetOptions.Task.CLASSIFICATION);
        TrainingResult a = TRAINER.train(s, d, ModelTrainer.Listener.NONE);
        TrainingResult b = TRAINER.train(s, d, ModelTrainer.Listener.NONE);
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(b.test().probabilities().row(i)).containsExactly(a.test().probabilities().row(i));
        }
    }

    @Test
    void earlyStoppingKeepsTheBestEpochAndFailuresAreResults() throws Exception {
        PreparedData d = data(1500, 5, true, x -> x[0] > 0 ? 1 : 0);
        TrainingResult r = TRAINER.train(spec(ModelEntry.builder("dnn", ModelType.DNN).set("epochs", 200).set("patience", 3)
                .set("lr", 0.05).build(), DatasetOptions.Task.CLASSIFICATION), d, ModelTrainer.Listener.NONE);
        assertThat(r.curves().size()).isLessThan(200);
        assertThat(r.bestEpoch()).isEqualTo(r.curves().size() - 4);
        PreparedData real = data(300, 6, false, x -> x[0]);
        TrainingResult misfit = TRAINER.train(spec(ModelEntry.builder("x", ModelType.LOGISTIC).build(),
                DatasetOptions.Task.REGRESSION), real, ModelTrainer.Listener.NONE);
        assertThat(misfit.ok()).isFalse();
        assertThat(misfit.failure()).contains("logistic does not fit a regression task");
        PreparedData huge = data(500, 6, false, x -> 1e30 * x[0]);
        TrainingResult nan = TRAINER.train(spec(ModelEntry.builder("lin", ModelType.LINEAR).set("lr", 10.0)
                .set("optimizer", "sgd").build(), DatasetOptions.Task.REGRESSION), huge, ModelTrainer.Listener.NONE);
        assertThat(nan.ok()).isFalse();
        assertThat(nan.failure()).contains("the training loss became");
    }
}
