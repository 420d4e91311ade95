package io.atlasj.trainer.engine;

import java.util.Objects;

/**
 * One key of a run as the run ledger records it: a value, made by {@link RunBook} on every transition.
 *
 * @param node     the node that holds (or last held) the key, {@code harvester} for an ensemble being combined,
 *                 {@code results store} for a key whose result was there already; null when never assigned
 * @param slot     the node's slot, or null
 * @param attempt  assignments so far (the first is 1)
 * @param errors   every attempt's error, one a line, or null
 * @param millis   training time of the last attempt, or null
 */
public record KeyRecord(String runId, String key, String unit, String name, boolean ensemble, KeyStatus status,
                        String node, Integer slot, int attempt, String errors, Long millis) {
    public KeyRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
    }

    public boolean terminal() {
        return status.terminal();
    }
}
