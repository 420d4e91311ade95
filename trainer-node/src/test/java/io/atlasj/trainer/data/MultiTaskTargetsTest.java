package io.atlasj.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A multi-task fold carries the featureset's other labels: classes as they are, percentile classes fitted on the
 * training rows, real values z-scored on train rows.
 */
class MultiTaskTargetsTest {
    @Test
    void otherLabelsAreScaledOnTheTrainingRowsOnly() throws Exception {
        FeatureLabelSet fls = FeatureSetYaml.read(Path.of("../configs/featuresets/quickstart.yaml"));
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "quickstart", fls, Long.MIN_VALUE, Long.MAX_VALUE,
                new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, "UpDown(3)", null, null, null),
                new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0), List.of(ModelEntry.builder("m", ModelType.MULTI_TASK)
                .build()))).build();
        ModelSpec spec = Expander.expand(ws).get(0);
        int n = 1000;
        Random r = new Random(3);
        long[] time = new long[n];
        double[][] features = new double[fls.features().size()][n];
        double[][] labels = new double[3][n];
        for (int i = 0; i < n; i++) {
            time[i] = i * 300_000L;
            for (double[] f : features) {
                f[i] = r.nextGaussian();
            }
            // FutureReturn(1): its level drifts upward over time, so whole-series statistics differ from train ones
            labels[0][i] = 0.001 * r.nextGaussian() + 0.002 * i / n;
            labels[1][i] = r.nextBoolean() ? 1 : 0; // UpDown(3): classes
            labels[2][i] = r.nextGaussian(); // ThreeClassPercentile(3): real values
        }
        FeatureMatrix m = new FeatureMatrix("quickstart", time, fls.features().stream().map(f -> f.id()).toList(),
                features, fls.labels().stream().map(l -> l.id()).toList(), labels, null);
        PreparedData d = DatasetPreparer.prepare(spec, m).get(0);
        assertThat(d.extraTargets()).extracting(PreparedData.Target::label)
                .containsExactly(fls.labels().get(0).id(), fls.labels().get(2).id());
        PreparedData.Target ret = d.extraTargets().get(0);
        assertThat(ret.classify()).isFalse();
        double mean = 0;
        for (int row : d.train().index()) {
            mean += ret.values()[row];
        }
        mean /= d.train().rows();
        assertThat(mean).isCloseTo(0, within(1e-9)); // centred on the training rows ...
        double later = 0;
        for (int row : d.test().index()) {
            later += ret.values()[row];
        }
        assertThat(later / d.test().rows()).isGreaterThan(0.5); // ... so the later rows, higher, are not centred
        assertThat(ret.values()[5] * ret.scale() + ret.center()).isCloseTo(labels[0][5], within(1e-12));
        // ThreeClassPercentile(3): its values are returns; the head learns their classes by the label's percentiles
        // (33.333, 66.667) of the training rows, not the returns cast to a class index (which made every row class 0)
        PreparedData.Target terciles = d.extraTargets().get(1);
        assertThat(terciles.classes()).isEqualTo(3);
        double[] b = io.atlasj.workspec.split.Scaler.fitBoundaries(labels[2], d.train().index(), 33.333, 66.667);
        int[] count = new int[3];
        for (int row : d.train().index()) {
            double v = labels[2][row];
            double want = v < b[0] ? 0 : v > b[1] ? 2 : 1;
            assertThat(terciles.values()[row]).as("row %d", row).isEqualTo(want);
            count[(int) want]++;
        }
        for (int c : count) {
            assertThat(c).isBetween(d.train().rows() / 3 - 2, d.train().rows() / 3 + 2);
        }
    }
}
