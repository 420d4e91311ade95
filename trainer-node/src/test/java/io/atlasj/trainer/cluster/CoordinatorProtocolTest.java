package io.atlasj.trainer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-node cluster with the coordinator singleton, every message serialized with its CBOR binding even locally
 * ({@code serialize-messages = on}): the records, their actor references and the replies survive the round trip; a
 * node of another protocol version is refused with the reason.
 */
class CoordinatorProtocolTest {
    @TempDir
    static Path dir;
    static AtlasNode node;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("pekko.actor.serialize-messages", "on");
        com.typesafe.config.ConfigFactory.invalidateCaches();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        node = AtlasNode.start(new AtlasNode.Options(Set.of(AtlasNode.Role.COORDINATOR), "127.0.0.1", port, List.of(),
                null, null, new AtlasHome(dir)));
        node.awaitUp(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        node.close();
        System.clearProperty("pekko.actor.serialize-messages");
        com.typesafe.config.ConfigFactory.invalidateCaches();
    }

    @Test
    void aTrainerOfAnotherProtocolVersionIsRefusedWithTheReason() throws Exception {
        Trainer.Command reply = AskPattern.<Coordinator.Command, Trainer.Command>ask(node.coordinator(),
                (ActorRef<Trainer.Command> r) -> new Coordinator.RequestWork(Coordinator.PROTOCOL_VERSION + 1, "elsewhere",
                        0, 1, r, null), Duration.ofSeconds(30), node.system().scheduler())
                .toCompletableFuture().get(40, TimeUnit.SECONDS);
        assertThat(reply).isInstanceOf(Trainer.Rejected.class);
        assertThat(((Trainer.Rejected) reply).reason()).contains("protocol version " + (Coordinator.PROTOCOL_VERSION + 1))
                .contains("same Atlas version");
    }

    @Test
    void statusComesBackThroughItsSerializerAndNamesTheMissingHarvester() {
        ClientEvent.Status s = ClusterClient.status(node, Duration.ofSeconds(30));
        assertThat(s.harvester()).isFalse();
        assertThat(s.members()).hasSize(1).allMatch(m -> m.contains("[coordinator]") && m.contains("Up"));
        assertThat(s.queued()).isZero();
    }
}
