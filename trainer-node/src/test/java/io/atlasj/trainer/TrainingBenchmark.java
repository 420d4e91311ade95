package io.atlasj.trainer;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.PackedDense;
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
 * DNN (hidden [64, 32], batch 256, DL4J loop), an LSTM (hidden [32], 60-step windows,
 * batch 128, SameDiff on ND4J's lstmLayer) and a causal Transformer (the Catalog's defaults: dModel 32, 4 heads, 2 layers; 60-step windows, batch
 * 128); and the packed kernel on 100 tiny nets 30-8-3 (5 epochs, batch 256). Samples per second = 20,000 / (seconds
 * per operation). The dense 30-64-64-3 at batch 256 as a slot trains it alone (a pack of one, {@link PackedDense})
 * and through the DL4J loop ({@code pack: off}): 2 epochs over 104,000 rows, 208,000 samples an operation. Each
 * operation includes the validation passes and the final predictions. Run with
 * scripts/bench-training.sh, which sets the same workloads beside a plain PyTorch loop.
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
    ModelSpec lstm3;
    ModelSpec transformer;
    ModelSpec dense;
    List<ModelSpec> tiny;
    PreparedData threeClasses;
    PreparedData large;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        data = io.atlasj.trainer.model.TestData.gaussian(ROWS, FEATURES, 20_000, 2_500, 1);
        double[][] x = data.context().x();
        long[] t = data.context().time();
        Random r = new Random(2);
        dnn = TrainerLearnsTest.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(64, 32))
                .set("batchSize", 256).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        lstm = TrainerLearnsTest.spec(ModelEntry.builder("lstm", ModelType.LSTM).set("hidden", List.of(32))
                .set("sequenceLength", 60).set("batchSize", 128).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
        // the same for 3 epochs without early stopping: (3 epochs - 1 epoch) / 2 is an epoch's training and
        // validation alone, without the final predictions of every part
        lstm3 = TrainerLearnsTest.spec(ModelEntry.builder("lstm", ModelType.LSTM).set("hidden", List.of(32))
                .set("sequenceLength", 60).set("batchSize", 128).set("epochs", 3).set("patience", 0).build(),
                DatasetOptions.Task.CLASSIFICATION);
        // as the PyTorch loop's dense workload: 2 epochs over 104,000 training rows (208,000 samples an operation)
        dense = TrainerLearnsTest.spec(ModelEntry.builder("dense", ModelType.DNN).set("hidden", List.of(64, 64))
                .set("batchSize", 256).set("epochs", 2).set("patience", 0).build(), DatasetOptions.Task.CLASSIFICATION);
        int big = 108_000;
        double[][] bx = new double[big][FEATURES];
        double[] by = new double[big];
        long[] bt = new long[big];
        for (int i = 0; i < big; i++) {
            for (int c = 0; c < FEATURES; c++) {
                bx[i][c] = r.nextGaussian();
            }
            by[i] = r.nextInt(3);
            bt[i] = i * 60_000L;
        }
        large = new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 3,
                io.atlasj.trainer.model.TestData.sub(bt, bx, by, 0, 104_000),
                io.atlasj.trainer.model.TestData.sub(bt, bx, by, 104_000, 106_000),
                io.atlasj.trainer.model.TestData.sub(bt, bx, by, 106_000, big), null, null, 0, 1, null);
        tiny = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tiny.add(TrainerLearnsTest.spec(ModelEntry.builder("tiny", ModelType.DNN).set("hidden", List.of(8))
                    .set("l2", i % 5 * 0.001).set("lr", 0.001 * (1 + i % 4)).set("epochs", 5).set("patience", 0)
                    .set("batchSize", 256).set("seed", (long) i).build(), DatasetOptions.Task.CLASSIFICATION));
        }
        double[] y3 = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y3[i] = r.nextInt(3);
        }
        threeClasses = new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 3,
                io.atlasj.trainer.model.TestData.sub(t, x, y3, 0, 20_000),
                io.atlasj.trainer.model.TestData.sub(t, x, y3, 20_000, 22_500),
                io.atlasj.trainer.model.TestData.sub(t, x, y3, 22_500, ROWS), null, null, 0, 1, null);
        // the Catalog's defaults: dModel 32, 4 heads, 2 layers, ffDim 64, dropout 0.1
        transformer = TrainerLearnsTest.spec(ModelEntry.builder("tr", ModelType.TRANSFORMER).set("sequenceLength", 60)
                .set("batchSize", 128).set("epochs", 1).build(), DatasetOptions.Task.CLASSIFICATION);
    }

    @Benchmark
    public TrainingResult dnnOneEpochBatch256() {
        return ok(new Dl4jTrainer().train(dnn, data, ModelTrainer.Listener.NONE));
    }

    @Benchmark
    public List<TrainingResult> denseAlonePackOfOneBatch256() {
        return ok(PackedDense.train(List.of(dense), large, List.of(ModelTrainer.Listener.NONE), null));
    }

    @Benchmark
    public TrainingResult denseAloneDl4jLoopBatch256() {
        return ok(new Dl4jTrainer().train(dense, large, ModelTrainer.Listener.NONE));
    }

    /** 100 models x 5 epochs x 20,000 rows: 10 M samples an operation. */
    @Benchmark
    public List<TrainingResult> hundredTinyNetsPackedFiveEpochs() {
        return ok(PackedDense.train(tiny, threeClasses, java.util.Collections.nCopies(100, ModelTrainer.Listener.NONE),
                null));
    }

    @Benchmark
    public TrainingResult transformerOneEpoch60StepsBatch128() {
        return ok(new Dl4jTrainer().train(transformer, data, ModelTrainer.Listener.NONE));
    }

    @Benchmark
    public TrainingResult lstmOneEpoch60StepsBatch128() {
        return ok(new Dl4jTrainer().train(lstm, data, ModelTrainer.Listener.NONE));
    }

    @Benchmark
    public TrainingResult lstmThreeEpochs60StepsBatch128() {
        return ok(new Dl4jTrainer().train(lstm3, data, ModelTrainer.Listener.NONE));
    }

    /** A failed model returns early: its time would be a false figure. */
    static TrainingResult ok(TrainingResult r) {
        if (!r.ok()) {
            throw new IllegalStateException("the benchmark's model failed: " + r.failure());
        }
        return r;
    }

    static List<TrainingResult> ok(List<TrainingResult> rs) {
        rs.forEach(TrainingBenchmark::ok);
        return rs;
    }
}
