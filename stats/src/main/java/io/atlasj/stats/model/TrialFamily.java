package io.atlasj.stats.model;

import io.atlasj.stats.multiple.BacktestOverfitting;
import io.atlasj.stats.multiple.DeflatedSharpe;
import io.atlasj.stats.multiple.RealityCheck;
import io.atlasj.stats.trading.NaiveTrading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.math3.stat.descriptive.moment.Kurtosis;
import org.apache.commons.math3.stat.descriptive.moment.Skewness;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

/**
 * The traded models of one work unit seen as {@code N} trials of one search: same label, same out-of-sample rows
 * (the rows every model has, so an LSTM's shorter warm-up does not misalign them). On the aligned per-bar net
 * P&amp;L matrix: the Deflated Sharpe Ratio of the best Sharpe ratio, the PBO by CSCV with 8 blocks (16 rows
 * needed), White's Reality Check and Hansen's SPA p-values against staying flat (1,000 stationary-bootstrap
 * resamples, mean block length {@code T^(1/3)}, seed 42), and a verdict in words.
 *
 * @param models       the unit's traded models, in the order given
 * @param rows         aligned rows used
 * @param best         index of the model with the highest per-bar Sharpe ratio on the aligned rows
 * @param bestSharpe   its annualised Sharpe ratio
 * @param dsr          Deflated Sharpe Ratio of the best (NaN with one model)
 * @param pbo          probability of backtest overfitting, or NaN when there are too few rows or models
 * @param realityCheck White's p-value
 * @param spa          Hansen's SPA_c p-value
 */
public record TrialFamily(String unit, List<ModelEvaluation> models, int rows, int best, double bestSharpe,
                          double dsr, double pbo, double[] pboLogits, double realityCheck, double spa, String verdict) {
    public static final int PBO_BLOCKS = 8;
    public static final int BOOTSTRAPS = 1000;
    public static final long SEED = 42;

    /** The trials of one unit; models without trading are left out (the caller keeps them in the leaderboard). */
    public static TrialFamily of(String unit, List<ModelEvaluation> all) {
        List<ModelEvaluation> models = all.stream().filter(m -> m.trading().isPresent()).toList();
        if (models.isEmpty()) {
            return new TrialFamily(unit, models, 0, -1, Double.NaN, Double.NaN, Double.NaN, new double[0], Double.NaN,
                    Double.NaN, "no traded models: the label is not a return and has no classes");
        }
        Set<Long> common = null;
        for (ModelEvaluation m : models) {
            Set<Long> t = new TreeSet<>();
            for (long x : m.oos().time()) {
                t.add(x);
            }
            if (common == null) {
                common = t;
            } else {
                common.retainAll(t);
            }
        }
        long[] times = common.stream().mapToLong(Long::longValue).toArray();
        int n = times.length;
        int l = models.size();
        double[][] pnl = new double[n][l];
        for (int k = 0; k < l; k++) {
            ModelEvaluation m = models.get(k);
            double[] p = m.trading().orElseThrow().pnl();
            long[] mt = m.oos().time();
            int j = 0;
            for (int i = 0; i < n; i++) {
                while (mt[j] != times[i]) {
                    j++;
                }
                pnl[i][k] = p[j];
            }
        }
        if (n < 3) {
            return new TrialFamily(unit, models, n, -1, Double.NaN, Double.NaN, Double.NaN, new double[0], Double.NaN,
                    Double.NaN, "too few common out-of-sample rows (" + n + ") to judge");
        }
        double[] sharpe = new double[l];
        int best = 0;
        for (int k = 0; k < l; k++) {
            sharpe[k] = NaiveTrading.sharpe(column(pnl, k));
            if (Double.isNaN(sharpe[best]) || sharpe[k] > sharpe[best]) {
                best = k;
            }
        }
        double ppy = models.get(best).periodsPerYear();
        double[] bestPnl = column(pnl, best);
        double[] finite = Arrays.stream(sharpe).filter(Double::isFinite).toArray();
        double dsr = Double.NaN;
        if (l >= 2 && finite.length >= 2 && Double.isFinite(sharpe[best])) {
            double skew = new Skewness().evaluate(bestPnl);
            double kurt = new Kurtosis().evaluate(bestPnl) + 3;
            dsr = DeflatedSharpe.deflated(sharpe[best], n, skew, kurt, l, new Variance().evaluate(finite));
        }
        double pbo = Double.NaN;
        double[] logits = new double[0];
        if (l >= 2 && n >= 2 * PBO_BLOCKS) {
            BacktestOverfitting.Result r = BacktestOverfitting.pbo(pnl, PBO_BLOCKS);
            pbo = r.pbo();
            logits = r.logits();
        }
        int[][] boot = RealityCheck.stationaryBootstrap(n, BOOTSTRAPS, Math.max(1, Math.cbrt(n)), SEED);
        double rc = RealityCheck.white(pnl, boot).pValue();
        double spa = RealityCheck.hansen(pnl, boot).pValue();
        double annual = sharpe[best] * Math.sqrt(ppy);
        return new TrialFamily(unit, models, n, best, annual, dsr, pbo, logits, rc, spa,
                verdict(models.get(best).name(), l, annual, dsr, pbo, rc, spa));
    }

    /** The plain-language verdict. */
    static String verdict(String best, int trials, double sharpe, double dsr, double pbo, double rc, double spa) {
        if (!(sharpe > 0)) {
            return String.format(Locale.ROOT, "No edge: the best of %d models (%s) does not make money out of sample.",
                    trials, best);
        }
        boolean significant = rc < 0.05 && (Double.isNaN(dsr) || dsr > 0.95);
        boolean overfit = pbo > 0.5;
        StringBuilder s = new StringBuilder();
        if (significant && !overfit) {
            s.append(String.format(Locale.ROOT, "Evidence of an edge: %s beats staying flat after allowing for %d trials",
                    best, trials));
        } else if (significant) {
            s.append(String.format(Locale.ROOT, "Mixed: %s beats staying flat after allowing for %d trials, but the "
                    + "in-sample choice of model does not hold up out of sample", best, trials));
        } else {
            s.append(String.format(Locale.ROOT, "Likely luck: the best of %d models (%s) cannot be told apart from "
                    + "the best of %d models without skill", trials, best, trials));
        }
        s.append(String.format(Locale.ROOT, " (Sharpe %.2f, DSR %s, PBO %s, Reality Check p = %.3f, SPA p = %.3f).",
                sharpe, fmt(dsr), fmt(pbo), rc, spa));
        return s.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    static double[] column(double[][] m, int k) {
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][k];
        }
        return c;
    }

    /** Families of every unit, in order of first appearance. */
    public static List<TrialFamily> perUnit(List<ModelEvaluation> all) {
        List<String> units = all.stream().map(ModelEvaluation::unit).distinct().toList();
        List<TrialFamily> out = new ArrayList<>();
        for (String u : units) {
            out.add(of(u, all.stream().filter(m -> m.unit().equals(u)).toList()));
        }
        return out;
    }
}
