package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClientEvent;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.workspec.WorkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVMs on 127.0.0.1 (coordinator, harvester, three trainers, this JVM as the client) train 200 real models on
 * the bundled Bitstamp data while a process is killed with SIGKILL; every key must end with exactly one result.
 */
class ClusterFaultToleranceIT {
    @TempDir
    Path dir;

    @Test
    void aTrainerKilledMidRunLosesNothingAndDuplicatesNothing() throws Exception {
        AtlasHome home = ClusterHarness.homeWithBundledData(dir);
        WorkSpec ws = ClusterHarness.spec("/workspecs/two-hundred.yaml");
        AtomicInteger finished = new AtomicInteger();
        try (LocalCluster cluster = LocalCluster.start(home, 3, 1, List.of());
             AtlasNode client = Clients.join(home, cluster.seed(), null)) {
            CompletableFuture<ClusterClient.Finished> run = ClusterHarness.submit(client, ws,
                    p -> finished.set(p.done() + p.failed()));
            ClusterHarness.waitUntil(() -> finished.get() >= 40, Duration.ofMinutes(5), "40 models done");
            LocalCluster.Node victim = cluster.nodes().stream().filter(n -> n.role().equals("trainer")).findFirst()
                    .orElseThrow();
            victim.process().destroyForcibly(); // SIGKILL
            // a trainer that joins mid-run gets work too
            LocalCluster.Node late = cluster.spawn("trainer", LocalCluster.freePort(), List.of("--slots", "1"));
            ClusterHarness.waitUntil(() -> finished.get() >= 120, Duration.ofMinutes(5), "120 models done");
            // atlas cluster status, through the CLI as a second client
            java.io.StringWriter status = new java.io.StringWriter();
            int code = AtlasCli.run(java.util.Map.of(), new java.io.PrintWriter(status), new java.io.PrintWriter(new java.io.StringWriter()),
                    "--home", dir.toString(), "cluster", "status", "--seed", cluster.seed());
            assertThat(code).as(status.toString()).isZero();
            assertThat(status.toString()).contains("harvester: up").contains("[coordinator]").contains("[trainer]")
                    .contains("TRAINER").contains("runs [two-hundred-");
            ClusterClient.Finished f = ClusterHarness.await(run, cluster);
            assertThat(f.lines()).hasSize(200);
            assertThat(f.lines()).allMatch(l -> l.state() == io.atlasj.trainer.engine.KeyStatus.DONE, "every key done");
            // the killed trainer's key in flight was trained again elsewhere
            assertThat(f.lines()).anyMatch(l -> l.attempt() == 2 && l.errors() != null && l.errors().contains("left the cluster"));
            assertThat(f.lines()).anyMatch(l -> l.node() != null && l.node().contains(":" + late.port() + "#"));

            // a rerun of the finished spec trains nothing
            Set<Long> before = mtimes(home, ws.name());
            ClusterClient.Finished again = ClusterHarness.await(ClusterHarness.submit(client, ws, p -> { }), cluster);
            assertThat(again.lines()).hasSize(200).allMatch(l -> l.state() == io.atlasj.trainer.engine.KeyStatus.DONE);
            assertThat(mtimes(home, ws.name())).isEqualTo(before);
        }
        List<ResultsStore.Row> rows = ClusterHarness.rows(home, ws.name());
        assertThat(rows).hasSize(200);
        assertThat(rows.stream().map(ResultsStore.Row::key).distinct().count()).isEqualTo(200);
        assertThat(rows).allMatch(r -> r.status().equals("done") && r.headline().metric().equals("accuracy"));
    }

    @Test
    void aCoordinatorKilledMidRunAndStartedAgainFinishesTheRunFromItsLedger() throws Exception {
        AtlasHome home = ClusterHarness.homeWithBundledData(dir);
        WorkSpec ws = ClusterHarness.spec("/workspecs/two-hundred.yaml");
        AtomicInteger finished = new AtomicInteger();
        try (LocalCluster cluster = LocalCluster.start(home, 3, 1, List.of());
             AtlasNode client = Clients.join(home, cluster.seed(), null)) {
            CompletableFuture<ClusterClient.Finished> run = ClusterHarness.submit(client, ws,
                    p -> finished.set(p.done() + p.failed()));
            ClusterHarness.waitUntil(() -> finished.get() >= 40, Duration.ofMinutes(5), "40 models done");
            LocalCluster.Node coordinator = cluster.nodes().get(0);
            assertThat(coordinator.role()).isEqualTo("coordinator");
            coordinator.process().destroyForcibly(); // SIGKILL: the ledger is all that is left of its state
            coordinator.process().waitFor();
            int atKill = finished.get();
            cluster.spawn("coordinator", coordinator.port(), List.of());
            // the client only follows the run id now: a coordinator without the ledger would answer "no run"
            ClusterClient.Finished f = ClusterHarness.await(run, cluster);
            assertThat(atKill).isLessThan(200);
            assertThat(f.lines()).hasSize(200).allMatch(l -> l.state() == io.atlasj.trainer.engine.KeyStatus.DONE, "every key done");
        }
        List<ResultsStore.Row> rows = ClusterHarness.rows(home, ws.name());
        assertThat(rows).hasSize(200);
        assertThat(rows.stream().map(ResultsStore.Row::key).distinct().count()).isEqualTo(200);
    }

    private static Set<Long> mtimes(AtlasHome home, String workspec) throws Exception {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> s = Files.walk(home.runs().resolve(workspec))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.add(Files.getLastModifiedTime(p).toMillis() * 31 + p.hashCode());
            }
        }
        return out;
    }
}
