package io.atlasj.workspec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** warmStart names another entry of the unit; expansion replaces the name by that model's key (part of the key). */
class WarmStartSpecTest {
    static final Path SPECS = Path.of("../configs/workspecs");

    static String spec(String tunedTraining, String baseExtra) {
        return """
                name: warm
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - name: tuned
                        type: dnn
                        training: %s
                      - name: base
                        type: dnn
                        training: {epochs: 5%s}
                """.formatted(tunedTraining, baseExtra);
    }

    static List<ModelSpec> expand(String yaml) {
        return Expander.expand(WorkSpecYaml.read("warm.yaml", yaml, FeaturesetLocator.beside(SPECS.resolve("x.yaml")),
                false));
    }

    @Test
    void theSourceIsTrainedFirstAndItsKeyIsPartOfTheKey() {
        List<ModelSpec> m = expand(spec("{epochs: 2, lr: 0.0001, warmStart: base}", ""));
        assertThat(m).extracting(ModelSpec::name).containsExactly("base#0", "tuned#0");
        assertThat(m.get(1).training().get("warmStart")).isEqualTo(m.get(0).key());
        assertThat(m.get(0).training().get("warmStart")).isEqualTo("");
        // the same model from another source is another model
        List<ModelSpec> other = expand(spec("{epochs: 2, lr: 0.0001, warmStart: base}", ", lr: 0.01"));
        assertThat(other.get(1).key()).isNotEqualTo(m.get(1).key());
        // without warmStart the key is what it was before the setting existed
        List<ModelSpec> cold = expand(spec("{epochs: 2, lr: 0.0001}", ""));
        assertThat(cold.get(0).key()).isNotEqualTo(m.get(1).key());
    }

    @Test
    void mistakesAreReportedWhereTheyAre() {
        assertThatThrownBy(() -> expand(spec("{warmStart: bsae}", "")))
                .hasMessageContaining("warm.yaml:8:9:")
                .hasMessageContaining("units[0].models[0].training.warmStart: no model named 'bsae' in this unit")
                .hasMessageContaining("base");
        assertThatThrownBy(() -> expand(spec("{warmStart: tuned}", "")))
                .hasMessageContaining("a model cannot warm-start from itself");
        assertThatThrownBy(() -> expand(spec("{warmStart: base}", ", warmStart: tuned")))
                .hasMessageContaining("warmStart forms a cycle among [tuned, base]");
        assertThatThrownBy(() -> expand(spec("{warmStart: base}", ", lr: [0.01, 0.02]")))
                .hasMessageContaining("warmStart 'base' expands to 2 models");
    }
}
