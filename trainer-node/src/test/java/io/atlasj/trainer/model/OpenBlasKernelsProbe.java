package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.results.Probabilities;
import java.util.List;

/**
 * Run by {@link OpenBlasKernelsIT} in a JVM of its own, under the OpenBLAS kernels its environment names: trains an
 * LSTM of {@code thousand.yaml}'s size (32 units over 30-bar windows: its products on OpenBLAS) and a dense network
 * whose 64-by-64 layer is wide enough for OpenBLAS (a pack of one), on the same synthetic rows, and prints each
 * epoch's losses, one line each, and every test row's probability of class 1, on one line.
 */
public final class OpenBlasKernelsProbe {
    private OpenBlasKernelsProbe() {
    }

    public static void main(String[] args) throws Exception {
        PreparedData d = TestData.lagged(3000, 11);
        ModelSpec lstm = TestData.spec(LstmTest.small(ModelType.LSTM).set("hidden", List.of(32))
                .set("sequenceLength", 30).set("epochs", 3).build(), DatasetOptions.Task.CLASSIFICATION);
        print("lstm", new Dl4jTrainer().train(lstm, d, ModelTrainer.Listener.NONE));
        ModelSpec dense = TestData.spec(ModelEntry.builder("wide", ModelType.DNN).set("hidden", List.of(64, 64))
                .set("dropout", 0.0).set("epochs", 3).set("lr", 0.01).set("batchSize", 64).build(),
                DatasetOptions.Task.CLASSIFICATION);
        print("dense", PackedDense.train(List.of(dense), d, List.of(ModelTrainer.Listener.NONE), null).get(0));
    }

    private static void print(String name, TrainingResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(name + ": " + r.failure());
        }
        for (TrainingResult.Epoch e : r.curves()) {
            System.out.println(name + " epoch " + e.epoch() + " " + e.trainLoss() + " " + e.validationLoss());
        }
        Probabilities p = r.test().probabilities();
        StringBuilder line = new StringBuilder(name).append(" test");
        for (int i = 0; i < p.rows(); i++) {
            line.append(' ').append(p.get(i, 1));
        }
        System.out.println(line);
    }
}
