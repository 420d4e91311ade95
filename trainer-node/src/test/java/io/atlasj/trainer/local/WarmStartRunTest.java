package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * warmStart end to end on the bundled data: YAML, expansion, the runner training the source first and the second
 * model starting from its weights. With a learning rate of 1e-9 the warm-started model's predictions are the
 * source's; the same model started cold is not.
 */
class WarmStartRunTest {
    @TempDir
    Path dir;

    static final String SPEC = """
            name: warm
            execution: {slots: 2}
            units:
              - name: u
                featureset: quickstart
                dataset: {task: classification, label: "UpDown(3)"}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: tuned
                    type: dnn
                    hidden: [[16]]
                    training: {epochs: 1, lr: 1.0e-9, warmStart: base}
                  - name: cold
                    type: dnn
                    hidden: [[16]]
                    training: {epochs: 1, lr: 1.0e-9}
                  - name: base
                    type: dnn
                    hidden: [[16]]
                    training: {epochs: 8, lr: 0.01}
            """;

    @Test
    void aModelStartsFromTheWeightsOfItsSource() throws Exception {
        WorkSpec ws = WorkSpecYaml.read("warm.yaml", SPEC,
                FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")), false);
        List<ModelSpec> models = Expander.expand(ws);
        AtlasHome home = new AtlasHome(dir.resolve("home"));
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, new Dl4jTrainer(), 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            Map<String, ResultsObject> byName = out.stream().collect(Collectors.toMap(
                    o -> o.spec().name().replaceAll("#.*", ""), o -> {
                        try {
                            return o.full();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
            byName.values().forEach(r -> assertThat(r.status()).as(r.failure()).isEqualTo("done"));
            double[][] base = byName.get("base").folds().get(0).test().probabilities().toArrays();
            double[][] tuned = byName.get("tuned").folds().get(0).test().probabilities().toArrays();
            double[][] cold = byName.get("cold").folds().get(0).test().probabilities().toArrays();
            double maxTuned = 0;
            double maxCold = 0;
            for (int i = 0; i < base.length; i++) {
                for (int c = 0; c < base[i].length; c++) {
                    maxTuned = Math.max(maxTuned, Math.abs(tuned[i][c] - base[i][c]));
                    maxCold = Math.max(maxCold, Math.abs(cold[i][c] - base[i][c]));
                }
            }
            assertThat(maxTuned).isLessThan(1e-4);
            assertThat(maxCold).isGreaterThan(1e-2);
        }
    }
}
