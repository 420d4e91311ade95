package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kept rows of a build as runs, and a column (values and times) compacted to them (FeatureSetBuilder.runs, compact). */
class KeptRowsTest {
    @Test
    void runsOfKeptRowsAndColumnsCompactedToThem() {
        assertThat(FeatureSetBuilder.runs(new boolean[0])).isEmpty();
        assertThat(FeatureSetBuilder.runs(new boolean[] {false, false})).isEmpty();
        assertThat(FeatureSetBuilder.runs(new boolean[] {true, true, true})).containsExactly(0, 3);
        boolean[] keep = {false, true, true, false, true, false, false, true, true, true, true, true, false};
        int[] runs = FeatureSetBuilder.runs(keep);
        assertThat(runs).containsExactly(1, 3, 4, 5, 7, 12);
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertThat(FeatureSetBuilder.compact(x, runs, 8)).containsExactly(1, 2, 4, 7, 8, 9, 10, 11);
        assertThat(FeatureSetBuilder.compact(x, new int[0], 0)).isEmpty();
        long[] time = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112};
        assertThat(FeatureSetBuilder.compact(time, runs, 8)).containsExactly(101, 102, 104, 107, 108, 109, 110, 111);
        // more runs than the first guess of their number (4), alternating rows
        boolean[] every = new boolean[21];
        for (int i = 0; i < every.length; i += 2) {
            every[i] = true;
        }
        int[] many = FeatureSetBuilder.runs(every);
        assertThat(many).hasSize(22);
        double[] y = new double[21];
        for (int i = 0; i < y.length; i++) {
            y[i] = i;
        }
        assertThat(FeatureSetBuilder.compact(y, many, 11)).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20);
    }
}
