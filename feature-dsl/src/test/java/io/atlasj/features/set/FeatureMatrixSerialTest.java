package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A matrix through Java serialisation, as a Spark task's matrix reaches the driver: every value bit for bit (-0.0, the
 * infinities and a NaN's payload too, which the default form of a {@code double[]} does not keep: it writes
 * {@code doubleToLongBits}, one canonical NaN), every name and the report, in about eight bytes a value.
 */
class FeatureMatrixSerialTest {
    @Test
    void aMatrixTravelsBitForBit() throws Exception {
        int n = 70_001; // several chunks of the serial form's buffer, the last one short
        SplittableRandom r = new SplittableRandom(7);
        long[] time = new long[n];
        double[][] features = new double[3][n];
        double[][] labels = new double[1][n];
        for (int i = 0; i < n; i++) {
            time[i] = 1_700_000_000_000L + 60_000L * i;
            for (double[] f : features) {
                f[i] = r.nextGaussian();
            }
            labels[0][i] = r.nextInt(3);
        }
        double payloadNaN = Double.longBitsToDouble(0x7ff8_0000_0000_0123L);
        features[0][1] = payloadNaN;
        features[1][2] = -0.0;
        features[2][3] = Double.POSITIVE_INFINITY;
        labels[0][4] = Double.NEGATIVE_INFINITY;
        FeatureMatrix.BuildReport report = new FeatureMatrix.BuildReport(n + 10, 7, 3, List.of(1L, 2L, 3L, 4L),
                1L, 2L, 3L, 45L, "a hint", 5, 2);
        FeatureMatrix m = new FeatureMatrix("set", time, List.of("a", "b", "c"), features, List.of("y"), labels,
                report, List.of("binance:btcusdt 1m abc"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        FeatureMatrix back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (FeatureMatrix) in.readObject();
        }

        assertThat(back.name()).isEqualTo("set");
        assertThat(back.time()).isEqualTo(time);
        assertThat(back.featureIds()).containsExactly("a", "b", "c");
        assertThat(back.labelIds()).containsExactly("y");
        assertThat(back.report()).isEqualTo(report);
        assertThat(back.dataFingerprint()).containsExactly("binance:btcusdt 1m abc");
        for (int c = 0; c < features.length; c++) {
            assertThat(firstDifference(back.features()[c], features[c])).as("first differing row of feature %d", c)
                    .isEqualTo(-1);
        }
        assertThat(firstDifference(back.labels()[0], labels[0])).as("first differing row of the label").isEqualTo(-1);
        assertThat(Double.doubleToRawLongBits(back.features()[0][1])).isEqualTo(0x7ff8_0000_0000_0123L);
        long values = (long) n * (1 + features.length + labels.length);
        // eight bytes a value, plus the stream's block headers (a few bytes a kilobyte) and the names
        assertThat((long) bytes.size()).isBetween(values * 8, values * 8 * 101 / 100 + 4_096);
    }

    /** The first row whose value differs in any bit, or -1 (or the shorter length when the lengths differ). */
    private static int firstDifference(double[] a, double[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return i;
            }
        }
        return a.length == b.length ? -1 : Math.min(a.length, b.length);
    }
}
