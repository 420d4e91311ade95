package io.atlasj.trainer.cluster;

import java.util.List;

/** What the coordinator tells a client that submitted or follows a run, or asked for the cluster's status. */
public interface ClientEvent extends CborSerializable {
    /** @param alreadyDone keys whose results were already in the results store (nothing to train) */
    record Accepted(String runId, String workspec, int total, int alreadyDone) implements ClientEvent {
    }

    record SubmitFailed(String message) implements ClientEvent {
    }

    /** One model of a run as the coordinator sees it. */
    record Line(String unit, String name, String key, io.atlasj.trainer.engine.KeyStatus state, String node, int attempt, String headline,
                Long millis, String errors) {
    }

    /**
     * @param finished models that reached done or failed since the last progress message (at most
     *                 {@link #LIVE_LINES}; {@code more} counts the others)
     */
    record Progress(String runId, int total, int done, int failed, int running, int queued, List<Line> finished,
                    int more) implements ClientEvent {
    }

    /** Lines per progress message at most: a fast run's progress stays a small message. */
    int LIVE_LINES = 100;
    /** Lines per {@link RunLines} page: a page stays far below Artery's 256 KiB frame. */
    int PAGE = 500;

    /** A page of the final table, sent before {@link RunFinished}. */
    record RunLines(String runId, List<Line> lines) implements ClientEvent {
    }

    /**
     * The end of a run; its table came before in {@link RunLines} pages ({@code lines} of them in all).
     *
     * @param dispatchP50Micros median time per model from a slot's request to its assignment (queueing included),
     *                          -1 when nothing was dispatched in this coordinator's lifetime
     * @param firstAssignmentToEndMillis from the first assignment to the last result (the dispatching part of the
     *                                   run, without the featureset build and the results-store check), -1 likewise
     */
    record RunFinished(String runId, int lines, long millis, long dispatchP50Micros, long dispatchP99Micros,
                       long firstAssignmentToEndMillis) implements ClientEvent {
    }

    /** A node with trainer slots. */
    record NodeStatus(String node, int slots, int busy, int idle, long trained) {
    }

    /** @param throughput models finished per second over the last minute */
    record Status(List<NodeStatus> nodes, List<String> members, boolean harvester, int queued, int running, int done,
                  int failed, double throughput, List<String> runs) implements ClientEvent {
    }
}
