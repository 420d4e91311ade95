package io.atlasj.trainer.data;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import io.atlasj.workspec.split.Scaler;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a classifier learns is the label's classes: a percentile label without the dataset's classes by its own
 * percentiles of the training rows (it used to be its returns cast to class 0), a label that is classes already never
 * re-classed; and the splits purge by the longest horizon a model learns from.
 */
class ClassTargetsTest {
    static final FeatureLabelSet SET = FeatureLabelSet.builder("t").base("bitstamp:btc_usd", "5m")
            .features(LogReturns(), RSI(14)).labels(ThreeClassPercentile(3, 25, 75), UpDown(3), FutureReturn(24),
                    FutureReturn(2).oneHour()).build();

    static ModelSpec spec(String label, DatasetOptions.Classes classes, ModelType type) {
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "t", SET, Long.MIN_VALUE, Long.MAX_VALUE,
                new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, label, classes, null, null),
                new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0), List.of(ModelEntry.builder("m", type).build())))
                .build();
        return Expander.expand(ws).get(0);
    }

    static FeatureMatrix matrix(int n) {
        Random r = new Random(5);
        long[] time = new long[n];
        double[][] x = new double[2][n];
        double[][] y = new double[4][n];
        for (int i = 0; i < n; i++) {
            time[i] = i * 300_000L;
            x[0][i] = r.nextGaussian();
            x[1][i] = r.nextGaussian();
            y[0][i] = 0.01 * r.nextGaussian(); // ThreeClassPercentile's values: returns
            y[1][i] = r.nextBoolean() ? 1 : 0;
            y[2][i] = 0.01 * r.nextGaussian();
            y[3][i] = 0.01 * r.nextGaussian();
        }
        return new FeatureMatrix("t", time, SET.features().stream().map(f -> f.id()).toList(), x,
                SET.labels().stream().map(l -> l.id()).toList(), y, null);
    }

    @Test
    void aPercentileLabelWithoutTheDatasetsClassesLearnsItsOwnPercentileClasses() {
        FeatureMatrix m = matrix(2_000);
        PreparedData d = DatasetPreparer.prepare(spec(SET.labels().get(0).id(), DatasetOptions.Classes.NONE,
                ModelType.DNN), m).get(0);
        assertThat(d.classes()).isEqualTo(3);
        double[] b = Scaler.fitBoundaries(m.labels()[0], d.train().index(), 25, 75);
        assertThat(d.boundaries()).containsExactly(b);
        int[] count = new int[3];
        for (int i = 0; i < d.train().rows(); i++) {
            double v = m.labels()[0][d.train().index()[i]];
            double want = v < b[0] ? 0 : v > b[1] ? 2 : 1;
            assertThat(d.train().y()[i]).as("row %d", i).isEqualTo(want);
            // and a live outcome is made the same way
            assertThat(DatasetPreparer.classOf(v, DatasetOptions.Classes.NONE, d.boundaries())).isEqualTo(want);
            count[(int) want]++;
        }
        // its own percentiles, 25 and 75: a quarter, a half and a quarter of the training rows
        assertThat(count[0]).isBetween(d.train().rows() / 4 - 2, d.train().rows() / 4 + 2);
        assertThat(count[1]).isBetween(d.train().rows() / 2 - 2, d.train().rows() / 2 + 2);
    }

    @Test
    void aLabelThatIsClassesAlreadyIsNotGivenOtherClasses() {
        assertThatThrownBy(() -> DatasetPreparer.prepare(spec(SET.labels().get(1).id(),
                new DatasetOptions.Classes(DatasetOptions.Classes.Kind.PERCENTILES, 0, 33, 67), ModelType.DNN),
                matrix(500))).hasMessageContaining("UpDown(3)").hasMessageContaining("is classes already");
    }

    @Test
    void theSplitsPurgeByTheLongestHorizonAModelLearnsFrom() {
        assertThat(spec(SET.labels().get(1).id(), DatasetOptions.Classes.NONE, ModelType.DNN).labelHorizon())
                .isEqualTo(3);
        // a multi-task network learns FutureReturn(24) and FutureReturn(2) of hours too: 24 five-minute bars
        assertThat(spec(SET.labels().get(1).id(), DatasetOptions.Classes.NONE, ModelType.MULTI_TASK).labelHorizon())
                .isEqualTo(24);
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "t", SET, Long.MIN_VALUE, Long.MAX_VALUE,
                new DatasetOptions(DatasetOptions.Task.REGRESSION, SET.labels().get(3).id(), null, null, null),
                new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0), List.of(ModelEntry.builder("m", ModelType.DNN)
                .build()))).build();
        assertThat(Expander.expand(ws).get(0).labelHorizon()).as("two hours in five-minute bars").isEqualTo(24);
    }
}
