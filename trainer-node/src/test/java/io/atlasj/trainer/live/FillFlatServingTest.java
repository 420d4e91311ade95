package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequence models on the bundled minutes (162 gaps) predict live what training stored, whichever bars training's
 * matrix had rows for: under {@code gaps: fill-flat} a filled bar has features but no label, so training's windows
 * leave it out and the runner's must too; under {@code gaps: bridge}, and for {@code NextSwing} (decided by a swing
 * before a gap), the bars just before a gap do have rows, and the runner must keep them. Under a {@code fillLimit} the
 * runner fills the bars training filled, also in a series whose gap is still open when it predicts.
 */
class FillFlatServingTest {
    @TempDir
    Path dir;

    static final String SPEC = """
            name: filled
            x-features: &features ["LogReturns()", "LogReturns().lookback(5)", "Volatility(10)", "RSI(14)"]
            x-split: &split {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
            x-transformer: &transformer {name: transformer, type: transformer, dModel: 8, heads: 2, layers: 1, ffDim: 16,
                                         sequenceLength: 8, training: {epochs: 2, lr: 0.003, batchSize: 64}}
            units:
              - name: u
                featureset:
                  name: filled-1m
                  base: {market: "bitstamp:btc_usd", timeframe: 1m}
                  gaps: fill-flat
                  features: *features
                  labels: ["UpDown(3)"]
                dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                split: *split
                models:
                  - {name: lstm, type: lstm, hidden: [8], sequenceLength: 8, training: {epochs: 2, lr: 0.003}}
                  - *transformer
              - name: bridged
                featureset:
                  name: bridged-1m
                  base: {market: "bitstamp:btc_usd", timeframe: 1m}
                  gaps: bridge
                  features: *features
                  labels: ["UpDown(3)"]
                dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                split: *split
                models: [*transformer]
              - name: limited
                featureset:
                  name: limited-5m
                  base: {market: "bitstamp:btc_usd", timeframe: 5m}
                  gaps: fill-flat
                  fillLimit: 5m
                  features: ["LogReturns()", "RSI(14)", "LogReturns().oneMin()", "Volume().oneMin().zscore(5)"]
                  labels: ["UpDown(3)"]
                dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                split: *split
                models:
                  - {name: dnn, type: dnn, hidden: [8], training: {epochs: 2, lr: 0.003}}
              - name: swings
                featureset:
                  name: swings-1m
                  base: {market: "bitstamp:btc_usd", timeframe: 1m}
                  features: *features
                  labels: ["NextSwing(12, 2)"]
                dataset: {task: classification, label: "NextSwing(12, 2)", scaling: zscore}
                split: *split
                models: [*transformer]
            """;

    @Test
    void theRunnersWindowsLeaveOutWhatTrainingsLeftOut() throws Exception {
        AtlasHome home = LiveServingEqualityTest.trained(dir, "filled.yaml", SPEC);
        // under bridge the labels run over gaps, and NextSwing may be decided before one: there the bars before a gap
        // have rows, and the runner keeps them
        // under a fillLimit, with features on 1-minute bars of a 5-minute base: a bar is filled by the bars before it,
        // so the runner fills what training filled, also the minutes of a gap still open when it predicts
        for (String ref : List.of("filled/u/lstm#0", "filled/u/transformer#0", "filled/bridged/transformer#0",
                "filled/swings/transformer#0", "filled/limited/dnn#0")) {
            LiveModel m = LiveModel.find(home, ref);
            ResultsObject.Split test = m.test();
            LiveRunner.run(home, new LiveRunner.Options(ref, null, null, 0, null, -1), l -> { });
            Map<Long, LiveJournal.Entry> byBar = new HashMap<>();
            try (LiveJournal j = LiveJournal.open(home.live())) {
                j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE).forEach(e -> byBar.put(e.barTime(), e));
            }
            int differ = 0;
            for (int i = 0; i < test.time().length; i++) {
                LiveJournal.Entry e = byBar.get(test.time()[i]);
                assertThat(e).as("%s: bar %d predicted", ref, i).isNotNull();
                assertThat(e.probabilities()).as("%s: bar %d predicted, not %s (%s)", ref, i, e.status(), e.reason())
                        .isNotNull();
                if (Math.abs(e.probabilities()[0] - test.probabilities().get(i, 0)) > 1e-6) {
                    differ++;
                }
            }
            assertThat(differ).as("%s: test bars predicted otherwise than training stored", ref).isZero();
        }
        // the same model as a result from before the rule was recorded: the runner refuses to serve it
        LiveModel limited = LiveModel.find(home, "filled/limited/dnn#0");
        Path json = limited.dir().resolve("result.json");
        String text = java.nio.file.Files.readString(json);
        assertThat(text).contains("\"fill\"");
        java.nio.file.Files.writeString(json, text.replaceAll(",\\s*\"fill\"\\s*:\\s*\"since-last-real\"", ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LiveRunner.run(home, new LiveRunner.Options(
                "filled/limited/dnn#0", null, null, 0, null, -1), l -> { }))
                .hasMessageContaining("trained under the earlier rule of fillLimit");
    }

    /**
     * A model trained under a fillLimit before the fill became causal (its result does not name the rule) filled a
     * gap whole or not at all by a length the runner cannot know: serving it is refused with what to do (the other
     * live commands still find it), not served otherwise than it was trained.
     */
    @Test
    void aModelTrainedUnderTheEarlierFillRuleIsRefused() {
        Map<String, Object> f = new HashMap<>(Map.of("name", "old", "base", "bitstamp:btc_usd 5m", "gaps", "fill-flat",
                "fillLimit", "10m"));
        assertThat(LiveModel.fillRuleRefusal(f, "old/u/dnn#0")).contains(
                "old/u/dnn#0: it was trained under the earlier rule of fillLimit").contains("Train it again");
        f.put("fill", io.atlasj.trainer.local.LocalRunner.FILL_RULE);
        assertThat(LiveModel.fillRuleRefusal(f, "new/u/dnn#0")).isNull();
        // without a limit nothing changed: served as before
        f.remove("fill");
        f.remove("fillLimit");
        assertThat(LiveModel.fillRuleRefusal(f, "any/u/dnn#0")).isNull();
    }
}
