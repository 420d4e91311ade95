package io.atlasj.trainer;

import com.microsoft.ml.lightgbm.lightgbmlib;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Which gradient-boosted trees library {@code type: gbm} should use: XGBoost4J (what it uses) against LightGBM's JVM
 * binding (lightgbm4j, LightGBM 4.1), on the same rows, one thread each, interleaved model by model (A B A B, the first
 * library alternating per repetition). Tribuo's boosted trees are XGBoost4J behind Tribuo's API (its own trees are
 * single CART trees), so XGBoost4J stands for them.
 *
 * <p>The case of scripts/bench-trees.sh: the exported matrix of scripts/featuresets/bench-30.yaml (LINKUSDT 1-minute bars,
 * 30 features), a 50/25/25 chronological split, z-scores fitted on the training rows, tercile classes from the training
 * labels, 16 configurations (depth 3 or 6, learning rate 0.05 or 0.2, row and column subsampling 0.8 or 1.0), at most
 * 300 rounds, early stopping after 30 without a better validation log loss. LightGBM grows trees leaf-wise, so it gets
 * {@code num_leaves = 2^depth} with the same depth limit: the same largest tree. Each model's time counts building the
 * library's dataset (binning), training with the per-round validation, and predicting the test rows.
 *
 * <pre>scripts/bench-gbm-libraries.sh [REPETITIONS]</pre>
 */
public final class GbmLibrariesBench {
    private static final int ROUNDS = 300;
    private static final int PATIENCE = 30;

    private GbmLibrariesBench() {
    }

    record Data(float[] train, float[] yTrain, float[] val, float[] yVal, float[] test, int[] yTest, int cols) {
        int rows(float[] x) {
            return x.length / cols;
        }
    }

    record Config(int depth, double eta, double subsample, double colsample) {
    }

    record Fit(double millis, int bestRound, double valLoss, double testAccuracy, double testLoss) {
    }

    interface Library {
        String name();

        Fit fit(Data d, Config c) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Data d = load(Path.of(args[0]));
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Config> configs = new ArrayList<>();
        for (int depth : new int[] {3, 6}) {
            for (double eta : new double[] {0.05, 0.2}) {
                for (double sub : new double[] {0.8, 1.0}) {
                    for (double col : new double[] {0.8, 1.0}) {
                        configs.add(new Config(depth, eta, sub, col));
                    }
                }
            }
        }
        Library[] libs = {new Xgb(), new Lgbm()};
        System.out.printf(Locale.ROOT, "%d training, %d validation, %d test rows, %d features; %d configurations, "
                + "%d repetitions%n", d.rows(d.train()), d.rows(d.val()), d.rows(d.test()), d.cols(), configs.size(), reps);
        // a warm-up model each (native libraries loaded, JIT), not counted
        for (Library l : libs) {
            l.fit(d, configs.get(0));
        }
        double[][] totals = new double[libs.length][reps];
        Fit[][] last = new Fit[libs.length][configs.size()];
        for (int r = 0; r < reps; r++) {
            for (int c = 0; c < configs.size(); c++) {
                for (int k = 0; k < libs.length; k++) {
                    int at = (k + r) % libs.length;
                    Fit f = libs[at].fit(d, configs.get(c));
                    totals[at][r] += f.millis();
                    last[at][c] = f;
                }
            }
            System.out.printf(Locale.ROOT, "repetition %d: %s %.2f s, %s %.2f s%n", r + 1, libs[0].name(),
                    totals[0][r] / 1000, libs[1].name(), totals[1][r] / 1000);
        }
        System.out.println();
        System.out.println("library      median s  best val loss  mean val loss  test acc (best by val)  "
                + "test loss (best by val)  best rounds");
        for (int k = 0; k < libs.length; k++) {
            double[] t = totals[k].clone();
            Arrays.sort(t);
            Fit best = Arrays.stream(last[k]).min((a, b) -> Double.compare(a.valLoss(), b.valLoss())).orElseThrow();
            double mean = Arrays.stream(last[k]).mapToDouble(Fit::valLoss).average().orElse(Double.NaN);
            int[] rounds = Arrays.stream(last[k]).mapToInt(Fit::bestRound).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-12s %8.2f  %13.5f  %13.5f  %22.4f  %23.5f  %s%n", libs[k].name(),
                    t[t.length / 2] / 1000, best.valLoss(), mean, best.testAccuracy(), best.testLoss(),
                    Arrays.toString(rounds));
        }
    }

    /** One boosting round ({@code r} from 0): trains it and returns the validation loss after it. */
    interface Round {
        double run(int r) throws Exception;
    }

    /** The best round and its validation loss. */
    record Stopped(int best, double loss) {
    }

    /** Both libraries' loop: at most {@link #ROUNDS} rounds, stopped {@link #PATIENCE} rounds after the best one. */
    static Stopped boost(Round round) throws Exception {
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int r = 0; r < ROUNDS; r++) {
            double loss = round.run(r);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = r;
            } else if (r - best >= PATIENCE) {
                break;
            }
        }
        return new Stopped(best, bestLoss);
    }

    /** XGBoost4J as {@code GbmTrainer} drives it: histogram method, our loop over rounds with early stopping. */
    static final class Xgb implements Library {
        @Override
        public String name() {
            return "XGBoost4J";
        }

        @Override
        public Fit fit(Data d, Config c) throws Exception {
            long t0 = System.nanoTime();
            DMatrix train = new DMatrix(d.train(), d.rows(d.train()), d.cols(), Float.NaN);
            train.setLabel(d.yTrain());
            DMatrix val = new DMatrix(d.val(), d.rows(d.val()), d.cols(), Float.NaN);
            val.setLabel(d.yVal());
            Map<String, Object> p = new HashMap<>();
            p.put("tree_method", "hist");
            p.put("nthread", 1);
            p.put("verbosity", 0);
            p.put("seed", 42);
            p.put("eta", c.eta());
            p.put("max_depth", c.depth());
            p.put("subsample", c.subsample());
            p.put("colsample_bytree", c.colsample());
            p.put("objective", "multi:softprob");
            p.put("num_class", 3);
            p.put("eval_metric", "mlogloss");
            Booster b = XGBoost.train(train, p, 0, Map.of(), null, null);
            try {
                DMatrix[] evals = {val};
                String[] names = {"validation"};
                float[] loss = new float[1];
                Stopped s = boost(r -> {
                    b.update(train, r);
                    b.evalSet(evals, names, r, loss);
                    return loss[0];
                });
                int best = s.best();
                double bestLoss = s.loss();
                float[][] out = b.inplace_predict(d.test(), d.rows(d.test()), d.cols(), Float.NaN,
                        new int[] {0, best + 1});
                double[] probs = new double[out.length * 3];
                for (int i = 0; i < out.length; i++) {
                    for (int k = 0; k < 3; k++) {
                        probs[i * 3 + k] = out[i][k];
                    }
                }
                return scored(t0, best, bestLoss, probs, d.yTest());
            } finally {
                b.dispose();
                train.dispose();
                val.dispose();
            }
        }
    }

    /** LightGBM through lightgbm4j: the same loop, leaf-wise trees of at most {@code 2^depth} leaves and that depth. */
    static final class Lgbm implements Library {
        @Override
        public String name() {
            return "LightGBM";
        }

        @Override
        public Fit fit(Data d, Config c) throws Exception {
            long t0 = System.nanoTime();
            String data = "max_bin=256 num_threads=1 verbosity=-1";
            LGBMDataset train = LGBMDataset.createFromMat(d.train(), d.rows(d.train()), d.cols(), true, data, null);
            train.setField("label", d.yTrain());
            LGBMDataset val = LGBMDataset.createFromMat(d.val(), d.rows(d.val()), d.cols(), true, data, train);
            val.setField("label", d.yVal());
            String params = String.format(Locale.ROOT, "objective=multiclass num_class=3 metric=multi_logloss "
                    + "learning_rate=%s max_depth=%d num_leaves=%d bagging_fraction=%s bagging_freq=%d "
                    + "feature_fraction=%s lambda_l2=1 min_sum_hessian_in_leaf=1 min_data_in_leaf=1 num_threads=1 "
                    + "seed=42 deterministic=true force_row_wise=true verbosity=-1", c.eta(), c.depth(),
                    1 << c.depth(), c.subsample(), c.subsample() < 1 ? 1 : 0, c.colsample());
            LGBMBooster b = LGBMBooster.create(train, params);
            try {
                b.addValidData(val);
                Stopped s = boost(r -> {
                    b.updateOneIter();
                    return b.getEval(1)[0];
                });
                double[] probs = predict(b, d.test(), d.rows(d.test()), d.cols(), s.best() + 1);
                return scored(t0, s.best(), s.loss(), probs, d.yTest());
            } finally {
                b.close();
                val.close();
                train.close();
            }
        }
    }

    /**
     * Class probabilities from the first {@code rounds} rounds' trees. lightgbm4j 4.1.0-2's {@code predictForMat}
     * allocates two values per row for a normal prediction, so with three classes LightGBM writes past the buffer
     * ("corrupted size vs. prev_size", then the JVM aborts): this calls LightGBM's C API through the binding's own SWIG
     * layer with a buffer of {@code rows * 3}.
     */
    private static double[] predict(LGBMBooster b, float[] x, int rows, int cols, int rounds) throws Exception {
        java.lang.reflect.Field h = LGBMBooster.class.getDeclaredField("handle");
        h.setAccessible(true);
        var handle = lightgbmlib.voidpp_value((com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void) h.get(b));
        var data = lightgbmlib.new_floatArray(x.length);
        var len = lightgbmlib.new_int64_tp();
        var out = lightgbmlib.new_doubleArray(rows * 3L);
        try {
            for (int i = 0; i < x.length; i++) {
                lightgbmlib.floatArray_setitem(data, i, x[i]);
            }
            int rc = lightgbmlib.LGBM_BoosterPredictForMat(handle, lightgbmlib.float_to_voidp_ptr(data),
                    lightgbmlib.C_API_DTYPE_FLOAT32, rows, cols, 1, lightgbmlib.C_API_PREDICT_NORMAL, 0, rounds, "",
                    len, out);
            if (rc != 0) {
                throw new IllegalStateException("LightGBM: " + lightgbmlib.LGBM_GetLastError());
            }
            double[] probs = new double[rows * 3];
            for (int i = 0; i < probs.length; i++) {
                probs[i] = lightgbmlib.doubleArray_getitem(out, i);
            }
            return probs;
        } finally {
            lightgbmlib.delete_floatArray(data);
            lightgbmlib.delete_int64_tp(len);
            lightgbmlib.delete_doubleArray(out);
        }
    }

    private static Fit scored(long t0, int best, double valLoss, double[] probs, int[] y) {
        double millis = (System.nanoTime() - t0) / 1e6;
        int right = 0;
        double loss = 0;
        for (int i = 0; i < y.length; i++) {
            int arg = 0;
            for (int k = 1; k < 3; k++) {
                arg = probs[i * 3 + k] > probs[i * 3 + arg] ? k : arg;
            }
            right += arg == y[i] ? 1 : 0;
            loss -= Math.log(Math.max(1e-15, probs[i * 3 + y[i]]));
        }
        return new Fit(millis, best, valLoss, (double) right / y.length, loss / y.length);
    }

    /** The matrix as {@code features build --out} writes it: time, the features, the label last. */
    static Data load(Path csv) throws Exception {
        List<double[]> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(csv)) {
            boolean header = true;
            for (CsvRecord rec : r) {
                if (header) {
                    header = false;
                    continue;
                }
                double[] v = new double[rec.getFieldCount() - 1];
                for (int j = 1; j < rec.getFieldCount(); j++) {
                    String s = rec.getField(j);
                    v[j - 1] = s.isEmpty() || s.equals("NaN") ? Double.NaN : Double.parseDouble(s);
                }
                if (!Double.isNaN(v[v.length - 1])) {
                    rows.add(v);
                }
            }
        }
        int n = rows.size();
        int cols = rows.get(0).length - 1;
        int a = n / 2;
        int b = n * 3 / 4;
        double[] mu = new double[cols];
        double[] sd = new double[cols];
        for (int j = 0; j < cols; j++) {
            double s = 0;
            double s2 = 0;
            int m = 0;
            for (int i = 0; i < a; i++) {
                double x = rows.get(i)[j];
                if (!Double.isNaN(x)) {
                    s += x;
                    s2 += x * x;
                    m++;
                }
            }
            mu[j] = s / m;
            double var = s2 / m - mu[j] * mu[j];
            sd[j] = var > 0 ? Math.sqrt(var) : 1;
        }
        double[] trainY = new double[a];
        for (int i = 0; i < a; i++) {
            trainY[i] = rows.get(i)[cols];
        }
        Arrays.sort(trainY);
        double lo = percentile(trainY, 33.333);
        double hi = percentile(trainY, 66.667);
        float[][] x = new float[3][];
        float[][] ys = new float[3][];
        int[] bounds = {0, a, b, n};
        for (int p = 0; p < 3; p++) {
            int len = bounds[p + 1] - bounds[p];
            x[p] = new float[len * cols];
            ys[p] = new float[len];
            for (int i = 0; i < len; i++) {
                double[] row = rows.get(bounds[p] + i);
                for (int j = 0; j < cols; j++) {
                    x[p][i * cols + j] = (float) ((row[j] - mu[j]) / sd[j]);
                }
                double y = row[cols];
                ys[p][i] = y <= lo ? 0 : y <= hi ? 1 : 2;
            }
        }
        int[] yTest = new int[ys[2].length];
        for (int i = 0; i < yTest.length; i++) {
            yTest[i] = (int) ys[2][i];
        }
        return new Data(x[0], ys[0], x[1], ys[1], x[2], yTest, cols);
    }

    /** numpy's default (linear) percentile of sorted values. */
    private static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
