package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JSON reader that knows nothing of Java (Python's {@code json.load}) finds in a written result's spec:
 * dataset and split are objects with named fields, and no {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE} sentinel
 * anywhere in the spec.
 */
class ResultSpecJsonTest {
    @TempDir
    Path dir;

    static final String SPEC = """
            name: typed
            units:
              - name: dates
                featureset: quickstart
                dataset: {task: classification, label: "ThreeClassPercentile(3)", classes: {percentiles: [25, 75]}}
                split: {type: chronological, validationFrom: 2013-11-29, testFrom: 2013-11-30T12:00:00Z, embargo: 2}
                models:
                  - {name: logistic, type: logistic}
              - name: fractions
                featureset: quickstart
                range: {from: 2013-11-26}
                dataset: {task: regression, scaling: robust}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - {name: linear, type: linear}
              - name: walk
                featureset: quickstart
                dataset: {task: classification, label: "UpDown(3)", rebalance: oversample}
                split: {type: walk-forward, window: expanding, train: 500, test: 100, step: 100}
                models:
                  - {name: logistic, type: logistic}
            """;

    @Test
    void datasetAndSplitAreObjectsWithoutSentinels() throws Exception {
        List<ModelSpec> models = Expander.expand(WorkSpecYaml.read("typed.yaml", SPEC,
                FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")), false));
        List<JsonNode> specs = new ArrayList<>();
        for (ModelSpec m : models) {
            ResultsObject r = new ResultsObject(ResultsIo.CURRENT_VERSION, m.key(), m.workspec(), "failed", "not trained",
                    LocalRunner.describe(m), Map.of(), List.of(), List.of(), Map.of(), 0, 0);
            Path file = ResultsIo.write(dir.resolve(m.key()), r);
            specs.add(new ObjectMapper().readTree(file.toFile()).get("spec"));
            // and back: the typed maps read into the very options and split the model had
            ResultsObject back = ResultsIo.read(file);
            assertThat(SpecJson.dataset(asMap(back.spec().get("dataset")))).isEqualTo(m.dataset());
            assertThat(SpecJson.split(asMap(back.spec().get("split")))).isEqualTo(m.split());
        }
        JsonNode dates = specs.get(0);
        assertThat(dates.get("dataset").isObject()).isTrue();
        assertThat(dates.get("dataset").get("task").asText()).isEqualTo("classification");
        assertThat(dates.get("dataset").get("label").asText()).isEqualTo("ThreeClassPercentile(3, 33.333, 66.667)");
        assertThat(dates.get("dataset").get("classes").get("kind").asText()).isEqualTo("percentiles");
        assertThat(dates.get("dataset").get("classes").get("lower").asDouble()).isEqualTo(25.0);
        assertThat(dates.get("split").isObject()).isTrue();
        assertThat(fields(dates.get("split"))).containsExactly("kind", "validationFrom", "testFrom", "embargo");
        assertThat(dates.get("split").get("validationFrom").asLong()).isEqualTo(1_385_683_200_000L); // 2013-11-29
        assertThat(dates.get("split").get("testFrom").asLong()).isEqualTo(1_385_812_800_000L);
        assertThat(dates.has("from")).isFalse(); // unbounded range: absent, not Long.MIN_VALUE
        assertThat(dates.has("to")).isFalse();

        JsonNode fractions = specs.get(1);
        assertThat(fields(fractions.get("split"))).containsExactly("kind", "train", "validation", "test", "embargo");
        assertThat(fields(fractions.get("dataset"))).containsExactly("task", "rebalance", "scaling");
        assertThat(fractions.get("dataset").get("scaling").asText()).isEqualTo("robust");
        assertThat(fractions.get("from").asLong()).isEqualTo(1_385_424_000_000L);
        assertThat(fractions.has("to")).isFalse();

        JsonNode walk = specs.get(2);
        assertThat(walk.get("split").get("kind").asText()).isEqualTo("walk-forward");
        assertThat(walk.get("split").get("window").asText()).isEqualTo("expanding");
        assertThat(walk.get("dataset").get("rebalance").asText()).isEqualTo("oversample");

        for (JsonNode s : specs) {
            assertThat(s.toString()).doesNotContain(String.valueOf(Long.MIN_VALUE))
                    .doesNotContain(String.valueOf(Long.MAX_VALUE)).doesNotContain("DatasetOptions[");
        }
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
