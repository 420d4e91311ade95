package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees ({@code type: gbm}) with XGBoost's JVM binding: the histogram method, one thread per slot,
 * {@code multi:softprob} for classes and squared error for regression. Each round is an "epoch" of the curves: the
 * training and validation loss (log loss, or RMSE in the scaled target's units) as XGBoost evaluates them. With a
 * validation part, training stops after {@code earlyStopping} rounds without a lower validation loss and the best
 * round's trees make every prediction; the model file (XGBoost's UBJSON) holds the trees up to the last round and the
 * best round as the attribute {@link #BEST}, so a served model predicts as training did.
 */
final class GbmTrainer {
    /** The model file's attribute holding the best round (0-based), whose trees make the predictions. */
    static final String BEST = "atlas_best_round";
    private static final com.fasterxml.jackson.databind.ObjectMapper TREE_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private GbmTrainer() {
    }

    static TrainingResult train(ModelSpec spec, PreparedData data, ModelTrainer.Listener listener, Path modelFile,
                                Path warmStart) {
        long t0 = System.nanoTime();
        List<TrainingResult.Epoch> curves = new ArrayList<>();
        if (warmStart != null) {
            return TrainingResult.failed("gbm: warmStart is not built for gradient-boosted trees", curves, 0);
        }
        if (data.train().rows() == 0 || data.features() == 0) {
            return TrainingResult.failed("no training rows or no features", curves, 0);
        }
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        Map<String, Object> h = spec.hyper();
        int rounds = (Integer) h.get("rounds");
        double eta = (Double) h.get("eta");
        Map<String, Object> params = new HashMap<>();
        params.put("booster", "gbtree");
        params.put("tree_method", "hist");
        params.put("nthread", 1);
        params.put("verbosity", 0);
        params.put("seed", spec.seed());
        params.put("eta", eta);
        params.put("max_depth", h.get("maxDepth"));
        params.put("min_child_weight", h.get("minChildWeight"));
        params.put("subsample", h.get("subsample"));
        params.put("colsample_bytree", h.get("colsampleBytree"));
        params.put("lambda", h.get("lambda"));
        params.put("alpha", h.get("alpha"));
        params.put("gamma", h.get("gamma"));
        params.put("max_bin", h.get("maxBin"));
        if (classify) {
            params.put("objective", "multi:softprob");
            params.put("num_class", data.classes());
            params.put("eval_metric", "mlogloss");
        } else {
            params.put("objective", "reg:squarederror");
            params.put("eval_metric", "rmse");
        }
        boolean validated = data.validation().rows() > 0;
        DMatrix train = null;
        DMatrix val = null;
        Booster booster = null;
        try {
            train = matrix(data.train());
            DMatrix[] evals = validated ? new DMatrix[] {train, val = matrix(data.validation())} : new DMatrix[] {train};
            String[] names = validated ? new String[] {"train", "validation"} : new String[] {"train"};
            // our own loop over rounds (XGBoost.train prints every round to stdout): each round reaches the listener
            // as it ends, and early stopping reads the validation loss
            booster = XGBoost.train(train, params, 0, Map.of(), null, null);
            int early = validated ? (Integer) h.get("earlyStopping") : 0;
            float[] losses = new float[evals.length];
            int best = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (int r = 0; r < rounds; r++) {
                booster.update(train, r);
                booster.evalSet(evals, names, r, losses);
                double trainLoss = losses[0];
                double valLoss = validated ? losses[1] : trainLoss;
                if (!Double.isFinite(trainLoss) || !Double.isFinite(valLoss)) {
                    return TrainingResult.failed("the loss became " + (Double.isFinite(trainLoss) ? valLoss : trainLoss)
                            + " at round " + (r + 1) + " (check the inputs and the labels)", curves, millis(t0));
                }
                // rounds are counted from 0, as the networks' epochs are
                TrainingResult.Epoch e = new TrainingResult.Epoch(r, trainLoss, valLoss, Double.NaN, eta);
                curves.add(e);
                listener.epoch(e);
                if (valLoss < bestLoss) {
                    bestLoss = valLoss;
                    best = r;
                } else if (early > 0 && r - best >= early) {
                    break;
                }
                if (r + 1 < rounds && listener.stop(e) != null) {
                    break; // the run's search stopped this trial: the trees up to its best round so far are kept
                }
            }
            if (!validated) {
                best = curves.size() - 1; // nothing to choose by: every round's trees
            }
            booster.setAttr(BEST, String.valueOf(best));
            int[] range = {0, best + 1};
            TrainingResult.Predictions tr = predict(booster, data.train(), range, classify);
            TrainingResult.Predictions va = predict(booster, data.validation(), range, classify);
            TrainingResult.Predictions te = predict(booster, data.test(), range, classify);
            if (validated) {
                // the curves' metric at the best round, as the other trainers report theirs each epoch
                TrainingResult.Epoch b = curves.get(best);
                curves.set(best, new TrainingResult.Epoch(b.epoch(), b.trainLoss(), b.validationLoss(),
                        Scores.metric(va, data.validation().y(), classify), eta));
            }
            double[] gain = gainShares(booster.getModelDump((String) null, true, "json"), curves.size(), best,
                    data.features());
            if (modelFile != null) {
                save(booster, modelFile);
            }
            return new TrainingResult(true, null, curves, best, tr, va, te, millis(t0), List.of(), null, gain);
        } catch (XGBoostError e) {
            return TrainingResult.failed("XGBoost: " + e.getMessage(), curves, millis(t0));
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (train != null) {
                train.dispose();
            }
            if (val != null) {
                val.dispose();
            }
        }
    }

    /**
     * The trees' own importance of each input: the split gain (the loss reduction XGBoost credits each split with)
     * summed over the splits on that input in the trees of rounds {@code 0..best}, the trees that predict, as a share of
     * all their splits' gain (XGBoost's {@code total_gain}, which its {@code getScore} would sum over every tree kept,
     * those after the best round included). All zeros when no tree split.
     *
     * @param trees  the JSON dump of every tree with its statistics, in boosting order ({@code rounds} times the trees
     *               of a round: one per class, or one)
     * @param inputs the number of input columns ({@code f0}, {@code f1}, ... in the dump)
     */
    static double[] gainShares(String[] trees, int rounds, int best, int inputs) {
        double[] gain = new double[inputs];
        int perRound = rounds == 0 ? 1 : Math.max(1, trees.length / rounds);
        try {
            for (int t = 0; t < Math.min(trees.length, (best + 1) * perRound); t++) {
                addGain(TREE_JSON.readTree(trees[t]), gain);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("XGBoost's tree dump is not readable JSON: " + e.getMessage(), e);
        }
        double total = 0;
        for (double g : gain) {
            total += g;
        }
        if (total > 0) {
            for (int j = 0; j < inputs; j++) {
                gain[j] /= total;
            }
        }
        return gain;
    }

    private static void addGain(com.fasterxml.jackson.databind.JsonNode node, double[] gain) {
        com.fasterxml.jackson.databind.JsonNode split = node.get("split");
        if (split == null) {
            return; // a leaf
        }
        String f = split.asText();
        int j = Integer.parseInt(f.startsWith("f") ? f.substring(1) : f);
        gain[j] += node.path("gain").asDouble();
        for (com.fasterxml.jackson.databind.JsonNode c : node.path("children")) {
            addGain(c, gain);
        }
    }

    /** The rows of a part as a dense float32 matrix with its targets; NaN is missing. */
    private static DMatrix matrix(PreparedData.Part p) throws XGBoostError {
        DMatrix m = new DMatrix(flat(p.x()), p.rows(), p.x().length == 0 ? 0 : p.x()[0].length, Float.NaN);
        float[] y = new float[p.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) p.y()[i];
        }
        m.setLabel(y);
        return m;
    }

    static float[] flat(double[][] x) {
        int cols = x.length == 0 ? 0 : x[0].length;
        float[] f = new float[x.length * cols];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < cols; c++) {
                f[i * cols + c] = (float) x[i][c];
            }
        }
        return f;
    }

    /** The trees of {@code range} (rounds from, to) on a part's rows: the class and its probabilities, or the value. */
    static TrainingResult.Predictions predict(Booster b, PreparedData.Part p, int[] range, boolean classify)
            throws XGBoostError {
        int n = p.rows();
        if (n == 0) {
            return new TrainingResult.Predictions(new double[0], classify ? new double[0][] : null);
        }
        float[][] out = b.inplace_predict(flat(p.x()), n, p.x()[0].length, Float.NaN, range);
        double[] values = new double[n];
        double[][] probs = classify ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            if (classify) {
                probs[i] = new double[out[i].length];
                int arg = 0;
                for (int c = 0; c < out[i].length; c++) {
                    probs[i][c] = out[i][c];
                    if (out[i][c] > out[i][arg]) {
                        arg = c;
                    }
                }
                values[i] = arg;
            } else {
                values[i] = out[i][0];
            }
        }
        return new TrainingResult.Predictions(values, probs);
    }

    /** Writes the model whole or not at all (the result naming it with its SHA-256 is the commit point). */
    private static void save(Booster b, Path file) throws XGBoostError {
        byte[] bytes = b.toByteArray("ubj");
        try {
            io.atlasj.home.Durable.replace(file, tmp -> Files.write(tmp, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + file + ": " + e.getMessage(), e);
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
