package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of separate JVMs on 127.0.0.1 (the embedded default): a coordinator, a harvester and N trainers, each
 * {@code atlas cluster start} in its own process with its log under {@code ATLAS_HOME/logs/local-cluster/}. All share
 * the home, so featuresets and results are read in place rather than fetched. Closing it stops every process
 * (SIGTERM: each leaves the cluster; SIGKILL after 20 s).
 */
final class LocalCluster implements AutoCloseable {
    /** A started process and its role. */
    record Node(String role, int port, Process process, Path log) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<String> seeds;
    private final AtlasHome home;

    /**
     * @param seeds the coordinator's and the harvester's addresses: every node joins through either, so a coordinator
     *              started again after a crash joins the running cluster through the harvester instead of founding a
     *              second cluster of its own
     */
    private LocalCluster(AtlasHome home, List<String> seeds) {
        this.home = home;
        this.seeds = List.copyOf(seeds);
    }

    /**
     * @param trainers       trainer processes
     * @param slotsPerTrainer slots of each
     * @param extra          more options for the trainers (the benchmark's {@code --noop})
     */
    static LocalCluster start(AtlasHome home, int trainers, int slotsPerTrainer, List<String> extra) throws IOException {
        return start(home, trainers, slotsPerTrainer, extra, List.of());
    }

    /** {@link #start(AtlasHome, int, int, List)} with options for the coordinator (its {@code --dashboard-port}). */
    static LocalCluster start(AtlasHome home, int trainers, int slotsPerTrainer, List<String> extra,
                              List<String> coordinator) throws IOException {
        int[] seedPorts = freePorts(2);
        int coordinatorPort = seedPorts[0];
        int harvesterPort = seedPorts[1];
        LocalCluster c = new LocalCluster(home, List.of("127.0.0.1:" + coordinatorPort, "127.0.0.1:" + harvesterPort));
        try {
            c.spawn("coordinator", coordinatorPort, coordinator);
            c.spawn("harvester", harvesterPort, List.of());
            for (int i = 0; i < trainers; i++) {
                List<String> opts = new ArrayList<>(List.of("--slots", String.valueOf(slotsPerTrainer)));
                opts.addAll(extra);
                c.spawn("trainer", 0, opts); // port 0: the OS picks one as the node binds, so no two nodes share one
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** No process yet; every node spawned joins through {@code seeds} (the multi-host layout of docs/cluster.md). */
    static LocalCluster empty(AtlasHome home, List<String> seeds) {
        return new LocalCluster(home, seeds);
    }

    String seed() {
        return seeds.get(0);
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Starts one more node (a trainer joining mid-run, or a coordinator started again on its old port). */
    Node spawn(String role, int port, List<String> opts) throws IOException {
        Path logs = home.root().resolve("logs/local-cluster");
        Files.createDirectories(logs);
        long same = nodes.stream().filter(n -> n.role().equals(role)).count();
        Path log = logs.resolve(role.replace(',', '+') + "-" + same + "-" + port + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Arrow needs java.nio open, and a coordinator that builds a unit's featureset with Spark needs Spark's list
        cmd.addAll(io.atlasj.features.spark.SparkEngine.JVM_OPTIONS);
        cmd.add(role.equals("trainer") ? "-Xmx2g" : "-Xmx1g");
        cmd.add("-Dlog4j2.level=INFO");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AtlasCli.class.getName());
        cmd.add("--home");
        cmd.add(home.root().toString());
        cmd.addAll(List.of("cluster", "start", "--role", role, "--host", "127.0.0.1", "--port", String.valueOf(port)));
        seeds.forEach(s -> cmd.addAll(List.of("--seed", s)));
        cmd.addAll(opts);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        Node n = new Node(role, port, pb.start(), log);
        nodes.add(n);
        return n;
    }

    static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /**
     * {@code n} distinct free ports, all held open until every one is chosen (the seeds' ports must be known before
     * their processes start; nodes that are no seeds bind port 0 instead).
     */
    static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                out[i] = s.getLocalPort();
            }
            return out;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** Nodes that exited on their own (a crash): their roles and logs, for an error message. */
    List<String> dead() {
        return nodes.stream().filter(n -> !n.process().isAlive())
                .map(n -> n.role() + " (exit " + n.process().exitValue() + ", log " + n.log() + ")").toList();
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.process().destroy();
        }
        for (Node n : nodes) {
            try {
                if (!n.process().waitFor(20, TimeUnit.SECONDS)) {
                    n.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                n.process().destroyForcibly();
            }
        }
    }
}
