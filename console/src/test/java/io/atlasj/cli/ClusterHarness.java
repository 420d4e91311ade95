package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClientEvent;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real cluster processes on 127.0.0.1 for the cluster ITs: a home with the bundled data, a local cluster, a client. */
final class ClusterHarness {
    private ClusterHarness() {
    }

    static AtlasHome homeWithBundledData(Path dir) {
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                dir.toString(), "data", "import", "--bundled");
        assertThat(code).as(err.toString()).isZero();
        return new AtlasHome(dir);
    }

    static WorkSpec spec(String resource) throws Exception {
        return WorkSpecYaml.read(Path.of(ClusterHarness.class.getResource(resource).toURI()), true);
    }

    /** Runs the spec through the cluster in the background; {@code onProgress} sees each progress message. */
    static CompletableFuture<ClusterClient.Finished> submit(AtlasNode client, WorkSpec ws,
                                                             Consumer<ClientEvent.Progress> onProgress) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ClusterClient.run(client, ws.name(), WorkSpecYaml.writeSelfContained(ws),
                        new ClusterClient.Listener() {
                            @Override
                            public void progress(ClientEvent.Progress p) {
                                onProgress.accept(p);
                            }
                        }, Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static ClusterClient.Finished await(CompletableFuture<ClusterClient.Finished> f, LocalCluster c) throws Exception {
        try {
            return f.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            StringBuilder tails = new StringBuilder();
            for (LocalCluster.Node n : c.nodes()) {
                List<String> lines = java.nio.file.Files.readAllLines(n.log());
                tails.append("\n==== ").append(n.log().getFileName()).append(" (last 40 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            throw new AssertionError("the run did not finish; dead: " + c.dead() + tails, e);
        }
    }

    /** The results store's rows, read after the cluster (whose harvester holds the store) has stopped. */
    static List<ResultsStore.Row> rows(AtlasHome home, String workspec) {
        try (ResultsStore store = ResultsStore.open(home.results(), home.runs())) {
            return store.rows(workspec);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
