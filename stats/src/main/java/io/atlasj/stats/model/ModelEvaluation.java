package io.atlasj.stats.model;

import io.atlasj.stats.metrics.Classification;
import io.atlasj.stats.metrics.Regression;
import io.atlasj.stats.trading.NaiveTrading;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One finished model's out-of-sample evaluation: the test rows of every done fold, joined in time order (for
 * walk-forward splits the whole out-of-sample path), with its metrics and naive trading.
 *
 * <p><b>Which return is traded.</b> A ResultsObject holds the label's values, not prices. For a regression label
 * {@code FutureReturn(h)} the actual value is the realised log return over the next {@code h} bars, so each row
 * earns {@code position * actual / h} (an {@code h}-bar bet entered every bar at size {@code 1/h}, so overlapping
 * bets do not count a return {@code h} times) less fees. For a classification label the result holds only the
 * class, so there is no return to trade: each row earns {@code position * direction(actual class) / h} in
 * <em>direction units</em> (+1 for a right call of up or down, -1 for a wrong one, 0 when flat or the actual class
 * is the middle one), with no fees since there is no price to charge them on. Sharpe ratios and drawdowns of
 * classification units are therefore of this hit series, comparable within a unit, not with money. Regression
 * labels that are not returns (e.g. {@code FutureMaxDrawdown}) are not traded.
 *
 * @param trading    naive trading of the out-of-sample rows, empty when the label is not tradable
 * @param returnBasis what the traded return is, in words
 * @param metrics    headline metrics by name (see {@link #CLASSIFICATION_METRICS} and {@link #REGRESSION_METRICS})
 */
public record ModelEvaluation(ResultsObject result, String unit, String name, String type, String label,
                              int classes, ResultsObject.Split oos, Map<String, Double> metrics,
                              Optional<NaiveTrading.Result> trading, String returnBasis, double periodsPerYear) {
    /** Fees charged on real returns, in basis points per unit of position changed. */
    public static final double FEE_BPS = 10;
    public static final List<String> CLASSIFICATION_METRICS = List.of("accuracy", "f1 macro", "auc macro", "log loss",
            "brier");
    public static final List<String> REGRESSION_METRICS = List.of("rmse", "mae", "r2", "direction", "ic");
    public static final List<String> TRADING_METRICS = List.of("sharpe", "max drawdown", "turnover", "hit rate", "pnl");
    /** Metrics where lower is better. */
    public static final List<String> LOWER_IS_BETTER = List.of("log loss", "brier", "rmse", "mae", "max drawdown",
            "turnover");
    private static final Pattern LABEL = Pattern.compile("^(\\w+)\\((\\d+)");

    public boolean classification() {
        return classes > 0;
    }

    /** A metric, NaN when absent. */
    public double metric(String name) {
        return metrics.getOrDefault(name, Double.NaN);
    }

    /** The headline hyperparameters as {@code name=value, ...}. */
    public String hyperparameters() {
        Object h = result.spec().get("hyperparameters");
        if (!(h instanceof Map<?, ?> m) || m.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    /**
     * The position series the naive trading takes: the class's direction for classification, the sign of the
     * prediction for regression.
     */
    public double[] positions() {
        return positions(classes, oos.predicted());
    }

    /**
     * A real-valued signal for comparing models: for classification the expected direction
     * {@code sum_k p_k direction(k)}, for regression the prediction.
     */
    public double[] signal() {
        if (!classification()) {
            return oos.predicted().clone();
        }
        double[] s = new double[oos.predicted().length];
        for (int i = 0; i < s.length; i++) {
            for (int k = 0; k < classes; k++) {
                s[i] += oos.probabilities()[i][k] * NaiveTrading.classPosition(k, classes);
            }
        }
        return s;
    }

    /**
     * Evaluates a done result.
     *
     * @throws IllegalArgumentException naming the result's key and the field, for a result that is not done, has no
     *                                  test rows, or has inconsistent series
     */
    public static ModelEvaluation of(ResultsObject r) {
        String where = "result " + r.key() + " (" + unitOf(r) + "/" + nameOf(r) + ")";
        if (!"done".equals(r.status())) {
            throw new IllegalArgumentException(where + ": status is " + r.status() + ", not done");
        }
        List<Row> rows = new ArrayList<>();
        Integer classes = null;
        for (ResultsObject.FoldResult f : r.folds()) {
            if (!"done".equals(f.status()) || f.test() == null) {
                continue;
            }
            ResultsObject.Split s = f.test();
            String field = where + ": folds[" + f.fold() + "].test";
            if (s.time() == null || s.actual() == null || s.predicted() == null) {
                throw new IllegalArgumentException(field + ": time, actual and predicted are required");
            }
            if (s.actual().length != s.time().length || s.predicted().length != s.time().length
                    || s.probabilities() != null && s.probabilities().length != s.time().length) {
                throw new IllegalArgumentException(field + ": time has " + s.time().length + " rows, actual "
                        + s.actual().length + ", predicted " + s.predicted().length
                        + (s.probabilities() == null ? "" : ", probabilities " + s.probabilities().length));
            }
            int k = s.probabilities() == null ? 0 : s.probabilities().length == 0 ? -1 : s.probabilities()[0].length;
            if (classes != null && classes != k) {
                throw new IllegalArgumentException(field + ".probabilities: " + k + " classes, earlier folds " + classes);
            }
            classes = k;
            for (int i = 0; i < s.time().length; i++) {
                double[] p = s.probabilities() == null ? null : s.probabilities()[i];
                if (p != null && p.length != k) {
                    throw new IllegalArgumentException(field + ".probabilities[" + i + "]: " + p.length
                            + " classes, row 0 has " + k);
                }
                rows.add(new Row(s.time()[i], s.actual()[i], s.predicted()[i], p));
            }
        }
        if (rows.size() < 2 || classes == null || classes < 0) {
            throw new IllegalArgumentException(where + ": fewer than 2 test rows in its done folds");
        }
        rows.sort(Comparator.comparingLong(Row::time));
        int n = rows.size();
        long[] time = new long[n];
        double[] actual = new double[n];
        double[] predicted = new double[n];
        double[][] prob = classes > 0 ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            time[i] = rows.get(i).time();
            actual[i] = rows.get(i).actual();
            predicted[i] = rows.get(i).predicted();
            if (prob != null) {
                prob[i] = rows.get(i).probabilities();
            }
        }
        ResultsObject.Split oos = new ResultsObject.Split(time, actual, predicted, prob);
        String label = labelOf(r);
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            if (classes > 0) {
                long[][] cm = Classification.confusion(actual, predicted, classes);
                double[] auc = new double[classes];
                for (int c = 0; c < classes; c++) {
                    auc[c] = Classification.roc(actual, prob, c).auc();
                }
                m.put("accuracy", Classification.accuracy(actual, predicted));
                m.put("f1 macro", Classification.macroAverage(Classification.f1(cm), cm));
                m.put("auc macro", Classification.mean(auc));
                m.put("log loss", Classification.logLoss(actual, prob));
                m.put("brier", Classification.brier(actual, prob));
            } else {
                m.put("rmse", Regression.rmse(actual, predicted));
                m.put("mae", Regression.mae(actual, predicted));
                m.put("r2", Regression.r2(actual, predicted));
                m.put("direction", Regression.directionalAccuracy(actual, predicted));
                m.put("ic", Regression.informationCoefficient(actual, predicted));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": test rows: " + e.getMessage(), e);
        }
        double ppy = NaiveTrading.periodsPerYear(time);
        Matcher lm = LABEL.matcher(label);
        boolean parsed = lm.find();
        String kind = parsed ? lm.group(1) : label;
        int horizon = parsed ? Math.max(1, Integer.parseInt(lm.group(2))) : 1;
        double[] returns = null;
        double fee = 0;
        String basis;
        if (classes > 0) {
            returns = new double[n];
            for (int i = 0; i < n; i++) {
                returns[i] = NaiveTrading.classPosition((int) actual[i], classes) / horizon;
            }
            basis = "direction units: +1 right, -1 wrong per " + horizon + "-bar call (/" + horizon
                    + "); the result holds classes, not returns; no fees";
        } else if (kind.equals("FutureReturn")) {
            returns = new double[n];
            for (int i = 0; i < n; i++) {
                returns[i] = actual[i] / horizon;
            }
            fee = FEE_BPS;
            basis = "the label's realised log return" + (horizon > 1 ? " over " + horizon + " bars, / " + horizon : "")
                    + "; fees " + (int) FEE_BPS + " bps per unit traded";
        } else {
            basis = "not traded: label " + label + " is not a return";
        }
        Optional<NaiveTrading.Result> trading = Optional.empty();
        if (returns != null) {
            NaiveTrading.Result t = NaiveTrading.run(positions(classes, predicted), returns, fee, ppy);
            trading = Optional.of(t);
            m.put("sharpe", t.sharpe());
            m.put("max drawdown", t.maxDrawdown());
            m.put("turnover", t.turnover());
            m.put("hit rate", t.hitRate());
            m.put("pnl", t.total());
        }
        return new ModelEvaluation(r, unitOf(r), nameOf(r), String.valueOf(r.spec().getOrDefault("type", "?")), label,
                classes, oos, Map.copyOf(m), trading, basis, ppy);
    }

    private static double[] positions(int classes, double[] predicted) {
        double[] pos = new double[predicted.length];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = classes > 0 ? NaiveTrading.classPosition((int) predicted[i], classes) : Math.signum(predicted[i]);
        }
        return pos;
    }

    /**
     * The label: the featureset's {@code label}, else (an ensemble's result records its members instead of a
     * featureset) the label of the spec's dataset ({@link SpecJson#label}: the typed map, or the text of a schema 1
     * or 2 result); "?" when neither is there.
     */
    static String labelOf(ResultsObject r) {
        Object l = r.featureset() == null ? null : r.featureset().get("label");
        if (l != null) {
            return l.toString();
        }
        return SpecJson.label(r).orElse("?");
    }

    static String unitOf(ResultsObject r) {
        return r.spec() == null ? "?" : String.valueOf(r.spec().getOrDefault("unit", "?"));
    }

    static String nameOf(ResultsObject r) {
        return r.spec() == null ? "?" : String.valueOf(r.spec().getOrDefault("name", "?"));
    }

    private record Row(long time, double actual, double predicted, double[] probabilities) {
    }
}
