package io.atlasj.trainer.engine;

import java.util.Locale;

/**
 * Where one ModelSpec key of a run stands. The transitions, all made by {@link RunBook}:
 *
 * <pre>
 *   WAITING ──dependencies terminal──▶ QUEUED (a warm start) or ASSIGNED to the harvester (an ensemble to combine)
 *   QUEUED ──assign──▶ ASSIGNED ──trained──▶ HARVESTING ──ingested──▶ DONE | STOPPED | FAILED
 *                         │  └──failed, time limit, node lost──▶ QUEUED (attempts left) | FAILED
 *   any non-terminal ──result already in the results store──▶ DONE
 * </pre>
 *
 * <p>{@code STOPPED}: trained, and stopped before its end by the unit's search ({@link TrialStopper}); its result is
 * complete (curves, predictions of the folds it trained) and counts as a trial of the unit's search.
 *
 * <p>Persisted in the run ledger by {@link #id()}; a coordinator that restarts treats {@code HARVESTING} as
 * {@code ASSIGNED} (it asks the harvester whether the result arrived).
 */
public enum KeyStatus {
    WAITING, QUEUED, ASSIGNED, HARVESTING, DONE, STOPPED, FAILED;

    public boolean terminal() {
        return this == DONE || this == STOPPED || this == FAILED;
    }

    /** The ledger's and the wire's text: the lower-case name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyStatus of(String id) {
        for (KeyStatus s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown key status '" + id + "' (known: waiting, queued, assigned, "
                + "harvesting, done, stopped, failed)");
    }

    /** A result's status ({@code done}, {@code stopped} or {@code failed}) as the terminal key status it gives. */
    public static KeyStatus ofResult(String status) {
        return switch (status) {
            case "done" -> DONE;
            case "stopped" -> STOPPED;
            default -> FAILED;
        };
    }
}
