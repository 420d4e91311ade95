package io.atlasj.workspec.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

/** A part's class probabilities as one row-major array. */
class ProbabilitiesTest {
    private static final double[][] ROWS = {{0.5, 0.25, 0.25}, {0.125, 0.75, 0.125}};

    @Test
    void rowsGoIntoOneArrayRowByRow() {
        Probabilities p = Probabilities.of(ROWS);
        assertThat(p.rows()).isEqualTo(2);
        assertThat(p.classes()).isEqualTo(3);
        assertThat(p.values()).containsExactly(0.5, 0.25, 0.25, 0.125, 0.75, 0.125);
        assertThat(p.get(1, 1)).isEqualTo(0.75);
        assertThatThrownBy(() -> p.get(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(p.row(1)).containsExactly(0.125, 0.75, 0.125);
        assertThat(p.toArrays()).isDeepEqualTo(ROWS);
        assertThat(p.rows(1, 2).toArrays()).isDeepEqualTo(new double[][] {ROWS[1]});
        assertThat(Probabilities.of(3, p.values().clone())).isEqualTo(p).hasSameHashCodeAs(p);
        // the array given is kept, not copied
        double[] v = {0.5, 0.5};
        assertThat(Probabilities.of(2, v).values()).isSameAs(v);
    }

    @Test
    void anEmptyPartHasNoRows() {
        assertThat(Probabilities.of(new double[0][]).rows()).isZero();
        assertThat(Probabilities.of(3, new double[0]).rows()).isZero();
        assertThat(Probabilities.of(0, new double[0]).classes()).isZero();
    }

    @Test
    void valuesThatAreNotWholeRowsAreRefused() {
        assertThatThrownBy(() -> Probabilities.of(new double[][] {{0.5, 0.5}, {1.0}}))
                .hasMessage("row 1 has 1 probabilities, row 0 has 2");
        assertThatThrownBy(() -> Probabilities.of(3, new double[4]))
                .hasMessage("4 probabilities are not rows of 3 classes");
        assertThatThrownBy(() -> Probabilities.of(0, new double[1]))
                .hasMessage("1 probabilities are not rows of 0 classes");
    }

    @Test
    void jsonKeepsTheFormOfOneArrayPerRow() throws Exception {
        // results of schemas 1 to 3 hold their series in result.json, as arrays of rows
        JsonMapper json = JsonMapper.builder().build();
        String text = json.writeValueAsString(Probabilities.of(ROWS));
        assertThat(text).isEqualTo("[[0.5,0.25,0.25],[0.125,0.75,0.125]]");
        assertThat(json.readValue(text, Probabilities.class)).isEqualTo(Probabilities.of(ROWS));
    }
}
