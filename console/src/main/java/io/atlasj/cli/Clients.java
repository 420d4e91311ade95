package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The CLI's own cluster node: a client that joins, does one thing, and leaves. */
final class Clients {
    private Clients() {
    }

    static AtlasNode join(AtlasHome home, String seed, Path tls) throws InterruptedException {
        String host = seed.startsWith("127.") || seed.startsWith("localhost:") ? "127.0.0.1" : ownAddress();
        AtlasNode node = AtlasNode.start(new AtlasNode.Options(Set.of(AtlasNode.Role.CLIENT), host, 0,
                List.of(seed), null, tls, home));
        try {
            node.awaitUp(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            node.close();
            throw new UserException("cannot join the cluster at " + seed + ": " + e.getMessage());
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** The address the cluster's nodes connect back to (Artery connects both ways). */
    private static String ownAddress() {
        try {
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new UserException("cannot find this machine's address to join a remote cluster: " + e.getMessage());
        }
    }
}
