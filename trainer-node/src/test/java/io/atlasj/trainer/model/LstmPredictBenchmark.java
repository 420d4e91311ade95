package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelType;
import java.util.List;
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
 * The prediction pass of an LSTM (30 inputs, 32 units, 60-step windows) over all 25,000 rows of the training
 * benchmark's data, as training's final predictions and every permutation-importance pass make it: the code path of
 * {@code SameDiffTrainer.outputs}. Run as TrainingBenchmark (see docs/benchmarks.md), one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class LstmPredictBenchmark {
    SdNet net;
    SdNet.Graph infer;
    SdInputs inputs;
    PreparedData.Part all;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        PreparedData data = TestData.gaussian(25_000, 30, 20_000, 2_500, 1);
        int[] index = java.util.stream.IntStream.range(0, 25_000).toArray();
        all = new PreparedData.Part(data.context().time(), data.context().x(), new double[25_000], index); // no y read
        var spec = TestData.spec(ModelEntry.builder("lstm", ModelType.LSTM).set("hidden", List.of(32))
                .set("sequenceLength", 60).set("batchSize", 128).build(), DatasetOptions.Task.CLASSIFICATION);
        net = new SdNet(SameDiffTrainer.arch(spec, data));
        infer = net.build(false);
        inputs = new SdInputs(net.arch, data);
    }

    @Benchmark
    public float[][] predictAllWindows() {
        return SameDiffTrainer.outputs(net, infer, inputs, all)[0];
    }
}
