package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.workspec.results.ResultsObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a target's models vote: each measure scaled to the model's largest, a tree's permutation and gain averaged, a
 * network's permutation alone, then the mean over the models; across targets, the mean over the targets with 0 where a
 * target's featureset lacks the input.
 */
class InputImportanceTest {
    private static ResultsObject model(String key, String label, List<String> inputs, double[] permutation,
                                       double[] gain) {
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 0, List.of(), null,
                null, null, null, null, Map.of(), permutation, gain);
        Map<String, Object> fs = Map.of("name", "fs", "base", "bitstamp:btc_usd 5m", "declared", inputs,
                "features", inputs.stream().map(i -> i + "@5m").toList(), "labels", List.of(label + "@5m"),
                "labelDeclared", List.of(label), "label", label, "gaps", "drop");
        return new ResultsObject(7, key, "w", "done", null, Map.of(), fs, List.of(), List.of(f), Map.of(), 0, 0);
    }

    @Test
    void aTreeVotesWithBothMeasuresANetworkWithItsPermutationOnly() {
        List<String> in = List.of("a", "b", "c");
        ResultsObject tree = model("t", "UpDown(3)", in, new double[] {0.2, 0.1, -0.05}, new double[] {0.25, 0.5, 0.25});
        ResultsObject net = model("n", "UpDown(3)", in, new double[] {0.0, 0.4, 0.1}, null);
        InputImportance i = InputImportance.of("u", List.of(tree, net)).orElseThrow();
        // tree: permutation scaled (1, 0.5, 0), gain scaled (0.5, 1, 0.5): its score (0.75, 0.75, 0.25)
        // network: permutation scaled (0, 1, 0.25)
        assertThat(i.score()).containsExactly(new double[] {0.375, 0.875, 0.25}, within(1e-12));
        assertThat(i.permutation()).containsExactly(new double[] {0.5, 0.75, 0.125}, within(1e-12));
        assertThat(i.gain()).containsExactly(new double[] {0.5, 1, 0.5}, within(1e-12));
        assertThat(i.order()).containsExactly(1, 0, 2);
        assertThat(i.models()).isEqualTo(2);
        assertThat(i.treeModels()).isEqualTo(1);
        assertThat(i.labels()).containsExactly("UpDown(3)");
        // a model with nothing measured does not vote
        ResultsObject none = model("x", "UpDown(3)", in, null, null);
        assertThat(InputImportance.of("u", List.of(none))).isEmpty();
        assertThat(InputImportance.of("u", List.of(tree, none)).orElseThrow().models()).isEqualTo(1);
        // two versions of a featureset do not mix
        ResultsObject other = model("o", "UpDown(3)", List.of("a", "b"), new double[] {1, 0}, null);
        assertThatThrownBy(() -> InputImportance.of("u", List.of(tree, other)))
                .hasMessageContaining("model o of u was trained on other inputs than model t");
    }

    @Test
    void acrossTargetsEachTargetWeighsTheSameAndAnAbsentInputScoresZero() {
        InputImportance up = InputImportance.of("u1", List.of(
                model("a", "UpDown(3)", List.of("a", "b"), new double[] {1, 0.5}, null),
                model("b", "UpDown(3)", List.of("a", "b"), new double[] {1, 0.5}, null))).orElseThrow();
        InputImportance ret = InputImportance.of("u2", List.of(
                model("c", "FutureReturn(1)", List.of("b", "c"), new double[] {0.2, 1}, null))).orElseThrow();
        InputImportance.Core core = InputImportance.Core.of(List.of(up, ret));
        assertThat(core.declared()).containsExactly("a", "b", "c");
        assertThat(core.resolved()).containsExactly("a@5m", "b@5m", "c@5m");
        assertThat(core.score()).containsExactly(new double[] {0.5, 0.35, 0.5}, within(1e-12));
        assertThat(core.perTarget()[0][2]).isNaN();
        assertThat(core.perTarget()[1][0]).isNaN();
        assertThat(core.order()).containsExactly(0, 2, 1); // ties keep the first
        assertThat(core.labels()).containsExactly("UpDown(3)", "FutureReturn(1)");
    }
}
