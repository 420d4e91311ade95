package io.atlasj.trainer.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunBook;
import io.atlasj.trainer.engine.RunBookTest;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.Headline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run book's transitions, epochs and results written to a journal and read back as they are appended. */
class RunJournalTest {
    @TempDir
    Path dir;

    /** Three logistic regressions of one unit over the quickstart featureset. */
    static List<ModelSpec> three() {
        return RunBookTest.expand(RunBookTest.THREE);
    }

    @Test
    void aFollowerSeesTheBooksTransitionsEpochsAndResultsAsTheyAreAppended() {
        List<ModelSpec> models = three();
        RunBook book = new RunBook("r1", models, new RunBook.Policy(1, 1_000, 0, 100, 256));
        RunJournal.Follower f;
        String key;
        try (RunJournal j = RunJournal.open(dir, "book/r1")) {
            assertThat(j.file().getFileName().toString()).isEqualTo("book_r1.jsonl");
            j.begin("book/r1", "book", "name: book\n", "local", 1, models, 1_000);
            j.keys(book.drainChanges(), 1_000);
            RunBook.Assignment a = book.assign("local", 0, 1_000).orElseThrow();
            j.keys(book.drainChanges(), 1_000);
            key = a.tasks().get(0).key();
            j.epoch(key, 0, 1, 0.9, 0.8, 1_500);
            j.epoch(key, 0, 2, 0.7, Double.NaN, 2_000);
            j.tick();
            f = new RunJournal.Follower(j.file());
            f.poll(); // the run line at least (begin flushes), the rest within FLUSH_MS
            j.close();
            f.poll();
            assertThat(f.runId).isEqualTo("book/r1");
            assertThat(f.spec).isEqualTo("name: book\n");
            assertThat(f.models).hasSize(3);
            RunJournal.Model m = f.models.get(key);
            assertThat(m.status).isEqualTo("assigned");
            assertThat(m.curve).hasSize(2);
            assertThat(m.curve.get(1)[3]).as("a NaN loss is left out and read back as NaN").isNaN();
            assertThat(m.lastEpoch()).isEqualTo(2);
            assertThat(f.slotsById).containsOnlyKeys("local #0");
            assertThat(f.slotsById.get("local #0").keys).contains(key);

            // the key is trained and harvested later, by another writer on the same file (a resumed driver)
            book.reported(key, a.tasks().get(0).attempt(), new RunBook.Trained(true, null, 900), 2_500);
            book.harvested(key, new RunBook.Ingested(KeyStatus.DONE, ""));
        }
        try (RunJournal j = RunJournal.open(dir, "book/r1")) {
            j.keys(book.drainChanges(), 3_000);
            j.result(key, "done", new Headline("accuracy", 0.55, 0.53), null);
            j.end(3_100);
        }
        List<JsonNode> lines = f.poll();
        assertThat(lines).extracting(l -> l.path("e").asText()).contains("key", "result", "end");
        assertThat(f.ended).isEqualTo(3_100L);
        assertThat(f.counts()).containsEntry("queued", 2);
        RunJournal.Model first = f.models.get(key);
        assertThat(first.status).isEqualTo("done");
        assertThat(first.millis).isEqualTo(900L);
        assertThat(first.metric).isEqualTo("accuracy");
        assertThat(first.test).isEqualTo(0.53);
        // the slot was busy from the assignment (1,000) to the key leaving it (3,000), of 2,100 ms followed
        assertThat(f.slotsById.get("local #0").keys).isEmpty();
        assertThat(f.slotsById.get("local #0").busyMillis).isEqualTo(2_000);
        assertThat(f.slotsById.get("local #0").utilisation(3_100)).isCloseTo(2_000 / 2_100.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aPartialLastLineWaitsAndADamagedLineIsCountedNotFatal() throws Exception {
        Path file = dir.resolve("x.jsonl");
        List<ModelSpec> models = three();
        try (RunJournal j = RunJournal.open(dir, "x")) {
            j.begin("x", "book", null, "cluster", 0, models, 10);
        }
        String key = models.get(0).key();
        String line = "{\"e\":\"epoch\",\"key\":\"" + key + "\",\"fold\":0,\"epoch\":1,\"train\":0.5,\"val\":0.6,\"at\":20}\n";
        Files.writeString(file, "not json\n" + line.substring(0, 30), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        RunJournal.Follower f = new RunJournal.Follower(file);
        f.poll();
        assertThat(f.unreadable).isEqualTo(1);
        assertThat(f.models.get(key).curve).as("half a line is not read").isEmpty();
        Files.writeString(file, line.substring(30), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        f.poll();
        assertThat(f.models.get(key).curve).hasSize(1);
        assertThat(f.models.get(key).curve.get(0)[2]).isEqualTo(0.5);
        assertThat(f.spec).isNull();

        // a driver killed mid-line, then resumed: its first new line is not glued to the torn one
        Files.writeString(file, line.substring(0, 30), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (RunJournal j = RunJournal.open(dir, "x")) {
            j.epoch(key, 0, 2, 0.4, 0.45, 30);
        }
        int before = f.unreadable;
        f.poll();
        assertThat(f.unreadable).isEqualTo(before + 1);
        assertThat(f.models.get(key).curve).hasSize(2);
        assertThat(f.models.get(key).curve.get(1)[1]).isEqualTo(2);
    }
}
