package io.atlasj.stats.model;

import io.atlasj.stats.multiple.BacktestOverfitting;
import io.atlasj.stats.multiple.DeflatedSharpe;
import io.atlasj.stats.multiple.RealityCheck;
import io.atlasj.stats.trading.Book;
import io.atlasj.stats.trading.Performance;
import io.atlasj.workspec.Costs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

/**
 * The traded models of one work unit seen as {@code N} trials of one search: same label, same out-of-sample rows
 * (the rows every model has, so an LSTM's shorter warm-up does not misalign them). Every model is traded again on
 * those rows ({@link ModelEvaluation.Trading#on}), so all books are marked on the same bars; on that matrix of
 * per-bar net returns: the Deflated Sharpe Ratio of the best Sharpe ratio, the PBO by CSCV with 8 blocks (16 bars
 * needed) against its no-skill reference, White's Reality Check and Hansen's SPA p-values against staying flat
 * (1,000 stationary-bootstrap resamples, mean block length {@code T^(1/3)}, seed 42), two baselines on the same rows
 * and costs (buy-and-hold, and {@link #RANDOM_SIGNS} random-sign signals), and a verdict in words.
 *
 * <p>Trials stopped early by their unit's search (status {@code stopped}) are trials of the search all the same.
 * The common rows are those of the trials that trained to their end; a stopped trial that predicted all of them (a
 * unit of one fold) joins every statistic; one stopped before its last fold has no prediction for the later rows
 * and counts in the DSR's number of trials only ({@code partial}). None is left out unsaid.
 *
 * @param models       the unit's traded models in the statistics, in the order given
 * @param stopped      how many of the unit's traded trials were stopped early by its search (in {@code models} or
 *                     {@code partial})
 * @param partial      stopped trials without predictions for every common row: in the DSR's count of trials only
 * @param rows         aligned out-of-sample rows used
 * @param bars         bars of the books marked on those rows
 * @param best         index of the model with the highest net Sharpe ratio per bar on the aligned bars
 * @param bestSharpe   its net Sharpe ratio per bar
 * @param bestAnnual   the same annualised, NaN when the bars span less than {@link Performance#MIN_ANNUALISED}
 * @param dsr          Deflated Sharpe Ratio of the best (NaN with one model)
 * @param pbo          probability of backtest overfitting, or NaN when there are too few bars or models
 * @param pboNoSkill   what PBO is for trials without skill: {@link BacktestOverfitting#noSkill}
 * @param realityCheck White's p-value
 * @param spa          Hansen's SPA_c p-value
 * @param buyHold      buy-and-hold on the same rows, same book and costs; null when nothing is traded
 * @param randomSharpe95 95th percentile of the net Sharpe ratio per bar of random-sign signals on the same rows
 * @param randomSharpes the net Sharpe ratios per bar of those random-sign signals: the no-skill null
 */
public record TrialFamily(String unit, List<ModelEvaluation> models, int stopped, int partial, int rows, int bars,
                          int best, double bestSharpe,
                          double bestAnnual, double dsr, double pbo, double pboNoSkill, double[] pboLogits,
                          double realityCheck, double spa, Performance buyHold, double randomSharpe95,
                          double[] randomSharpes, String verdict) {
    public static final int PBO_BLOCKS = 8;
    public static final int BOOTSTRAPS = 1000;
    public static final int RANDOM_SIGNS = 200;
    public static final long SEED = 42;

    /** The trials of one unit; models without trading are left out (the caller keeps them in the leaderboard). */
    public static TrialFamily of(String unit, List<ModelEvaluation> all) {
        List<ModelEvaluation> traded = all.stream().filter(m -> m.trading().isPresent()).toList();
        if (traded.isEmpty()) {
            String why = all.isEmpty() ? "no models" : all.get(0).returnBasis();
            return empty(unit, traded, 0, 0, 0, "no traded models (" + why + ")");
        }
        List<ModelEvaluation> complete = traded.stream().filter(m -> !stopped(m)).toList();
        long[] times = common(complete.isEmpty() ? traded : complete);
        int stopped = (int) traded.stream().filter(TrialFamily::stopped).count();
        List<ModelEvaluation> models = new ArrayList<>();
        int partial = 0;
        for (ModelEvaluation m : traded) {
            if (!stopped(m) || complete.isEmpty() || covers(m.oos().time(), times)) {
                models.add(m);
            } else {
                partial++;
            }
        }
        int n = times.length;
        int l = models.size();
        if (n < 3) {
            return empty(unit, models, stopped, partial, n, "too few common out-of-sample rows (" + n + ") to judge");
        }
        // one column of per-bar net returns per model, marked on every core; each book is dropped once its column is
        // copied, so ten thousand models hold one matrix, not ten thousand books (the best one's is marked again)
        double[][] pnl = new double[l][];
        double[] sharpe = new double[l];
        int[] bars = new int[l];
        long[] first = new long[l];
        java.util.stream.IntStream.range(0, l).parallel().forEach(k -> {
            ModelEvaluation m = models.get(k);
            Book.Marked b = m.trading().orElseThrow().on(times, m.oos().time());
            bars[k] = b.bars();
            first[k] = b.bars() == 0 ? Long.MIN_VALUE : b.time()[0];
            pnl[k] = b.net();
            sharpe[k] = Performance.sharpe(pnl[k]);
        });
        int best = 0;
        for (int k = 0; k < l; k++) {
            if (bars[k] != bars[0] || first[k] != first[0]) {
                throw new IllegalArgumentException("unit " + unit + ": " + models.get(k).name() + " is marked on "
                        + bars[k] + " bars, " + models.get(0).name() + " on " + bars[0]
                        + " (different labels in one unit?)");
            }
            if (k == 0 || Double.isNaN(sharpe[best]) || sharpe[k] > sharpe[best]) {
                best = k;
            }
        }
        Book.Marked bestBook = models.get(best).trading().orElseThrow().on(times, models.get(best).oos().time());
        long[] firstTimes = bestBook.time();
        int t = firstTimes.length;
        ModelEvaluation.Trading bt = models.get(best).trading().orElseThrow();
        double ppy = bt.performance().barsPerYear();
        Performance bestPerf = Performance.of(bestBook, ppy);
        double[] bestPnl = pnl[best];
        double[] finite = Arrays.stream(sharpe).filter(Double::isFinite).toArray();
        double dsr = Double.NaN;
        if (l >= 2 && finite.length >= 2 && Double.isFinite(sharpe[best])) {
            double skew = Performance.skewness(bestPnl);
            double kurt = Performance.kurtosis(bestPnl);
            // every trial of the search counts, the stopped ones without the later rows too
            dsr = DeflatedSharpe.deflated(sharpe[best], t, skew, kurt, l + partial, new Variance().evaluate(finite));
        }
        double pbo = Double.NaN;
        double[] logits = new double[0];
        if (l >= 2 && t >= 2 * PBO_BLOCKS) {
            BacktestOverfitting.Result r = BacktestOverfitting.pboSharpe(pnl, PBO_BLOCKS);
            pbo = r.pbo();
            logits = r.logits();
        }
        RealityCheck.Both tests = RealityCheck.both(pnl, BOOTSTRAPS, Math.max(1, Math.cbrt(t)), SEED);
        double rc = tests.white().pValue();
        double spa = tests.hansen().pValue();
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        Performance hold = Performance.of(bt.trade(times, ones), ppy);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(SEED);
        double[] random = new double[RANDOM_SIGNS];
        for (int k = 0; k < RANDOM_SIGNS; k++) {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextBoolean() ? 1 : -1;
            }
            random[k] = Performance.sharpe(bt.trade(times, s).net());
        }
        double random95 = new org.apache.commons.math3.stat.descriptive.rank.Percentile()
                .evaluate(Arrays.stream(random).filter(Double::isFinite).toArray(), 95);
        double noSkill = BacktestOverfitting.noSkill(l);
        return new TrialFamily(unit, models, stopped, partial, n, t, best, sharpe[best], bestPerf.sharpeAnnual(), dsr, pbo, noSkill,
                logits, rc, spa, hold, random95, random, verdict(models.get(best).name(), l + partial, sharpe[best], bestPerf, dsr, pbo,
                noSkill, rc, spa, bt.costs()));
    }

    /** Whether a trial was stopped early by its unit's search. */
    public static boolean stopped(ModelEvaluation m) {
        return "stopped".equals(m.result().status());
    }

    /** Whether every one of the ascending {@code times} is among the ascending {@code have}. */
    static boolean covers(long[] have, long[] times) {
        int j = 0;
        for (long t : times) {
            while (j < have.length && have[j] < t) {
                j++;
            }
            if (j == have.length || have[j] != t) {
                return false;
            }
        }
        return true;
    }

    private static TrialFamily empty(String unit, List<ModelEvaluation> models, int stopped, int partial, int rows,
                                     String verdict) {
        return new TrialFamily(unit, models, stopped, partial, rows, 0, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                new double[0], Double.NaN, Double.NaN, null, Double.NaN, new double[0], verdict);
    }

    /**
     * The plain-language verdict, on net figures. "Evidence of an edge" needs the Reality Check and SPA p-values
     * below 0.05, a DSR above 0.95 (when there are two or more trials) and a PBO known and below its no-skill
     * reference; significant with PBO at or above the reference is "Mixed"; significant with PBO unknown is
     * "Unconfirmed"; otherwise "Likely luck" (saying when the SPA alone is significant). A best net Sharpe ratio
     * that is not positive is "No edge".
     */
    static String verdict(String best, int trials, double sharpe, Performance p, double dsr, double pbo,
                          double noSkill, double rc, double spa, Costs costs) {
        if (!(sharpe > 0)) {
            return String.format(Locale.ROOT, "No edge: the best of %d models (%s) does not make money out of sample "
                    + "after costs (net Sharpe %s per bar, %s; costs %s).", trials, best, fmt(sharpe, 3),
                    returnText(p), costs);
        }
        boolean significant = rc < 0.05 && spa < 0.05 && (Double.isNaN(dsr) || dsr > 0.95);
        StringBuilder s = new StringBuilder();
        if (significant && Double.isNaN(pbo)) {
            s.append(String.format(Locale.ROOT, "Unconfirmed: %s beats staying flat after costs and %d trials, but "
                    + "overfitting could not be checked (PBO unknown: too few bars or models)", best, trials));
        } else if (significant && pbo < noSkill) {
            s.append(String.format(Locale.ROOT, "Evidence of an edge: %s beats staying flat after costs, allowing for "
                    + "%d trials", best, trials));
        } else if (significant) {
            s.append(String.format(Locale.ROOT, "Mixed: %s beats staying flat after costs and %d trials, but the "
                    + "in-sample choice of model does no better than chance out of sample", best, trials));
        } else {
            s.append(String.format(Locale.ROOT, "Likely luck: the best of %d models (%s) cannot be told apart from "
                    + "the best of %d models without skill%s", trials, best, trials,
                    spa < 0.05 && !(rc < 0.05) ? " (the SPA test alone is significant)" : ""));
        }
        s.append(String.format(Locale.ROOT, " (after costs: net Sharpe %s per bar%s, %s, DSR %s, PBO %s against %s for no skill, "
                        + "Reality Check p = %.3f, SPA p = %.3f; costs %s).", fmt(sharpe, 3),
                p.annualised() ? String.format(Locale.ROOT, " = %.2f a year", p.sharpeAnnual()) : "", returnText(p),
                fmt(dsr, 2), Double.isNaN(pbo) ? "unknown" : fmt(pbo, 2), fmt(noSkill, 2), rc, spa, costs));
        return s.toString();
    }

    private static String returnText(Performance p) {
        return String.format(Locale.ROOT, "net return %+.2f%% over %s", 100 * p.totalReturn(),
                p.spanText());
    }

    private static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
    /**
     * The out-of-sample rows every model has, ascending: the models' own rows when they are all the same (the usual
     * case, shared in one array), else their intersection, merged on the sorted arrays.
     */
    public static long[] common(List<ModelEvaluation> models) {
        return commonTimes(models.stream().map(m -> m.oos().time()).toList());
    }

    /** The times in every one of the ascending arrays, ascending, each once. */
    static long[] commonTimes(List<long[]> times) {
        long[] common = times.get(0);
        for (long[] t : times) {
            if (t == common || Arrays.equals(t, common)) {
                continue;
            }
            long[] both = new long[Math.min(t.length, common.length)];
            int n = 0;
            for (int i = 0, j = 0; i < common.length && j < t.length; ) {
                if (common[i] == t[j]) {
                    both[n++] = common[i++];
                    j++;
                } else if (common[i] < t[j]) {
                    i++;
                } else {
                    j++;
                }
            }
            common = Arrays.copyOf(both, n);
        }
        // a time twice (overlapping walk-forward test folds) counts once, as a set of times does
        int n = common.length == 0 ? 0 : 1;
        for (int i = 1; i < common.length; i++) {
            n += common[i] != common[i - 1] ? 1 : 0;
        }
        if (n == common.length) {
            return common;
        }
        long[] once = new long[n];
        for (int i = 0, k = 0; i < common.length; i++) {
            if (i == 0 || common[i] != common[i - 1]) {
                once[k++] = common[i];
            }
        }
        return once;
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
