package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.workspec.WorkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented multi-host layout on 127.0.0.1: one seed, the coordinator and the harvester in one process started
 * with itself as the only seed, two trainers seeded by it. The coordinator process is killed (SIGKILL) mid-run and
 * started again with the very same command: it must rejoin the trainers' cluster (through the members it recorded
 * beside its ledger) rather than found a cluster of its own, and the run must finish unattended.
 */
class ClusterRejoinIT {
    @TempDir
    Path dir;

    @Test
    void aCoordinatorRestartedWithTheDocumentedCommandRejoinsAndTheRunCompletes() throws Exception {
        AtlasHome home = ClusterHarness.homeWithBundledData(dir);
        WorkSpec ws = ClusterHarness.spec("/workspecs/two-hundred.yaml");
        int port = LocalCluster.freePort();
        String seed = "127.0.0.1:" + port;
        AtomicInteger finished = new AtomicInteger();
        try (LocalCluster cluster = LocalCluster.empty(home, List.of(seed))) {
            LocalCluster.Node coordinator = cluster.spawn("coordinator,harvester", port, List.of());
            cluster.spawn("trainer", 0, List.of("--slots", "1"));
            cluster.spawn("trainer", 0, List.of("--slots", "1"));
            try (AtlasNode client = Clients.join(home, seed, null)) {
                CompletableFuture<ClusterClient.Finished> run = ClusterHarness.submit(client, ws,
                        p -> finished.set(p.done() + p.failed()));
                ClusterHarness.waitUntil(() -> finished.get() >= 40, Duration.ofMinutes(5), "40 models done");
                ClusterHarness.waitUntil(() -> {
                    try {
                        return KnownMembersFile.read(home).size() == 3;
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(30), "the three members recorded beside the ledger");
                coordinator.process().destroyForcibly();
                coordinator.process().waitFor();
                int atKill = finished.get();
                LocalCluster.Node again = cluster.spawn("coordinator,harvester", port, List.of());
                ClusterClient.Finished f = ClusterHarness.await(run, cluster);
                assertThat(atKill).isLessThan(200);
                assertThat(f.lines()).hasSize(200).allMatch(l -> l.state() == KeyStatus.DONE, "every key done");
                String log = Files.readString(again.log());
                assertThat(log).doesNotContain("is JOINING itself").contains("Welcome from");
                // nothing else died: the restarted coordinator and both trainers ran to the end
                assertThat(cluster.nodes()).filteredOn(n -> n != coordinator)
                        .allMatch(n -> n.process().isAlive(), "alive");
            }
        }
        List<ResultsStore.Row> rows = ClusterHarness.rows(home, ws.name());
        assertThat(rows).hasSize(200);
        assertThat(rows.stream().map(ResultsStore.Row::key).distinct().count()).isEqualTo(200);
    }

    /** Reads the coordinator's record of the members, as a restarted coordinator does. */
    static final class KnownMembersFile {
        static List<String> read(AtlasHome home) throws Exception {
            Path f = home.ledger().resolve("members");
            return Files.isRegularFile(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
        }
    }
}
