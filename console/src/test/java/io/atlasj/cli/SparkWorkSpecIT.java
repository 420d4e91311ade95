package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WorkSpec whose unit asks for a Spark build ({@code featureset: {name: quickstart, engine: spark, master:
 * local[1]}}) runs end to end on the bundled data: locally, the featureset is built by Spark over the home's lake
 * (exported first) into the cache the slots train from, equal to the local engine's build value for value; on a
 * cluster of real processes, the coordinator builds it with Spark and the trainers train from the cached result.
 */
class SparkWorkSpecIT {
    @TempDir
    Path dir;

    static final String SPEC = """
            name: spark-built
            execution: {retries: 0, timeLimit: 5m, slots: 1}
            units:
              - name: direction
                featureset: {name: quickstart, engine: spark, master: "local[1]"}
                dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: logistic
                    type: logistic
                    l2: [0.0, 0.01]
                    training: {epochs: 3, lr: 0.01}
            """;

    private Path spec() throws Exception {
        Path file = dir.resolve("spark-built.yaml");
        Files.writeString(file, SPEC);
        return file;
    }

    @Test
    void aLocalRunBuildsTheUnitsFeaturesetWithSparkAsTheLocalEngineWould() throws Exception {
        Path home = dir.resolve("home");
        CliRun.atlas(home, 0, "data", "import", "--bundled");
        String out = CliRun.atlas(home, 0, "run", spec().toString(), "--local")[0];
        assertThat(out).contains("2 models: 2 trained now, 0 from earlier runs, 0 failed");
        assertThat(home.resolve("lake/_atlas_lake.json")).as("the home's lake, exported for the build").isRegularFile();
        List<Path> cached = cacheFiles(home.resolve("cache"));
        assertThat(cached).hasSize(1);
        var fromSpark = FeaturesetCache.read(cached.get(0));
        // the same set built by the local engine into a fresh cache equals it value for value
        Files.move(home.resolve("cache"), home.resolve("cache-spark"));
        String local = CliRun.atlas(home, 0, "features", "build", "quickstart")[0];
        assertThat(local).contains("built in ");
        var fromLocal = FeaturesetCache.read(cacheFiles(home.resolve("cache")).get(0));
        assertThat(fromSpark.time()).isEqualTo(fromLocal.time()).isNotEmpty();
        for (int c = 0; c < fromLocal.featureIds().size(); c++) {
            assertThat(fromSpark.features()[c]).as(fromLocal.featureIds().get(c)).isEqualTo(fromLocal.features()[c]);
        }
        assertThat(fromSpark.labels()[0]).isEqualTo(fromLocal.labels()[0]);
    }

    @Test
    void aClusterCoordinatorBuildsTheUnitsFeaturesetWithSpark() throws Exception {
        Path home = dir.resolve("home");
        CliRun.atlas(home, 0, "data", "import", "--bundled");
        String out = CliRun.atlas(home, 0, "run", spec().toString(), "--local-cluster", "1")[0];
        assertThat(out).contains("2 models").contains("0 failed");
        AtlasHome h = new AtlasHome(home);
        try (ResultsStore store = ResultsStore.open(h.results(), h.runs())) {
            assertThat(store.rows("spark-built")).hasSize(2).allMatch(r -> r.status().equals("done"));
        }
        String coordinatorLog;
        try (Stream<Path> logs = Files.list(h.root().resolve("logs/local-cluster"))) {
            Path log = logs.filter(p -> p.getFileName().toString().startsWith("coordinator")).findFirst().orElseThrow();
            coordinatorLog = Files.readString(log);
        }
        assertThat(coordinatorLog).contains("unit direction: featureset built by Spark (local[1])")
                .contains("lake " + home.resolve("lake"));
    }

    private static List<Path> cacheFiles(Path cache) throws Exception {
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(p -> p.toString().endsWith(".arrow")).toList();
        }
    }
}
