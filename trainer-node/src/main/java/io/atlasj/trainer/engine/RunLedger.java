package io.atlasj.trainer.engine;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where a driver persists a run's keys so that a restarted driver resumes it: the cluster's H2 ledger
 * ({@code io.atlasj.trainer.cluster.Ledger}), or {@link #NONE} for a local run, whose result files are its record.
 */
public interface RunLedger {
    /** A run as recorded: its id, WorkSpec name, self-contained spec text and when it was created or finished. */
    record Run(String runId, String workspec, String specYaml, int retries, long created, Long finished) {
    }

    /** Records a new run and its keys, in one transaction. */
    void addRun(Run run, Collection<KeyRecord> keys);

    /** Applies the transitions of {@link RunBook#drainChanges()}, in one transaction. */
    void update(Collection<KeyRecord> changes);

    void finish(String runId, long at);

    Optional<Run> run(String runId);

    List<Run> openRuns();

    List<KeyRecord> keys(String runId);

    /** Records nothing: a local run finds its finished keys by their result files. */
    RunLedger NONE = new RunLedger() {
        @Override
        public void addRun(Run run, Collection<KeyRecord> keys) {
        }

        @Override
        public void update(Collection<KeyRecord> changes) {
        }

        @Override
        public void finish(String runId, long at) {
        }

        @Override
        public Optional<Run> run(String runId) {
            return Optional.empty();
        }

        @Override
        public List<Run> openRuns() {
            return List.of();
        }

        @Override
        public List<KeyRecord> keys(String runId) {
            return List.of();
        }
    };
}
