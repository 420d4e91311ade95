package io.atlasj.stats.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.stats.Fixtures;
import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.chart.Charts;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two real quickstart models compared on their common test rows. */
class ComparisonTest {
    @Test
    void aModelAgreesWithItselfEverywhere() {
        ModelEvaluation m = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"), Fixtures.pricing());
        Comparison c = Comparison.of(m, m);
        assertThat(c.rows()).isEqualTo(m.oos().time().length);
        assertThat(c.agreement()).isEqualTo(1.0);
        assertThat(c.samePrediction()).isEqualTo(1.0);
        assertThat(c.correlation()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void twoModelsOfOneUnitCountedRowByRow() throws IOException {
        List<ModelEvaluation> unit = Fixtures.quickstart().stream().filter(r -> "done".equals(r.status()))
                .map(r -> ModelEvaluation.of(r, Fixtures.pricing())).filter(m -> m.unit().equals("direction-3bar")).toList();
        ModelEvaluation a = unit.get(0);
        ModelEvaluation b = unit.get(unit.size() - 1);
        Comparison c = Comparison.of(a, b);
        // same unit, same split: the same test rows
        assertThat(c.time()).isEqualTo(a.oos().time()).isEqualTo(b.oos().time());
        // the agreement counted directly from the stored predictions (2 classes: down/up; same class = same position)
        ResultsObject.Split sa = a.oos();
        ResultsObject.Split sb = b.oos();
        int same = 0;
        for (int i = 0; i < sa.predicted().length; i++) {
            same += sa.predicted()[i] == sb.predicted()[i] ? 1 : 0;
        }
        assertThat(c.samePrediction()).isEqualTo((double) same / c.rows());
        assertThat(c.agreement()).isEqualTo(c.samePrediction());
        assertThat(c.correlation()).isBetween(-1.0, 1.0);
        ChartFiles.write(Charts.comparison(c), Path.of("target", "charts", "compare-direction-3bar"));
    }

    @Test
    void differentLabelsHaveNoSameClassShare() throws IOException {
        ModelEvaluation cls = ModelEvaluation.of(Fixtures.byKey("f312172c5cf88d0a17fed6961c99d166"), Fixtures.pricing());
        ModelEvaluation reg = ModelEvaluation.of(Fixtures.byKey("9c8e349b3df6787971690d779e3dea4e"), Fixtures.pricing());
        Comparison c = Comparison.of(cls, reg);
        assertThat(c.samePrediction()).isNaN();
        assertThat(c.rows()).isPositive();
        ChartFiles.write(Charts.comparison(c), Path.of("target", "charts", "compare-direction-vs-return"));
    }
}
