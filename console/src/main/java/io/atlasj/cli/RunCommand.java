package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.results.ResultsObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code atlas run FILE (--local | --local-cluster N | --cluster HOST:PORT)}: train a WorkSpec's models in this
 * process, on a cluster of separate JVMs started for the run, or on a running cluster.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train every ModelSpec of a WorkSpec and write one result per key under ATLAS_HOME/runs.",
            "Keys with a complete result are skipped, so a rerun (or --resume) continues where a run stopped.",
            "--local trains in this process; --local-cluster N starts a coordinator, a harvester and N trainer JVMs on",
            "127.0.0.1 for the run; --cluster HOST:PORT submits to a running cluster and follows it."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;

    @Mixin
    SpecCommand.SpecFile specFile;
    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--local", required = true, description = "Train in this process.")
        boolean local;
        @Option(names = "--local-cluster", paramLabel = "N", required = true,
                description = "Start a coordinator, a harvester and N trainer processes on 127.0.0.1 for this run.")
        Integer localCluster;
        @Option(names = "--cluster", paramLabel = "HOST:PORT", required = true,
                description = "Submit to the running cluster whose seed node is HOST:PORT and follow the run.")
        String cluster;
    }

    @Option(names = "--slots", paramLabel = "N",
            description = "Models trained at once: in this process (--local) or per trainer (--local-cluster); default: the spec's execution.slots, per trainer 1.")
    Integer slots;
    @Option(names = "--tls", paramLabel = "DIR", description = "--cluster: keys for a TLS cluster.")
    java.nio.file.Path tls;
    @Option(names = "--dashboard-port", paramLabel = "PORT", description = "--local, --local-cluster: serve the "
            + "dashboard on 127.0.0.1:PORT while the run goes on (from this process, or the local cluster's coordinator).")
    Integer dashboardPort;
    @Option(names = "--resume", description = "Continue an interrupted run (also the default: finished keys are skipped).")
    boolean resume;
    @Override
    public Integer call() throws Exception {
        if (mode.local) {
            io.atlasj.trainer.model.Backend.loadInBackground(); // on the other core while the spec and data are read
        }
        WorkSpec ws = specFile.read();
        List<ModelSpec> models = Expander.expand(ws, specFile.confirm);
        if (mode.cluster != null && dashboardPort != null) {
            throw new UserException("--dashboard-port serves a local or local-cluster run's dashboard; a cluster's "
                    + "coordinator serves it with atlas cluster start --role coordinator --dashboard-port N");
        }
        if (dashboardPort != null && (dashboardPort < 1 || dashboardPort > 65_535)) {
            throw new UserException("--dashboard-port must be 1 to 65535, got " + dashboardPort);
        }
        if (!mode.local) {
            return new ClusterRun(atlas.home(), spec.commandLine().getOut()).run(ws, models, mode.localCluster, mode.cluster,
                    slots, tls, dashboardPort);
        }
        AtlasHome home = atlas.home();
        PrintWriter out = spec.commandLine().getOut();
        int n = slots == null ? ws.execution().slots() : slots;
        if (n < 1) {
            throw new UserException("--slots must be at least 1, got " + n);
        }
        out.printf("%s: %d models in %d unit(s) on %d slot(s); results under %s%n", ws.name(), models.size(),
                ws.units().size(), n, home.runs().resolve(ws.name()));
        out.flush();
        List<LocalRunner.Outcome> outcomes;
        long t0 = System.nanoTime();
        RunProgress progress = new RunProgress(out, models.size());
        Thread onCtrlC = new Thread(progress::interrupted, "atlas-run-interrupted");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        io.atlasj.cli.dashboard.Dashboard dashboard = null;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            if (dashboardPort != null) {
                dashboard = DashboardCommand.start(atlas, dashboardPort, "127.0.0.1", null, null);
                out.println("dashboard: " + dashboard.url() + " (until the run ends; atlas dashboard serves it after)");
                out.flush();
            }
            LocalRunner runner = new LocalRunner(home, store, new Dl4jTrainer(), n);
            outcomes = runner.run(ws, models, progress);
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
            progress.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived: the hook runs
            }
        }
        List<List<String>> rows = new ArrayList<>();
        long failed = 0;
        long skipped = 0;
        long stopped = 0;
        for (LocalRunner.Outcome o : outcomes) {
            ResultsObject r = o.result();
            failed += r.status().equals("failed") ? 1 : 0;
            stopped += r.status().equals("stopped") ? 1 : 0;
            skipped += o.skipped() ? 1 : 0;
            rows.add(List.of(o.spec().unit(), o.spec().name(), o.spec().type().id(), r.status() + (o.skipped() ? " (earlier)" : ""),
                    o.headline().toString(), String.format(Locale.ROOT, "%.1fs", r.millis() / 1000.0)));
        }
        out.print(Formats.table(List.of("UNIT", "MODEL", "TYPE", "STATUS", "VALIDATION / TEST", "TIME"), rows));
        // the baselines read one trained model's series per unit back from disk (the run keeps none in memory): the
        // first of the unit's models that reads and gives one
        java.util.Set<String> units = new java.util.HashSet<>();
        for (LocalRunner.Outcome o : outcomes) {
            if (o.result() == null || !o.result().status().equals("done")
                    || o.spec().type() == io.atlasj.workspec.ModelType.ENSEMBLE || units.contains(o.spec().unit())) {
                continue;
            }
            List<String> lines;
            try {
                lines = baselines(List.of(o.full()));
            } catch (java.io.IOException e) {
                continue;
            }
            if (!lines.isEmpty()) {
                units.add(o.spec().unit());
                lines.forEach(out::println);
            }
        }
        out.printf(Locale.ROOT, "%d models: %d trained now, %d from earlier runs, %s%d failed; %.1fs%n", outcomes.size(),
                outcomes.size() - skipped, skipped, stopped == 0 ? "" : stopped + " stopped early by their unit's search, ",
                failed, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * Trivial baselines on each unit's test rows (first fold), to read the table against: for classification the
     * majority class of the validation rows (which come before the test rows; the training rows' for results before
     * schema 8, which kept them); for regression predicting zero and predicting the previous row's label (the last
     * return, known when the row's bar closes).
     */
    static List<String> baselines(List<ResultsObject> results) {
        List<String> lines = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ResultsObject r : results) {
            String unit = String.valueOf(r.spec().getOrDefault("unit", "?"));
            if (!r.status().equals("done") || r.folds().isEmpty() || r.folds().get(0).test() == null
                    || !seen.add(unit)) {
                continue;
            }
            ResultsObject.Split before = r.folds().get(0).train() != null ? r.folds().get(0).train()
                    : r.folds().get(0).validation();
            ResultsObject.Split test = r.folds().get(0).test();
            if (test.actual().length < 2) {
                continue;
            }
            if (test.probabilities() != null && (before == null || before.actual().length == 0)) {
                lines.add("baseline " + unit + ": no majority class (no validation rows to count it on)");
            } else if (test.probabilities() != null) {
                java.util.Map<Double, Long> counts = new java.util.TreeMap<>();
                for (double y : before.actual()) {
                    counts.merge(y, 1L, Long::sum);
                }
                double majority = counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
                long hits = java.util.Arrays.stream(test.actual()).filter(y -> y == majority).count();
                lines.add(String.format(Locale.ROOT, "baseline %s: majority class %.0f (of the %s rows) has test "
                        + "accuracy %.3f", unit, majority, before == r.folds().get(0).train() ? "training"
                        : "validation", (double) hits / test.actual().length));
            } else {
                double zero = 0;
                double last = 0;
                for (int i = 1; i < test.actual().length; i++) {
                    zero += test.actual()[i] * test.actual()[i];
                    double d = test.actual()[i] - test.actual()[i - 1];
                    last += d * d;
                }
                int n = test.actual().length - 1;
                lines.add(String.format(Locale.ROOT, "baseline %s: test rmse %.4f predicting zero, %.4f predicting the "
                        + "last value", unit, Math.sqrt(zero / n), Math.sqrt(last / n)));
            }
        }
        return lines;
    }

    /** Validation and test accuracy (classification) or RMSE (regression) of the first fold. */
    static String metric(ResultsObject r) {
        return io.atlasj.workspec.results.Headline.of(r).toString();
    }
}
