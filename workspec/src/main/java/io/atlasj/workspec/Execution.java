package io.atlasj.workspec;

import java.time.Duration;
import java.util.List;

/**
 * How a WorkSpec runs: retries per model, a time limit per model, the slots or GPUs wanted, how tiny models are
 * batched (an assignment should last at least {@code minAssignment}), the sweep size allowed without
 * confirmation, whether small dense models of one shape train together in packs ({@code pack: auto}, the default,
 * or {@code off}), and how often a long model's training is checkpointed ({@code checkpointEvery}, 30 s; 0: after
 * every epoch).
 */
public record Execution(int retries, Duration timeLimit, int slots, List<Integer> gpus, Duration minAssignment,
                        int maxModels, boolean pack, Duration checkpointEvery) {
    public static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(30);
    public static final Execution DEFAULT = new Execution(2, Duration.ofMinutes(30), 2, List.of(),
            Duration.ofMillis(500), 5_000, true, CHECKPOINT_EVERY);

    /** With packing on and the default checkpoint interval. */
    public Execution(int retries, Duration timeLimit, int slots, List<Integer> gpus, Duration minAssignment,
                     int maxModels) {
        this(retries, timeLimit, slots, gpus, minAssignment, maxModels, true, CHECKPOINT_EVERY);
    }

    public Execution {
        gpus = List.copyOf(gpus);
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1");
        }
        if (checkpointEvery == null || checkpointEvery.isNegative()) {
            throw new IllegalArgumentException("checkpointEvery must not be negative");
        }
        if (maxModels < 1) {
            throw new IllegalArgumentException("maxModels must be at least 1");
        }
    }
}
