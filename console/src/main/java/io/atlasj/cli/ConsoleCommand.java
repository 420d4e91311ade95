package io.atlasj.cli;

import io.atlasj.cli.console.Console;
import io.atlasj.cli.console.Shell;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas console [--script FILE]}: a JShell session with the DSL and the console's helpers imported. */
@Command(name = "console", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A JShell session on Atlas's classpath with the feature DSL (import static "
                + "io.atlasj.features.Dsl.*) and the helpers (import static io.atlasj.cli.console.Console.*) imported: "
                + "fls(\"quickstart\"), plot(fls, from, to), results(\"quickstart\"), leaderboard(r), batchOverview(r), "
                + "baseballCard(r.get(0)), compare(a, b), help(). Charts open in a window when there is a display, "
                + "otherwise they are written under ATLAS_HOME/reports/console/.",
            "Without --script: interactive (the JDK's jshell; /exit leaves). With --script FILE.jsh: runs the file's "
                + "snippets in order, prints their values, and stops with exit code 1 at the first snippet that does not "
                + "compile or throws, naming the file, line and snippet."})
final class ConsoleCommand implements Callable<Integer> {
    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;

    @Option(names = "--script", paramLabel = "FILE", description = "Run the snippets of FILE (e.g. session.jsh) and exit.")
    Path script;

    @Override
    public Integer call() throws Exception {
        if (script != null && !Files.isRegularFile(script)) {
            throw new UserException(script + ": no such file (give a .jsh file of Java snippets)");
        }
        // the session's snippets run in this JVM (local engine) and find the home here
        String savedHome = System.getProperty(Console.HOME_PROPERTY);
        System.setProperty(Console.HOME_PROPERTY, atlas.home().root().toString());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        // snippets and helpers print to System.out/err: send them where the CLI's own output goes
        PrintStream sessionOut = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
        PrintStream sessionErr = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
        System.setOut(sessionOut);
        System.setErr(sessionErr);
        try {
            return script != null ? Shell.runScript(script, sessionOut, sessionErr)
                    : Shell.interactive(System.in, sessionOut, sessionErr, System.console() != null);
        } finally {
            sessionOut.flush();
            sessionErr.flush();
            System.setOut(savedOut);
            System.setErr(savedErr);
            if (savedHome == null) {
                System.clearProperty(Console.HOME_PROPERTY);
            } else {
                System.setProperty(Console.HOME_PROPERTY, savedHome);
            }
        }
    }

    /** Bytes written to a PrintWriter, decoded as UTF-8 (whole characters are kept together across writes). */
    static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
            flush();
        }

        @Override
        public synchronized void flush() {
            byte[] bytes = pending.toByteArray();
            int end = bytes.length;
            // hold back an incomplete UTF-8 sequence at the end
            int i = end - 1;
            int back = 0;
            while (i >= 0 && back < 3 && (bytes[i] & 0xC0) == 0x80) {
                i--;
                back++;
            }
            if (i >= 0 && (bytes[i] & 0x80) != 0) {
                int need = (bytes[i] & 0xE0) == 0xC0 ? 2 : (bytes[i] & 0xF0) == 0xE0 ? 3 : (bytes[i] & 0xF8) == 0xF0 ? 4 : 1;
                if (end - i < need) {
                    end = i;
                }
            }
            writer.write(new String(bytes, 0, end, StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
            pending.write(bytes, end, bytes.length - end);
        }
    }
}
