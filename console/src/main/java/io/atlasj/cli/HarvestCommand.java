package io.atlasj.cli;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.workspec.WorkSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas harvest WORKSPEC [--from DIR]}: put complete results into the results store, offline. */
@Command(name = "harvest", mixinStandardHelpOptions = true,
        description = {"Ingest the complete results of a WorkSpec into the results store (ATLAS_HOME/results).",
            "Idempotent: results already there are left alone. With --from, results copied from another machine's",
            "runs/ directory are verified (SHA-256 of every model file), copied in, and recorded; missing or corrupt",
            "ones are reported."})
final class HarvestCommand implements Callable<Integer> {
    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "WORKSPEC", description = "A WorkSpec file, or a WorkSpec name.")
    String workspec;
    @Option(names = "--from", paramLabel = "DIR",
            description = "A runs/ directory (or runs/<workspec>) from elsewhere (default: ATLAS_HOME/runs/<workspec>).")
    Path from;

    @Override
    public Integer call() {
        AtlasHome home = atlas.home();
        String name = name(workspec);
        Path root = from == null ? home.runs().resolve(name) : from;
        if (from != null && Files.isDirectory(from.resolve(name))) {
            root = from.resolve(name);
        }
        if (!Files.isDirectory(root)) {
            throw new UserException(root + ": no such directory (no results of " + name + " there)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ResultsStore store = ResultsStore.open(home.results(), home.runs())) {
            List<ResultsStore.Ingest> report = store.harvest(root);
            long in = report.stream().filter(r -> r.outcome() == ResultsStore.Outcome.INGESTED).count();
            long present = report.stream().filter(r -> r.outcome() == ResultsStore.Outcome.PRESENT).count();
            List<ResultsStore.Ingest> bad = report.stream().filter(r -> r.outcome() == ResultsStore.Outcome.MISSING
                    || r.outcome() == ResultsStore.Outcome.CORRUPT).toList();
            for (ResultsStore.Ingest b : bad) {
                out.printf("%s %s: %s%n", b.outcome().name().toLowerCase(Locale.ROOT), b.key(), b.detail());
            }
            out.printf("%s: %d ingested, %d already in the store, %d missing or corrupt; the store holds %d results of %s%n",
                    root, in, present, bad.size(), store.rows(name).size(), name);
            return 0;
        }
    }

    /** The WorkSpec's name: read from the file when one is given. */
    static String name(String workspec) {
        Path p = Path.of(workspec);
        if (workspec.endsWith(".yaml") || workspec.endsWith(".yml") || Files.isRegularFile(p)) {
            WorkSpec ws = SpecCommand.readTrained(p);
            return ws.name();
        }
        return workspec;
    }
}
