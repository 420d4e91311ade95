package io.atlasj.stats.model;

import io.atlasj.workspec.results.ResultsObject;
import java.util.Arrays;
import java.util.List;

/**
 * Which inputs a unit's models lean on: each model's permutation importance (stored per fold, schema 6) averaged over
 * its folds, negative values counted as 0, scaled to its own largest, then averaged over the models. What
 * {@code atlas features select} ranks by, and what the report shows per unit.
 *
 * @param declared the inputs as the featureset declared them, in its order
 * @param resolved the same with market and timeframe bound (what reads back without the featureset's defaults)
 * @param score    per input, the mean over the models of its scaled importance, from 0 to 1
 * @param order    the inputs' indices, most important first
 * @param models   the models that had an importance above zero
 */
public record InputImportance(String unit, String name, String base, String gaps, List<String> declared,
                              List<String> resolved, List<String> labels, double[] score, int[] order, int models) {
    /**
     * The importance of {@code unit}'s inputs over {@code results} (its models'; those without a measured importance
     * are left out), or empty when none has one.
     *
     * @throws IllegalArgumentException when the models were trained on different inputs (two versions of a featureset)
     */
    @SuppressWarnings("unchecked")
    public static java.util.Optional<InputImportance> of(String unit, List<ResultsObject> results) {
        InputImportance first = null;
        double[] sum = null;
        int models = 0;
        for (ResultsObject r : results) {
            List<String> declared = (List<String>) r.featureset().get("declared");
            if (declared == null || r.featureset().get("features") == null || r.featureset().get("labels") == null
                    || !String.valueOf(r.featureset().get("base")).contains(" ")) {
                continue; // a result without its featureset's inputs (an ensemble's, or an older one)
            }
            double[] mean = new double[declared.size()];
            int folds = 0;
            for (ResultsObject.FoldResult f : r.folds()) {
                if (f.importance() != null && f.importance().length == mean.length) {
                    for (int j = 0; j < mean.length; j++) {
                        double v = f.importance()[j];
                        mean[j] += Double.isFinite(v) ? Math.max(0, v) : 0;
                    }
                    folds++;
                }
            }
            double max = Arrays.stream(mean).max().orElse(0);
            if (folds == 0 || max <= 0) {
                continue; // no importance measured (an older result, an ensemble, a stopped trial) or none above zero
            }
            if (first == null) {
                first = new InputImportance(unit, String.valueOf(r.featureset().get("name")),
                        String.valueOf(r.featureset().get("base")), String.valueOf(r.featureset().get("gaps")),
                        declared, (List<String>) r.featureset().get("features"),
                        (List<String>) r.featureset().get("labels"), null, null, 0);
                sum = new double[declared.size()];
            } else if (!first.declared().equals(declared)) {
                throw new IllegalArgumentException("model " + r.key() + " of unit " + unit + " was trained on other "
                        + "inputs than the others (another version of the featureset): select from one run of it");
            }
            for (int j = 0; j < mean.length; j++) {
                sum[j] += mean[j] / max;
            }
            models++;
        }
        if (first == null) {
            return java.util.Optional.empty();
        }
        double[] score = new double[sum.length];
        for (int j = 0; j < sum.length; j++) {
            score[j] = sum[j] / models;
        }
        int[] order = java.util.stream.IntStream.range(0, score.length).boxed()
                .sorted((a, b) -> Double.compare(score[b], score[a])).mapToInt(Integer::intValue).toArray();
        return java.util.Optional.of(new InputImportance(unit, first.name(), first.base(), first.gaps(),
                first.declared(), first.resolved(), first.labels(), score, order, models));
    }
}
