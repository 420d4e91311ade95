package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.stats.Fixtures;
import io.atlasj.stats.trading.Book;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.TradingRules;
import io.atlasj.workspec.results.ResultsObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real quickstart results. Expected values: the test accuracy and RMSE that {@code atlas run} printed for these
 * models, and money figures recomputed independently by {@code src/test/resources/money/check_money.py} (pandas
 * resamples the raw bundled Bitstamp trades to 5-minute closes; the staggered book is written slice by slice), run
 * with the arguments given in each test. Bitstamp's default costs are 40 bps + half of a 2 bp spread = 41 bps per
 * unit traded.
 */
class ModelEvaluationTest {
    @Test
    void twoClassDirectionModel() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"), Fixtures.pricing());
        assertThat(m.unit()).isEqualTo("direction-3bar");
        assertThat(m.name()).isEqualTo("logistic#1");
        assertThat(m.classes()).isEqualTo(2);
        assertThat(m.oos().time()).hasSize(242);
        assertThat(m.metric("accuracy")).isCloseTo(0.47107438016528924, within(1e-12)); // atlas run: 0.471
        assertThat(m.hyperparameters()).isEqualTo("l2=0.001");
        assertThat(m.returnBasis()).startsWith("traded in money on bitstamp:btc_usd 5m closes: class direction held 3 "
                + "bars in a staggered book").endsWith("fee 40 bps + half of a 2 bp spread (bitstamp default)");
        // check_money.py TRADES RESULT 3 0.0041: 242 rows, 3-bar holds -> 245 bars from the first entry to the last exit
        ModelEvaluation.Trading t = m.trading().orElseThrow();
        assertThat(t.book().bars()).isEqualTo(245);
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.17591617080786673, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.05149414688719332, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-26.22232883118615, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(26.90321237242087, within(1e-10));
        assertThat(t.performance().trades()).isEqualTo(242);
        assertThat(t.performance().expectancyBps()).isCloseTo(-11.282190583426495, within(1e-9));
        assertThat(t.performance().costs()).isCloseTo(0.2077333333333335, within(1e-12));
        // net per trade: the book's costs are in whole capital, a slice is a third of it
        assertThat(m.metric("expectancy bps")).isCloseTo(-11.282190583426495 - 0.2077333333333335 * 3 / 242 * 1e4,
                within(1e-9));
        // 20 hours of bars: no annualised figure
        assertThat(m.metric("sharpe/yr")).isNaN();
        assertThat(m.periodsPerYear()).isCloseTo(365.25 * 288, within(1e-9));
    }

    @Test
    void threeClassModelTradesDownFlatUp() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("2b09b84d979fab07963048e4baf0f3fc"), Fixtures.pricing());
        assertThat(m.classes()).isEqualTo(3);
        assertThat(m.metric("accuracy")).isCloseTo(0.2975206611570248, within(1e-12)); // atlas run: 0.298
        // check_money.py TRADES RESULT 3 0.0041; the middle class is flat, so only 156 of the 242 rows trade
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.14122794809741035, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.02755506176090087, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-16.748179369044913, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(16.748179369044913, within(1e-10));
        assertThat(m.trading().orElseThrow().performance().trades()).isEqualTo(156);
    }

    @Test
    void anEnsembleFindsItsLabelInTheSpecsDataset() {
        // the vote's result names its members instead of a featureset; its label UpDown(3) is in spec.dataset
        ResultsObject vote = Fixtures.byKey("b72820a81ca44ab21479c43db1c3e5d0");
        ModelEvaluation alone = ModelEvaluation.of(vote, Fixtures.pricing());
        assertThat(alone.type()).isEqualTo("ensemble");
        assertThat(alone.label()).isEqualTo("UpDown(3)");
        // alone it cannot tell which market its label is on; with its unit it trades on the members' market
        assertThat(alone.trading()).isEmpty();
        assertThat(alone.returnBasis()).contains("does not say which market");
        ModelEvaluation m = ModelEvaluation.ofAll(Fixtures.quickstart(), Fixtures.pricing()).stream()
                .filter(e -> e != null && e.result().key().equals(vote.key())).findFirst().orElseThrow();
        // check_money.py TRADES RESULT 3 0.0041
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.06194919061115563, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-11.667411216451673, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(16.830982483144408, within(1e-10));
    }

    /**
     * A model built on quote-bar midpoints is traded on the mid closes: under the exchange's default costs each trade
     * pays the fee and half the spread quoted at its own bar (never the default 2 bp besides); under a WorkSpec's costs,
     * those and nothing else. The fixture's closes stand in for mids, with made-up spreads of 1 to 4 bp.
     */
    @Test
    void aMidPricedModelPaysTheSpreadQuotedAtEachTradesBar() {
        ResultsObject r = Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166");
        java.util.Map<String, Object> fs = new java.util.LinkedHashMap<>(r.featureset());
        fs.put("prices", "mid");
        ResultsObject mid = new ResultsObject(r.schemaVersion(), r.key(), r.workspec(), r.status(), r.failure(),
                r.spec(), fs, r.dataFingerprint(), r.folds(), r.provenance(), r.startedAt(), r.millis());
        Prices.Bars all = Fixtures.closes();
        double[] half = new double[all.size()];
        for (int b = 0; b < half.length; b++) {
            half[b] = (1 + b % 4) * 0.5e-4; // quoted spreads of 1, 2, 3 and 4 bp
        }
        Prices quoted = (market, tf, from, to, basis) -> {
            assertThat(basis).isEqualTo(io.atlasj.features.eval.PriceBasis.MID);
            int a = java.util.Arrays.binarySearch(all.time(), from);
            int e = java.util.Arrays.binarySearch(all.time(), to);
            a = a >= 0 ? a : -a - 1;
            e = e >= 0 ? e : -e - 1;
            return new Prices.Bars(java.util.Arrays.copyOfRange(all.time(), a, e),
                    java.util.Arrays.copyOfRange(all.close(), a, e), java.util.Arrays.copyOfRange(half, a, e));
        };
        ModelEvaluation m = ModelEvaluation.of(mid, new Pricing(quoted, null));
        ModelEvaluation.Trading t = m.trading().orElseThrow();
        assertThat(t.prices()).isEqualTo(io.atlasj.features.eval.PriceBasis.MID);
        assertThat(m.returnBasis()).contains("bitstamp:btc_usd 5m mid (quote-bar midpoint) closes")
                .endsWith("fee 40 bps + half of a 2.5 bp spread (bitstamp default fee; each trade pays half the spread "
                        + "quoted at its bar, median shown)");
        Book.Marked book = t.book();
        int first = java.util.Arrays.binarySearch(t.bars().time(), book.time()[0]);
        double paid = 0;
        for (int j = 0; j < book.bars(); j++) {
            assertThat(book.cost()[j]).isCloseTo((0.004 + t.bars().halfSpread()[first + j]) * book.traded()[j],
                    within(1e-15));
            paid += book.cost()[j];
        }
        assertThat(paid).isPositive();
        // under a WorkSpec's costs the quoted spread is not charged: fee and half the given spread, flat
        ModelEvaluation set = ModelEvaluation.of(mid, new Pricing(quoted, new Costs(10, 2)));
        Book.Marked flat = set.trading().orElseThrow().book();
        for (int j = 0; j < flat.bars(); j++) {
            assertThat(flat.cost()[j]).isCloseTo(0.0011 * flat.traded()[j], within(1e-15));
        }
        assertThat(set.returnBasis()).endsWith("fee 10 bps + half of a 2 bp spread (WorkSpec)");
    }

    @Test
    void aSchemaThreeEnsembleFindsItsLabelInTheTypedDataset() {
        ResultsObject old = Fixtures.byKey("b72820a81ca44ab21479c43db1c3e5d0");
        java.util.Map<String, Object> spec = new java.util.LinkedHashMap<>(old.spec());
        spec.put("dataset", java.util.Map.of("task", "classification", "label", "UpDown(3)", "rebalance", "none",
                "scaling", "zscore"));
        ResultsObject typed = new ResultsObject(3, old.key(), old.workspec(), old.status(), old.failure(), spec,
                old.featureset(), old.dataFingerprint(), old.folds(), old.provenance(), old.startedAt(), old.millis());
        assertThat(ModelEvaluation.of(typed, Fixtures.pricing()).label()).isEqualTo("UpDown(3)");
        // a schema-3 string is not parsed: the typed map is the only source
        spec.put("dataset", "DatasetOptions[task=CLASSIFICATION, label=UpDown(3)]");
        ResultsObject wrong = new ResultsObject(3, old.key(), old.workspec(), old.status(), old.failure(), spec,
                old.featureset(), old.dataFingerprint(), old.folds(), old.provenance(), old.startedAt(), old.millis());
        assertThat(ModelEvaluation.labelOf(wrong)).isEqualTo("?");
    }

    @Test
    void regressionModelTradesTheRealisedLogReturnWithFees() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e"), Fixtures.pricing());
        assertThat(m.classification()).isFalse();
        assertThat(m.metric("rmse")).isCloseTo(0.009372391481144464, within(1e-12)); // atlas run: 0.009
        assertThat(m.metric("ic")).isCloseTo(-0.11462104536228943, within(1e-12)); // scipy.stats.spearmanr
        assertThat(m.returnBasis()).contains("forecast sign held 1 bar");
        // check_money.py TRADES RESULT 1 0.0041: 242 one-bar holds, 243 bars
        assertThat(m.trading().orElseThrow().book().bars()).isEqualTo(243);
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.2353372031997407, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.017951344983428763, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-41.29997044265752, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(42.210386726874893, within(1e-10));
        assertThat(m.trading().orElseThrow().performance().costs()).isCloseTo(0.48379999999999973, within(1e-12));
    }

    /** Walk-forward results: the test rows of every fold are joined in time order, whatever the folds' order. */
    @Test
    void foldsAreJoinedInTimeOrder() {
        ResultsObject r = Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166");
        ResultsObject.FoldResult f = r.folds().get(0);
        ResultsObject.Split t = f.test();
        int half = t.time().length / 2;
        List<ResultsObject.FoldResult> folds = List.of(fold(f, 0, t, half, t.time().length), fold(f, 1, t, 0, half));
        ResultsObject twoFolds = new ResultsObject(1, r.key(), r.workspec(), "done", null, r.spec(), r.featureset(),
                r.dataFingerprint(), folds, r.provenance(), r.startedAt(), r.millis());
        ModelEvaluation joined = ModelEvaluation.of(twoFolds, Fixtures.pricing());
        ModelEvaluation single = ModelEvaluation.of(r, Fixtures.pricing());
        assertThat(joined.oos().time()).containsExactly(t.time());
        assertThat(joined.metric("accuracy")).isEqualTo(single.metric("accuracy"));
        assertThat(joined.metric("sharpe/bar")).isEqualTo(single.metric("sharpe/bar"));
        assertThat(joined.metric("return %")).isEqualTo(single.metric("return %"));
    }

    private static ResultsObject.FoldResult fold(ResultsObject.FoldResult f, int n, ResultsObject.Split t, int from, int to) {
        ResultsObject.Split s = new ResultsObject.Split(java.util.Arrays.copyOfRange(t.time(), from, to),
                java.util.Arrays.copyOfRange(t.actual(), from, to), java.util.Arrays.copyOfRange(t.predicted(), from, to),
                t.probabilities().rows(from, to));
        return new ResultsObject.FoldResult(n, "done", null, f.scaler(), null, f.bestEpoch(), f.curves(), null, null, s,
                null, null);
    }

    /** The WorkSpec's costs replace the exchange's: check_money.py TRADES RESULT 3 0.0011 for 10 bps + 1 bp. */
    @Test
    void workspecCostsAreCharged() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"),
                Fixtures.pricing(new io.atlasj.workspec.Costs(10, 2)));
        assertThat(m.returnBasis()).endsWith("costs fee 10 bps + half of a 2 bp spread (WorkSpec)");
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.08428112899834364, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.05149414688719332, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-14.121748131368383, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(15.751470634512388, within(1e-10));
    }

    /** trading.book: non-overlapping; check_money.py TRADES RESULT 3 0.0041 non-overlapping. */
    @Test
    void nonOverlappingHoldsWhenTheWorkSpecAsks() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"),
                Fixtures.pricing(null, new TradingRules(TradingRules.Book.NON_OVERLAPPING, 0, 0)));
        assertThat(m.returnBasis()).contains("non-overlapping holds (every 3-bar decision at full size");
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.1671381819924145, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.09385306085574487, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-30.60728755479628, within(1e-10));
        assertThat(m.metric("max drawdown %")).isCloseTo(31.683543493550315, within(1e-10));
        assertThat(m.trading().orElseThrow().performance().trades()).isEqualTo(81);
        // the card's range of non-overlapping Sharpe ratios starts with this book (started at the first row)
        assertThat(m.trading().orElseThrow().nonOverlappingSharpe()[0]).isCloseTo(m.metric("sharpe/bar"), within(1e-15));
    }

    /**
     * A regression forecast sized by the WorkSpec: flat within 5 bps of 0, full size at 20 bps, in between a share;
     * check_money.py TRADES RESULT 1 0.0041 staggered 0.0005 0.002.
     */
    @Test
    void forecastThresholdAndSize() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e"),
                Fixtures.pricing(null, new TradingRules(TradingRules.Book.STAGGERED, 0.0005, 0.002)));
        assertThat(m.returnBasis()).contains("forecast sign and size (full at 0.002), flat within 0.0005 of 0");
        assertThat(m.metric("sharpe/bar")).isCloseTo(-0.41336844582755744, within(1e-12));
        assertThat(m.metric("gross sharpe/bar")).isCloseTo(-0.06745679181218041, within(1e-12));
        assertThat(m.metric("return %")).isCloseTo(-48.0573484083367, within(1e-10));
        assertThat(m.trading().orElseThrow().performance().trades()).isEqualTo(200);
        assertThat(m.trading().orElseThrow().performance().costs()).isCloseTo(0.5428153415650278, within(1e-12));
    }

    /**
     * trading.minProbability: a classifier's row is traded only when the model gives its predicted class at least
     * that probability, else it stays flat; at a level no row reaches nothing is traded and nothing is charged.
     */
    @Test
    void classifiersTradeOnlyConfidentRowsWhenTheWorkSpecAsks() {
        ResultsObject r = Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166");
        ModelEvaluation all = ModelEvaluation.of(r, Fixtures.pricing());
        double[] pred = all.oos().predicted();
        double[][] prob = all.oos().probabilities().toArrays();
        double[] confidence = new double[pred.length];
        for (int i = 0; i < pred.length; i++) {
            confidence[i] = prob[i][(int) pred[i]];
        }
        double[] sorted = confidence.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        ModelEvaluation some = ModelEvaluation.of(r, Fixtures.pricing(null,
                new TradingRules(TradingRules.Book.STAGGERED, 0, 0, median)));
        double[] signal = some.trading().orElseThrow().signal();
        int flat = 0;
        for (int i = 0; i < pred.length; i++) {
            double want = confidence[i] >= median ? ModelEvaluation.classPosition((int) pred[i], all.classes()) : 0;
            assertThat(signal[i]).as("row %d", i).isEqualTo(want);
            flat += confidence[i] < median ? 1 : 0;
        }
        assertThat(flat).isPositive().isLessThan(pred.length);
        assertThat(some.returnBasis()).contains("class direction when its probability is");
        assertThat(some.trading().orElseThrow().performance().trades())
                .isLessThan(all.trading().orElseThrow().performance().trades());
        // a level below every row's confidence trades as without it
        assertThat(ModelEvaluation.of(r, Fixtures.pricing(null, new TradingRules(TradingRules.Book.STAGGERED, 0, 0,
                sorted[0] / 2))).metric("sharpe/bar")).isEqualTo(all.metric("sharpe/bar"));
        ModelEvaluation none = ModelEvaluation.of(r, Fixtures.pricing(null, new TradingRules(TradingRules.Book.STAGGERED,
                0, 0, Math.min(0.999, sorted[sorted.length - 1] + 1e-9))));
        assertThat(none.trading().orElseThrow().signal()).containsOnly(0.0);
        assertThat(none.metric("return %")).isZero();
        assertThatThrownBy(() -> new TradingRules(TradingRules.Book.STAGGERED, 0, 0, 1.0))
                .hasMessageContaining("minProbability must be at least 0 and below 1");
    }

    /** Without the market's bars a model is not traded, and says why instead of inventing a return. */
    @Test
    void withoutPricesAModelIsNotTradedAndSaysWhy() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"),
                io.atlasj.stats.trading.Pricing.NONE);
        assertThat(m.trading()).isEmpty();
        assertThat(m.metric("sharpe/bar")).isNaN();
        assertThat(m.returnBasis()).isEqualTo("not traded: no bitstamp:btc_usd 5m bars in the market-data store from "
                + "2013-11-30T19:40:00Z (import them to trade this model)");
        assertThat(m.metric("accuracy")).isCloseTo(0.47107438016528924, within(1e-12));
    }

    /** A model of which swing comes next is not traded: its label says nothing of the price at a horizon. */
    @Test
    void aNextSwingModelIsNotTradedAndSaysWhy() {
        ResultsObject r = Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166");
        java.util.Map<String, Object> fs = new java.util.LinkedHashMap<>(r.featureset());
        fs.put("label", "NextSwing(12, 2)");
        fs.put("labelDeclared", List.of("NextSwing(12, 2)"));
        fs.put("labels", List.of("NextSwing(12, 2).market(\"bitstamp:btc_usd\").timeframe(\"5m\")"));
        ResultsObject swings = new ResultsObject(1, r.key(), r.workspec(), "done", null, r.spec(), fs,
                r.dataFingerprint(), r.folds(), r.provenance(), r.startedAt(), r.millis());
        ModelEvaluation m = ModelEvaluation.of(swings, Fixtures.pricing());
        assertThat(m.trading()).isEmpty();
        assertThat(m.returnBasis()).startsWith("not traded: NextSwing(12, 2) says which turn comes next");
        assertThat(ModelEvaluation.of(r, Fixtures.pricing()).trading()).as("the same result on UpDown(3)").isPresent();
    }

    @Test
    void aResultThatIsNotDoneOrInconsistentIsRefusedWithItsKeyAndField() {
        ResultsObject r = Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e");
        ResultsObject failed = new ResultsObject(1, r.key(), r.workspec(), "failed", "boom", r.spec(), r.featureset(),
                r.dataFingerprint(), r.folds(), r.provenance(), r.startedAt(), r.millis());
        assertThatThrownBy(() -> ModelEvaluation.of(failed, Fixtures.pricing()))
                .hasMessageContaining("result 9c8e349b3df6787971690d779e3dea4e (return-1bar/dnn#0): status is failed");
        ResultsObject.FoldResult f = r.folds().get(0);
        ResultsObject.Split bad = new ResultsObject.Split(f.test().time(), new double[3], f.test().predicted(), null);
        ResultsObject broken = new ResultsObject(1, r.key(), r.workspec(), "done", null, r.spec(), r.featureset(),
                r.dataFingerprint(), List.of(new ResultsObject.FoldResult(0, "done", null, f.scaler(), null,
                f.bestEpoch(), f.curves(), null, null, bad, null, null)), r.provenance(), r.startedAt(), r.millis());
        assertThatThrownBy(() -> ModelEvaluation.of(broken, Fixtures.pricing()))
                .hasMessageContaining("folds[0].test: time has 242 rows, actual 3, predicted 242");
    }
}
