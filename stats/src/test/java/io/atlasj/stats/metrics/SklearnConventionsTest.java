package io.atlasj.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.workspec.results.Probabilities;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our metrics against scikit-learn's and SciPy's own values: {@code src/test/resources/sklearn/cases.json}, written by
 * {@code generate.py} beside it (scikit-learn 1.2.1, SciPy 1.10.1; its header says how it was run). Classification
 * cases check accuracy, per-class and macro precision, recall and F1, and log loss; regression cases check Spearman's
 * rank correlation ({@link Regression#informationCoefficient}). The file is read with Jackson, which the stats module
 * has through workspec.
 */
class SklearnConventionsTest {
    static final Offset<Double> TOLERANCE = within(1e-12);
    static final JsonNode CASES = read();

    static JsonNode read() {
        try (InputStream in = SklearnConventionsTest.class.getResourceAsStream("/sklearn/cases.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /sklearn/cases.json", e);
        }
    }

    @Test
    void fixtureIsScikitLearn12WithSignedZeros() {
        assertThat(CASES.path("versions").path("scikit-learn").asText()).startsWith("1.2.");
        // the regression cases are only a test of -0.0 if the sign bit survived JSON
        boolean negativeZero = false;
        for (JsonNode c : CASES.path("regression")) {
            for (double v : doubles(c.path("actual"))) {
                negativeZero |= Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0);
            }
        }
        assertThat(negativeZero).isTrue();
        assertThat(CASES.path("classification")).hasSize(5);
        assertThat(CASES.path("regression")).hasSize(3);
    }

    @TestFactory
    Stream<DynamicTest> classificationAsScikitLearn() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : CASES.path("classification")) {
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> classification(c)));
        }
        return tests.stream();
    }

    static void classification(JsonNode c) {
        String name = c.path("name").asText();
        double[] actual = doubles(c.path("actual"));
        double[] predicted = doubles(c.path("predicted"));
        double[][] probabilities = matrix(c.path("probabilities"));
        int classes = c.path("classes").asInt();
        assertThat(probabilities[0]).hasSize(classes);
        long[][] m = Classification.confusion(actual, predicted, classes);
        double[] precision = Classification.precision(m);
        double[] recall = Classification.recall(m);
        double[] f1 = Classification.f1(m);
        assertThat(Classification.accuracy(actual, predicted)).as(name + ": accuracy")
                .isCloseTo(c.path("accuracy").asDouble(), TOLERANCE);
        assertThat(precision).as(name + ": precision").containsExactly(doubles(c.path("precision")), TOLERANCE);
        assertThat(recall).as(name + ": recall").containsExactly(doubles(c.path("recall")), TOLERANCE);
        assertThat(f1).as(name + ": f1").containsExactly(doubles(c.path("f1")), TOLERANCE);
        assertThat(Classification.macroAverage(precision, m)).as(name + ": precision macro")
                .isCloseTo(c.path("precision macro").asDouble(), TOLERANCE);
        assertThat(Classification.macroAverage(recall, m)).as(name + ": recall macro")
                .isCloseTo(c.path("recall macro").asDouble(), TOLERANCE);
        assertThat(Classification.macroAverage(f1, m)).as(name + ": f1 macro")
                .isCloseTo(c.path("f1 macro").asDouble(), TOLERANCE);
        assertThat(Classification.logLoss(actual, Probabilities.of(probabilities))).as(name + ": log loss")
                .isCloseTo(c.path("log loss").asDouble(), TOLERANCE);
    }

    @TestFactory
    Stream<DynamicTest> spearmanAsScipy() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : CASES.path("regression")) {
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> assertThat(
                    Regression.informationCoefficient(doubles(c.path("actual")), doubles(c.path("predicted"))))
                    .as(c.path("name").asText() + ": spearman")
                    .isCloseTo(c.path("spearman").asDouble(), TOLERANCE)));
        }
        return tests.stream();
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    static double[][] matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles(rows.get(i));
        }
        return out;
    }
}
