package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.stats.Fixtures;
import io.atlasj.stats.trading.Performance;
import io.atlasj.workspec.Costs;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialFamilyTest {
    /** Common rows: the shared array when all are equal, else the intersection; a repeated time counts once. */
    @Test
    void commonTimesIntersectAndCountATimeOnce() {
        long[] a = {1, 2, 3, 5, 8};
        org.assertj.core.api.Assertions.assertThat(TrialFamily.commonTimes(java.util.List.of(a, a.clone()))).isSameAs(a);
        org.assertj.core.api.Assertions.assertThat(TrialFamily.commonTimes(java.util.List.of(a, new long[] {0, 2, 3, 8, 9})))
                .containsExactly(2, 3, 8);
        org.assertj.core.api.Assertions.assertThat(TrialFamily.commonTimes(java.util.List.of(new long[] {1, 2, 2, 3},
                new long[] {1, 2, 2, 3}))).containsExactly(1, 2, 3);
    }

    @Test
    void quickstartUnitsAreFamiliesOfTrials() {
        List<ModelEvaluation> all = ModelEvaluation.ofAll(Fixtures.quickstart(), Fixtures.pricing());
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
    void verdictsInWordsQuoteNetFiguresAndThePboReference() {
        Performance p = Performance.of(io.atlasj.stats.trading.Book.staggered(new io.atlasj.stats.trading.Prices.Bars(
                new long[] {0, 300_000, 600_000, 900_000}, new double[] {100, 101, 100, 102}),
                new long[] {0, 300_000}, new double[] {1, 1}, 0, 1, 0), 105_192);
        Costs c = new Costs(10, 2);
        assertThat(TrialFamily.verdict("m", 10, -0.1, p, 0.1, 0.6, 0.5, 0.9, 0.9, c)).startsWith("No edge")
                .contains("after costs").contains("fee 10 bps + half of a 2 bp spread");
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, 0.1, 0.5, 0.001, 0.001, c))
                .startsWith("Evidence of an edge").contains("net Sharpe 0.300 per bar").contains("against 0.50 for no skill");
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, 0.8, 0.5, 0.001, 0.001, c)).startsWith("Mixed");
        // a PBO equal to the no-skill value is no evidence of skilful selection
        assertThat(TrialFamily.verdict("m", 3, 0.3, p, 0.99, 2 / 3.0, 2 / 3.0, 0.001, 0.001, c)).startsWith("Mixed");
        // an unknown PBO is not read as "not overfit"
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, Double.NaN, 0.5, 0.001, 0.001, c))
                .startsWith("Unconfirmed").contains("PBO unknown");
        // the SPA takes part: a Reality Check alone is not enough
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, 0.1, 0.5, 0.01, 0.2, c)).startsWith("Likely luck");
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, 0.1, 0.5, 0.2, 0.01, c)).startsWith("Likely luck")
                .contains("the SPA test alone is significant");
        // 15 minutes of bars: no annualised figure
        assertThat(TrialFamily.verdict("m", 10, 0.3, p, 0.99, 0.1, 0.5, 0.001, 0.001, c)).doesNotContain("a year");
    }
}
