package io.atlasj.trainer;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training throughput on one slot (OMP_NUM_THREADS=1): one epoch over 20,000 training rows of 30 features, for a
 * DNN (hidden [64, 32], batch 256), an LSTM (hidden [32], 60-step windows, batch 128) and a causal Transformer (the
 * Catalog's defaults: dModel 32, 4 heads, 2 layers; 60-step windows, batch 128). Samples per second =
 * 20,000 / (seconds per operation). Run with scripts/bench-training.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class TrainingBenchmark {
    static final int ROWS = 25_000;
    static final int FEATURES = 30;
    PreparedData data;
    ModelSpec dnn;
    ModelSpec lstm;
    ModelSpec transformer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Random r = new Random(1);
        double[][] x = new double[ROWS][FEATURES];
        double[] y = new double[ROWS];
        long[] t = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int c = 0; c < FEATURES; c++) {
                x[i][c] = r.nextGaussian();
            }
            y[i] = x[i][0] + x[i][1] > 0 ? 1 : 0;
            t[i] = i * 60_000L;
        }
        data = new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 2, io.atlasj.trainer.model.TestData.sub(t, x, y, 0, 20_000),
                io.atlasj.trainer.model.TestData.sub(t, x, y, 20_000, 22_500), io.atlasj.trainer.model.TestData.sub(t, x, y, 22_500, ROWS), null, null,
                0, 1, new PreparedData.Context(t, x, 60_000L));
        dnn = TrainerLearnsTest.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(64, 32))
                .set("batchSize", 256).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        lstm = TrainerLearnsTest.spec(ModelEntry.builder("lstm", ModelType.LSTM).set("hidden", List.of(32))
                .set("sequenceLength", 60).set("batchSize", 128).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        // the Catalog's defaults: dModel 32, 4 heads, 2 layers, ffDim 64, dropout 0.1
        transformer = TrainerLearnsTest.spec(ModelEntry.builder("tr", ModelType.TRANSFORMER).set("sequenceLength", 60)
                .set("batchSize", 128).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
    }

    @Benchmark
    public TrainingResult dnnOneEpochBatch256() {
        return new Dl4jTrainer().train(dnn, data, ModelTrainer.Listener.NONE);
    }

    @Benchmark
    public TrainingResult transformerOneEpoch60StepsBatch128() {
        return new Dl4jTrainer().train(transformer, data, ModelTrainer.Listener.NONE);
    }

    @Benchmark
    public TrainingResult lstmOneEpoch60StepsBatch128() {
        return new Dl4jTrainer().train(lstm, data, ModelTrainer.Listener.NONE);
    }
}
