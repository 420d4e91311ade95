package io.atlasj.cli;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.TradingRules;
import io.atlasj.stats.model.TrialFamily;
import io.atlasj.stats.report.HtmlReport;
import io.atlasj.stats.report.ResultSource;
import io.atlasj.harvester.Harvesting;
import io.atlasj.harvester.ResultsStore;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas report WORKSPEC [--out DIR]}: the static HTML report of a WorkSpec's results. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the HTML report of a WorkSpec's results (ATLAS_HOME/runs/<workspec>/**/result.json): "
                + "every model traded in money net of costs, multiple-testing verdicts, sortable leaderboard, batch overview, a baseball card per model, the "
                + "WorkSpec text and provenance. Prints the report's path, the top 10 and each unit's verdict."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WORKSPEC", description = "A WorkSpec file (e.g. configs/workspecs/quickstart.yaml) or a "
            + "WorkSpec name (a folder under ATLAS_HOME/runs).")
    String workspec;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: ATLAS_HOME/reports/<workspec>).")
    Path out;
    @Option(names = "--max-cards", paramLabel = "N", defaultValue = "" + HtmlReport.DEFAULT_MAX_CARDS,
            description = "Baseball cards drawn at most, best Sharpe first (default: ${DEFAULT-VALUE}).")
    int maxCards;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (maxCards < 0) {
            throw new UserException("--max-cards must be at least 0, got " + maxCards);
        }
        AtlasHome home = atlas.home();
        Path file = Path.of(workspec);
        String name;
        String text = null;
        Costs costs = null;
        TradingRules rules = TradingRules.DEFAULT;
        if (Files.isRegularFile(file)) {
            WorkSpec ws = SpecCommand.readTrained(file);
            name = ws.name();
            text = Files.readString(file);
            costs = ws.costs();
            rules = ws.trading();
        } else if (workspec.contains("/") || workspec.endsWith(".yaml") || workspec.endsWith(".yml")) {
            throw new UserException(file + ": no such file (give a WorkSpec file or the name of a WorkSpec that was run)");
        } else {
            name = workspec;
        }
        String runOf = null;
        if (text == null) {
            // only the name: price at the spec its newest run was made with, as recorded in the run's journal
            var recorded = RunSpecs.latest(home, name);
            if (recorded.isPresent()) {
                text = recorded.get().yaml();
                costs = recorded.get().spec().costs();
                rules = recorded.get().spec().trading();
                runOf = recorded.get().runId();
            }
        }
        List<java.nio.file.Path> folders;
        List<String> warnings = new ArrayList<>();
        try (ResultsStore store = ResultsStore.open(home.results(), home.runs())) {
            folders = new Harvesting(store).folders(name, warnings);
        }
        if (folders.isEmpty()) {
            throw new UserException("no results for WorkSpec '" + name + "': none in the results store and none under "
                    + home.runs().resolve(name) + " (run it first: atlas run FILE --local)");
        }
        // read one at a time as the report asks (a run of 10,000 models does not fit in memory whole); a folder read
        // twice (evaluated, then drawn) warns once
        java.util.Set<String> warned = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>(warnings));
        ResultSource results = ResultSource.over(folders, dir -> Harvesting.readOutOfSample(dir, warned::add));
        Path dir = out != null ? out : home.reports().resolve(name);
        HtmlReport.Written w;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            w = HtmlReport.write(name, text, results, new Pricing(Prices.of(SeriesSource.of(store)), costs, rules), dir,
                    maxCards);
        } finally {
            // said also when the report fails: a folder left out may be why
            PrintWriter err = spec.commandLine().getErr();
            synchronized (warned) {
                warned.forEach(x -> err.println("warning: " + x));
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %d results, %d cards%nreport: %s%n", name, w.leaderboard().size(), w.cards(),
                w.index().toAbsolutePath().normalize());
        List<List<String>> rows = new ArrayList<>();
        int rank = 1;
        for (HtmlReport.Entry e : w.leaderboard().subList(0, Math.min(10, w.leaderboard().size()))) {
            var m = e.evaluation();
            String main = m == null ? e.result().status() : m.classification()
                    ? String.format(Locale.ROOT, "accuracy %.3f", m.metric("accuracy"))
                    : String.format(Locale.ROOT, "rmse %.5f", m.metric("rmse"));
            rows.add(List.of(String.valueOf(rank++), e.unit(), e.name(), main, money(m, "sharpe/bar", "%.4f"),
                    money(m, "return %", "%+.2f%%"), money(m, "max drawdown %", "%.2f%%")));
        }
        o.print(Formats.table(List.of("#", "UNIT", "MODEL", "OUT-OF-SAMPLE", "NET SHARPE/BAR", "NET RETURN", "MAX DD"),
                rows));
        String whose = runOf != null ? "the WorkSpec of run " + runOf : "the WorkSpec";
        o.println((costs != null ? "costs: " + costs + " (" + (runOf != null ? whose : "WorkSpec") + ")"
                : "costs: each exchange's default"
                + (text == null ? " (no run of it is journaled here: give the WorkSpec file to use its costs)"
                        : " (" + whose + " sets none)")) + "; " + rules);
        for (TrialFamily f : w.families()) {
            o.println("verdict " + f.unit() + ": " + f.verdict());
        }
        return 0;
    }

    private static String money(io.atlasj.stats.model.ModelEvaluation m, String metric, String format) {
        return m == null || Double.isNaN(m.metric(metric)) ? "" : String.format(Locale.ROOT, format, m.metric(metric));
    }
}
