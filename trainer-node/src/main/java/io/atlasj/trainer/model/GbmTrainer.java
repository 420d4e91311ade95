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
 * best round as the attribute {@link #BEST}, so a served model predicts as training did. A warm start
 * ({@code training.warmStart}) boosts on from another model's served trees (its rounds to its best), which then come
 * first in the file; its rounds and best round count after them.
 */
final class GbmTrainer {
    /** The model file's attribute holding the best round (0-based), whose trees make the predictions. */
    static final String BEST = "atlas_best_round";
    /**
     * The model file's attribute holding how its trees were grown (XGBoost's parameters as JSON, without the learning
     * rate and seed; XGBoost's own file keeps the trees, not these), so that fine-tuning boosts more rounds alike.
     * Files written before it have none and do not fine-tune.
     */
    static final String GROWTH = "atlas_growth";
    private static final com.fasterxml.jackson.databind.ObjectMapper TREE_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private GbmTrainer() {
    }

    static TrainingResult train(ModelSpec spec, PreparedData data, ModelTrainer.Listener listener, Path modelFile,
                                Path warmStart) {
        long t0 = System.nanoTime();
        List<TrainingResult.Epoch> curves = new ArrayList<>();
        if (data.train().rows() == 0 || data.features() == 0) {
            return TrainingResult.failed("no training rows or no features", curves, 0);
        }
        boolean classify = data.task() == DatasetOptions.Task.CLASSIFICATION;
        Map<String, Object> h = spec.hyper();
        int rounds = (Integer) h.get("rounds");
        double eta = (Double) h.get("eta");
        Map<String, Object> growth = new HashMap<>();
        growth.put("booster", "gbtree");
        growth.put("tree_method", "hist");
        growth.put("nthread", 1);
        growth.put("verbosity", 0);
        growth.put("max_depth", h.get("maxDepth"));
        growth.put("min_child_weight", h.get("minChildWeight"));
        growth.put("subsample", h.get("subsample"));
        growth.put("colsample_bytree", h.get("colsampleBytree"));
        growth.put("lambda", h.get("lambda"));
        growth.put("alpha", h.get("alpha"));
        growth.put("gamma", h.get("gamma"));
        growth.put("max_bin", h.get("maxBin"));
        if (classify) {
            growth.put("objective", "multi:softprob");
            growth.put("num_class", data.classes());
            growth.put("eval_metric", "mlogloss");
        } else {
            growth.put("objective", "reg:squarederror");
            growth.put("eval_metric", "rmse");
        }
        Map<String, Object> params = new HashMap<>(growth);
        params.put("seed", spec.seed());
        params.put("eta", eta);
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
            // a warm start boosts on from the served trees of another model of the unit (its rounds to its best)
            int existing = 0;
            if (warmStart != null) {
                String why = null;
                Booster from = null;
                try {
                    from = XGBoost.loadModel(warmStart.toString());
                    int served = servedRounds(from);
                    int outputs = from.getNumFeature() != data.features() ? -1 : from.inplace_predict(
                            new float[data.features()], 1, data.features(), Float.NaN, new int[] {0, served})[0].length;
                    if (from.getNumFeature() != data.features()) {
                        why = "takes " + from.getNumFeature() + " inputs, this model " + data.features();
                    } else if (outputs != (classify ? data.classes() : 1)) {
                        why = "has " + outputs + " outputs, this model " + (classify ? data.classes() : 1);
                    } else {
                        booster = firstRounds(from, served);
                        booster.setParams(params);
                        existing = served;
                    }
                } catch (XGBoostError | RuntimeException e) {
                    why = "cannot read it: " + e.getMessage();
                } finally {
                    if (from != null) {
                        from.dispose();
                    }
                }
                if (why != null) {
                    return TrainingResult.failed("warmStart: the trees in " + warmStart + " " + why, curves, millis(t0));
                }
            } else {
                booster = XGBoost.train(train, params, 0, Map.of(), null, null);
            }
            int early = validated ? (Integer) h.get("earlyStopping") : 0;
            float[] losses = new float[evals.length];
            int best = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (int r = 0; r < rounds; r++) {
                booster.update(train, existing + r);
                booster.evalSet(evals, names, existing + r, losses);
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
            booster.setAttr(BEST, String.valueOf(existing + best));
            // how a tree grows, kept in the file: the live runner's fine-tuning boosts more rounds the same way
            booster.setAttr(GROWTH, TREE_JSON.writeValueAsString(growth));
            int[] range = {0, existing + best + 1};
            TrainingResult.Predictions va = predict(booster, data.validation(), range, classify);
            TrainingResult.Predictions te = predict(booster, data.test(), range, classify);
            if (validated) {
                // the curves' metric at the best round, as the other trainers report theirs each epoch
                TrainingResult.Epoch b = curves.get(best);
                curves.set(best, new TrainingResult.Epoch(b.epoch(), b.trainLoss(), b.validationLoss(),
                        Scores.metric(va, data.validation().y(), classify), eta));
            }
            double[] gain = gainShares(booster.getModelDump((String) null, true, "json"), existing + curves.size(),
                    existing + best, data.features());
            if (modelFile != null) {
                save(booster, modelFile);
            }
            // no training part: a result keeps no predictions of the training rows (result schema 8)
            return new TrainingResult(true, null, curves, best, null, va, te, millis(t0), List.of(), null, gain);
        } catch (XGBoostError e) {
            return TrainingResult.failed("XGBoost: " + e.getMessage(), curves, millis(t0));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the trees' settings: " + e.getMessage(), e);
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
            return TrainingResult.Predictions.of(new float[0][], classify);
        }
        return TrainingResult.Predictions.of(b.inplace_predict(flat(p.x()), n, p.x()[0].length, Float.NaN, range),
                classify);
    }

    /**
     * The rounds whose trees predict: those up to the best round the file records ({@link #BEST}), or every round of a
     * file without one.
     *
     * @throws IllegalArgumentException when the attribute is not a round number
     */
    static int servedRounds(Booster b) throws XGBoostError {
        String best = b.getAttr(BEST);
        if (best == null) {
            return b.getNumBoostedRound();
        }
        if (!best.matches("\\d+")) {
            throw new IllegalArgumentException("attribute " + BEST + " is '" + best + "', not a round number");
        }
        return Integer.parseInt(best) + 1;
    }

    /** Whether a loaded model file holds how its trees were grown ({@link #GROWTH}), so that it can fine-tune. */
    static boolean fineTunes(Booster b) throws XGBoostError {
        return b.getAttr(GROWTH) != null;
    }

    /**
     * The model fine-tuned on a batch of rows: a new booster holding the served trees of {@code b} (its rounds
     * {@code 0 .. rounds - 1}: the trees a trained model kept after its best round are dropped, so that new trees
     * correct what is served), followed by {@code steps} more rounds boosted on {@code x} (row-major, {@code n} rows)
     * and targets {@code y} (class indices, or the scaled regression target) as training grew its trees
     * ({@link #GROWTH}), each at learning rate {@code eta}. {@code b} is left as it was; null when the batch's loss
     * after the new rounds is not finite (nothing to keep).
     */
    static Booster fineTuned(Booster b, int rounds, float[] x, int n, int cols, float[] y, double eta, int steps,
                             long seed) throws XGBoostError {
        Map<String, Object> params;
        try {
            params = TREE_JSON.readValue(b.getAttr(GROWTH),
                    new com.fasterxml.jackson.core.type.TypeReference<HashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("the model's " + GROWTH + " attribute is not JSON: " + e.getMessage(), e);
        }
        params.put("eta", eta);
        params.put("seed", seed);
        for (float v : y) {
            if (!Float.isFinite(v)) {
                return null; // a loss that cannot be finite (XGBoost refuses such targets), as a network's would be
            }
        }
        // a copy to boost on (the served model stays as it was if the new rounds are not kept): through XGBoost's
        // own format when every round serves (a fine-tuned version), else cut to the served rounds
        Booster next;
        try {
            next = rounds == b.getNumBoostedRound() ? XGBoost.loadModel(b.toByteArray("ubj")) : firstRounds(b, rounds);
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the trees: " + e.getMessage(), e);
        }
        DMatrix d = null;
        try {
            d = new DMatrix(x, n, cols, Float.NaN);
            d.setLabel(y);
            next.setParams(params);
            for (int s = 0; s < steps; s++) {
                next.update(d, next.getNumBoostedRound());
            }
            // the batch's loss and outputs must be finite (XGBoost's log loss clips probabilities, so a margin that
            // overflowed shows in the outputs only)
            float[] loss = new float[1];
            next.evalSet(new DMatrix[] {d}, new String[] {"batch"}, 0, loss);
            boolean finite = Double.isFinite(loss[0]);
            for (float[] row : finite ? next.inplace_predict(x, n, cols, Float.NaN) : new float[0][]) {
                for (float v : row) {
                    finite &= Float.isFinite(v);
                }
            }
            if (!finite) {
                next.dispose();
                return null;
            }
            next.setAttr(BEST, String.valueOf(next.getNumBoostedRound() - 1)); // every round's trees serve now
            return next;
        } catch (XGBoostError | RuntimeException e) {
            next.dispose();
            throw e;
        } finally {
            if (d != null) {
                d.dispose();
            }
        }
    }

    /**
     * A copy of {@code b} with the trees of its first {@code rounds} rounds only (the rest of XGBoost's JSON model as it
     * was): XGBoost's JVM binding has no slicing of its own. The JSON's reals pass through doubles: XGBoost writes each
     * float32 as a short decimal, whose nearest double is read back as the same float32 (XGBoost tells integers from
     * reals by the text, so reals are written as doubles, never as plain digits); {@code GbmTrainerTest} checks that the
     * kept trees predict bit for bit as before.
     */
    static Booster firstRounds(Booster b, int rounds) throws XGBoostError {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode root =
                    (com.fasterxml.jackson.databind.node.ObjectNode) TREE_JSON.readTree(b.toByteArray("json"));
            com.fasterxml.jackson.databind.node.ObjectNode model = (com.fasterxml.jackson.databind.node.ObjectNode)
                    root.path("learner").path("gradient_booster").path("model");
            com.fasterxml.jackson.databind.JsonNode indptr = model.path("iteration_indptr");
            if (!indptr.isArray() || indptr.size() < rounds + 1 || !model.path("trees").isArray()) {
                throw new IllegalStateException("XGBoost's JSON model has no iteration_indptr of " + (rounds + 1)
                        + " entries or no trees (not a gbtree model of XGBoost 2?)");
            }
            int trees = indptr.get(rounds).asInt();
            com.fasterxml.jackson.databind.node.ArrayNode keptTrees = TREE_JSON.createArrayNode();
            com.fasterxml.jackson.databind.node.ArrayNode keptInfo = TREE_JSON.createArrayNode();
            com.fasterxml.jackson.databind.node.ArrayNode keptPtr = TREE_JSON.createArrayNode();
            for (int t = 0; t < trees; t++) {
                keptTrees.add(model.get("trees").get(t));
                keptInfo.add(model.get("tree_info").get(t));
            }
            for (int r = 0; r <= rounds; r++) {
                keptPtr.add(indptr.get(r));
            }
            model.set("trees", keptTrees);
            model.set("tree_info", keptInfo);
            model.set("iteration_indptr", keptPtr);
            ((com.fasterxml.jackson.databind.node.ObjectNode) model.path("gbtree_model_param"))
                    .put("num_trees", String.valueOf(trees));
            return XGBoost.loadModel(TREE_JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new IllegalStateException("cannot cut the trees to " + rounds + " rounds: " + e.getMessage(), e);
        }
    }

    /** Writes the trees as training does (XGBoost's UBJSON, durably); returns the file's SHA-256. */
    static String write(Booster b, Path file) throws IOException {
        try {
            save(b, file);
        } catch (XGBoostError e) {
            throw new IOException("XGBoost cannot write the model: " + e.getMessage(), e);
        }
        return io.atlasj.workspec.results.ResultsIo.sha256(file);
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
