package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.stats.Fixtures;
import io.atlasj.workspec.results.ResultsObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real quickstart results. Expected values: the test accuracy and RMSE that {@code atlas run} printed for these
 * models, and trading figures recomputed from the JSON with numpy (mean / std(ddof=1) * sqrt(bars per year), the
 * running maximum of the cumulative P&amp;L from 0).
 */
class ModelEvaluationTest {
    @Test
    void twoClassDirectionModel() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"));
        assertThat(m.unit()).isEqualTo("direction-3bar");
        assertThat(m.name()).isEqualTo("logistic#1");
        assertThat(m.classes()).isEqualTo(2);
        assertThat(m.oos().time()).hasSize(242);
        assertThat(m.metric("accuracy")).isCloseTo(0.47107438016528924, within(1e-12)); // atlas run: 0.471
        assertThat(m.hyperparameters()).isEqualTo("l2=0.001");
        assertThat(m.returnBasis()).startsWith("direction units");
        // UpDown(3): one third of a direction unit per bar
        assertThat(m.metric("pnl")).isCloseTo(-4.666666666666666, within(1e-9));
        assertThat(m.metric("sharpe")).isCloseTo(-18.755680414011067, within(1e-9));
        assertThat(m.metric("max drawdown")).isCloseTo(8.0, within(1e-9));
        assertThat(m.periodsPerYear()).isCloseTo(365.25 * 288, within(1e-9));
    }

    @Test
    void threeClassModelTradesDownFlatUp() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("2b09b84d979fab07963048e4baf0f3fc"));
        assertThat(m.classes()).isEqualTo(3);
        assertThat(m.metric("accuracy")).isCloseTo(0.2975206611570248, within(1e-12)); // atlas run: 0.298
        assertThat(m.metric("pnl")).isCloseTo(1.6666666666666663, within(1e-9));
        assertThat(m.metric("sharpe")).isCloseTo(10.061723496065934, within(1e-9));
        assertThat(m.metric("max drawdown")).isCloseTo(4.666666666666667, within(1e-9));
    }

    @Test
    void anEnsembleFindsItsLabelInTheSpecsDataset() {
        // the vote's result names its members instead of a featureset; its label UpDown(3) is in spec.dataset
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("b72820a81ca44ab21479c43db1c3e5d0"));
        assertThat(m.type()).isEqualTo("ensemble");
        assertThat(m.label()).isEqualTo("UpDown(3)");
        // numpy on the JSON: cumsum(sign(p - .5) * sign(a - .5) / 3); drawdown from the running peak (from 0)
        assertThat(m.metric("pnl")).isCloseTo(-2.0, within(1e-9));
        assertThat(m.metric("max drawdown")).isCloseTo(8.333333333333332, within(1e-9));
    }

    @Test
    void aSchemaThreeEnsembleFindsItsLabelInTheTypedDataset() {
        ResultsObject old = Fixtures.byKey("b72820a81ca44ab21479c43db1c3e5d0");
        java.util.Map<String, Object> spec = new java.util.LinkedHashMap<>(old.spec());
        spec.put("dataset", java.util.Map.of("task", "classification", "label", "UpDown(3)", "rebalance", "none",
                "scaling", "zscore"));
        ResultsObject typed = new ResultsObject(3, old.key(), old.workspec(), old.status(), old.failure(), spec,
                old.featureset(), old.dataFingerprint(), old.folds(), old.provenance(), old.startedAt(), old.millis());
        assertThat(ModelEvaluation.of(typed).label()).isEqualTo("UpDown(3)");
        // a schema-3 string is not parsed: the typed map is the only source
        spec.put("dataset", "DatasetOptions[task=CLASSIFICATION, label=UpDown(3)]");
        ResultsObject wrong = new ResultsObject(3, old.key(), old.workspec(), old.status(), old.failure(), spec,
                old.featureset(), old.dataFingerprint(), old.folds(), old.provenance(), old.startedAt(), old.millis());
        assertThat(ModelEvaluation.labelOf(wrong)).isEqualTo("?");
    }

    @Test
    void regressionModelTradesTheRealisedLogReturnWithFees() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e"));
        assertThat(m.classification()).isFalse();
        assertThat(m.metric("rmse")).isCloseTo(0.009372391481144464, within(1e-12)); // atlas run: 0.009
        assertThat(m.metric("ic")).isCloseTo(-0.11462104536228943, within(1e-12)); // scipy.stats.spearmanr
        assertThat(m.returnBasis()).contains("realised log return").contains("10 bps");
        assertThat(m.metric("pnl")).isCloseTo(-0.15441325684610807, within(1e-12));
        assertThat(m.metric("sharpe")).isCloseTo(-23.411175458555075, within(1e-9));
        assertThat(m.metric("max drawdown")).isCloseTo(0.18981442580035257, within(1e-12));
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
        ModelEvaluation joined = ModelEvaluation.of(twoFolds);
        ModelEvaluation single = ModelEvaluation.of(r);
        assertThat(joined.oos().time()).containsExactly(t.time());
        assertThat(joined.metric("accuracy")).isEqualTo(single.metric("accuracy"));
        assertThat(joined.metric("pnl")).isCloseTo(-4.666666666666666, within(1e-9));
    }

    private static ResultsObject.FoldResult fold(ResultsObject.FoldResult f, int n, ResultsObject.Split t, int from, int to) {
        ResultsObject.Split s = new ResultsObject.Split(java.util.Arrays.copyOfRange(t.time(), from, to),
                java.util.Arrays.copyOfRange(t.actual(), from, to), java.util.Arrays.copyOfRange(t.predicted(), from, to),
                java.util.Arrays.copyOfRange(t.probabilities(), from, to));
        return new ResultsObject.FoldResult(n, "done", null, f.scaler(), null, f.bestEpoch(), f.curves(), null, null, s,
                null, null);
    }

    @Test
    void aResultThatIsNotDoneOrInconsistentIsRefusedWithItsKeyAndField() {
        ResultsObject r = Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e");
        ResultsObject failed = new ResultsObject(1, r.key(), r.workspec(), "failed", "boom", r.spec(), r.featureset(),
                r.dataFingerprint(), r.folds(), r.provenance(), r.startedAt(), r.millis());
        assertThatThrownBy(() -> ModelEvaluation.of(failed))
                .hasMessageContaining("result 9c8e349b3df6787971690d779e3dea4e (return-1bar/dnn#0): status is failed");
        ResultsObject.FoldResult f = r.folds().get(0);
        ResultsObject.Split bad = new ResultsObject.Split(f.test().time(), new double[3], f.test().predicted(), null);
        ResultsObject broken = new ResultsObject(1, r.key(), r.workspec(), "done", null, r.spec(), r.featureset(),
                r.dataFingerprint(), List.of(new ResultsObject.FoldResult(0, "done", null, f.scaler(), null,
                f.bestEpoch(), f.curves(), null, null, bad, null, null)), r.provenance(), r.startedAt(), r.millis());
        assertThatThrownBy(() -> ModelEvaluation.of(broken))
                .hasMessageContaining("folds[0].test: time has 242 rows, actual 3, predicted 242");
    }
}
