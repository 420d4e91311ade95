package io.atlasj.workspec;

import java.time.Duration;
import java.util.List;

/**
 * How a WorkSpec runs: retries per model, a time limit per model, the slots or GPUs wanted, how tiny models are
 * batched (an assignment should last at least {@code minAssignment}), and the sweep size allowed without
 * confirmation.
 */
public record Execution(int retries, Duration timeLimit, int slots, List<Integer> gpus, Duration minAssignment,
                        int maxModels) {
    public static final Execution DEFAULT = new Execution(2, Duration.ofMinutes(30), 2, List.of(),
            Duration.ofMillis(500), 5_000);

    public Execution {
        gpus = List.copyOf(gpus);
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1");
        }
        if (maxModels < 1) {
            throw new IllegalArgumentException("maxModels must be at least 1");
        }
    }
}
