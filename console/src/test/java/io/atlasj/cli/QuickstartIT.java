package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas quickstart} on an empty home, as the README's first command: bundled data, a local cluster of four
 * JVMs, the results store, the report; a second run reuses everything and trains nothing.
 */
class QuickstartIT {
    @TempDir
    Path home;

    private String quickstart() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), "--home", home.toString(), "quickstart");
        assertThat(code).as(out + "\n" + err).isZero();
        return out.toString();
    }

    @Test
    void quickstartRunsThePlatformEndToEndAndThenReusesItsResults() throws Exception {
        String first = quickstart();
        assertThat(first).contains("100,000 rows read").contains("25 models: 0 failed")
                .contains("slot utilisation").contains("verdict direction-3bar:").contains("verdict return-1bar:");
        Path report = home.resolve("reports/quickstart/index.html");
        assertThat(first).contains("report: " + report);
        assertThat(Files.readString(report)).contains("Leaderboard").contains("dnn#1");
        List<ResultsStore.Row> rows;
        try (ResultsStore store = ResultsStore.open(new AtlasHome(home).results(), new AtlasHome(home).runs())) {
            rows = store.rows("quickstart");
        }
        assertThat(rows).hasSize(25).allMatch(r -> r.status().equals("done"));
        assertThat(rows.stream().filter(r -> r.node() != null && r.node().startsWith("pekko://atlas@127.0.0.1:"))
                .map(ResultsStore.Row::node).distinct().count()).as("trained on two trainer processes").isEqualTo(2);

        String second = quickstart();
        assertThat(second).contains("0 inserted").contains("all 25 models already have results in the results store")
                .doesNotContain("local cluster:").contains("report: " + report);
    }
}
