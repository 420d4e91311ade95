package io.atlasj.cli;

import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClientEvent;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.trainer.cluster.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas cluster start | status}: run a cluster node, or ask a running cluster what it is doing. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run a node of an Atlas cluster (Pekko, Artery TCP or TLS), or show a running cluster's status.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class})
final class ClusterCommand {
    @ParentCommand
    AtlasCli atlas;

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Start a node and keep it running until it is stopped (SIGTERM leaves the cluster cleanly).",
                "Example, one machine: atlas cluster start --role coordinator --port 25520;",
                "  atlas cluster start --role harvester --port 25521 --seed 127.0.0.1:25520;",
                "  atlas cluster start --role trainer --port 25522 --seed 127.0.0.1:25520 --slots 2"})
    static final class Start implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;
        @Spec
        CommandSpec spec;
        @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE",
                description = "coordinator, trainer, harvester (several: comma-separated or repeated).")
        List<String> roles;
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address other nodes reach this one at (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--port", defaultValue = "25520", description = "Artery port (default: ${DEFAULT-VALUE}; 0: any free port).")
        int port;
        @Option(names = "--seed", paramLabel = "HOST:PORT", description = "A seed node to join (the coordinator's); none: this node starts the cluster.")
        List<String> seeds = new ArrayList<>();
        @Option(names = "--slots", paramLabel = "N", description = "Trainer: CPU training slots (one thread each).")
        Integer slots;
        @Option(names = "--gpus", split = ",", paramLabel = "LIST", description = "Trainer: GPU indices, one slot each (needs the CUDA build, -Pcuda).")
        List<Integer> gpus;
        @Option(names = "--tls", paramLabel = "DIR", description = "Artery over TLS with mutual authentication, keys from DIR (deploy/tls/make-certs.sh); the "
                + "coordinator's dashboard is then served over HTTPS with the same key.")
        Path tls;
        @Option(names = "--dashboard-port", paramLabel = "PORT",
                description = "Coordinator: serve the dashboard on PORT (0: any free port) for the cluster's runs.")
        Integer dashboardPort;
        @Option(names = "--dashboard-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
                description = "Coordinator: the dashboard's address (default: ${DEFAULT-VALUE}); any other needs "
                        + "$ATLAS_DASHBOARD_TOKEN.")
        String dashboardBind;
        @Option(names = "--noop", hidden = true, description = "Trainer: train nothing, report at once (the dispatch benchmark).")
        boolean noop;

        @Override
        public Integer call() throws Exception {
            Set<AtlasNode.Role> rs = EnumSet.noneOf(AtlasNode.Role.class);
            for (String r : roles) {
                AtlasNode.Role role;
                try {
                    role = AtlasNode.Role.parse(r);
                } catch (IllegalArgumentException e) {
                    throw new UserException("--role: " + e.getMessage());
                }
                if (role == AtlasNode.Role.CLIENT) {
                    throw new UserException("--role client is what the CLI itself uses; start coordinator, trainer or harvester");
                }
                rs.add(role);
            }
            Trainer.Settings ts = null;
            if (rs.contains(AtlasNode.Role.TRAINER)) {
                if (gpus != null && !gpus.isEmpty()) {
                    if (slots != null) {
                        throw new UserException("give either --slots N (CPU) or --gpus LIST, not both");
                    }
                    if (!backendHasGpus()) {
                        throw new UserException("--gpus needs the CUDA backend; this build has the CPU backend "
                                + "(build with ./mvnw -Pcuda package, on a host with CUDA 11.6), or use --slots N");
                    }
                    ts = new Trainer.Settings(gpus.size(), gpus, noop);
                } else {
                    ts = new Trainer.Settings(slots == null ? 1 : slots, List.of(), noop);
                }
            } else if (slots != null || gpus != null) {
                throw new UserException("--slots and --gpus are for a node with the trainer role");
            }
            if (System.getProperty("log4j2.level") == null) {
                System.setProperty("log4j2.level", "INFO"); // a node's log is its record: keep INFO unless told otherwise
            }
            if (System.getProperty("atlas.pekko.level") == null) {
                System.setProperty("atlas.pekko.level", "INFO");
            }
            if (dashboardPort != null && !rs.contains(AtlasNode.Role.COORDINATOR)) {
                throw new UserException("--dashboard-port is for the node with the coordinator role");
            }
            AtlasNode node = AtlasNode.start(new AtlasNode.Options(rs, host, port, seeds, ts, tls, cluster.atlas.home()));
            PrintWriter out = spec.commandLine().getOut();
            if (dashboardPort != null) {
                System.setProperty("java.awt.headless", "true");
                // a cluster over TLS serves its dashboard over HTTPS with the node's key
                io.atlasj.cli.dashboard.Dashboard d = DashboardCommand.start(cluster.atlas, dashboardPort, dashboardBind,
                        null, tls);
                Runtime.getRuntime().addShutdownHook(new Thread(d::close, "atlas-dashboard-stop"));
                out.println("dashboard: " + d.url());
            }
            out.printf("atlas node %s %s started; seeds %s; home %s%n", rs.stream().map(AtlasNode.Role::id).toList(),
                    node.address(),
                    seeds.isEmpty() ? "(this node)" : seeds, cluster.atlas.home().root());
            out.flush();
            node.awaitTermination();
            return 0;
        }

        private static boolean backendHasGpus() {
            return io.atlasj.trainer.model.Backend.hasGpus();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Nodes, slots (busy/idle), queue depth, done and failed counts, throughput of a running cluster.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;
        @Spec
        CommandSpec spec;
        @Option(names = "--seed", defaultValue = "127.0.0.1:25520", paramLabel = "HOST:PORT",
                description = "A node of the cluster (default: ${DEFAULT-VALUE}).")
        String seed;
        @Option(names = "--tls", paramLabel = "DIR", description = "Keys for a TLS cluster.")
        Path tls;

        @Override
        public Integer call() throws Exception {
            try (AtlasNode node = Clients.join(cluster.atlas.home(), seed, tls)) {
                ClientEvent.Status s = ClusterClient.status(node, Duration.ofSeconds(15));
                print(spec.commandLine().getOut(), s);
            }
            return 0;
        }

        static void print(PrintWriter out, ClientEvent.Status s) {
            out.println("members:");
            s.members().forEach(m -> out.println("  " + m));
            out.println("harvester: " + (s.harvester() ? "up" : "none"));
            List<List<String>> rows = new ArrayList<>();
            for (ClientEvent.NodeStatus n : s.nodes()) {
                rows.add(List.of(n.node(), String.valueOf(n.slots()), String.valueOf(n.busy()), String.valueOf(n.idle()),
                        String.valueOf(n.trained())));
            }
            out.print(Formats.table(List.of("TRAINER", "SLOTS", "BUSY", "IDLE", "FINISHED"), rows));
            out.printf(Locale.ROOT, "runs %s: queued %d, running %d, done %d, failed %d; %.2f models/s over the last minute%n",
                    s.runs(), s.queued(), s.running(), s.done(), s.failed(), s.throughput());
            out.flush();
        }
    }
}
