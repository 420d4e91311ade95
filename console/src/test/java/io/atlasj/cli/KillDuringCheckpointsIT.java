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
 * other; and trained in packs that checkpoint after every epoch, so that kills land inside a pack's training and its
 * checkpoint writes, and each rerun goes on from the last one. Several rounds, then the same command once more. Every
 * key must end done: no model is lost to a torn file; and the packs' models equal a run never killed.
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

    @Test
    void killsWhileAPackTrainsAndCheckpointsGoOnFromItsCheckpoint(@TempDir Path clean) throws Exception {
        // the 24 models train as two packs for about 20 s, each writing its checkpoint after every epoch: the kills
        // (at most 3 s after training starts or goes on) land in training and in those writes, and every rerun goes
        // on from the pack's last checkpoint
        String spec = SPEC.replace("pack: off", "pack: auto").replace("epochs: 40", "epochs: 800");
        int resumed = killAndFinish(spec, this::packCheckpoints, 3000, "goes on from its checkpoint");
        assertThat(resumed).as("rounds that went on from a pack's checkpoint before they were killed").isEqualTo(3);
        // the models equal those of a run never killed, epoch for epoch
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                clean.toString(), "data", "import", "--bundled")).as(err.toString()).isZero();
        Files.createDirectories(clean.resolve("featuresets"));
        Files.copy(Path.of("../configs/featuresets/quickstart.yaml"), clean.resolve("featuresets/quickstart.yaml"));
        Path file = Files.createDirectories(clean.resolve("specs")).resolve("kills.yaml");
        Files.writeString(file, spec);
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                clean.toString(), "run", file.toString(), "--local", "--slots", "2")).as(err.toString()).isZero();
        int compared = 0;
        try (Stream<Path> s = Files.walk(home.resolve("runs/kills"))) {
            for (Path dir : s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("[0-9a-f]{32}"))
                    .toList()) {
                var killed = ResultsIo.complete(dir).orElseThrow();
                var never = ResultsIo.complete(clean.resolve("runs/kills").resolve(home.resolve("runs/kills")
                        .relativize(dir).toString())).orElseThrow();
                assertThat(killed.folds().get(0).curves()).as(dir.toString()).isEqualTo(never.folds().get(0).curves());
                assertThat(killed.folds().get(0).test().predicted()).isEqualTo(never.folds().get(0).test().predicted());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(MODELS);
    }

    interface Count {
        long get() throws java.io.IOException;
    }

    /** Rounds of a run killed at a random moment once {@code started} counts files, then a run to the end. */
    void killAndFinish(String specText, Count started, int window) throws Exception {
        killAndFinish(specText, started, window, null);
    }

    /**
     * As above; with {@code resumedLine}, each round after the first waits until the run logs it (a pack went on from
     * its checkpoint) before the random kill; returns how many rounds did.
     */
    int killAndFinish(String specText, Count started, int window, String resumedLine) throws Exception {
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
        int resumes = 0;
        for (int round = 0; round < 4; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    AtlasCli.class.getName(), "--home", home.toString(), "run", spec.toString(), "--local", "--slots",
                    "2"));
            if (resumedLine != null) {
                cmd.add(1, "-Dlog4j2.level=INFO");
            }
            java.util.concurrent.CountDownLatch said = new java.util.concurrent.CountDownLatch(1);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Process p = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        // drained so the process never blocks on a full pipe
                        if (resumedLine != null && line.contains(resumedLine)) {
                            said.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process was killed
                }
            });
            reader.start();
            try {
                // wait until training runs (a checkpoint exists), then kill at a random moment of the next seconds
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (p.isAlive() && started.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (resumedLine != null && round > 0 && said.await(2, TimeUnit.MINUTES)) {
                    resumes++;
                }
                Thread.sleep(random.nextInt(window));
                if (p.isAlive()) {
                    if (started.get() > 0) {
                        landedMidTraining++;
                    }
                    p.destroyForcibly(); // SIGKILL
                }
            } finally {
                p.destroyForcibly(); // never left running past a failed round
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
        return resumes;
    }

    private long results() throws java.io.IOException {
        return count(n -> n.startsWith("predictions.arrow"));
    }

    private long packCheckpoints() throws java.io.IOException {
        return count(n -> n.endsWith(".pack-ckpt.zip"));
    }

    private long checkpoints() throws java.io.IOException {
        return count(n -> n.endsWith(".ckpt.json"));
    }

    /**
     * The files under the run's folder whose names match, counted while a run writes and deletes them: a file or
     * folder that vanishes during the walk is skipped, not an error.
     */
    private long count(java.util.function.Predicate<String> name) throws java.io.IOException {
        Path runs = home.resolve("runs/kills");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        long[] n = {0};
        Files.walkFileTree(runs, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                n[0] += name.test(file.getFileName().toString()) ? 1 : 0;
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, java.io.IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return n[0];
    }
}
