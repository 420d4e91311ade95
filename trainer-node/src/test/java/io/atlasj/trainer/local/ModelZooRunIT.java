package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configs/workspecs/model-zoo.yaml trains end to end on the bundled data: transformer, multi-task (with its other
 * labels' predictions in the result), a warm-started transformer, and the hybrid over 5m/15m/1h (an IT: about a
 * minute on two shared cores).
 */
class ModelZooRunIT {
    @TempDir
    Path dir;

    @Test
    void theModelZooSpecRunsOnTheBundledData() throws Exception {
        WorkSpec ws = WorkSpecYaml.read(Path.of("../configs/workspecs/model-zoo.yaml"));
        List<ModelSpec> models = Expander.expand(ws);
        assertThat(models).extracting(ModelSpec::type).contains(ModelType.TRANSFORMER, ModelType.MULTI_TASK,
                ModelType.HYBRID_TRANSFORMER);
        AtlasHome home = new AtlasHome(dir.resolve("home"));
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            List<LocalRunner.Outcome> out = new LocalRunner(home, store, new Dl4jTrainer(), 2).run(ws, models,
                    new LocalRunner.Listener() {
                    });
            assertThat(out).hasSize(models.size());
            for (LocalRunner.Outcome o : out) {
                ResultsObject r = o.full();
                assertThat(r.status()).as(o.spec().name() + ": " + r.failure()).isEqualTo("done");
                assertThat(r.folds().get(0).test().predicted()).isNotEmpty();
                if (o.spec().type() == ModelType.MULTI_TASK) {
                    assertThat(r.folds().get(0).heads()).hasSize(2);
                }
            }
        }
    }
}
