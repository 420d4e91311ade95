package io.atlasj.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.cli.AtlasCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code atlas console --script F.jsh}: how snippets run and how their mistakes are reported (no data needed). */
class ConsoleScriptTest {
    @TempDir
    Path home;
    String out;
    String err;

    private int console(String script) throws IOException {
        Path f = home.resolve("session.jsh");
        Files.writeString(f, script);
        return run("--home", home.toString(), "console", "--script", f.toString());
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(o), new PrintWriter(e), args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void theDslWorksAsTypedAndValuesPrintAsInJShell() throws IOException {
        int code = console("""
                // a label: the DSL's lookforward returns a target
                LogReturns().eth().oneMin().lookforward(1)
                var f = RSI(14).fiveMin().zscore(
                    50);
                int twice(int x) { return 2 * x; }
                twice(21)
                System.out.println("home " + home().root());
                System.out.println("ünïcode");
                """);
        assertThat(code).as(err).isZero();
        assertThat(out).contains("$1 ==> LogReturns(1).asset(\"eth\").timeframe(\"1m\").lookforward(1)")
                .contains("f ==> RSI(14).timeframe(\"5m\").zscore(50)")
                .contains("==> 42")
                .contains("home " + home.toAbsolutePath().normalize())
                .contains("ünïcode");
        assertThat(err).isEmpty();
    }

    @Test
    void aCompileErrorStopsTheScriptWithFileLineSnippetAndMessage() throws IOException {
        int code = console("""
                int x = 1;

                Math.max(x,
                         nosuch(x));
                System.out.println("after");
                """);
        assertThat(code).isEqualTo(1);
        Path f = home.resolve("session.jsh");
        assertThat(err).contains(f + ":4: error: cannot find symbol")
                .contains("    Math.max(x,\n             nosuch(x));\n             ^")
                .contains("console: stopped at snippet 2 (line 3); the rest of the file was not run");
        assertThat(out).contains("x ==> 1").doesNotContain("after");
    }

    @Test
    void aLabelAsAnInputDoesNotCompile() throws IOException {
        int code = console("""
                FeatureLabelSet.builder("x").base("bitstamp:btc_usd", "5m").features(LogReturns().lookforward(1))
                """);
        assertThat(code).isEqualTo(1);
        assertThat(err).contains("session.jsh:1: error: method features in class "
                + "io.atlasj.features.set.FeatureLabelSet.Builder cannot be applied to given types;")
                .contains("reason: varargs mismatch; io.atlasj.features.Label cannot be converted to io.atlasj.features.Feature");
    }

    @Test
    void anExceptionIsReportedWithTheSnippet() throws IOException {
        int code = console("""
                System.out.println("before");
                var r = results("never-run");
                """);
        assertThat(code).isEqualTo(1);
        assertThat(out).contains("before");
        assertThat(err).contains("session.jsh:2: exception io.atlasj.cli.UserException: ")
                .contains("no results for WorkSpec 'never-run'")
                .contains("    var r = results(\"never-run\");");
    }

    @Test
    void incompleteSnippetsCommandsAndMissingFilesAreUserErrors() throws IOException {
        assertThat(console("int a = 1;\nvar l = List.of(1,\n   2,\n")).isEqualTo(1);
        assertThat(err).contains("session.jsh:2: the snippet is not complete at the end of the file")
                .contains("var l = List.of(1,");
        assertThat(console("/open other.jsh\n")).isEqualTo(1);
        assertThat(err).contains("session.jsh:1: JShell commands such as /open do not run in a --script file");
        assertThat(run("--home", home.toString(), "console", "--script", home.resolve("none.jsh").toString())).isEqualTo(1);
        assertThat(err).contains("none.jsh: no such file");
        assertThat(run("--home", home.toString(), "console", "--scrip", "x")).isEqualTo(2);
    }

    /** The interactive tool (the JDK's jshell) in a process of its own, as a user starts it, fed through stdin. */
    @Test
    void interactiveSessionReadsSnippetsFromStandardInput() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-Djava.awt.headless=true",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AtlasCli.class.getName(), "--home", home.toString(), "console")
                .redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write("var n = 6 * 7\nhelp()\nLogReturns().lookforward(2)\n/exit\n".getBytes(StandardCharsets.UTF_8));
        }
        String all;
        try (InputStream in = p.getInputStream()) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(all).isTrue();
        assertThat(p.exitValue()).as(all).isZero();
        assertThat(all).contains("Atlas console: ATLAS_HOME " + home.toAbsolutePath().normalize())
                .contains("n ==> 42")
                .contains("fls(\"quickstart\")")
                .contains("LogReturns(1).lookforward(2)")
                .contains("Goodbye");
    }
}
