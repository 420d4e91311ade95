package io.atlasj.cli;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code atlas quickstart}: the whole platform on the bundled data, end to end: import the Bitstamp BTC/USD trades,
 * run the quickstart WorkSpec on a local cluster (coordinator, harvester, two trainer processes) which builds the
 * featuresets, trains, and harvests into the results store, then write the HTML report and print the leaderboard and
 * the multiple-testing verdicts. A second run reuses the data and the results.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole platform once on the bundled real data: import, featuresets, the quickstart "
                + "WorkSpec on a local cluster (coordinator, harvester, 2 trainer processes), results store, HTML report.",
            "Running it again reuses the imported data and the finished results."})
final class QuickstartCommand implements Callable<Integer> {
    static final String SPEC = "workspecs/quickstart.yaml";

    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;
    @Option(names = "--trainers", defaultValue = "2", paramLabel = "N",
            description = "Trainer processes of the local cluster (default: ${DEFAULT-VALUE}).")
    int trainers;

    @Override
    public Integer call() throws Exception {
        AtlasHome home = atlas.home();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String[] base = {"--home", home.root().toString()};
        Path specFile = specFile(home);

        out.println("== 1/3 market data: the bundled Bitstamp BTC/USD trades (org.ta4j:ta4j-examples:0.18)");
        out.flush();
        step(out, err, base, "data", "import", "--bundled");

        out.println("== 2/3 the quickstart WorkSpec on a local cluster (" + specFile + ")");
        out.flush();
        WorkSpec ws = SpecCommand.read(specFile, false);
        List<ModelSpec> models = Expander.expand(ws);
        int present = present(home, ws.name(), models);
        if (present == models.size()) {
            out.printf("all %d models already have results in the results store: nothing to train%n", present);
        } else {
            out.printf("%d of %d models already in the results store%n", present, models.size());
            out.flush();
            step(out, err, base, "run", specFile.toString(), "--local-cluster", String.valueOf(trainers));
        }

        out.println("== 3/3 the report");
        out.flush();
        step(out, err, base, "report", specFile.toString());
        out.println("Next: open the report above in a browser; atlas console to dig into a model; README.md for more.");
        out.flush();
        return 0;
    }

    private void step(PrintWriter out, PrintWriter err, String[] base, String... args) {
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        int code = AtlasCli.run(Map.of(), out, err, all);
        if (code != 0) {
            throw new UserException("quickstart stopped: 'atlas " + String.join(" ", args) + "' failed (exit " + code + ")");
        }
    }

    /** The quickstart spec from the distribution's configs, copied under ATLAS_HOME so the run can name a file. */
    static Path specFile(AtlasHome home) throws IOException {
        Path dir = home.root().resolve("cache/quickstart/workspecs");
        Files.createDirectories(dir);
        Path file = dir.resolve("quickstart.yaml");
        try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(SPEC)) {
            if (in == null) {
                throw new UserException(SPEC + " is not on the classpath: the distribution is incomplete (rebuild with ./atlas)");
            }
            Path tmp = Files.createTempFile(dir, "quickstart", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    private static int present(AtlasHome home, String workspec, List<ModelSpec> models) {
        try (ResultsStore store = ResultsStore.open(home.results(), home.runs())) {
            Set<String> keys = new HashSet<>();
            store.rows(workspec).forEach(r -> keys.add(r.key()));
            return (int) models.stream().filter(m -> keys.contains(m.key())).count();
        }
    }
}
