package io.atlasj.stats.model;

import io.atlasj.workspec.results.ResultsObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which inputs the models of one target lean on, from the two measures a result holds per fold: the permutation
 * importance on the validation part (every model, schema 6) and a tree model's share of split gain (schema 7). Per
 * model, each measure is averaged over its folds, negative values counted as 0, and scaled to its own largest; the
 * model's score is the mean of the measures it has (both for trees, permutation for networks), so every model weighs
 * the same. The target's score is the mean over its models. What {@code atlas features select} ranks by, per target
 * ({@link #of}) and then across targets ({@link Core}), and what the report shows per unit.
 *
 * @param scope       what the models are (a unit, or the units of one target), for messages
 * @param target      the label the models predict (their unit's), as the result names it
 * @param base        the featureset's base market and timeframe ({@code bitstamp:btc_usd 5m}), followed by
 *                    {@code mid} when its prices are quote-bar midpoints
 * @param declared    the inputs as the featureset declared them, in its order
 * @param resolved    the same with market and timeframe bound (what reads back without the featureset's defaults)
 * @param labels      the featureset's labels as declared (its resolved ids in results older than the declared ones)
 * @param score       per input, the mean over the models of their score, from 0 to 1
 * @param permutation per input, the mean over the models with a permutation importance of it, scaled; null if none
 * @param gain        per input, the mean over the tree models of their scaled gain share; null if no tree model
 * @param order       the inputs' indices, most important first
 * @param models      the models that had a measure above zero
 * @param treeModels  of those, the ones with a tree gain
 */
public record InputImportance(String scope, String target, String name, String base, String gaps,
                              List<String> declared, List<String> resolved, List<String> labels, double[] score,
                              double[] permutation, double[] gain, int[] order, int models, int treeModels) {
    /**
     * The importance of the inputs over {@code results} (those without a measure are left out), or empty when none has
     * one.
     *
     * @throws IllegalArgumentException when the models were trained on different inputs (two versions of a featureset)
     */
    @SuppressWarnings("unchecked")
    public static Optional<InputImportance> of(String scope, List<ResultsObject> results) {
        ResultsObject first = null;
        double[] sum = null;
        double[] permSum = null;
        double[] gainSum = null;
        int models = 0;
        int permModels = 0;
        int treeModels = 0;
        for (ResultsObject r : results) {
            List<String> declared = (List<String>) r.featureset().get("declared");
            if (declared == null || r.featureset().get("features") == null || r.featureset().get("labels") == null
                    || !String.valueOf(r.featureset().get("base")).contains(" ")) {
                continue; // a result without its featureset's inputs (an ensemble's, or an older one)
            }
            int n = declared.size();
            double[] p = scaled(r.folds(), n, ResultsObject.FoldResult::importance);
            double[] g = scaled(r.folds(), n, ResultsObject.FoldResult::gain);
            if (p == null && g == null) {
                continue; // nothing measured (an older result, an ensemble, a stopped network) or nothing above zero
            }
            if (first == null) {
                first = r;
                sum = new double[n];
                permSum = new double[n];
                gainSum = new double[n];
            } else if (!first.featureset().get("declared").equals(declared)) {
                throw new IllegalArgumentException("model " + r.key() + " of " + scope + " was trained on other "
                        + "inputs than model " + first.key() + " (another version of the featureset): select from one "
                        + "run of it");
            }
            for (int j = 0; j < n; j++) {
                sum[j] += p == null ? g[j] : g == null ? p[j] : (p[j] + g[j]) / 2;
                permSum[j] += p == null ? 0 : p[j];
                gainSum[j] += g == null ? 0 : g[j];
            }
            models++;
            permModels += p == null ? 0 : 1;
            treeModels += g == null ? 0 : 1;
        }
        if (first == null) {
            return Optional.empty();
        }
        Map<String, Object> fs = first.featureset();
        List<String> labels = (List<String>) (fs.get("labelDeclared") != null ? fs.get("labelDeclared")
                : fs.get("labels"));
        double[] score = divide(sum, models);
        return Optional.of(new InputImportance(scope, String.valueOf(fs.get("label")), String.valueOf(fs.get("name")),
                fs.get("base") + (fs.get("prices") == null || "trades".equals(fs.get("prices")) ? ""
                        : " " + fs.get("prices")), fs.get("fillLimit") == null ? String.valueOf(fs.get("gaps"))
                        : fs.get("gaps") + " " + fs.get("fillLimit"), (List<String>) fs.get("declared"),
                (List<String>) fs.get("features"), labels, score, divide(permSum, permModels),
                divide(gainSum, treeModels), ranked(score), models, treeModels));
    }

    /** A model's measure averaged over its folds, clipped at 0 and scaled to its largest; null if none above 0. */
    private static double[] scaled(List<ResultsObject.FoldResult> folds, int n,
                                   java.util.function.Function<ResultsObject.FoldResult, double[]> measure) {
        double[] mean = new double[n];
        int count = 0;
        for (ResultsObject.FoldResult f : folds) {
            double[] m = measure.apply(f);
            if (m != null && m.length == n) {
                for (int j = 0; j < n; j++) {
                    mean[j] += Double.isFinite(m[j]) ? Math.max(0, m[j]) : 0;
                }
                count++;
            }
        }
        double max = Arrays.stream(mean).max().orElse(0);
        if (count == 0 || max <= 0) {
            return null;
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= max;
        }
        return mean;
    }

    private static double[] divide(double[] sum, int n) {
        if (n == 0) {
            return null;
        }
        double[] out = new double[sum.length];
        for (int j = 0; j < sum.length; j++) {
            out[j] = sum[j] / n;
        }
        return out;
    }

    private static int[] ranked(double[] score) {
        return java.util.stream.IntStream.range(0, score.length).boxed()
                .sorted((a, b) -> Double.compare(score[b], score[a])).mapToInt(Integer::intValue).toArray();
    }

    /**
     * One core set of inputs across several targets (the seeds' pipeline: rank per target, then aggregate): each input,
     * by its resolved id, scores the mean over the targets of its score for each, 0 for a target whose featureset does
     * not have it, so every target weighs the same however many models it has.
     *
     * @param targets  the per-target importances, in the order given
     * @param resolved the inputs of all targets by resolved id, in the order they first appear
     * @param declared the same as their featureset declared them
     * @param perTarget per target, per input, its score (NaN where the target's featureset does not have the input)
     * @param score    per input, the mean over the targets
     * @param order    the inputs' indices, most important first
     * @param labels   every target's featureset labels as declared, without repeats
     */
    public record Core(List<InputImportance> targets, List<String> resolved, List<String> declared,
                       double[][] perTarget, double[] score, int[] order, List<String> labels) {
        /**
         * @throws IllegalArgumentException when the targets' featuresets have different bases or gap policies (a
         *                                  featureset has one of each)
         */
        public static Core of(List<InputImportance> targets) {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no target to select for");
            }
            InputImportance t0 = targets.get(0);
            Map<String, String> inputs = new LinkedHashMap<>();
            LinkedHashSet<String> labels = new LinkedHashSet<>();
            for (InputImportance t : targets) {
                if (!t.base().equals(t0.base()) || !t.gaps().equals(t0.gaps())) {
                    throw new IllegalArgumentException(t.scope() + " reads " + t.base() + " (gaps: " + t.gaps()
                            + ") but " + t0.scope() + " reads " + t0.base() + " (gaps: " + t0.gaps() + "): one "
                            + "featureset has one base and one gap policy, so select among units over the same "
                            + "(name them with --unit)");
                }
                for (int j = 0; j < t.resolved().size(); j++) {
                    inputs.putIfAbsent(t.resolved().get(j), t.declared().get(j));
                }
                labels.addAll(t.labels());
            }
            List<String> resolved = new ArrayList<>(inputs.keySet());
            double[][] per = new double[targets.size()][resolved.size()];
            double[] score = new double[resolved.size()];
            for (int k = 0; k < targets.size(); k++) {
                InputImportance t = targets.get(k);
                Arrays.fill(per[k], Double.NaN);
                for (int j = 0; j < t.resolved().size(); j++) {
                    int at = resolved.indexOf(t.resolved().get(j));
                    per[k][at] = t.score()[j];
                    score[at] += t.score()[j] / targets.size();
                }
            }
            return new Core(List.copyOf(targets), resolved, new ArrayList<>(inputs.values()), per, score,
                    ranked(score), List.copyOf(labels));
        }
    }
}
