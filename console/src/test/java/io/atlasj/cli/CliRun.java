package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM against one {@code --home}, as a user's command line would. */
final class CliRun {
    private CliRun() {
    }

    /** {@code atlas --home HOME ARGS...}, asserting its exit code; returns its stdout and stderr. */
    static String[] atlas(Path home, int expected, String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        assertThat(code).as(out + "\n" + err).isEqualTo(expected);
        return new String[] {out.toString(), err.toString()};
    }
}
