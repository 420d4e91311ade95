package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code atlas report} over a home holding the real quickstart results of the stats fixtures. */
class ReportCliTest {
    static final Path FIXTURES = Path.of("..", "stats", "src", "test", "resources", "fixtures", "runs");
    @TempDir
    Path home;
    String err;

    @BeforeEach
    void copyResults() throws IOException {
        try (Stream<Path> s = Files.walk(FIXTURES)) {
            for (Path p : s.toList()) {
                Path target = home.resolve("runs").resolve(FIXTURES.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private String run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter e = new StringWriter();
        String[] all = Stream.concat(Stream.of("--home", home.toString()), Stream.of(args)).toArray(String[]::new);
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(e), all);
        err = e.toString();
        assertThat(code).as(err + out).isEqualTo(expected);
        return out.toString();
    }

    @Test
    void reportByNameGoesToTheHomesReportsFolder() throws IOException {
        run(0, "data", "import", "--bundled");
        String out = run(0, "report", "quickstart", "--max-cards", "2");
        Path index = home.resolve("reports/quickstart/index.html");
        assertThat(out).contains("quickstart: 25 results, 2 cards").contains("report: " + index);
        assertThat(out).contains("#   UNIT").contains("verdict direction-3bar: ").contains("verdict return-1bar: ")
                .contains("verdict terciles-3bar: ");
        // every model traded in money: net Sharpe per bar, net return and drawdown in % on each of the 10 rows
        assertThat(out.lines().filter(l -> l.matches("^\\d+ +\\S+.* -?\\d\\.\\d{4} +[-+]\\d+\\.\\d\\d% +\\d+\\.\\d\\d%$"))
                .count()).isEqualTo(10);
        assertThat(out).contains("costs: each exchange's default (no run of it is journaled here: give the WorkSpec "
                + "file to use its costs)")
                .doesNotContain("direction units").contains("after costs");
        String html = Files.readString(index);
        assertThat(html).contains("the WorkSpec file was not given").contains("net Sharpe/bar")
                .contains("fee 40 bps + half of a 2 bp spread (bitstamp default)").doesNotContain("direction units");
    }

    @Test
    void reportByFileShowsItsTextHonoursOutAndTradesAtItsCosts() throws IOException {
        run(0, "data", "import", "--bundled");
        Path spec = home.resolve("costly.yaml");
        Files.writeString(spec, Files.readString(Path.of("..", "configs", "workspecs", "quickstart.yaml"))
                .replace("execution: {", "costs: {feeBps: 10, spreadBps: 2}\nexecution: {"));
        Path dir = home.resolve("elsewhere");
        String out = run(0, "report", spec.toString(), "--out", dir.toString(), "--max-cards", "1");
        assertThat(out).contains("costs: fee 10 bps + half of a 2 bp spread (WorkSpec)");
        assertThat(Files.readString(dir.resolve("index.html"))).contains("name: quickstart")
                .contains("l2: [0.0, 0.001, 0.01, 0.1]").contains("fee 10 bps + half of a 2 bp spread (WorkSpec)");
    }

    /**
     * A WorkSpec file with a setting refused for new runs since it was trained (here an overlapping walk-forward)
     * still reports its results; a new run of it is refused at the line.
     */
    @Test
    void aFileWithASettingRefusedSinceItsRunStillReports() throws IOException {
        Path spec = home.resolve("older.yaml");
        Files.writeString(spec, Files.readString(Path.of("..", "configs", "workspecs", "quickstart.yaml"))
                .replaceFirst("split: \\{type: chronological, train: 0.6, validation: 0.2, test: 0.2}",
                        "split: {type: walk-forward, window: rolling, train: 400, test: 100, step: 50}"));
        assertThat(Files.readString(spec)).contains("step: 50");
        String out = run(0, "report", spec.toString(), "--max-cards", "0");
        assertThat(out).contains("quickstart: 25 results");
        run(1, "spec", "validate", spec.toString());
        assertThat(err).contains("give step >= test");
    }

    @Test
    void reportByNameTradesAtTheCostsOfTheSpecItsNewestRunRecorded() throws Exception {
        run(0, "data", "import", "--bundled");
        Path file = home.resolve("costly.yaml");
        Files.writeString(file, Files.readString(Path.of("..", "configs", "workspecs", "quickstart.yaml"))
                .replace("execution: {", "costs: {feeBps: 10, spreadBps: 2}\ntrading: {book: non-overlapping}\n"
                        + "execution: {"));
        var ws = io.atlasj.workspec.WorkSpecYaml.read(file);
        var models = io.atlasj.workspec.Expander.expand(ws);
        // an older run at the defaults, then the newest with costs: the newest one's spec prices the results
        try (var old = io.atlasj.trainer.journal.RunJournal.open(home.resolve("journal"), "quickstart-old")) {
            old.begin("quickstart-old", "quickstart", io.atlasj.workspec.WorkSpecYaml.writeSelfContained(
                    io.atlasj.workspec.WorkSpecYaml.read(Path.of("..", "configs", "workspecs", "quickstart.yaml"))),
                    "local", 1, models, 1_000L);
        }
        try (var j = io.atlasj.trainer.journal.RunJournal.open(home.resolve("journal"), "quickstart-new")) {
            j.begin("quickstart-new", "quickstart", io.atlasj.workspec.WorkSpecYaml.writeSelfContained(ws), "local", 1,
                    models, 2_000L);
        }
        String out = run(0, "report", "quickstart", "--max-cards", "0");
        assertThat(out).contains("costs: fee 10 bps + half of a 2 bp spread (the WorkSpec of run quickstart-new)")
                .contains("non-overlapping");
        assertThat(Files.readString(home.resolve("reports/quickstart/index.html"))).contains("feeBps: 10")
                .doesNotContain("the WorkSpec file was not given");
    }

    /** Results whose market is not in the store are listed, not traded, and say why. */
    @Test
    void withoutTheMarketsDataNothingIsTradedAndTheReportSaysWhy() throws IOException {
        String out = run(0, "report", "quickstart", "--max-cards", "0");
        assertThat(out).contains("no traded models (not traded: no bitstamp:btc_usd 5m bars in the market-data store");
    }

    @Test
    void mistakesAreUserErrorsAndUsageErrorsExitTwo() {
        run(1, "report", "nothing-run");
        assertThat(err).contains("error: ").contains("no results for WorkSpec 'nothing-run'");
        run(1, "report", "configs/missing.yaml");
        assertThat(err).contains("error: configs/missing.yaml: no such file");
        run(2, "report");
        assertThat(err).contains("Missing required parameter: 'WORKSPEC'");
        run(1, "report", "quickstart", "--max-cards", "-1");
        assertThat(err).contains("--max-cards must be at least 0, got -1");
    }
}
