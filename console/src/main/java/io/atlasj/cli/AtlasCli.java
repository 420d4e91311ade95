package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.imports.ImportException;
import io.atlasj.marketdata.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code atlas} command. Exit codes: 0 success, 1 a user error (bad input, missing data; the message says what
 * and where), 2 a usage error (unknown command or option).
 */
@Command(name = "atlas", mixinStandardHelpOptions = true, versionProvider = AtlasCli.Version.class,
        description = "Atlas for Java: find models that forecast financial markets.",
        subcommands = {QuickstartCommand.class, DataCommand.class, FeaturesCommand.class, SpecCommand.class, RunCommand.class,
            ClusterCommand.class, HarvestCommand.class, ReportCommand.class, LiveCommand.class, DashboardCommand.class, ExportCommand.class,
            ConsoleCommand.class,
            CommandLine.HelpCommand.class})
public final class AtlasCli {
    @Option(names = "--home", paramLabel = "DIR",
            description = "Atlas home directory (default: $ATLAS_HOME, else ~/.atlas).")
    Path home;

    private final Map<String, String> env;

    AtlasCli(Map<String, String> env) {
        this.env = env;
    }

    AtlasHome home() {
        return AtlasHome.resolve(Optional.ofNullable(home), env);
    }

    /** An environment variable as this CLI was given it (tests give their own), or null. */
    String env(String name) {
        return env.get(name);
    }

    public static void main(String[] args) {
        // JavaCPP otherwise reads /proc/self/statm on every native allocation ND4J makes (its physical-memory guard):
        // a third of a tiny model's native time (JFR). The off-heap byte limit and its GC stay in force.
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "0");
        }
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given environment and streams; returns the exit code. */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new AtlasCli(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserException || ex instanceof ImportException || ex instanceof StoreException
                    || ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof io.atlasj.marketdata.lake.Lake.LakeException) {
                commandLine.getErr().println("error: " + ex.getMessage());
            } else {
                commandLine.getErr().println("internal error: " + ex);
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            io.atlasj.workspec.results.BuildInfo b = io.atlasj.workspec.results.BuildInfo.current();
            return new String[] {"atlas " + b.version() + " (commit " + b.shortCommit() + ")",
                "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
