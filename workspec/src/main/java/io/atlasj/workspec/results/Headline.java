package io.atlasj.workspec.results;

/**
 * The one-line figure of a result, the same wherever a table of models is shown (the run table, the results store,
 * the cluster's progress): accuracy for classification, RMSE for regression, on the first fold's validation and test
 * parts. NaN where a part is missing or the model failed.
 *
 * @param metric {@code accuracy}, {@code rmse}, or empty for a failed result
 */
public record Headline(String metric, double validation, double test) {
    public static Headline of(ResultsObject r) {
        if (r.folds().isEmpty() || r.folds().get(0).test() == null) {
            return new Headline("", Double.NaN, Double.NaN);
        }
        ResultsObject.FoldResult f = r.folds().get(0);
        boolean classify = f.test().probabilities() != null;
        return new Headline(classify ? "accuracy" : "rmse", score(f.validation(), classify), score(f.test(), classify));
    }

    /** Whether a larger value is better. */
    public boolean higherIsBetter() {
        return metric.equals("accuracy");
    }

    @Override
    public String toString() {
        return metric.isEmpty() ? "" : String.format(java.util.Locale.ROOT, "%s %.3f / %.3f", metric, validation, test);
    }

    private static double score(ResultsObject.Split s, boolean classify) {
        if (s == null || s.actual().length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < s.actual().length; i++) {
            double d = s.predicted()[i] - s.actual()[i];
            sum += classify ? (d == 0 ? 1 : 0) : d * d;
        }
        return classify ? sum / s.actual().length : Math.sqrt(sum / s.actual().length);
    }
}
