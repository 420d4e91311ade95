package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.set.FeaturesetCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas data export} and {@code atlas features build --engine spark} as a user runs them on the bundled data:
 * the lake is written, written again only where the store changed, the Spark build fills the same cache entry a
 * local build then hits (equal data, equal matrix), and mistakes get clear errors.
 */
class SparkEngineCliIT {
    @TempDir
    Path home;

    private String[] run(int expected, String... args) {
        return CliRun.atlas(home, expected, args);
    }

    @Test
    void exportThenSparkBuildThenTheLocalBuildHitsItsCacheEntry() throws Exception {
        run(0, "data", "import", "--bundled");
        String export = run(0, "data", "export")[0];
        assertThat(export).contains("lake " + home.resolve("lake")).containsPattern("[1-9]\\d* series written")
                .contains("0 series unchanged");
        assertThat(home.resolve("lake/_atlas_lake.json")).isRegularFile();
        assertThat(run(0, "data", "export")[0]).contains("0 series written").containsPattern("[1-9]\\d* series unchanged");

        String spark = run(0, "features", "build", "quickstart", "--engine", "spark", "--master", "local[2]")[0];
        assertThat(spark).contains("0 series written") // the default lake is brought up to date first
                .contains("quickstart: 1,210 rows from 1,917 base bars").contains("built in ").contains("cached: ");
        String local = run(0, "features", "build", "quickstart")[0];
        assertThat(local).contains("cache hit: ").contains("1,210 rows");
        // a local build into another cache equals the Spark build value for value
        Path sparkFile = Path.of(spark.lines().filter(l -> l.startsWith("built in ")).findFirst().orElseThrow()
                .replaceFirst(".*cached: ", ""));
        var fromSpark = FeaturesetCache.read(sparkFile);
        Files.move(home.resolve("cache"), home.resolve("cache-spark"));
        String rebuilt = run(0, "features", "build", "quickstart")[0];
        assertThat(rebuilt).contains("built in ");
        var fromLocal = FeaturesetCache.read(Path.of(rebuilt.lines().filter(l -> l.startsWith("built in "))
                .findFirst().orElseThrow().replaceFirst(".*cached: ", "")));
        assertThat(fromSpark.time()).isEqualTo(fromLocal.time());
        // the matrix as a Parquet table, beside the cache's Arrow file
        Path table = home.resolve("quickstart.parquet");
        assertThat(run(0, "features", "build", "quickstart", "--out", table.toString())[0]).contains("wrote " + table);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(table), 4);
        assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAR1");
        assertThat(run(1, "features", "build", "quickstart", "--out", "q.xlsx")[1])
                .contains("--out must end in .arrow, .parquet or .csv");
        for (int c = 0; c < fromLocal.featureIds().size(); c++) {
            assertThat(fromSpark.features()[c]).as(fromLocal.featureIds().get(c)).isEqualTo(fromLocal.features()[c]);
        }
        for (int c = 0; c < fromLocal.labelIds().size(); c++) {
            assertThat(fromSpark.labels()[c]).isEqualTo(fromLocal.labels()[c]);
        }
    }

    @Test
    void mistakesAreNamed() {
        assertThat(run(1, "data", "export")[1]).contains("nothing to export: the store has no candles");
        run(0, "data", "import", "--bundled");
        assertThat(run(1, "features", "build", "quickstart", "--engine", "sprak")[1])
                .contains("--engine sprak: use local or spark");
        assertThat(run(1, "features", "build", "quickstart", "--lake", "x")[1]).contains("add --engine spark");
        assertThat(run(1, "features", "build", "quickstart", "--markets", "bitstamp:btc_usd", "--engine", "spark",
                "--threads", "2")[1]).contains("--threads is for the local engine");
        Path empty = home.resolve("empty-lake");
        assertThat(run(1, "features", "build", "quickstart", "--engine", "spark", "--lake", empty.toString())[1])
                .contains("needs candles of bitstamp:btc_usd at 5m").contains("the lake " + empty)
                .contains("atlas data export --to " + empty);
        assertThat(run(1, "data", "export", "--market", "kraken:nothing")[1]).contains("--market kraken:nothing: not in "
                + "the store");
        assertThat(run(1, "data", "export", "--timeframe", "fortnight")[1]).contains("--timeframe");
    }
}
