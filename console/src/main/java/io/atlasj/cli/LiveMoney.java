package io.atlasj.cli;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.trading.Performance;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.trainer.live.LiveJournal;
import io.atlasj.trainer.live.LiveModel;
import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A live model's money against its backtest: its settled live predictions (those whose outcome is known) traded
 * exactly as the report trades the model's test predictions (same market closes, hold, staggered book and the
 * exchange's default costs), the backtest's test predictions on the same bars, and where the live mean net return
 * per bar falls in the backtest's distribution (its mean and the standard error for as many bars).
 *
 * @param live           the live predictions' book, or empty when none is settled or the label does not trade
 * @param backtestSame   the backtest's predictions on the same bars (those of them in its test period)
 * @param backtest       the backtest's whole test period
 * @param z              {@code (live mean - backtest mean) / (backtest std / sqrt(live bars))}; beyond +-1.96 the
 *                       live figures drift from what the backtest makes plausible
 * @param ks             the two-sample Kolmogorov-Smirnov p-value of the live per-bar net returns against the
 *                       backtest's whole test period's: the whole distribution, not its mean alone (a live model that
 *                       makes the same mean with far fatter tails drifts too); NaN without both
 */
record LiveMoney(Optional<Performance> live, Optional<Performance> backtestSame, Optional<Performance> backtest,
                 double z, double ks, int settled, String basis) {
    /** Below this Kolmogorov-Smirnov p-value the live returns are said to come from another distribution. */
    static final double KS_DRIFT = 0.01;

    /**
     * The two-sample Kolmogorov-Smirnov p-value of {@code a} against {@code b}, from the limiting distribution of the
     * statistic (per-bar returns have many ties, flat bars above all, on which commons-math's exact p breaks: it
     * jitters ties by a width of 0); NaN with fewer than two values on a side.
     */
    static double ksP(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            return Double.NaN;
        }
        var test = new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest();
        double d = test.kolmogorovSmirnovStatistic(a, b);
        return d == 0 ? 1.0 : test.approximateP(d, a.length, b.length);
    }

    static LiveMoney of(AtlasHome home, LiveJournal j, String model) {
        LiveModel m = LiveModel.find(home, model);
        ResultsObject full;
        try {
            full = ResultsIo.read(m.dir().resolve(ResultsIo.FILE));
            if (m.ensemble() != null) {
                // an ensemble's result names its members only: it is traded on their market and label, as the
                // report trades it
                ResultsObject member = ResultsIo.read(m.ensemble().members().get(0).dir().resolve(ResultsIo.FILE));
                full = new ResultsObject(full.schemaVersion(), full.key(), full.workspec(), full.status(),
                        full.failure(), full.spec(), member.featureset(), full.dataFingerprint(), full.folds(),
                        full.provenance(), full.startedAt(), full.millis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ResultsObject.FoldResult last = full.folds().get(full.folds().size() - 1);
        Map<Long, LiveJournal.Frame> frames = new HashMap<>();
        j.frames(model, Long.MIN_VALUE, Long.MAX_VALUE).forEach(f -> frames.put(f.barTime(), f));
        List<LiveJournal.Entry> settled = new ArrayList<>();
        for (LiveJournal.Entry e : j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE)) {
            LiveJournal.Frame f = frames.get(e.barTime());
            if (e.status().equals("ok") && f != null && f.outcome() != null) {
                settled.add(e);
            }
        }
        int n = settled.size();
        long[] time = new long[n];
        double[] actual = new double[n];
        double[] predicted = new double[n];
        double[][] probs = m.classifies() ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            LiveJournal.Entry e = settled.get(i);
            time[i] = e.barTime();
            actual[i] = frames.get(e.barTime()).outcome();
            predicted[i] = e.predicted();
            if (probs != null) {
                probs[i] = e.probabilities();
            }
        }
        // the backtest's test predictions on the live bars that are in its test period
        ResultsObject.Split test = last.test();
        Map<Long, Integer> testRow = new HashMap<>();
        for (int i = 0; i < test.time().length; i++) {
            testRow.put(test.time()[i], i);
        }
        List<Integer> same = new ArrayList<>();
        for (long t : time) {
            if (testRow.containsKey(t)) {
                same.add(testRow.get(t));
            }
        }
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            Pricing pricing = new Pricing(Prices.of(SeriesSource.of(store)), null);
            Optional<ModelEvaluation.Trading> bt = evaluate(full, last, test, pricing);
            Optional<ModelEvaluation.Trading> lv = n == 0 ? Optional.empty()
                    : evaluate(full, last, new ResultsObject.Split(time, actual, predicted,
                            probs == null ? null : Probabilities.of(probs)), pricing);
            Optional<ModelEvaluation.Trading> bs = same.isEmpty() ? Optional.empty()
                    : evaluate(full, last, subset(test, same), pricing);
            double z = Double.NaN;
            double ks = Double.NaN;
            if (bt.isPresent() && lv.isPresent()) {
                double[] liveNet = lv.get().book().net();
                double[] testNet = bt.get().book().net();
                ks = ksP(liveNet, testNet);
                double[] net = bt.get().book().net();
                double mean = bt.get().performance().meanNet();
                double var = 0;
                for (double x : net) {
                    var += (x - mean) * (x - mean);
                }
                double sd = Math.sqrt(var / Math.max(1, net.length - 1));
                z = (lv.get().performance().meanNet() - mean) / (sd / Math.sqrt(lv.get().performance().bars()));
            }
            return new LiveMoney(lv.map(ModelEvaluation.Trading::performance),
                    bs.map(ModelEvaluation.Trading::performance), bt.map(ModelEvaluation.Trading::performance), z, ks, n,
                    bt.map(t -> t.market() + " " + t.timeframe().label() + ", hold " + t.hold() + ", costs "
                            + t.costs()).orElse("not traded"));
        }
    }

    private static Optional<ModelEvaluation.Trading> evaluate(ResultsObject full, ResultsObject.FoldResult last,
                                                           ResultsObject.Split split, Pricing pricing) {
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(last.fold(), "done", null, last.scaler(),
                last.boundaries(), last.bestEpoch(), last.curves(), null, null, split, last.modelFile(),
                last.modelSha256());
        ResultsObject r = new ResultsObject(full.schemaVersion(), full.key(), full.workspec(), "done", null, full.spec(),
                full.featureset(), full.dataFingerprint(), List.of(f), full.provenance(), full.startedAt(),
                full.millis());
        return ModelEvaluation.of(r, pricing).trading();
    }

    private static ResultsObject.Split subset(ResultsObject.Split s, List<Integer> rows) {
        int n = rows.size();
        long[] t = new long[n];
        double[] a = new double[n];
        double[] p = new double[n];
        int k = s.probabilities() == null ? 0 : s.probabilities().classes();
        double[] q = s.probabilities() == null ? null : new double[n * k];
        for (int i = 0; i < n; i++) {
            int r = rows.get(i);
            t[i] = s.time()[r];
            a[i] = s.actual()[r];
            p[i] = s.predicted()[r];
            if (q != null) {
                System.arraycopy(s.probabilities().values(), r * k, q, i * k, k);
            }
        }
        return new ResultsObject.Split(t, a, p, q == null ? null : Probabilities.of(k, q));
    }

    /** One line for {@code atlas live status}. */
    String text() {
        if (live.isEmpty() || backtest.isEmpty()) {
            return "no money figures yet (" + (settled == 0 ? "no settled prediction" : basis) + ")";
        }
        Performance l = live.get();
        Performance b = backtest.get();
        return String.format(Locale.ROOT, "money on %d settled bars (%s): live net %+.3f%% (%.2f bps/bar, Sharpe/bar "
                        + "%.3f)%s; backtest test period %.2f bps/bar over %d bars; z = %.2f%s", settled, basis,
                100 * l.totalReturn(), 1e4 * l.meanNet(), l.sharpe(),
                backtestSame.map(s -> String.format(Locale.ROOT, ", the backtest's predictions on the same bars %+.3f%%",
                        100 * s.totalReturn())).orElse(""), 1e4 * b.meanNet(), b.bars(), z,
                Math.abs(z) > 1.96 ? " (DRIFT: outside the backtest's 95% band)" : " (within the backtest's 95% band)")
                + (Double.isNaN(ks) ? "" : String.format(Locale.ROOT, "; returns' distribution: Kolmogorov-Smirnov p = "
                + "%.3f%s", ks, ks < KS_DRIFT ? " (DRIFT: not the backtest's distribution)" : ""));
    }
}
