package io.atlasj.workspec.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed JSON of dataset options and splits: field by field, nothing unset written, and read back equal. */
class SpecJsonTest {
    static final List<SplitPolicy> SPLITS = List.of(new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0),
            SplitPolicy.Chronological.byDates(1_385_424_000_000L, 1_385_596_800_000L, 3),
            new SplitPolicy.WalkForward(false, 20_000, 2_000, 20_000, 0.2, 0),
            new SplitPolicy.WalkForward(true, 300, 50, 100, 0.25, 2), new SplitPolicy.PurgedKFold(5, 60, 0.2));

    static final List<DatasetOptions> DATASETS = List.of(DatasetOptions.regression(),
            new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, "UpDown(3)", null, null, null),
            new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, "FutureReturn(1)", new DatasetOptions.Classes(
                    DatasetOptions.Classes.Kind.THRESHOLD, 0.0005, 0, 0), DatasetOptions.Rebalance.OVERSAMPLE,
                    DatasetOptions.Scaling.NONE),
            new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, "ThreeClassPercentile(3)", new DatasetOptions.Classes(
                    DatasetOptions.Classes.Kind.PERCENTILES, 0, 33.333, 66.667), DatasetOptions.Rebalance.UNDERSAMPLE,
                    DatasetOptions.Scaling.ROBUST));

    @Test
    void splitsAndDatasetsReadBackEqual() {
        SPLITS.forEach(s -> assertThat(SpecJson.split(SpecJson.split(s))).isEqualTo(s));
        DATASETS.forEach(d -> assertThat(SpecJson.dataset(SpecJson.dataset(d))).isEqualTo(d));
    }

    @Test
    void writesTheWordsOfTheYamlAndLeavesOutWhatIsNotSet() {
        assertThat(SpecJson.split(SPLITS.get(0))).containsExactly(Map.entry("kind", "chronological"),
                Map.entry("train", 0.6), Map.entry("validation", 0.2), Map.entry("test", 0.2), Map.entry("embargo", 0));
        assertThat(SpecJson.split(SPLITS.get(1))).containsExactly(Map.entry("kind", "chronological"),
                Map.entry("validationFrom", 1_385_424_000_000L), Map.entry("testFrom", 1_385_596_800_000L),
                Map.entry("embargo", 3));
        assertThat(SpecJson.split(SPLITS.get(3))).containsEntry("kind", "walk-forward").containsEntry("window", "expanding");
        assertThat(SpecJson.split(SPLITS.get(4))).containsExactly(Map.entry("kind", "purged-kfold"), Map.entry("k", 5),
                Map.entry("embargo", 60), Map.entry("validation", 0.2));
        assertThat(SpecJson.dataset(DATASETS.get(0))).containsExactly(Map.entry("task", "regression"),
                Map.entry("rebalance", "none"), Map.entry("scaling", "zscore"));
        assertThat(SpecJson.dataset(DATASETS.get(3))).containsEntry("label", "ThreeClassPercentile(3)")
                .containsEntry("classes", Map.of("kind", "percentiles", "lower", 33.333, "upper", 66.667))
                .containsEntry("rebalance", "undersample").containsEntry("scaling", "robust");
    }

    @Test
    void readsNumbersAsAJsonReaderGivesThem() {
        // Jackson reads small whole numbers as Integer and 13-digit times as Long
        assertThat(SpecJson.split(Map.of("kind", "chronological", "validationFrom", 1_385_424_000_000L,
                "testFrom", 1_385_596_800_000L, "embargo", 3))).isEqualTo(SPLITS.get(1));
        assertThat(SpecJson.split(Map.of("kind", "purged-kfold", "k", 5, "embargo", 60, "validation", 0.2)))
                .isEqualTo(SPLITS.get(4));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecJson.split(Map.of("kind", "shuffled",
                "embargo", 0))).hasMessageContaining("unknown 'shuffled'");
    }
}
