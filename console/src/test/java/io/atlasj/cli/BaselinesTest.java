package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run's trivial baselines: the majority class is counted on rows before the test rows, never on the test rows. */
class BaselinesTest {
    private static ResultsObject result(String unit, ResultsObject.Split train, ResultsObject.Split validation,
                                       ResultsObject.Split test) {
        ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 1, List.of(), train,
                validation, test, null, null);
        return new ResultsObject(ResultsIo.CURRENT_VERSION, "k-" + unit, "w", "done", null, Map.of("unit", unit),
                Map.of(), List.of(), List.of(f), Map.of(), 0, 0);
    }

    private static ResultsObject.Split classes(double... actual) {
        double[][] p = new double[actual.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {0.5, 0.25, 0.25};
        }
        return new ResultsObject.Split(new long[actual.length], actual, new double[actual.length], Probabilities.of(p));
    }

    @Test
    void theMajorityClassIsTheValidationRowsOrTheTrainingRowsOfAnOlderResult() {
        ResultsObject.Split test = classes(2, 2, 1, 0);
        List<String> lines = RunCommand.baselines(List.of(
                result("a", null, classes(2, 2, 0), test),
                result("b", classes(1, 1, 1, 2), classes(2, 2, 0), test),
                result("c", null, classes(), test)));
        assertThat(lines).containsExactly(
                "baseline a: majority class 2 (of the validation rows) has test accuracy 0.500",
                "baseline b: majority class 1 (of the training rows) has test accuracy 0.250",
                "baseline c: no majority class (no validation rows to count it on)");
    }

    @Test
    void aRegressionUnitWithoutValidationRowsStillHasItsBaselines() {
        ResultsObject.Split empty = new ResultsObject.Split(new long[0], new double[0], new double[0], null);
        ResultsObject.Split test = new ResultsObject.Split(new long[3], new double[] {0.5, -0.5, 0.5},
                new double[3], null);
        assertThat(RunCommand.baselines(List.of(result("r", null, empty, test))))
                .singleElement().asString().startsWith("baseline r: test rmse 0.5000 predicting zero, 1.0000");
    }
}
