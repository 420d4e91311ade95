package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.stats.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialFamilyTest {
    @Test
    void quickstartUnitsAreFamiliesOfTrials() {
        List<ModelEvaluation> all = Fixtures.quickstart().stream().map(ModelEvaluation::of).toList();
        List<TrialFamily> families = TrialFamily.perUnit(all);
        assertThat(families).extracting(TrialFamily::unit)
                .containsExactlyInAnyOrder("direction-3bar", "return-1bar", "terciles-3bar");
        TrialFamily direction = families.stream().filter(f -> f.unit().equals("direction-3bar")).findFirst().orElseThrow();
        assertThat(direction.models()).hasSize(17); // 4 logistic, 8 dnn, 4 lstm, 1 vote
        // the LSTMs see fewer rows after their windows' warm-up: only rows every model has are compared
        int shortest = direction.models().stream().mapToInt(m -> m.oos().time().length).min().orElseThrow();
        assertThat(direction.rows()).isEqualTo(shortest);
        assertThat(direction.pbo()).isBetween(0.0, 1.0);
        assertThat(direction.pboLogits()).hasSize(70);
        assertThat(direction.realityCheck()).isBetween(0.0, 1.0);
        assertThat(direction.dsr()).isBetween(0.0, 1.0);
        assertThat(direction.verdict()).isNotBlank();
        // the family's best has the highest Sharpe ratio on the common rows
        ModelEvaluation best = direction.models().get(direction.best());
        assertThat(best.unit()).isEqualTo("direction-3bar");
    }

    @Test
    void verdictsInWords() {
        assertThat(TrialFamily.verdict("m", 10, -1, 0.1, 0.6, 0.9, 0.9)).startsWith("No edge");
        assertThat(TrialFamily.verdict("m", 10, 3, 0.99, 0.1, 0.001, 0.001)).startsWith("Evidence of an edge");
        assertThat(TrialFamily.verdict("m", 10, 3, 0.99, 0.8, 0.001, 0.001)).startsWith("Mixed");
        assertThat(TrialFamily.verdict("m", 10, 1, 0.3, 0.4, 0.4, 0.3)).startsWith("Likely luck");
    }
}
