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
        description = "Atlas for Java: find models that forecast financial markets.")
public final class AtlasCli {
    /**
     * The subcommands, in the order the usage lists them. They are added by {@link #commandLine}, not named in the
     * {@code @Command} annotation: picocli reads every option of every command it is given when it starts (all of
     * them: about 140 ms of a cold command on the 2-core test machine, before anything else can run; {@code run}
     * alone: 55 ms), so a command line that names one gets only that one.
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(QuickstartCommand.class, DataCommand.class,
            FeaturesCommand.class, SpecCommand.class, RunCommand.class, ClusterCommand.class, HarvestCommand.class,
            ReportCommand.class, LiveCommand.class, DashboardCommand.class, ExportCommand.class, ConsoleCommand.class,
            CommandLine.HelpCommand.class);

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
        // Logging starts on a thread of its own (Log4j reads its configuration and plugins: about 0.15 s of a cold
        // command) while this one reads the command line, and the command runs once it has started, so that nothing
        // logs before Log4j has its configuration. Not for `cluster`: a node sets the levels its log is read at before
        // it starts logging
        Thread logging = new Thread(() -> org.slf4j.LoggerFactory.getLogger(AtlasCli.class), "atlas-start-logging");
        logging.setDaemon(true);
        if (logsEarly(args)) {
            logging.start();
        }
        // JavaCPP otherwise reads /proc/self/statm on every native allocation ND4J makes (its physical-memory guard):
        // a third of a tiny model's native time (JFR). The off-heap byte limit and its GC stay in force.
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "0");
        }
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), () -> {
            if (logging.isAlive()) {
                try {
                    logging.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, args));
    }

    /** Runs the CLI with the given environment and streams; returns the exit code. */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        return run(env, out, err, () -> {
        }, args);
    }

    /** As {@link #run(Map, PrintWriter, PrintWriter, String...)}, with {@code ready} run between parsing and running. */
    private static int run(Map<String, String> env, PrintWriter out, PrintWriter err, Runnable ready, String... args) {
        CommandLine cl = commandLine(new AtlasCli(env), args);
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
        ready.run();
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Whether logging starts beside the parsing of {@code args}: for a command they name, except {@code cluster}
     * (a node sets the levels of its log before anything logs) and a help or version request (which ends at once).
     */
    static boolean logsEarly(String... args) {
        Class<?> named = named(args);
        return named != null && named != ClusterCommand.class;
    }

    /**
     * The command line of {@code atlas} for {@code args}: with only the subcommand they name when they name one (its
     * name is their first word that is not an option of {@code atlas} itself or its value), otherwise with every one,
     * so that the usage, {@code help} and the suggestions for a mistyped command see them all.
     */
    static CommandLine commandLine(AtlasCli atlas, String... args) {
        CommandLine cl = new CommandLine(atlas);
        Class<?> named = named(args);
        for (Class<?> c : SUBCOMMANDS) {
            if (named == null || c == named) {
                cl.addSubcommand(c);
            }
        }
        return cl;
    }

    /**
     * The subcommand that {@code args} name, or null: none, {@code help}, a word that names none, or a help or version
     * option of {@code atlas} itself before it (whose answer is about every command).
     */
    static Class<?> named(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--home")) {
                i++; // its value
                continue;
            }
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return null;
            }
            if (a.startsWith("-")) {
                continue; // --home=DIR, or an option picocli will refuse
            }
            for (Class<?> c : SUBCOMMANDS) {
                Command cmd = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class && (cmd.name().equals(a)
                        || java.util.Arrays.asList(cmd.aliases()).contains(a))) {
                    return c;
                }
            }
            return null;
        }
        return null;
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
