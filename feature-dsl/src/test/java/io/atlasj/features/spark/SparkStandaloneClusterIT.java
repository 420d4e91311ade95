package io.atlasj.features.spark;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.lake.Lake;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.EveryKind;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone Spark cluster on 127.0.0.1: a master and two workers, each its own process started from this
 * project's class path, with one core each. A build submitted to it equals the local build bit for bit; when one
 * worker is killed (kill -9, with its executor) as the first task starts, Spark runs the lost tasks again on the other
 * worker and the result is still the local build's.
 */
class SparkStandaloneClusterIT {
    static final Market BTC = new Market("coinbase", "btcusd");
    static final Market ETH = new Market("coinbase", "ethusd");

    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopCluster() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void aClusterBuildEqualsTheLocalBuildEvenWhenAWorkerIsKilled() throws Exception {
        MarketDataStore store = MarketDataStore.open(dir.resolve("store"));
        List<FeatureLabelSet> sets = new ArrayList<>();
        String lake = dir.resolve("lake").toString();
        try (store) {
            assertThat(BundledData.importInto(store, dir.resolve("bundled")).rejectedFiles()).isZero();
            TestData.importLeanCoinbaseDay(store, true);
            try (Lake l = Lake.open(lake)) {
                l.export(store, k -> true, false);
            }
            sets.add(FeatureLabelSet.builder("bundled").base(BundledData.EXCHANGE + ":" + BundledData.SYMBOL, "5m")
                    .features(LogReturns(), RSI(14), MACD(12, 26), BollingerPctB(20, 2), ATR(14), OBV(20))
                    .labels(LogReturns().lookforward(1), UpDown(3)).gaps(GapPolicy.FILL_FLAT).build());
            int i = 0;
            for (Feature f : EveryKind.features().subList(0, 24)) {
                FeatureLabelSet set = FeatureLabelSet.builder("kind-" + i++).base(BTC.toString(), "1m")
                        .defaults("coinbase", "usd").features(f, EMA(30)).labels(FutureReturn(3)).build();
                sets.add(set);
                sets.add(set.onMarket(ETH));
            }
            List<FeatureMatrix> local = new ArrayList<>();
            for (java.util.Iterator<FeatureLabelSet> it = sets.iterator(); it.hasNext(); ) {
                try {
                    FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(it.next(), Long.MIN_VALUE / 4,
                            Long.MAX_VALUE / 4);
                    if (m.rows() > 0) {
                        local.add(m);
                        continue;
                    }
                } catch (IllegalArgumentException noSuchData) {
                    // a kind that reads quote bars, which the ETH fixture lacks
                }
                it.remove();
            }
            assertThat(sets.size()).isGreaterThan(30);

            String master = startCluster();
            System.setProperty("spark.driver.host", "127.0.0.1");
            System.setProperty("spark.driver.bindAddress", "127.0.0.1");
            System.setProperty("spark.executor.memory", "700m");
            AtomicInteger failedTasks = new AtomicInteger();
            AtomicInteger lostExecutors = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            try (Lake l = Lake.open(lake); SparkEngine engine = SparkEngine.start(master, l)) {
                List<FeatureMatrix> warm = engine.build(sets.subList(0, 1), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                assertSame(warm.get(0), local.get(0));
                // the first task's start kills worker 1 and its executor, as a machine that dies would
                SparkSession.active().sparkContext().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskStart(SparkListenerTaskStart start) {
                        if (killed.compareAndSet(false, true)) {
                            Process w = processes.get(1);
                            w.descendants().forEach(ProcessHandle::destroyForcibly);
                            w.destroyForcibly();
                        }
                    }

                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd end) {
                        if (!end.taskInfo().successful()) {
                            failedTasks.incrementAndGet();
                        }
                    }

                    @Override
                    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
                        lostExecutors.incrementAndGet();
                    }
                });
                List<FeatureMatrix> viaCluster = engine.build(sets, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                for (int k = 0; k < sets.size(); k++) {
                    assertSame(viaCluster.get(k), local.get(k));
                }
            } finally {
                System.clearProperty("spark.driver.host");
                System.clearProperty("spark.driver.bindAddress");
                System.clearProperty("spark.executor.memory");
            }
            assertThat(killed).isTrue();
            assertThat(lostExecutors.get()).as("executors lost with the killed worker").isPositive();
            System.out.println("cluster build: " + sets.size() + " sets, " + failedTasks.get()
                    + " task(s) failed with the killed worker and ran again");
        }
    }

    static void assertSame(FeatureMatrix got, FeatureMatrix want) {
        assertThat(want.rows()).as(want.name()).isPositive();
        assertThat(got.time()).as(want.name()).isEqualTo(want.time());
        for (int c = 0; c < want.featureIds().size(); c++) {
            assertThat(got.features()[c]).as(want.featureIds().get(c)).isEqualTo(want.features()[c]);
        }
        for (int c = 0; c < want.labelIds().size(); c++) {
            assertThat(got.labels()[c]).as(want.labelIds().get(c)).isEqualTo(want.labels()[c]);
        }
    }

    /** Starts a master and two one-core workers; returns the master's URL once both workers have registered. */
    private String startCluster() throws Exception {
        int port = freePort();
        int ui = freePort();
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars")).getParent();
        start("master", "org.apache.spark.deploy.master.Master", sparkHome, "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(ui));
        String master = "spark://127.0.0.1:" + port;
        for (int w = 1; w <= 2; w++) {
            start("worker" + w, "org.apache.spark.deploy.worker.Worker", sparkHome, "--host", "127.0.0.1", "--cores",
                    "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    Files.createDirectories(dir.resolve("work" + w)).toString(), master);
        }
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (json.replace(" ", "").contains("\"aliveworkers\":2")) {
                    return master;
                }
            } catch (IOException notYet) {
                // the master is still starting
            }
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (String name : List.of("master", "worker1", "worker2")) {
                    List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
                    logs.append("\n--- ").append(name).append(".log (end):\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
                }
                throw new AssertionError("the standalone cluster did not start within 120 s" + logs);
            }
            Thread.sleep(500);
        }
    }

    private void start(String name, String mainClass, Path sparkHome, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(SparkEngine.JVM_OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        // the worker starts executors with SPARK_HOME/jars/* (empty here) after spark.executor.extraClassPath, which
        // the engine sets to this class path: no Spark install is needed
        pb.environment().putAll(Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_IP", "127.0.0.1"));
        processes.add(pb.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
