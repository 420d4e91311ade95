package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.ResultsIo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) during {@code atlas run --local} in a real process:
 * it says what is kept, leaves only complete results, and the same command then finishes the rest.
 */
class RunInterruptIT {
    @TempDir
    Path home;

    @Test
    void anInterruptedRunKeepsCompleteResultsOnlyAndTheSameCommandFinishesIt() throws Exception {
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "data", "import", "--bundled")).as(err.toString()).isZero();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AtlasCli.class.getName(), "--home", home.toString(), "run", "../configs/workspecs/quickstart.yaml",
                "--local", "--slots", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        boolean interrupted = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("[3/") && !interrupted) {
                    // Ctrl-C is SIGINT to the process; Process.destroy would also close our end of its output
                    interrupted = true;
                    assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start()
                            .waitFor(10, TimeUnit.SECONDS)).isTrue();
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("interrupted: ").contains("run the same command again");
        int complete = 0;
        try (Stream<Path> s = Files.walk(home.resolve("runs/quickstart"))) {
            for (Path dir : s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("[0-9a-f]{32}"))
                    .toList()) {
                if (Files.exists(dir.resolve(ResultsIo.FILE))) {
                    assertThat(ResultsIo.complete(dir)).as("a result file is always complete: " + dir).isPresent();
                    complete++;
                }
            }
        }
        assertThat(complete).isBetween(3, 24);

        StringWriter out = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), "--home", home.toString(), "run",
                "../configs/workspecs/quickstart.yaml", "--local", "--slots", "2")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("25 models: " + (25 - complete) + " trained now, " + complete
                + " from earlier runs, 0 failed");
    }
}
