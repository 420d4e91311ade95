package io.atlasj.cli.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * The JShell session of {@code atlas console}, on the running JVM's classpath with the DSL and the helpers
 * imported.
 *
 * <p><b>Local execution engine.</b> Snippets run in this JVM ({@code executionEngine("local")}), not in a second JVM
 * that JShell would launch by default: they see the CLI's classpath, system properties (the session's ATLAS_HOME in
 * {@value Console#HOME_PROPERTY}, {@code java.awt.headless}) and JVM flags ({@code --add-opens} for Arrow) with
 * nothing to pass on; there is one JVM's start-up and heap instead of two (DL4J, Spark and Pekko are on the
 * classpath); and a chart window belongs to the console process. The cost: a snippet that calls
 * {@code System.exit} ends the console.
 */
public final class Shell {
    /** JShell's own default imports (its DEFAULT start-up), then Atlas's. */
    static final List<String> IMPORTS = List.of(
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.regex.*;", "import java.util.stream.*;",
            "import static io.atlasj.features.Dsl.*;",
            "import static io.atlasj.cli.console.Console.*;",
            "import io.atlasj.features.Feature;", "import io.atlasj.features.Label;",
            "import io.atlasj.features.set.FeatureLabelSet;", "import io.atlasj.features.set.FeatureMatrix;",
            "import io.atlasj.workspec.results.ResultsObject;");
    /** Values longer than this are cut in script output (a result's toString holds whole series). */
    static final int VALUE_CHARS = 300;

    private Shell() {
    }

    /** The classpath the snippets compile against: the running JVM's. */
    static String classPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * Runs {@code file}'s snippets in order, printing each value as JShell does ({@code name ==> value}). Stops at
     * the first snippet that does not compile, throws, or refers to something undefined, and reports it on
     * {@code err} with the file, line, snippet and message.
     *
     * @return 0 when every snippet ran, 1 otherwise
     */
    public static int runScript(Path file, PrintStream out, PrintStream err) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try (JShell js = JShell.builder().executionEngine("local").out(out).err(err).build()) {
            js.addToClasspath(classPath());
            for (String imp : IMPORTS) {
                for (SnippetEvent e : js.eval(imp)) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        err.println("console: the start-up import '" + imp + "' failed: " + js.diagnostics(e.snippet())
                                .map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("; ")));
                        return 1;
                    }
                }
            }
            // as JShell's /open does: lines are added to the snippet until it is complete, so an expression
            // alone on a line (no ';') is a snippet of its own, and a statement may span lines
            SourceCodeAnalysis sca = js.sourceCodeAnalysis();
            String[] lines = text.split("\\R", -1);
            String buf = "";
            int start = 1;
            int snippets = 0;
            for (int i = 0; i < lines.length; i++) {
                if (buf.isBlank()) {
                    buf = "";
                    start = i + 1;
                    String l = lines[i].strip();
                    if (l.isEmpty()) {
                        continue;
                    }
                    if (l.length() > 1 && l.charAt(0) == '/' && Character.isLetter(l.charAt(1))) {
                        err.println(file + ":" + start + ": JShell commands such as " + l.split("\\s", 2)[0]
                                + " do not run in a --script file; write Java snippets only");
                        return 1;
                    }
                }
                buf += lines[i] + "\n";
                while (!buf.isBlank()) {
                    SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(buf);
                    if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                        buf = "";
                        break;
                    }
                    if (!info.completeness().isComplete()) {
                        break; // needs the next line
                    }
                    snippets++;
                    String remaining = info.remaining();
                    int consumed = buf.length() - remaining.length();
                    int first = start + newlines(buf, leading(buf));
                    if (!eval(js, info.source(), file + ":" + first, first, out, err)) {
                        err.println("console: stopped at snippet " + snippets + " (line " + first + ")"
                                + (i + 1 < lines.length && !String.join("\n", List.of(lines).subList(i + 1, lines.length))
                                        .isBlank() || !remaining.isBlank() ? "; the rest of the file was not run" : ""));
                        return 1;
                    }
                    start += newlines(buf, consumed);
                    buf = remaining;
                }
            }
            if (!buf.isBlank()) {
                int first = start + newlines(buf, leading(buf));
                err.println(file + ":" + first + ": the snippet is not complete at the end of the file (a missing ';', "
                        + "')' or '}'?):");
                err.println(indent(buf.strip()));
                return 1;
            }
            out.flush();
            return 0;
        }
    }

    /** Evaluates one snippet; prints its values, or its errors with the snippet. Returns whether it succeeded. */
    private static boolean eval(JShell js, String source, String where, int line, PrintStream out, PrintStream err) {
        List<SnippetEvent> events = js.eval(source);
        boolean ok = true;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue; // an update of an earlier snippet, not this one
            }
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                ok = false;
                List<Diag> diags = js.diagnostics(s).filter(Diag::isError).collect(Collectors.toList());
                if (diags.isEmpty()) {
                    err.println(where + ": error: the snippet was rejected:");
                    err.println(indent(source.strip()));
                }
                for (Diag d : diags) {
                    int at = (int) Math.max(0, Math.min(d.getStartPosition(), source.length()));
                    err.println(file(where) + ":" + (line + newlines(source, at)) + ": error: "
                            + d.getMessage(Locale.ROOT));
                    err.println(withCaret(source, at));
                }
            } else if (e.exception() != null) {
                ok = false;
                err.println(where + ": " + describe(e.exception()));
                err.println(indent(source.strip()));
            } else if (e.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                ok = false;
                String missing = s instanceof DeclarationSnippet ds
                        ? js.unresolvedDependencies(ds).collect(Collectors.joining(", ")) : "";
                err.println(where + ": error: the snippet refers to what is not defined" + (missing.isEmpty() ? ""
                        : ": " + missing));
                err.println(indent(source.strip()));
            } else if (e.value() != null && (s.kind() == Snippet.Kind.VAR || s.kind() == Snippet.Kind.EXPRESSION)) {
                String name = s instanceof VarSnippet v ? v.name() : s instanceof jdk.jshell.ExpressionSnippet x ? x.name() : "";
                out.println(name + " ==> " + cut(e.value()));
            }
        }
        out.flush();
        err.flush();
        return ok;
    }

    /** An exception thrown by a snippet: its class, message and the frames outside JShell's wrapper. */
    static String describe(JShellException ex) {
        StringBuilder sb = new StringBuilder("exception ");
        if (ex instanceof EvalException ee) {
            sb.append(ee.getExceptionClassName());
            if (ee.getMessage() != null) {
                sb.append(": ").append(ee.getMessage());
            }
        } else if (ex instanceof UnresolvedReferenceException ure) {
            sb.append("unresolved reference: ").append(ure.getSnippet().source().strip());
        } else {
            sb.append(ex);
        }
        int frames = 0;
        for (StackTraceElement f : ex.getStackTrace()) {
            if (frames++ == 6) {
                sb.append("\n        ...");
                break;
            }
            sb.append("\n        at ").append(f);
        }
        JShellException cause = ex.getCause() instanceof JShellException c ? c : null;
        if (cause != null) {
            sb.append("\n  caused by ").append(describe(cause).substring("exception ".length()));
        }
        return sb.toString();
    }

    /**
     * Starts the interactive JShell tool: the JDK's {@code jshell} with its editing, history and commands, the local
     * engine, the classpath, and a start-up of JShell's default imports plus Atlas's.
     */
    public static int interactive(InputStream in, PrintStream out, PrintStream err, boolean terminal) throws Exception {
        Path startup = Files.createTempFile("atlas-console", ".jsh");
        try {
            List<String> lines = new ArrayList<>(IMPORTS);
            lines.add("System.out.println(\"Atlas console: ATLAS_HOME \" + home().root() + \"; help() lists the helpers, /exit leaves.\");");
            Files.write(startup, lines, StandardCharsets.UTF_8);
            JavaShellToolBuilder b = JavaShellToolBuilder.builder().in(in, null).out(out).err(err)
                    .interactiveTerminal(terminal);
            if (!terminal) {
                b.persistence(new HashMap<>()); // piped input: no history or settings to keep
            }
            return b.start("--execution", "local", "--class-path", classPath(), "--startup", startup.toString());
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    private static int leading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String file(String where) {
        return where.substring(0, where.lastIndexOf(':'));
    }

    private static int newlines(String s, int end) {
        int n = 0;
        for (int i = 0; i < end && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    }

    /** The snippet, indented, with a caret under position {@code at} after the line that holds it. */
    static String withCaret(String source, int at) {
        StringBuilder sb = new StringBuilder();
        int lineStart = 0;
        boolean placed = false;
        String[] lines = source.split("\n", -1);
        for (String l : lines) {
            int lineEnd = lineStart + l.length();
            if (!l.isBlank() || sb.length() > 0) {
                sb.append(sb.length() == 0 ? "" : "\n").append("    ").append(l.stripTrailing());
            }
            if (!placed && at >= lineStart && at <= lineEnd) {
                sb.append("\n    ").append(" ".repeat(at - lineStart)).append('^');
                placed = true;
            }
            lineStart = lineEnd + 1;
        }
        return sb.toString().stripTrailing();
    }

    private static String cut(String v) {
        return v.length() <= VALUE_CHARS ? v : v.substring(0, VALUE_CHARS) + "... (" + v.length() + " characters)";
    }
}
