package io.atlasj.trainer.model;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Synthetic folds whose labels are known functions of the inputs, and specs for them. */
public final class TestData {
    private TestData() {
    }

    static ModelSpec spec(ModelEntry entry, DatasetOptions.Task task) throws Exception {
        return spec(entry, task, "quickstart", "UpDown(3)");
    }

    static ModelSpec spec(ModelEntry entry, DatasetOptions.Task task, String featureset, String label)
            throws Exception {
        Path local = Path.of("configs/featuresets/" + featureset + ".yaml");
        FeatureLabelSet fls = FeatureSetYaml.read(Files.exists(local) ? local
                : Path.of("../configs/featuresets/" + featureset + ".yaml"));
        DatasetOptions ds = task == DatasetOptions.Task.REGRESSION ? DatasetOptions.regression()
                : new DatasetOptions(task, label, null, null, null);
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", featureset, fls, Long.MIN_VALUE, Long.MAX_VALUE, ds,
                new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0), List.of(entry))).build();
        return Expander.expand(ws).get(0);
    }

    /**
     * {@code n} rows of 4 standard normal inputs, the target from {@code f}, split 60/20/20 in order: a classification
     * with {@code classes} classes, or a regression when {@code classes} is 0.
     */
    public static PreparedData normal(int n, long seed, int classes, java.util.function.ToDoubleFunction<double[]> f) {
        java.util.Random r = new java.util.Random(seed);
        double[][] x = new double[n][4];
        double[] y = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
                x[i][c] = r.nextGaussian();
            }
            y[i] = f.applyAsDouble(x[i]);
            t[i] = i * 60_000L;
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, classes > 0 ? DatasetOptions.Task.CLASSIFICATION : DatasetOptions.Task.REGRESSION,
                classes, sub(t, x, y, 0, a), sub(t, x, y, a, b), sub(t, x, y, b, n), null, null);
    }

    /** Rows whose class is the sign of input 0 three rows earlier. */
    public static PreparedData lagged(int n, long seed) {
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
        for (int i = 0; i < n; i++) {
            y[i] = i >= 3 && x[i - 3][0] > 0 ? 1 : 0;
        }
        int a = n * 6 / 10;
        int b = n * 8 / 10;
        return new PreparedData(0, DatasetOptions.Task.CLASSIFICATION, 2, sub(t, x, y, 10, a), sub(t, x, y, a, b),
                sub(t, x, y, b, n), null, null, 0, 1, new PreparedData.Context(t, x, 60_000L));
    }

    /**
     * {@code rows} one-minute rows of {@code features} standard normal inputs (seeded), labelled 1 where the first two
     * sum above 0; the first {@code train} rows train, the next {@code validation} validate, the rest test; the rows
     * are also the context that sequence models read their windows from. The benchmarks' data.
     */
    public static PreparedData gaussian(int rows, int features, int train, int validation, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[rows][features];
        double[] y = new double[rows];
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < features; c++) {
                x[i][c] = r.nextGaussian();
            }
            y[i] = x[i][0] + x[i][1] > 0 ? 1 : 0;
            t[i] = i * 60_000L;
        }
        return new PreparedData(0, io.atlasj.workspec.DatasetOptions.Task.CLASSIFICATION, 2, sub(t, x, y, 0, train),
                sub(t, x, y, train, train + validation), sub(t, x, y, train + validation, rows), null, null, 0, 1,
                new PreparedData.Context(t, x, 60_000L));
    }

    public static PreparedData.Part sub(long[] t, double[][] x, double[] y, int from, int to) {
        return new PreparedData.Part(Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(x, from, to),
                Arrays.copyOfRange(y, from, to), IntStream.range(from, to).toArray());
    }

    static double accuracy(TrainingResult.Predictions p, PreparedData.Part part) {
        int ok = 0;
        for (int i = 0; i < part.rows(); i++) {
            ok += p.values()[i] == part.y()[i] ? 1 : 0;
        }
        return (double) ok / part.rows();
    }

    static double rmse(TrainingResult.Predictions p, PreparedData.Part part) {
        double s = 0;
        for (int i = 0; i < part.rows(); i++) {
            double e = p.values()[i] - part.y()[i];
            s += e * e;
        }
        return Math.sqrt(s / part.rows());
    }
}
