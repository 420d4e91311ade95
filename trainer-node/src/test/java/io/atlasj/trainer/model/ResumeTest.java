package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed after an epoch resumes from its checkpoint: it trains only the remaining epochs and ends with exactly
 * the predictions of an uninterrupted run, which needs the optimizer state (without it the result differs).
 */
class ResumeTest {
    @TempDir
    Path dir;

    /** Stands in for a kill: stops training after the given epoch's checkpoint is written. */
    static final class Kill extends RuntimeException {
    }

    static ModelTrainer.Listener killAfter(int epoch) {
        return new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                if (e.epoch() == epoch) {
                    throw new Kill();
                }
            }

            @Override
            public long checkpointEveryMillis() {
                return 0; // a checkpoint after every epoch
            }
        };
    }

    void resumesAndContinues(ModelSpec s, PreparedData d, String updaterEntry) throws Exception {
        Dl4jTrainer trainer = new Dl4jTrainer();
        TrainingResult whole = trainer.train(s, d, ModelTrainer.Listener.NONE, dir.resolve("whole.zip"));
        assertThat(whole.ok()).as(whole.failure()).isTrue();

        Path model = dir.resolve("killed.zip");
        assertThatThrownBy(() -> trainer.train(s, d, killAfter(2), model)).isInstanceOf(Kill.class);
        assertThat(Checkpoint.find(model, s.key())).get().extracting(Checkpoint.Loop::nextEpoch).isEqualTo(3);
        assertThat(Checkpoint.find(model, "another key")).isEmpty();
        List<Integer> seen = new ArrayList<>();
        TrainingResult resumed = trainer.train(s, d, new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                seen.add(e.epoch());
            }
        }, model);
        assertThat(resumed.ok()).as(resumed.failure()).isTrue();
        assertThat(seen).containsExactly(3, 4, 5); // continued, not restarted
        assertThat(resumed.curves()).hasSize(6);
        assertThat(resumed.curves()).isEqualTo(whole.curves());
        for (int i = 0; i < d.test().rows(); i++) {
            assertThat(resumed.test().probabilities().row(i)).containsExactly(whole.test().probabilities().row(i));
        }
        assertThat(Files.exists(Checkpoint.loop(model))).isFalse();

        // the same resume without the optimizer state does not reproduce the uninterrupted run (the checkpoint is
        // re-sealed with the stripped file's checksum, as if it had been written that way)
        Path stripped = dir.resolve("stripped.zip");
        assertThatThrownBy(() -> trainer.train(s, d, killAfter(2), stripped)).isInstanceOf(Kill.class);
        removeEntries(Checkpoint.net(stripped, 3), n -> n.startsWith(updaterEntry));
        reseal(stripped);
        TrainingResult fresh = trainer.train(s, d, ModelTrainer.Listener.NONE, stripped);
        assertThat(fresh.ok()).as(fresh.failure()).isTrue();
        assertThat(fresh.test().probabilities().row(0)).isNotEqualTo(whole.test().probabilities().row(0));

        // a checkpoint torn by a kill in the middle of its write is set aside: the model trains from the start and
        // ends exactly as the uninterrupted run, never failing for it
        Path torn = dir.resolve("torn.zip");
        assertThatThrownBy(() -> trainer.train(s, d, killAfter(2), torn)).isInstanceOf(Kill.class);
        byte[] bytes = Files.readAllBytes(Checkpoint.net(torn, 3));
        Files.write(Checkpoint.net(torn, 3), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(Checkpoint.find(torn, s.key())).isEmpty();
        assertThat(Checkpoint.net(torn, 3).resolveSibling(Checkpoint.net(torn, 3).getFileName() + ".damaged")).exists();
        List<Integer> again = new ArrayList<>();
        TrainingResult restarted = trainer.train(s, d, new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                again.add(e.epoch());
            }
        }, torn);
        assertThat(restarted.ok()).as(restarted.failure()).isTrue();
        assertThat(again).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(restarted.test().probabilities().row(0)).containsExactly(whole.test().probabilities().row(0));
    }

    @Test
    void aModelThatTrainsInSecondsWritesNoCheckpointUnderTheDefaultInterval() throws Exception {
        PreparedData d = TestData.lagged(600, 2);
        ModelSpec s = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16))
                .set("epochs", 6).set("patience", 0).set("batchSize", 32).build(), DatasetOptions.Task.CLASSIFICATION);
        Path model = dir.resolve("quick.zip");
        assertThatThrownBy(() -> new Dl4jTrainer().train(s, d, new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                if (e.epoch() == 3) {
                    throw new Kill();
                }
            }
        }, model)).isInstanceOf(Kill.class);
        // 30 s between checkpoints: four epochs of a second model fit in none
        assertThat(Checkpoint.find(model, s.key())).isEmpty();
        assertThat(Files.exists(Checkpoint.loop(model))).isFalse();
    }

    @Test
    void aSaveInterruptedBeforeItsCommitLeavesThePreviousEpochToResumeFrom() throws Exception {
        PreparedData d = TestData.lagged(600, 2);
        ModelSpec s = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16))
                .set("dropout", 0.1).set("epochs", 6).set("patience", 0).set("batchSize", 32).build(),
                DatasetOptions.Task.CLASSIFICATION);
        Dl4jTrainer trainer = new Dl4jTrainer();
        TrainingResult whole = trainer.train(s, d, ModelTrainer.Listener.NONE, dir.resolve("whole.zip"));
        Path model = dir.resolve("interrupted.zip");
        assertThatThrownBy(() -> trainer.train(s, d, killAfter(2), model)).isInstanceOf(Kill.class);
        // as if killed in the next save: epoch 4's network (and a torn best file) written, its JSON not yet
        Files.copy(Checkpoint.net(model, 3), Checkpoint.net(model, 4));
        Files.writeString(Checkpoint.best(model, 4), "torn");
        assertThat(Checkpoint.find(model, s.key())).get().extracting(Checkpoint.Loop::nextEpoch).isEqualTo(3);
        List<Integer> seen = new ArrayList<>();
        TrainingResult resumed = trainer.train(s, d, new ModelTrainer.Listener() {
            @Override
            public void epoch(TrainingResult.Epoch e) {
                seen.add(e.epoch());
            }
        }, model);
        assertThat(seen).containsExactly(3, 4, 5);
        assertThat(resumed.test().probabilities().row(0)).containsExactly(whole.test().probabilities().row(0));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("interrupted.zip.ckpt"));
        }
    }

    /** Rewrites a checkpoint's loop state with the current checksums of its files. */
    static void reseal(Path model) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Checkpoint.Loop l = json.readValue(Checkpoint.loop(model).toFile(), Checkpoint.Loop.class);
        json.writeValue(Checkpoint.loop(model).toFile(), l.withChecksums(Checkpoint.sha256(Checkpoint.net(model, l)),
                Checkpoint.sha256(Checkpoint.best(model, l))));
    }

    @Test
    void aDenseNetworkResumesWithItsUpdaterState() throws Exception {
        PreparedData d = TestData.lagged(600, 2);
        ModelSpec s = TestData.spec(ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16))
                .set("dropout", 0.1).set("epochs", 6).set("patience", 0).set("batchSize", 32).build(),
                DatasetOptions.Task.CLASSIFICATION);
        resumesAndContinues(s, d, "updaterState.bin");
    }

    @Test
    void aTransformerResumesWithItsUpdaterState() throws Exception {
        PreparedData d = TestData.lagged(500, 3);
        ModelSpec s = TestData.spec(TransformerTest.small().set("epochs", 6).set("patience", 0).set("dropout", 0.1)
                .build(), DatasetOptions.Task.CLASSIFICATION);
        resumesAndContinues(s, d, "updater/");
    }

    static void removeEntries(Path zip, Predicate<String> drop) throws IOException {
        Path tmp = zip.resolveSibling("rewrite.tmp");
        int dropped = 0;
        try (InputStream is = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(is);
             OutputStream os = Files.newOutputStream(tmp); ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (drop.test(e.getName())) {
                    dropped++;
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        assertThat(dropped).as("entries removed from " + zip).isPositive();
        Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
