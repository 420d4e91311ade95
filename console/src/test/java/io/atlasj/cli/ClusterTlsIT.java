package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artery over TLS with mutual authentication, keys made by {@code deploy/tls/make-certs.sh}: a node with a
 * certificate of the cluster's CA joins; a node whose certificate comes from another CA cannot.
 */
class ClusterTlsIT {
    @TempDir
    Path dir;

    private AtlasNode node(Path tls, int port, String seed) {
        return AtlasNode.start(new AtlasNode.Options(Set.of(AtlasNode.Role.CLIENT), "127.0.0.1", port, List.of(seed), null,
                tls, new AtlasHome(dir.resolve("home"))));
    }

    @Test
    void onlyNodesWithACertificateOfTheClusterCaJoin() throws Exception {
        io.atlasj.testing.Tls.makeCerts(dir.resolve("cluster"), "seed", "member");
        io.atlasj.testing.Tls.makeCerts(dir.resolve("rogue"), "intruder");
        int port = LocalCluster.freePort();
        String seed = "127.0.0.1:" + port;
        try (AtlasNode first = node(dir.resolve("cluster/seed"), port, seed)) {
            first.awaitUp(Duration.ofSeconds(30));
            try (AtlasNode member = node(dir.resolve("cluster/member"), 0, seed)) {
                member.awaitUp(Duration.ofSeconds(30));
            }
            try (AtlasNode intruder = node(dir.resolve("rogue/intruder"), 0, seed)) {
                assertThatThrownBy(() -> intruder.awaitUp(Duration.ofSeconds(15)))
                        .hasMessageContaining("did not join the cluster");
            }
            try (AtlasNode plain = node(null, 0, seed)) {
                assertThatThrownBy(() -> plain.awaitUp(Duration.ofSeconds(10)))
                        .hasMessageContaining("did not join the cluster");
            }
            assertThat(org.apache.pekko.cluster.typed.Cluster.get(first.system()).state().getMembers())
                    .hasSize(1); // the member left; neither the intruder nor the plain-TCP node ever came in
        }
    }
}
