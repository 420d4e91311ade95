package io.atlasj.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.trainer.engine.RunBook.Assignment;
import io.atlasj.trainer.engine.RunBook.Crashed;
import io.atlasj.trainer.engine.RunBook.Ingested;
import io.atlasj.trainer.engine.RunBook.Policy;
import io.atlasj.trainer.engine.RunBook.Refused;
import io.atlasj.trainer.engine.RunBook.Trained;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every scheduling rule of the run book, driven by hand with a fake clock and an in-memory ledger. */
public class RunBookTest {
    static final Path SPECS = Path.of("../configs/workspecs");
    static final Policy POLICY = new Policy(1, 1_000, 0, 100, 256);

    /** The run ledger as a map, applying the book's changes exactly as the H2 ledger does. */
    static final class MemoryLedger {
        final Map<String, KeyRecord> rows = new LinkedHashMap<>();

        void apply(RunBook b) {
            b.drainChanges().forEach(r -> rows.put(r.key(), r));
        }
    }

    /** The models of a one-unit WorkSpec over the quickstart featureset (the journal's tests use it too). */
    public static List<ModelSpec> expand(String models) {
        String yaml = """
                name: book
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                %s""".formatted(models.indent(6));
        return Expander.expand(WorkSpecYaml.read("book.yaml", yaml, FeaturesetLocator.beside(SPECS.resolve("x.yaml")),
                false));
    }

    public static final String THREE = """
            - name: lo
              type: logistic
              l2: [0.0, 0.01, 0.1]
            """;

    @Test
    void packableKeysGoOutAWaveAtATimeSharedBetweenTheSlotsAndFinishTogether() {
        // 20 dense nets of one shape: packable, a wave holds all of them; an LSTM is not packable
        List<ModelSpec> m = expand("""
                - name: tiny
                  type: dnn
                  hidden: [8]
                  l2: [0.0, 0.001, 0.01, 0.1]
                  repeats: 5
                - name: seq
                  type: lstm
                """);
        assertThat(Packs.width(m.get(0))).isEqualTo(Packs.MAX_WIDTH);
        assertThat(Packs.width(m.get(20))).isEqualTo(1);
        RunBook one = new RunBook("r", m, new Policy(0, 1_000, 0, 100, 256, true));
        RunBook.Assignment all = one.assign("n", 0, 0).orElseThrow();
        assertThat(all.tasks()).hasSize(20);
        // the wave trains together: every key has the deadline of the wave's last turn (20 limits and the grace),
        // not the first key one limit while the others are still training with it
        assertThat(one.expire(1_101)).isEmpty();
        assertThat(one.expire(20_099)).isEmpty();
        assertThat(one.expire(20_101)).hasSize(20);

        RunBook two = new RunBook("r", m, new Policy(0, 1_000, 0, 100, 256, true));
        two.slots(2);
        assertThat(two.assign("n", 0, 0).orElseThrow().tasks()).hasSize(10);
        assertThat(two.assign("n", 1, 0).orElseThrow().tasks()).hasSize(10);
        assertThat(two.assign("n", 0, 0).orElseThrow().tasks()).extracting(RunBook.Task::key)
                .containsExactly(m.get(20).key());

        // without packing the first assignment is one key (nothing is known of their time yet)
        RunBook off = new RunBook("r", m, new Policy(0, 1_000, 0, 100, 256, false));
        assertThat(off.assign("n", 0, 0).orElseThrow().tasks()).hasSize(1);
    }

    @Test
    void keysAreAssignedInOrderAndFinishThroughTheSink() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY);
        MemoryLedger ledger = new MemoryLedger();
        assertThat(b.counts().get(KeyStatus.QUEUED)).isEqualTo(3);
        Assignment a = b.assign("n1", 0, 0).orElseThrow();
        assertThat(a.tasks()).extracting(RunBook.Task::key).containsExactly(m.get(0).key());
        assertThat(a.tasks().get(0).attempt()).isEqualTo(1);
        ledger.apply(b);
        assertThat(ledger.rows.get(m.get(0).key()).status()).isEqualTo(KeyStatus.ASSIGNED);
        assertThat(b.reported(m.get(0).key(), 1, new Trained(true, null, 50), 10)).isTrue();
        assertThat(b.drainToHarvest()).extracting(RunBook.ToHarvest::key).containsExactly(m.get(0).key());
        assertThat(b.record(m.get(0).key()).orElseThrow().status()).isEqualTo(KeyStatus.HARVESTING);
        b.harvested(m.get(0).key(), new Ingested(KeyStatus.DONE, "accuracy 0.55"));
        assertThat(b.drainFinished()).extracting(KeyRecord::key).containsExactly(m.get(0).key());
        assertThat(b.headline(m.get(0).key())).isEqualTo("accuracy 0.55");
        ledger.apply(b);
        assertThat(ledger.rows.get(m.get(0).key()).status()).isEqualTo(KeyStatus.DONE);
        assertThat(b.finished()).isFalse();
    }

    @Test
    void aFailedAttemptIsRetriedFirstThenFailsForGoodAndIsStillHarvested() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY); // retries 1: two attempts
        String k = m.get(0).key();
        b.assign("n1", 0, 0);
        b.reported(k, 1, new Trained(false, "NaN loss", 5), 1);
        assertThat(b.drainToHarvest()).isEmpty();
        KeyRecord r = b.record(k).orElseThrow();
        assertThat(r.status()).isEqualTo(KeyStatus.QUEUED);
        assertThat(r.errors()).isEqualTo("attempt 1 on n1 slot 0: NaN loss");
        // a retried key goes to the front of its queue
        Assignment again = b.assign("n2", 1, 2).orElseThrow();
        assertThat(again.tasks()).containsExactly(new RunBook.Task(k, 2));
        b.reported(k, 2, new Trained(false, "NaN loss", 5), 3);
        // out of attempts: the failed result still goes into the results store
        assertThat(b.drainToHarvest()).extracting(RunBook.ToHarvest::key).containsExactly(k);
        b.harvested(k, new Ingested(KeyStatus.FAILED, ""));
        assertThat(b.record(k).orElseThrow().status()).isEqualTo(KeyStatus.FAILED);
        assertThat(b.record(k).orElseThrow().errors()).contains("attempt 1 on n1 slot 0", "attempt 2 on n2 slot 1");
    }

    @Test
    void aCrashedAttemptAndARefusedHarvestAreRetriedAndFailWithoutAResult() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY);
        String k = m.get(0).key();
        b.assign("n1", 0, 0);
        b.reported(k, 1, new Crashed("java.io.IOException: corrupt featureset file", 3), 1);
        assertThat(b.record(k).orElseThrow().status()).isEqualTo(KeyStatus.QUEUED);
        b.assign("n1", 0, 2);
        b.reported(k, 2, new Trained(true, null, 5), 3);
        b.drainToHarvest();
        b.harvested(k, new Refused("model-fold0.zip: SHA-256 differs"));
        KeyRecord r = b.record(k).orElseThrow();
        assertThat(r.status()).isEqualTo(KeyStatus.FAILED);
        assertThat(r.errors()).contains("corrupt featureset file", "harvest of attempt 2: model-fold0.zip: SHA-256 differs");
    }

    @Test
    void staleAndDuplicateReportsChangeNothing() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY);
        String k = m.get(0).key();
        b.assign("n1", 0, 0);
        b.nodeLost("n1", "node n1 left the cluster");
        b.assign("n2", 0, 1);
        // the first node's late report is for attempt 1: ignored
        assertThat(b.reported(k, 1, new Trained(true, null, 5), 2)).isFalse();
        assertThat(b.reported(k, 2, new Trained(true, null, 5), 2)).isTrue();
        assertThat(b.reported(k, 2, new Trained(true, null, 5), 2)).isFalse();
        assertThat(b.drainToHarvest()).hasSize(1);
        b.harvested(k, new Ingested(KeyStatus.DONE, ""));
        b.harvested(k, new Ingested(KeyStatus.FAILED, "")); // a second ingestion answer changes nothing
        assertThat(b.record(k).orElseThrow().status()).isEqualTo(KeyStatus.DONE);
        assertThat(b.terminalCount()).isEqualTo(1);
    }

    @Test
    void deadlinesGrowWithTheKeysTurnInTheAssignmentAndExpire() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, new Policy(0, 1_000, 10_000, 100, 256));
        String k0 = m.get(0).key();
        b.assign("n1", 0, 0);
        b.reported(k0, 1, new Trained(true, null, 5_000), 10); // the mean is now 5 s: 2 keys make 10 s
        Assignment a = b.assign("n1", 0, 20).orElseThrow();
        assertThat(a.tasks()).hasSize(2);
        // first key: 20 + 1,000 + 100; second: 20 + 2,000 + 100
        assertThat(b.expire(1_120)).isEmpty();
        assertThat(b.expire(1_121)).containsExactly(m.get(1).key());
        assertThat(b.record(m.get(1).key()).orElseThrow().status()).isEqualTo(KeyStatus.FAILED); // retries 0
        assertThat(b.record(m.get(1).key()).orElseThrow().errors()).contains("exceeded its time limit");
        assertThat(b.record(m.get(2).key()).orElseThrow().status()).isEqualTo(KeyStatus.ASSIGNED);
        assertThat(b.expire(2_121)).containsExactly(m.get(2).key());
    }

    @Test
    void aLostNodesKeysAreRequeuedAtTheFrontAndOthersKeepTheirs() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY);
        b.assign("n1", 0, 0);
        b.assign("n2", 0, 0);
        assertThat(b.nodeLost("n1", "node n1 left the cluster")).isEqualTo(1);
        assertThat(b.record(m.get(0).key()).orElseThrow().status()).isEqualTo(KeyStatus.QUEUED);
        assertThat(b.record(m.get(0).key()).orElseThrow().errors()).isEqualTo("attempt 1: node n1 left the cluster");
        assertThat(b.record(m.get(1).key()).orElseThrow().status()).isEqualTo(KeyStatus.ASSIGNED);
        assertThat(b.assign("n3", 0, 1).orElseThrow().tasks()).containsExactly(new RunBook.Task(m.get(0).key(), 2));
    }

    @Test
    void ensemblesWaitForTheirMembersAndAreCombinedOnce() {
        List<ModelSpec> m = expand(THREE + """
                - name: vote
                  type: ensemble
                  members: [lo]
                """);
        RunBook b = new RunBook("r", m, POLICY);
        String e = m.get(3).key();
        assertThat(b.record(e).orElseThrow().status()).isEqualTo(KeyStatus.WAITING);
        for (int i = 0; i < 3; i++) {
            String k = b.assign("n", 0, 0).orElseThrow().tasks().get(0).key();
            assertThat(k).isNotEqualTo(e);
            assertThat(b.drainToCombine()).isEmpty();
            b.reported(k, 1, new Trained(i != 1, "x", 5), 1);
            if (i == 1) { // a failed member still counts as terminal once it is out of attempts
                b.assign("n", 0, 0);
                b.reported(k, 2, new Trained(false, "x", 5), 1);
            }
            b.drainToHarvest().forEach(h -> b.harvested(h.key(), new Ingested(KeyStatus.DONE, "")));
        }
        assertThat(b.drainToCombine()).containsExactly(e);
        assertThat(b.record(e).orElseThrow().node()).isEqualTo(RunBook.COMBINER);
        assertThat(b.assign("n", 0, 0)).isEmpty();
        // no answer from the combiner within the grace time: handed again (not failed)
        assertThat(b.expire(Long.MAX_VALUE - 1)).isEmpty();
        assertThat(b.drainToCombine()).containsExactly(e);
        b.combinerLost();
        assertThat(b.drainToCombine()).containsExactly(e); // handed to the next harvester
        b.harvested(e, new Ingested(KeyStatus.DONE, "vote"));
        assertThat(b.finished()).isTrue();
    }

    @Test
    void aWarmStartIsQueuedOnlyOnceItsSourceIsTerminal() {
        List<ModelSpec> m = expand("""
                - name: tuned
                  type: dnn
                  training: {epochs: 2, warmStart: base}
                - name: base
                  type: dnn
                  training: {epochs: 2}
                """);
        RunBook b = new RunBook("r", m, POLICY);
        String base = m.get(0).key();
        String tuned = m.get(1).key();
        assertThat(b.record(tuned).orElseThrow().status()).isEqualTo(KeyStatus.WAITING);
        assertThat(b.assign("n", 0, 0).orElseThrow().tasks()).containsExactly(new RunBook.Task(base, 1));
        assertThat(b.assign("n", 1, 0)).isEmpty();
        b.reported(base, 1, new Trained(true, null, 5), 1);
        b.drainToHarvest();
        assertThat(b.assign("n", 1, 0)).isEmpty(); // trained but not yet in the store
        b.harvested(base, new Ingested(KeyStatus.DONE, ""));
        assertThat(b.assign("n", 1, 0).orElseThrow().tasks()).containsExactly(new RunBook.Task(tuned, 1));
    }

    @Test
    void assignmentsHoldOnePackAndAsManyKeysAsMakeMinAssignment() {
        List<ModelSpec> m = expand("""
                - name: small
                  type: dnn
                  hidden: [8]
                  l2: [0.0, 0.1]
                - name: big
                  type: dnn
                  hidden: [16]
                  training: {lr: [0.01, 0.001]}
                - name: small2
                  type: dnn
                  hidden: [8]
                  dropout: 0.2
                """);
        RunBook b = new RunBook("r", m, new Policy(0, 60_000, 1_000, 0, 256));
        assertThat(b.assign("n", 0, 0).orElseThrow().tasks()).hasSize(1); // nothing known yet: one key
        b.reported(m.get(0).key(), 1, new Trained(true, null, 100), 1); // 100 ms a key: 10 make an assignment
        Assignment a = b.assign("n", 0, 2).orElseThrow();
        // the rest of the [8] pack (small#1 and small2#0), not big's [16] keys
        assertThat(a.tasks()).extracting(RunBook.Task::key).containsExactly(m.get(1).key(), m.get(4).key());
        assertThat(b.assign("n", 0, 2).orElseThrow().tasks()).extracting(RunBook.Task::key)
                .containsExactly(m.get(2).key(), m.get(3).key());
        assertThat(Packs.of(m.get(0))).isEqualTo(Packs.of(m.get(4))).isNotEqualTo(Packs.of(m.get(2)));
    }

    @Test
    void keysThatTakeNoTimeFillWholeAssignments() {
        List<ModelSpec> m = expand("""
                - name: lo
                  type: logistic
                  l2: [0.0, 0.01, 0.1]
                  repeats: 200
                """);
        RunBook b = new RunBook("r", m, new Policy(0, 60_000, 500, 0, 256));
        String first = b.assign("n", 0, 0).orElseThrow().tasks().get(0).key();
        b.reported(first, 1, new RunBook.Noop(), 1); // the dispatch benchmark's trainers: 0 ms, counted as 1 ms
        assertThat(b.assign("n", 0, 2).orElseThrow().tasks()).hasSize(256);
    }

    @Test
    void keysInTheResultsStoreAreDoneAndReleaseTheirDependents() {
        List<ModelSpec> m = expand(THREE + """
                - name: vote
                  type: ensemble
                  members: [lo]
                """);
        RunBook b = new RunBook("r", m, POLICY);
        b.present(List.of(m.get(0).key(), m.get(1).key(), m.get(2).key()));
        assertThat(b.record(m.get(0).key()).orElseThrow().node()).isEqualTo(RunBook.RESULTS_STORE);
        assertThat(b.drainToCombine()).containsExactly(m.get(3).key());
        assertThat(b.hasQueued()).isFalse();
    }

    @Test
    void aRestoredBookLosesKeysOfDeadNodesAndProbesTheOthers() {
        List<ModelSpec> m = expand(THREE);
        RunBook first = new RunBook("r", m, POLICY);
        MemoryLedger ledger = new MemoryLedger();
        ledger.rows.putAll(recordsByKey(first.records()));
        first.assign("dead", 0, 0);
        first.assign("alive", 0, 0);
        String k2 = first.assign("alive", 1, 0).orElseThrow().tasks().get(0).key();
        first.reported(k2, 1, new Trained(true, null, 5), 1);
        ledger.apply(first);
        // a new coordinator: a fresh book over the ledger's rows
        RunBook b = new RunBook("r", m, POLICY);
        b.restore(ledger.rows.values(), Set.of("alive"), 100);
        assertThat(b.record(m.get(0).key()).orElseThrow().status()).isEqualTo(KeyStatus.QUEUED);
        assertThat(b.record(m.get(0).key()).orElseThrow().errors()).contains("left while the coordinator was down");
        assertThat(b.inFlight()).extracting(RunBook.ToHarvest::key).containsExactly(m.get(1).key(), k2);
        // the probe finds the harvesting key's result; the other is still training
        b.harvested(k2, new Ingested(KeyStatus.DONE, ""));
        b.harvested(m.get(1).key(), new RunBook.Absent());
        assertThat(b.record(m.get(1).key()).orElseThrow().status()).isEqualTo(KeyStatus.ASSIGNED);
        assertThat(b.expire(100 + 1_000 + 100 + 1)).containsExactly(m.get(1).key()); // its fresh deadline passed
        ledger.apply(b);
        assertThat(ledger.rows.values()).extracting(KeyRecord::status)
                .containsExactly(KeyStatus.QUEUED, KeyStatus.QUEUED, KeyStatus.DONE);
    }

    @Test
    void aResultWithoutAnAnswerFromTheSinkIsHandedAgainAndOneTheSinkCannotFindIsRetrained() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, POLICY); // grace 100 ms
        String k = m.get(0).key();
        b.assign("n1", 0, 0);
        b.reported(k, 1, new Trained(true, null, 5), 10);
        assertThat(b.drainToHarvest()).hasSize(1);
        assertThat(b.expire(110)).isEmpty();
        assertThat(b.drainToHarvest()).isEmpty();
        assertThat(b.expire(111)).isEmpty(); // not an attempt out of time: the message may have been lost
        assertThat(b.drainToHarvest()).extracting(RunBook.ToHarvest::key).containsExactly(k);
        assertThat(b.record(k).orElseThrow().status()).isEqualTo(KeyStatus.HARVESTING);
        // the sink looked and found nothing (a trainer's disk it cannot reach): trained again
        b.harvested(k, new RunBook.Absent());
        assertThat(b.record(k).orElseThrow().status()).isEqualTo(KeyStatus.QUEUED);
        assertThat(b.record(k).orElseThrow().errors()).contains("not found by the harvester");
    }

    @Test
    void restoringAppliesEveryRecordBeforeAnyRuleSoDependentsKeepTheirRecordedState() {
        List<ModelSpec> m = expand(THREE + """
                - name: vote
                  members: [lo]
                  type: ensemble
                """);
        String vote = m.get(3).key();
        List<KeyRecord> recorded = new ArrayList<>();
        // the ledger lists by unit and name: the ensemble's row ('vote') after its members' ('lo')... and a member
        // lost with its node and out of attempts, which releases the ensemble while the ensemble's own row is done
        recorded.add(new KeyRecord("r", m.get(0).key(), "u", "lo#0", false, KeyStatus.ASSIGNED, "dead", 0, 2, null, null));
        recorded.add(new KeyRecord("r", m.get(1).key(), "u", "lo#1", false, KeyStatus.DONE, "n", 0, 1, null, 5L));
        recorded.add(new KeyRecord("r", m.get(2).key(), "u", "lo#2", false, KeyStatus.DONE, "n", 0, 1, null, 5L));
        recorded.add(new KeyRecord("r", vote, "u", "vote#0", true, KeyStatus.DONE, "harvester", null, 1, null, null));
        RunBook b = new RunBook("r", m, POLICY);
        java.util.Collections.reverse(recorded); // whatever the order
        b.restore(recorded, Set.of("n"), 0);
        assertThat(b.record(vote).orElseThrow().status()).isEqualTo(KeyStatus.DONE);
        assertThat(b.record(m.get(0).key()).orElseThrow().status()).isEqualTo(KeyStatus.FAILED);
        assertThat(b.drainToCombine()).isEmpty();
        assertThat(b.drainChanges()).extracting(KeyRecord::key).containsExactly(m.get(0).key());
        assertThat(b.finished()).isTrue();
    }

    @Test
    void keysOfAGivenUpSlotThatNeverStartedGoBackWithoutAnAttempt() {
        List<ModelSpec> m = expand(THREE);
        RunBook b = new RunBook("r", m, new Policy(0, 1_000, 1_000, 0, 256));
        b.assign("local", 0, 0);
        b.reported(m.get(0).key(), 1, new Trained(true, null, 100), 1);
        Assignment a = b.assign("local", 0, 2).orElseThrow();
        assertThat(a.tasks()).hasSize(2);
        b.unassign(m.get(2).key(), 1);
        KeyRecord r = b.record(m.get(2).key()).orElseThrow();
        assertThat(r.status()).isEqualTo(KeyStatus.QUEUED);
        assertThat(r.attempt()).isZero();
        assertThat(b.assign("local", 1, 3).orElseThrow().tasks()).containsExactly(new RunBook.Task(m.get(2).key(), 1));
    }

    @Test
    void equalConfigurationsAreRefused() {
        List<ModelSpec> m = new ArrayList<>(expand(THREE));
        m.add(m.get(0));
        assertThatThrownBy(() -> new RunBook("r", m, POLICY)).hasMessageContaining("equal configurations")
                .hasMessageContaining("lo#0");
    }

    private static Map<String, KeyRecord> recordsByKey(List<KeyRecord> rs) {
        Map<String, KeyRecord> out = new LinkedHashMap<>();
        rs.forEach(r -> out.put(r.key(), r));
        return out;
    }
}
