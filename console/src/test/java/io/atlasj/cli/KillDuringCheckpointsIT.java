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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of a real {@code atlas run --local} of many tiny models: trained alone, each writing a
 * checkpoint after every epoch ({@code pack: off, checkpointEvery: 0s}), so that kills land inside checkpoint and
 * result writes; and trained in packs, so that kills land while a pack writes its models' results one after the
 * other. Several rounds, then the same command once more. Every key must end done: no model is lost to a torn file.
 */
class KillDuringCheckpointsIT {
    @TempDir
    Path home;

    static final int MODELS = 24;
    static final String SPEC = """
            name: kills
            execution: {slots: 2, retries: 0, timeLimit: 5m, pack: off, checkpointEvery: 0s}
            units:
              - name: u
                featureset: quickstart
                dataset: {task: classification, label: "UpDown(3)"}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: tiny
                    type: dnn
                    hidden: [8]
                    l2: [0.0, 0.001, 0.01, 0.1]
                    training: {epochs: 40, patience: 0, batchSize: 64, lr: [0.01, 0.003, 0.001]}
                    repeats: 2
            """;

    @Test
    void killsInsideCheckpointWritesLoseNoModel() throws Exception {
        killAndFinish(SPEC, this::checkpoints, 2500);
    }

    @Test
    void killsWhileAPackWritesItsResultsLoseNoModel() throws Exception {
        // 24 models of one shape train as one pack in about a second, then write 24 results: kill in those writes
        killAndFinish(SPEC.replace("pack: off, checkpointEvery: 0s", "pack: auto").replace("epochs: 40", "epochs: 60"),
                this::results, 400);
    }

    interface Count {
        long get() throws java.io.IOException;
    }

    /** Rounds of a run killed at a random moment once {@code started} counts files, then a run to the end. */
    void killAndFinish(String specText, Count started, int window) throws Exception {
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "data", "import", "--bundled")).as(err.toString()).isZero();
        Path spec = Files.createDirectories(home.resolve("specs")).resolve("kills.yaml");
        Files.writeString(spec, specText);
        // the featureset lookup by name is relative to configs/: give the spec the quickstart set beside it
        Files.createDirectories(home.resolve("featuresets"));
        Files.copy(Path.of("../configs/featuresets/quickstart.yaml"), home.resolve("featuresets/quickstart.yaml"));
        Random random = new Random(20261202);
        int landedMidTraining = 0;
        for (int round = 0; round < 4; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    AtlasCli.class.getName(), "--home", home.toString(), "run", spec.toString(), "--local", "--slots",
                    "2"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process p = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    while (r.readLine() != null) {
                        // drained so the process never blocks on a full pipe
                    }
                } catch (java.io.IOException ignored) {
                    // the process was killed
                }
            });
            reader.start();
            // wait until training runs (a checkpoint exists), then kill at a random moment of the next seconds
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (p.isAlive() && started.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(window));
            if (p.isAlive()) {
                if (started.get() > 0) {
                    landedMidTraining++;
                }
                p.destroyForcibly(); // SIGKILL
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
        assertThat(landedMidTraining).as("kills that landed while files were being written").isGreaterThanOrEqualTo(1);
        // a kill inside a save leaves the last committed checkpoint whole: none had to be set aside
        try (Stream<Path> s = Files.walk(home.resolve("runs/kills"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".damaged"));
        }

        StringWriter out = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), "--home", home.toString(), "run",
                spec.toString(), "--local", "--slots", "2");
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains(MODELS + " models: ").contains(" 0 failed");
        int done = 0;
        try (Stream<Path> s = Files.walk(home.resolve("runs/kills"))) {
            for (Path dir : s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("[0-9a-f]{32}"))
                    .toList()) {
                var r = ResultsIo.complete(dir);
                assertThat(r).as("a complete result in " + dir).isPresent();
                assertThat(r.get().status()).as(r.get().failure()).isEqualTo("done");
                done++;
            }
        }
        assertThat(done).isEqualTo(MODELS);
    }

    private long results() throws java.io.IOException {
        Path runs = home.resolve("runs/kills");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(runs)) {
            return s.filter(f -> f.getFileName().toString().startsWith("predictions.arrow")).count();
        }
    }

    private long checkpoints() throws java.io.IOException {
        Path runs = home.resolve("runs/kills");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(runs)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".ckpt.json")).count();
        }
    }
}
