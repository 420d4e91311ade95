package io.atlasj.stats.model;

import io.atlasj.stats.metrics.Classification;
import io.atlasj.stats.metrics.Regression;
import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.MarketRef;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.UtcTime;
import io.atlasj.stats.trading.Book;
import io.atlasj.stats.trading.Performance;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.TradingRules;
import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One finished model's out-of-sample evaluation: the test rows of every done fold, joined in time order (for
 * walk-forward splits the whole out-of-sample path), with its metrics and its trading in money.
 *
 * <p><b>Trading.</b> A model whose label says which way the label's market goes is traded in money, against the
 * closes of that market and timeframe read from the market-data store ({@link Pricing}): classes of
 * {@code UpDown}, {@code ThreeClass}, {@code ThreeClassPercentile} and {@code TripleBarrier} in ascending order of
 * return map to short / flat / long ({@link #classPosition}); a {@code FutureReturn} forecast, or a
 * {@code lookforward(n)} of {@code LogReturns(k)} or {@code SimpleReturns(k)} with {@code n >= k}, goes long when
 * above zero and short when below. Each row's signal is held over exactly the bars its label looks at, in a
 * staggered book marked to market every bar and charged the WorkSpec's costs on what it trades ({@link Book}); the
 * figures are {@link Performance}'s. Other labels ({@code FutureVolatility}, {@code FutureMaxDrawdown}, lookforward
 * of other features) say how the market moves but not which way, and are not traded, nor is {@code NextSwing} (which
 * turn comes next, not where the price is at its horizon); nor is a model whose prices
 * are not in the store. The reason is in {@link #returnBasis}.
 *
 * @param trading     the model traded in money, empty when it is not traded
 * @param returnBasis what was traded and at what cost, or why it was not, in words
 * @param metrics     headline metrics by name (see {@link #CLASSIFICATION_METRICS}, {@link #REGRESSION_METRICS} and
 *                    {@link #TRADING_METRICS})
 * @param periodsPerYear bars per year of the label's timeframe (of the rows' median spacing when it is unknown)
 */
public record ModelEvaluation(ResultsObject result, String unit, String name, String type, String label,
                              int classes, ResultsObject.Split oos, Map<String, Double> metrics,
                              Optional<Trading> trading, String returnBasis, double periodsPerYear) {
    public static final List<String> CLASSIFICATION_METRICS = List.of("accuracy", "f1 macro", "auc macro", "log loss",
            "brier");
    public static final List<String> REGRESSION_METRICS = List.of("rmse", "mae", "r2", "direction", "ic");
    /**
     * Money figures (see {@link Performance}): net and gross Sharpe ratio per bar, annualised net Sharpe (NaN below
     * {@link Performance#MIN_ANNUALISED}), PSR, net expectancy per trade in bps and its t-statistic, total net return
     * and maximum drawdown in %, turnover per bar and exposure.
     */
    public static final List<String> TRADING_METRICS = List.of("sharpe/bar", "gross sharpe/bar", "sharpe/yr", "psr",
            "expectancy bps", "t-stat", "return %", "max drawdown %", "turnover/bar", "exposure");
    /** The metric the leaderboard ranks by. */
    public static final String RANK_METRIC = "sharpe/bar";
    /** Metrics where lower is better. */
    public static final List<String> LOWER_IS_BETTER = List.of("log loss", "brier", "rmse", "mae", "max drawdown %",
            "turnover/bar");
    private static final java.util.Set<String> DIRECTION_CLASSES = java.util.Set.of("UpDown", "ThreeClass",
            "ThreeClassPercentile", "TripleBarrier");

    /**
     * A model traded in money.
     *
     * @param signal               the position each out-of-sample row asks for, in [-1, 1]
     * @param delay                bars between a row and the close its slice opens at
     * @param hold                 bars each slice is held
     * @param bars                 the market's closes read for it
     * @param book                 the staggered book, marked every bar
     * @param performance          its figures
     * @param nonOverlappingSharpe net Sharpe ratio per bar of non-overlapping holds started at each of the first
     *                             {@code hold} rows (one value when {@code hold} is 1): how much the figure depends on
     *                             the starting bar
     * @param costsSource          where the costs come from: "WorkSpec" or "bitstamp default"
     * @param bookKind             staggered or non-overlapping (the WorkSpec's {@code trading.book})
     * @param prices               what the closes are: the candles', or the quote bars' midpoints (the featureset's)
     */
    public record Trading(io.atlasj.marketdata.Market market, io.atlasj.marketdata.Timeframe timeframe, Costs costs,
                          String costsSource, TradingRules.Book bookKind, double[] signal, int delay, int hold, Prices.Bars bars, Book.Marked book,
                          Performance performance, double[] nonOverlappingSharpe,
                          io.atlasj.features.eval.PriceBasis prices) {
        /** This model's book on a subset of its rows (ascending times, each one of its rows). */
        public Book.Marked on(long[] rows, long[] allRows) {
            double[] s = new double[rows.length];
            int j = 0;
            for (int i = 0; i < rows.length; i++) {
                while (allRows[j] != rows[i]) {
                    j++;
                }
                s[i] = signal[j];
            }
            return mark(bookKind, bars, rows, s, delay, hold, rate(costs, bars));
        }

        /** Other signals on these rows traded as this model is (same market, hold, book and costs): baselines. */
        public Book.Marked trade(long[] rows, double[] signals) {
            return mark(bookKind, bars, rows, signals, delay, hold, rate(costs, bars));
        }
    }

    /**
     * The rate charged per unit traded besides what the bars carry: the fee when the bars carry their quoted spread
     * (the book adds half of it at each trade's bar), else the fee and half the costs' spread.
     */
    static double rate(Costs costs, Prices.Bars bars) {
        return bars.halfSpread() != null ? costs.feeBps() / 10_000 : costs.perUnit();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Book.Marked mark(TradingRules.Book book, Prices.Bars bars, long[] rows, double[] signal, int delay,
                                    int hold, double cost) {
        return book == TradingRules.Book.STAGGERED ? Book.staggered(bars, rows, signal, delay, hold, cost)
                : Book.nonOverlapping(bars, rows, signal, delay, hold, cost, 0);
    }

    public boolean classification() {
        return classes > 0;
    }

    /**
     * This evaluation as a report of thousands of models keeps it: metrics, trading figures and what the multiple-testing
     * family trades again (the out-of-sample times and the positions), without the result's prediction series, the
     * out-of-sample actuals, predictions and probabilities, or the marked book. {@link #signal()}, the cards and the
     * comparison need the whole evaluation: {@link #of} again from the result file.
     */
    public ModelEvaluation lean() {
        ResultsObject.Split times = new ResultsObject.Split(oos.time(), null, null, null);
        Optional<Trading> t = trading.map(x -> new Trading(x.market(), x.timeframe(), x.costs(), x.costsSource(),
                x.bookKind(), x.signal(), x.delay(), x.hold(), x.bars(), null, x.performance(),
                x.nonOverlappingSharpe(), x.prices()));
        return new ModelEvaluation(result.withoutSeries(), unit, name, type, label, classes, times, metrics, t,
                returnBasis, periodsPerYear);
    }

    /** This evaluation with its out-of-sample times in {@code times} (equal ones, shared among models). */
    public ModelEvaluation withTimes(long[] times) {
        if (!java.util.Arrays.equals(times, oos.time())) {
            throw new IllegalArgumentException("other times than " + name + "'s out-of-sample rows");
        }
        return new ModelEvaluation(result, unit, name, type, label, classes, new ResultsObject.Split(times,
                oos.actual(), oos.predicted(), oos.probabilities()), metrics, trading, returnBasis, periodsPerYear);
    }

    /**
     * This evaluation without its result's prediction series (every part of every fold; the out-of-sample rows it
     * evaluated stay): what a report keeps of the models it draws.
     */
    public ModelEvaluation withoutResultSeries() {
        return new ModelEvaluation(result.withoutSeries(), unit, name, type, label, classes, oos, metrics, trading,
                returnBasis, periodsPerYear);
    }

    /** Whether this is a {@link #lean} evaluation. */
    public boolean isLean() {
        return oos.actual() == null;
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
     * The position each row asks for: the one it is traded at (the class's direction, or the forecast under the
     * WorkSpec's threshold and size); for a model that is not traded, the class's direction or the forecast's sign.
     */
    public double[] positions() {
        return trading.map(t -> t.signal().clone()).orElseGet(() -> positions(classes, oos.predicted()));
    }

    /** The metric the leaderboard ranks by ({@link #RANK_METRIC}), NaN when not traded. */
    public double rank() {
        return metric(RANK_METRIC);
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
                s[i] += oos.probabilities().get(i, k) * classPosition(k, classes);
            }
        }
        return s;
    }

    /**
     * The results of a WorkSpec evaluated, element {@code i} for result {@code i}, null for a failed result (one
     * stopped early by its search is evaluated on the folds it trained);
     * a result without a featureset (an ensemble) is traded on the label its unit's other results resolved.
     */
    public static List<ModelEvaluation> ofAll(List<ResultsObject> results, Pricing pricing) {
        Map<String, String> unitLabel = new java.util.HashMap<>();
        for (ResultsObject r : results) {
            resolvedLabel(r).ifPresent(l -> unitLabel.putIfAbsent(unitOf(r), l));
        }
        List<ModelEvaluation> out = new ArrayList<>();
        for (ResultsObject r : results) {
            out.add(trained(r) ? of(r, pricing, unitLabel.get(unitOf(r))) : null);
        }
        return out;
    }

    /** Whether a result has a trained model: done, or stopped early by its unit's search. */
    public static boolean trained(ResultsObject r) {
        return "done".equals(r.status()) || "stopped".equals(r.status());
    }

    /** {@link #of(ResultsObject, Pricing, String)} for a result that records its featureset. */
    public static ModelEvaluation of(ResultsObject r, Pricing pricing) {
        return of(r, pricing, null);
    }

    /**
     * Evaluates a done result.
     *
     * @param unitLabel the resolved label id of the result's unit (with market and timeframe), for a result that
     *                  does not record its featureset (an ensemble); null otherwise
     * @throws IllegalArgumentException naming the result's key and the field, for a result that is not done, has no
     *                                  test rows, or has inconsistent series
     */
    public static ModelEvaluation of(ResultsObject r, Pricing pricing, String unitLabel) {
        String where = "result " + r.key() + " (" + unitOf(r) + "/" + nameOf(r) + ")";
        if (!trained(r)) {
            throw new IllegalArgumentException(where + ": status is " + r.status() + ", not done (or stopped)");
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
                    || s.probabilities() != null && s.probabilities().rows() != s.time().length) {
                throw new IllegalArgumentException(field + ": time has " + s.time().length + " rows, actual "
                        + s.actual().length + ", predicted " + s.predicted().length
                        + (s.probabilities() == null ? "" : ", probabilities " + s.probabilities().rows()));
            }
            int k = s.probabilities() == null ? 0 : s.probabilities().rows() == 0 ? -1 : s.probabilities().classes();
            if (classes != null && classes != k) {
                throw new IllegalArgumentException(field + ".probabilities: " + k + " classes, earlier folds " + classes);
            }
            classes = k;
            for (int i = 0; i < s.time().length; i++) {
                rows.add(new Row(s.time()[i], s.actual()[i], s.predicted()[i], s.probabilities(), i));
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
        double[] prob = classes > 0 ? new double[n * classes] : null;
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            time[i] = row.time();
            actual[i] = row.actual();
            predicted[i] = row.predicted();
            if (prob != null) {
                System.arraycopy(row.probabilities().values(), row.index() * classes, prob, i * classes, classes);
            }
        }
        ResultsObject.Split oos = new ResultsObject.Split(time, actual, predicted,
                prob == null ? null : Probabilities.of(classes, prob));
        String label = labelOf(r);
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            if (classes > 0) {
                long[][] cm = Classification.confusion(actual, predicted, classes);
                double[] auc = new double[classes];
                for (int c = 0; c < classes; c++) {
                    auc[c] = Classification.auc(actual, oos.probabilities(), c);
                }
                m.put("accuracy", Classification.accuracy(actual, predicted));
                m.put("f1 macro", Classification.macroAverage(Classification.f1(cm), cm));
                m.put("auc macro", Classification.mean(auc));
                m.put("log loss", Classification.logLoss(actual, oos.probabilities()));
                m.put("brier", Classification.brier(actual, oos.probabilities()));
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
        Traded t = trade(r, label, unitLabel, classes, oos, pricing);
        if (t.trading() != null) {
            Performance p = t.trading().performance();
            m.put("sharpe/bar", p.sharpe());
            m.put("gross sharpe/bar", p.grossSharpe());
            m.put("sharpe/yr", p.sharpeAnnual());
            m.put("psr", p.psr());
            m.put("expectancy bps", p.expectancyNetBps());
            m.put("t-stat", p.tStat());
            m.put("return %", 100 * p.totalReturn());
            m.put("max drawdown %", 100 * p.maxDrawdown());
            m.put("turnover/bar", p.turnover());
            m.put("exposure", p.exposure());
        }
        double ppy = t.trading() != null ? t.trading().performance().barsPerYear() : Performance.barsPerYear(time);
        Optional<Trading> trading = Optional.ofNullable(t.trading());
        String basis = t.basis();
        return new ModelEvaluation(r, unitOf(r), nameOf(r), String.valueOf(r.spec().getOrDefault("type", "?")), label,
                classes, oos, Map.copyOf(m), trading, basis, ppy);
    }

    private static double[] positions(int classes, double[] predicted) {
        return positions(classes, predicted, null, TradingRules.DEFAULT);
    }

    /**
     * Class direction (flat where the predicted class is less likely than the WorkSpec's {@code minProbability}), or
     * a regression forecast's position under the WorkSpec's threshold and size.
     */
    private static double[] positions(int classes, double[] predicted, Probabilities probabilities,
                                      TradingRules rules) {
        double[] pos = new double[predicted.length];
        for (int i = 0; i < pos.length; i++) {
            if (classes > 0) {
                int c = (int) predicted[i];
                // a row's probabilities are copied only where a minimum probability reads them
                pos[i] = rules.confident(c, probabilities == null || rules.minProbability() <= 0 ? null
                        : probabilities.row(i)) ? classPosition(c, classes) : 0;
            } else {
                pos[i] = rules.position(predicted[i]);
            }
        }
        return pos;
    }

    private static String fmt(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * Position of a class prediction when the label's classes are in ascending order of return (Atlas's classes
     * are: 2 classes down, up; 3 classes down, flat, up): class {@code c} of {@code k} maps to
     * {@code signum(c - (k - 1) / 2)}, so the lower half is short, the upper half long, a middle class flat.
     */
    public static double classPosition(int c, int classes) {
        return Math.signum(c - (classes - 1) / 2.0);
    }

    private record Traded(Trading trading, String basis) {
    }

    private static Traded trade(ResultsObject r, String label, String unitLabel, int classes,
                                ResultsObject.Split oos, Pricing pricing) {
        String id = resolvedLabel(r, label).orElse(unitLabel);
        if (id == null) {
            return new Traded(null, "not traded: the result does not say which market its label " + label + " is on");
        }
        Label l;
        try {
            l = FeatureParser.parseLabel(id);
        } catch (IllegalArgumentException e) {
            return new Traded(null, "not traded: cannot read the label " + id + ": " + e.getMessage());
        }
        int delay;
        int hold;
        MarketRef ref;
        Timeframe tf;
        if (l.feature() != null) {
            Feature f = l.feature();
            int n = l.horizon();
            int k = f.params().isEmpty() ? 0 : (int) Math.round(f.params().get(0));
            if (!(f.kind().equals("LogReturns") || f.kind().equals("SimpleReturns")) || classes > 0 || n < k) {
                return new Traded(null, "not traded: " + label + " does not say which way the price goes over a "
                        + "future hold");
            }
            delay = n - k;
            hold = k;
            ref = f.market();
            tf = f.timeframe();
        } else {
            boolean direction = classes > 0 ? DIRECTION_CLASSES.contains(l.kind()) : l.kind().equals("FutureReturn");
            if (l.kind().equals("NextSwing")) {
                return new Traded(null, "not traded: " + label + " says which turn comes next, not where the price "
                        + "is at the horizon it would be held over");
            }
            if (!direction) {
                return new Traded(null, "not traded: " + label + " says how the market moves, not which way");
            }
            delay = 0;
            hold = l.horizon();
            ref = l.market();
            tf = l.timeframe();
        }
        if (!ref.isExact() || tf == null) {
            return new Traded(null, "not traded: the label " + id + " names no exact market and timeframe");
        }
        Market market = new Market(ref.exchange(), ref.symbol());
        long[] time = oos.time();
        long bar = tf.millis();
        io.atlasj.features.eval.PriceBasis prices;
        try {
            prices = r.featureset() != null && r.featureset().get("prices") != null
                    ? io.atlasj.features.eval.PriceBasis.parse(String.valueOf(r.featureset().get("prices")))
                    : io.atlasj.features.eval.PriceBasis.TRADES;
        } catch (IllegalArgumentException e) {
            return new Traded(null, "not traded: its featureset's prices " + e.getMessage() + " (a result of a newer "
                    + "Atlas?)");
        }
        Prices.Bars bars = pricing.closes(market, tf, time[0] - bar, time[time.length - 1] + (delay + hold + 1) * bar,
                prices);
        Costs costs = pricing.costsFor(market);
        // quote bars carry their spread: unless the WorkSpec sets the costs, each trade pays half the spread quoted at
        // its bar (the costs then show the fee and the median quoted spread)
        boolean quoted = bars.halfSpread() != null && bars.size() > 0 && !pricing.costsSet();
        if (quoted) {
            // shown to 3 digits; a crossed or unquoted series has no spread to show, and its book refuses the bar
            double med = 2e4 * median(bars.halfSpread());
            costs = new Costs(costs.feeBps(), Double.isFinite(med) && med > 0 ? Math.min(Costs.MAX_BPS,
                    new java.math.BigDecimal(med).round(new java.math.MathContext(3)).doubleValue()) : 0);
        } else {
            bars = bars.withoutSpread();
        }
        String where = market + " " + tf.label();
        if (bars.size() == 0) {
            return new Traded(null, "not traded: no " + where + (prices == io.atlasj.features.eval.PriceBasis.MID
                    ? " quote bars (the model's prices are their midpoints)" : " bars") + " in the market-data store from "
                    + UtcTime.format(time[0]) + " (import them to trade this model)");
        }
        TradingRules rules = pricing.rules();
        if (classes > 0 && rules.minProbability() > 0 && oos.probabilities() == null) {
            return new Traded(null, "not traded: trading.minProbability needs the class probabilities, which this "
                    + "result does not hold");
        }
        double[] signal = positions(classes, oos.predicted(), oos.probabilities(), rules);
        try {
            Book.Marked book = mark(rules.book(), bars, time, signal, delay, hold, rate(costs, bars));
            Performance p = Performance.of(book, 365.25 * 86_400_000d / bar);
            double[] separate = new double[hold];
            for (int o = 0; o < hold; o++) {
                // from the first row, non-overlapping holds are the book itself when it is non-overlapping, and the
                // staggered book too when a hold is one bar (every row decides at full size): not marked twice
                boolean same = o == 0 && (hold == 1 || rules.book() == TradingRules.Book.NON_OVERLAPPING);
                separate[o] = Performance.sharpe(same ? book.net()
                        : Book.nonOverlapping(bars, time, signal, delay, hold, rate(costs, bars), o).net());
            }
            String source = pricing.costsSet() ? "WorkSpec" : quoted ? market.exchange() + " default fee; each trade "
                    + "pays half the spread quoted at its bar, median shown" : market.exchange() + " default";
            String sizing = classes > 0 ? "class direction" + (rules.minProbability() > 0 ? " when its probability is "
                    + fmt(rules.minProbability()) + " or more" : "") : rules.fullSizeAt() > 0 ? "forecast sign and size (full at "
                    + fmt(rules.fullSizeAt()) + ")" : "forecast sign";
            if (classes == 0 && rules.threshold() > 0) {
                sizing += ", flat within " + fmt(rules.threshold()) + " of 0";
            }
            String bookText = rules.book() == TradingRules.Book.STAGGERED
                    ? "a staggered book (1/" + hold + " of the capital per row)"
                    : "non-overlapping holds (every " + hold + "-bar decision at full size, from the first row)";
            String basis = String.format(Locale.ROOT, "traded in money on %s closes: %s held %d bar%s%s in %s, "
                            + "marked every bar; costs %s (%s)", where + (prices == io.atlasj.features.eval.PriceBasis.MID
                            ? " mid (quote-bar midpoint)" : ""), sizing, hold, hold == 1 ? "" : "s",
                    delay > 0 ? " from " + delay + " bars after the row" : "", bookText, costs, source);
            return new Traded(new Trading(market, tf, costs, source, rules.book(), signal, delay, hold, bars, book, p, separate,
                    prices), basis);
        } catch (IllegalArgumentException e) {
            return new Traded(null, "not traded: " + where + ": " + e.getMessage());
        }
    }

    /**
     * The resolved id (with market and timeframe) of the result's label, from its featureset's {@code labels} and
     * {@code labelDeclared}; empty for a result without a featureset (an ensemble).
     */
    public static Optional<String> resolvedLabel(ResultsObject r, String label) {
        if (r.featureset() == null) {
            return Optional.empty();
        }
        Object declared = r.featureset().get("labelDeclared");
        Object resolved = r.featureset().get("labels");
        if (declared instanceof List<?> d && resolved instanceof List<?> l && d.size() == l.size()) {
            for (int i = 0; i < d.size(); i++) {
                if (String.valueOf(d.get(i)).equals(label) || String.valueOf(l.get(i)).equals(label)) {
                    return Optional.of(String.valueOf(l.get(i)));
                }
            }
        }
        return Optional.empty();
    }

    /** The resolved label of a result, by its own featureset: what an ensemble of its unit is traded on. */
    public static Optional<String> resolvedLabel(ResultsObject r) {
        return resolvedLabel(r, labelOf(r));
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

    /** A test row of a fold: its probabilities are row {@code index} of its part's (null: regression). */
    private record Row(long time, double actual, double predicted, Probabilities probabilities, int index) {
    }
}
