package io.atlasj.trainer.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.model.Dl4jTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One Atlas cluster process: an actor system named {@code atlas} joined to the seed nodes, holding one or more roles.
 * Every node runs a {@link FileServer} and a proxy to the {@link Coordinator} singleton; a coordinator node hosts the
 * singleton, a harvester node a {@link Harvester}, a trainer node a {@link Trainer} with its slots; a client node (the
 * CLI following a run) holds no role of work.
 */
public final class AtlasNode implements AutoCloseable {
    public static final String SYSTEM = "atlas";

    public enum Role {
        COORDINATOR, TRAINER, HARVESTER, CLIENT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role parse(String s) {
            for (Role r : values()) {
                if (r.id().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown role '" + s + "' (roles: coordinator, trainer, harvester)");
        }
    }

    /**
     * @param seeds   {@code host:port} of seed nodes (the coordinator's first); empty: this node starts a cluster
     * @param trainer the slots of a trainer node, or null
     * @param tls     a folder with {@code node.p12}, {@code truststore.p12} and {@code password} (see
     *                {@code deploy/tls/make-certs.sh}), or null for plain TCP
     */
    public record Options(Set<Role> roles, String host, int port, List<String> seeds, Trainer.Settings trainer, Path tls,
                          AtlasHome home) {
        public Options {
            roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
            seeds = List.copyOf(seeds);
            if (roles.contains(Role.TRAINER) && trainer == null) {
                throw new IllegalArgumentException("a trainer node needs its slots (--slots N or --gpus LIST)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
        }
    }

    private final ActorSystem<Void> system;
    private final ActorRef<Coordinator.Command> coordinator;

    private AtlasNode(ActorSystem<Void> system, ActorRef<Coordinator.Command> coordinator) {
        this.system = system;
        this.coordinator = coordinator;
    }

    public static AtlasNode start(Options o) {
        Config config = config(o);
        java.util.concurrent.CompletableFuture<ActorRef<Coordinator.Command>> proxy = new java.util.concurrent.CompletableFuture<>();
        Behavior<Void> guardian = Behaviors.setup(ctx -> {
            ActorSystem<Void> sys = ctx.getSystem();
            ActorRef<Coordinator.Command> c = ClusterSingleton.get(sys).init(SingletonActor.of(
                    Coordinator.create(o.home()), Coordinator.NAME)
                    .withSettings(ClusterSingletonSettings.create(sys).withRole(Role.COORDINATOR.id())));
            proxy.complete(c);
            ActorRef<FileServer.Command> files = ctx.spawn(FileServer.create(o.home().root()), "files");
            if (o.roles().contains(Role.HARVESTER)) {
                ctx.spawn(Harvester.create(o.home()), "harvester");
            }
            if (o.roles().contains(Role.TRAINER)) {
                String node = nodeId(sys);
                ctx.spawn(Trainer.create(c, files, node, o.home(), new Dl4jTrainer(), o.trainer()), "trainer");
            }
            return Behaviors.empty();
        });
        ActorSystem<Void> system = ActorSystem.create(guardian, SYSTEM, config);
        try {
            return new AtlasNode(system, proxy.get(30, java.util.concurrent.TimeUnit.SECONDS));
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("the node did not start: " + e, e);
        }
    }

    static String nodeId(ActorSystem<?> sys) {
        var u = Cluster.get(sys).selfMember().uniqueAddress();
        return u.address().toString() + "#" + u.longUid();
    }

    static Config config(Options o) {
        List<String> seeds = new ArrayList<>();
        String scheme = "pekko";
        List<String> given = o.home() == null ? o.seeds() : KnownMembers.seeds(o.seeds(), o.host() + ":" + o.port(),
                o.roles().contains(Role.COORDINATOR) && o.port() != 0, o.home().ledger());
        for (String s : given) {
            if (!s.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("--seed must be HOST:PORT, got '" + s + "'");
            }
            seeds.add(scheme + "://" + SYSTEM + "@" + s);
        }
        if (seeds.isEmpty()) {
            seeds.add(scheme + "://" + SYSTEM + "@" + o.host() + ":" + o.port());
        }
        List<String> roles = o.roles().stream().map(Role::id).toList();
        Config c = ConfigFactory.empty()
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(o.host()))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(o.port()))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
        if (o.tls() != null) {
            c = c.withFallback(tls(o.tls()));
        }
        return c.withFallback(ConfigFactory.parseResources("atlas-cluster.conf")).withFallback(ConfigFactory.load())
                .resolve();
    }

    /** Artery over TLS with mutual authentication: a node must present a certificate signed by the cluster's CA. */
    static Config tls(Path dir) {
        Path key = dir.resolve("node.p12");
        Path trust = dir.resolve("truststore.p12");
        Path pw = dir.resolve("password");
        for (Path p : List.of(key, trust, pw)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + ": missing; make the CA and node certificates with "
                        + "deploy/tls/make-certs.sh DIR NODE...");
            }
        }
        String password;
        try {
            password = Files.readString(pw, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(pw + ": unreadable: " + e.getMessage(), e);
        }
        String p = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue(p + "key-store", ConfigValueFactory.fromAnyRef(key.toAbsolutePath().toString()))
                .withValue(p + "trust-store", ConfigValueFactory.fromAnyRef(trust.toAbsolutePath().toString()))
                .withValue(p + "key-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "key-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "trust-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(p + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
                .withValue(p + "enabled-algorithms", ConfigValueFactory.fromIterable(List.of("TLS_AES_256_GCM_SHA384",
                        "TLS_AES_128_GCM_SHA256")))
                .withValue(p + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withValue(p + "hostname-verification", ConfigValueFactory.fromAnyRef(false));
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public ActorRef<Coordinator.Command> coordinator() {
        return coordinator;
    }

    /** This node's {@code host:port} as bound (a node started on port 0 gets one from the OS). */
    public String address() {
        var a = system.address();
        return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
    }

    /** Blocks until this node's actor system has stopped (it left the cluster or was told to stop). */
    public void awaitTermination() throws InterruptedException, java.util.concurrent.ExecutionException {
        system.getWhenTerminated().toCompletableFuture().get();
    }

    public CompletionStage<Done> whenTerminated() {
        return system.getWhenTerminated();
    }

    /** Waits until this node is a member that is up, or throws after {@code timeout}. */
    public void awaitUp(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Cluster cluster = Cluster.get(system);
        while (cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("this node did not join the cluster within " + timeout.toSeconds()
                        + " s: check that the seed node is running and reachable (and that TLS settings match)");
            }
            Thread.sleep(100);
        }
    }

    /** Leaves the cluster and stops the actor system. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // leaving is best effort: the others down this node if it does not say goodbye
        }
    }
}
