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
    record Line(String unit, String name, String key, String state, String node, int attempt, String headline,
                Long millis, String errors) {
    }

    /** @param finished models that reached done or failed since the last progress message */
    record Progress(String runId, int total, int done, int failed, int running, int queued, List<Line> finished)
            implements ClientEvent {
    }

    record RunFinished(String runId, List<Line> lines, long millis) implements ClientEvent {
    }

    /** A node with trainer slots. */
    record NodeStatus(String node, int slots, int busy, int idle, long trained) {
    }

    /** @param throughput models finished per second over the last minute */
    record Status(List<NodeStatus> nodes, List<String> members, boolean harvester, int queued, int running, int done,
                  int failed, double throughput, List<String> runs) implements ClientEvent {
    }
}
