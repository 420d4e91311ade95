package io.atlasj.workspec;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property: random WorkSpecs written as YAML read back to equal records, and expand to the same keys. */
class RoundTripPropertyTest {
    private final Random r = new Random(4);

    @Test
    void randomSpecsRoundTripThroughYaml() {
        FeaturesetLocator none = FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml"));
        for (int i = 0; i < 300; i++) {
            WorkSpec spec = randomSpec(i);
            String text = WorkSpecYaml.write(spec);
            WorkSpec back = WorkSpecYaml.read("random-" + i, text, none, true);
            assertThat(back).as(text).isEqualTo(spec);
            assertThat(Expander.expand(back, true).stream().map(ModelSpec::key).toList())
                    .isEqualTo(Expander.expand(spec, true).stream().map(ModelSpec::key).toList());
        }
    }

    private WorkSpec randomSpec(int i) {
        WorkSpec.Builder b = WorkSpec.builder("spec-" + i)
                .execution(new Execution(r.nextInt(4), Duration.ofMinutes(1 + r.nextInt(60)), 1 + r.nextInt(8),
                        r.nextBoolean() ? List.of() : List.of(0, 1), Duration.ofMillis(100 * (1 + r.nextInt(9))), 100_000));
        int units = 1 + r.nextInt(3);
        for (int u = 0; u < units; u++) {
            FeatureLabelSet fls = FeatureLabelSet.builder("fs" + u).base("bitstamp:btc_usd", r.nextBoolean() ? "5m" : "1h")
                    .features(LogReturns(), RSI(2 + r.nextInt(30)).zscore(10), Close().oneHour().minus(SMA(5)))
                    .labels(FutureReturn(1 + r.nextInt(5)), UpDown(3)).build();
            boolean classify = r.nextBoolean();
            // classes by a threshold of the future return, or UpDown's own classes
            boolean threshold = r.nextBoolean();
            DatasetOptions ds = classify
                    ? new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, fls.labels().get(threshold ? 0 : 1).id(),
                    !threshold ? DatasetOptions.Classes.NONE
                            : new DatasetOptions.Classes(DatasetOptions.Classes.Kind.THRESHOLD, 0.001 * (1 + r.nextInt(5)), 0, 0),
                    DatasetOptions.Rebalance.values()[r.nextInt(3)], DatasetOptions.Scaling.values()[r.nextInt(3)])
                    : new DatasetOptions(DatasetOptions.Task.REGRESSION, null, null, null, DatasetOptions.Scaling.ROBUST);
            SplitPolicy split = switch (r.nextInt(4)) {
                case 3 -> SplitPolicy.Chronological.byDates(1385337600000L + r.nextInt(1000) * 60_000L,
                        1385942400000L + r.nextInt(1000) * 60_000L, r.nextInt(3));
                case 0 -> new SplitPolicy.Chronological(0.5, 0.25, 0.25, r.nextInt(5));
                case 1 -> {
                    int test = 10 + r.nextInt(50);
                    yield new SplitPolicy.WalkForward(r.nextBoolean(), 100 + r.nextInt(100), test,
                            test + r.nextInt(50), 0.2, r.nextInt(3));
                }
                default -> new SplitPolicy.PurgedKFold(2 + r.nextInt(8), r.nextInt(10), 0.1);
            };
            List<ModelEntry> models = new ArrayList<>();
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                models.add(entry("m" + k));
            }
            long from = r.nextBoolean() ? Long.MIN_VALUE : 1385337600000L;
            b.unit(new WorkUnit("unit" + u, null, fls, from, Long.MAX_VALUE, ds, split, models));
        }
        return b.build();
    }

    private ModelEntry entry(String name) {
        ModelType[] types = {ModelType.LINEAR, ModelType.LOGISTIC, ModelType.DNN, ModelType.LSTM, ModelType.TRANSFORMER};
        ModelType t = types[r.nextInt(types.length)];
        ModelEntry.Builder b = ModelEntry.builder(name, t);
        boolean sample = r.nextInt(4) == 0;
        switch (t) {
            case DNN -> {
                if (r.nextBoolean()) {
                    b.grid("hidden", List.of(8), List.of(16, 8));
                } else {
                    b.set("hidden", List.of(1 + r.nextInt(64)));
                }
                if (sample) {
                    b.uniform("dropout", 0, 0.5).choice("activation", "relu", "tanh");
                } else {
                    b.grid("dropout", 0.0, 0.1 * (1 + r.nextInt(4))); // distinct values: a repeated one is refused
                }
            }
            case LSTM -> b.set("sequenceLength", 2 + r.nextInt(100));
            case TRANSFORMER -> b.set("heads", 1 + r.nextInt(8)).set("layers", 1 + r.nextInt(4));
            default -> b.grid("l2", 0.0, 0.01 * (1 + r.nextInt(9)));
        }
        if (sample) {
            b.logUniform("lr", 1e-5, 1e-2).sample(1 + r.nextInt(5), r.nextLong());
        } else if (r.nextBoolean()) {
            b.grid("lr", 0.001, 0.0003);
        }
        if (r.nextBoolean()) {
            b.set("optimizer", r.nextBoolean() ? "adamw" : "sgd").set("epochs", 1 + r.nextInt(50));
        }
        // entries of one unit must differ (equal ones are refused): by their seeds, 100 apart (repeats add 0..2)
        b.set("seed", 42 + 100L * Integer.parseInt(name.substring(1)));
        return b.repeats(1 + r.nextInt(3)).build();
    }
}
