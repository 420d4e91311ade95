package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result says how to reproduce it: the series it was trained on (also when the matrix came from the featureset
 * cache) and the Atlas build, by git commit when built from a checkout.
 */
class ProvenanceRunTest {
    @TempDir
    Path dir;

    static String spec(String name, double l2) {
        return """
                name: %s
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: logistic, type: logistic, l2: %s, training: {epochs: 1}}
                """.formatted(name, l2);
    }

    @Test
    void aResultNamesItsDataAndItsBuild() throws Exception {
        AtlasHome home = new AtlasHome(dir.resolve("home"));
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            LocalRunner runner = new LocalRunner(home, store, new Dl4jTrainer(), 1);
            ResultsObject built = run(runner, spec("first", 0.0));
            ResultsObject cached = run(runner, spec("second", 0.01)); // same featureset and range: a cache hit
            for (ResultsObject r : List.of(built, cached)) {
                assertThat(r.status()).as(r.failure()).isEqualTo("done");
                assertThat(r.dataFingerprint()).singleElement().asString()
                        .matches("bitstamp:btc_usd 5m candles [0-9a-f]+:[0-9]+");
                assertThat(r.provenance()).containsKeys("atlas", "git", "gitDirty", "java", "os", "seed");
            }
            assertThat(cached.dataFingerprint()).isEqualTo(built.dataFingerprint());
            // and as written
            ResultsObject read = ResultsIo.read(runner.dir(Expander.expand(read("first", spec("first", 0.0))).get(0))
                    .resolve(ResultsIo.FILE));
            assertThat(read.dataFingerprint()).isEqualTo(built.dataFingerprint());
            if (new ProcessBuilder("git", "rev-parse", "HEAD").start().waitFor() == 0) {
                assertThat(built.provenance().get("git")).matches("[0-9a-f]{40}");
                assertThat(built.provenance().get("gitDirty")).isIn("true", "false");
                assertThat(built.provenance().get("atlas")).endsWith("-SNAPSHOT");
            }
        }
    }

    private ResultsObject run(LocalRunner runner, String yaml) throws Exception {
        WorkSpec ws = read("s", yaml);
        List<LocalRunner.Outcome> out = runner.run(ws, Expander.expand(ws), new LocalRunner.Listener() {
        });
        assertThat(out).hasSize(1);
        return out.get(0).result();
    }

    private static WorkSpec read(String name, String yaml) {
        return WorkSpecYaml.read(name + ".yaml", yaml, FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")),
                false);
    }
}
