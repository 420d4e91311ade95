package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.live.LiveJournal;
import io.atlasj.trainer.live.LiveModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The model runner as a user runs it, in real processes on the bundled data: {@code atlas live start} killed with
 * SIGKILL mid-replay and started again journals every test bar exactly once; a run publishing to a real
 * {@code redis-server} puts every prediction on the channel and the newest under the key, and streams them over
 * Server-Sent Events.
 */
class LiveRunnerIT {
    @TempDir
    static Path dir;
    static Path home;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PORT = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/");

    @BeforeAll
    static void train() throws Exception {
        home = dir.resolve("home");
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "data", "import", "--bundled")).as(err.toString()).isZero();
        Path spec = dir.resolve("live.yaml");
        Files.writeString(spec, """
                name: live
                units:
                  - name: direction
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - name: dnn
                        type: dnn
                        hidden: [[16], [8]]
                        training: {epochs: 3, lr: 0.003}
                """);
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "run", spec.toString(), "--local", "--slots", "1")).as(err.toString()).isZero();
    }

    private static Process live(String... args) throws IOException {
        return liveIn(home, args).start();
    }

    /** {@code atlas live start ARGS} on {@code home}, as a process to start (and start again). */
    static ProcessBuilder liveIn(Path home, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AtlasCli.class.getName(), "--home", home.toString(), "live", "start"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb;
    }

    /** Reads the process's output on a thread; completes with the HTTP port once the runner says it. */
    static CompletableFuture<Integer> port(Process p, StringBuffer output) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = PORT.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the runner ended without serving:\n" + output));
        });
        t.setDaemon(true);
        t.start();
        return port;
    }

    static JsonNode get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void aRunnerKilledMidReplayAndStartedAgainJournalsEveryBarOnce() throws Exception {
        String model = "live/direction/dnn#0";
        StringBuffer output = new StringBuffer();
        // a 5-minute bar every 0.1 s, fine-tuned every 10 matched outcomes
        Process p = live("--model", model, "--speed", "3000", "--http-port", "0", "--fine-tune", "10");
        int port = port(p, output).get(120, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        long predicted = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (predicted < 60 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            predicted = get(http, port, "/status").path("predicted").asLong();
        }
        assertThat(predicted).as(output.toString()).isBetween(60L, 200L);
        // the dashboard's live page, in this JVM, beside the runner's process that holds the live journal
        AtlasCli cli = new AtlasCli(Map.of());
        cli.home = home;
        try (io.atlasj.cli.dashboard.Dashboard d = DashboardCommand.start(cli, 0, "127.0.0.1", null, null)) {
            JsonNode row = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(d.url() + "api/live")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("models").get(0);
            assertThat(row.path("model").asText()).isEqualTo(model);
            assertThat(row.path("state").asText()).isEqualTo("running");
            assertThat(Long.parseLong(row.path("predicted").asText())).isGreaterThanOrEqualTo(60L);
            JsonNode newest = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.url()
                    + "api/live/predictions?limit=5&model=" + java.net.URLEncoder.encode(model,
                    java.nio.charset.StandardCharsets.UTF_8))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("predictions");
            assertThat(newest).hasSize(5);
            assertThat(newest.get(0).path("bar").asLong()).isGreaterThan(newest.get(4).path("bar").asLong());
        }
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), "--home", home.toString(), "live",
                "start", "--model", model, "--http-port", "-1", "--fine-tune", "10")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("resuming after").contains("finished");

        LiveModel m = LiveModel.find(new AtlasHome(home), model);
        long[] test = m.test().time();
        try (LiveJournal j = LiveJournal.open(new AtlasHome(home).live())) {
            List<LiveJournal.Entry> entries = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries).hasSize(test.length);
            for (int i = 0; i < test.length; i++) {
                assertThat(entries.get(i).barTime()).isEqualTo(test[i]);
                assertThat(entries.get(i).status()).isEqualTo("ok");
                if (entries.get(i).version() == 1) {
                    assertThat(entries.get(i).predicted()).as("bar %d", i).isEqualTo(m.test().predicted()[i]);
                }
            }
            List<LiveJournal.Frame> frames = j.frames(model, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(frames).hasSize(test.length);
            long matched = frames.stream().filter(f -> f.matchedAt() != null).count();
            assertThat(matched).isEqualTo(test.length - m.label().horizon());
            assertThat(j.runner(model).orElseThrow().state()).isEqualTo("finished");
            // training events: each matched frame learned from once across the kill (the journal's key forbids a
            // second time, and the versions' counts add up to the events), all but the last few learned from
            List<LiveJournal.Version> versions = j.versions(model);
            long learned = j.trainingEvents(model);
            assertThat(learned).isBetween(matched - 9, matched);
            assertThat(versions).hasSize(1 + (int) (learned / 10));
            for (int v = 1; v < versions.size(); v++) {
                assertThat(versions.get(v).parent()).isEqualTo(versions.get(v - 1).version());
                assertThat(versions.get(v).source()).contains("on 10 matched outcomes");
                assertThat(io.atlasj.workspec.results.ResultsIo.sha256(Path.of(versions.get(v).file())))
                        .isEqualTo(versions.get(v).sha256());
            }
            assertThat(j.active(model).orElseThrow().version()).isEqualTo(versions.size());
        }
        StringWriter status = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(status), new PrintWriter(err), "--home", home.toString(),
                "live", "status")).isZero();
        assertThat(status.toString()).contains(model).contains("finished").contains(String.valueOf(test.length));
        // a replay of history has no feed lag to speak of
        assertThat(status.toString().lines().filter(l -> l.startsWith(model)).findFirst().orElseThrow().trim())
                .endsWith("replay");
        // a rollback from the command line: version 1 is served again
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "live", "rollback", "--model", model, "--to-version", "1")).as(err.toString()).isZero();
        StringWriter versions = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(versions), new PrintWriter(err), "--home", home.toString(),
                "live", "versions", "--model", model)).isZero();
        assertThat(versions.toString().lines().filter(l -> l.startsWith("1 *")).count()).isEqualTo(1);
        StringWriter csv = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(csv), new PrintWriter(err), "--home", home.toString(),
                "live", "predictions", "--model", model, "--format", "csv")).isZero();
        assertThat(csv.toString().lines()).hasSize(test.length + 1);
    }

    /**
     * The folder feed: a home whose store ends an hour before the model's test period gets the rest of the bundled
     * trades as five files dropped into a folder while the runner runs (each split mid-bar); it imports each, predicts
     * every bar as soon as a later one has data, and predicts on the test bars what training stored.
     */
    /** The bundled trades' header and the trade lines from a cut on. */
    private record Split(String header, List<String> after) {
    }

    /**
     * Makes {@code home2}: the trained models of {@code home} (their runs copied) and the bundled trades before
     * {@code cut} (epoch seconds) imported; returns the trades from {@code cut} on, which a feed then delivers.
     */
    private static Split homeWithTradesBefore(Path home2, long cut) throws Exception {
        CliRun.copyRuns(home, home2);
        List<String> lines = Files.readAllLines(io.atlasj.marketdata.pipeline.BundledData.extract(
                Files.createTempDirectory(dir, "bundled")));
        String header = lines.get(0);
        List<String> before = new ArrayList<>(List.of(header));
        List<String> after = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            (Long.parseLong(l.substring(0, l.indexOf(','))) < cut ? before : after).add(l);
        }
        Path first = Files.createTempFile(dir, "before", ".csv");
        Files.write(first, before);
        StringWriter err = new StringWriter();
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home2.toString(), "data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "btc_usd", first.toString())).as(err.toString()).isZero();
        return new Split(header, after);
    }

    @Test
    void aFolderFeedImportsFilesAsTheyLandAndPredictsWhatTrainingStored() throws Exception {
        String model = "live/direction/dnn#0";
        LiveModel m = LiveModel.find(new AtlasHome(home), model);
        long[] test = m.test().time();
        Path home2 = dir.resolve("home2");
        Split split = homeWithTradesBefore(home2, test[0] / 1000 - 3600);
        String header = split.header();
        List<String> after = split.after();
        StringWriter err = new StringWriter();

        Path drop = Files.createDirectories(dir.resolve("drop"));
        ProcessBuilder pb = liveIn(home2, "--model", model, "--feed", "dir", "--dir", drop.toString(), "--format",
                "bitstamp-trades", "--exchange", "bitstamp", "--symbol", "btc_usd", "--http-port", "0");
        Process p = pb.start();
        StringBuffer output = new StringBuffer();
        int port = port(p, output).get(120, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        // a bad file first: refused whole, moved aside with the reason (file, line, field), and the runner goes on
        Files.writeString(drop.resolve("bad.csv"), header + "\n1385337600,abc,0.5\n");
        Path refused = drop.resolve("rejected").resolve("bad.csv.error");
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(refused) && System.nanoTime() < wait) {
            Thread.sleep(100);
        }
        assertThat(refused).as(output.toString()).exists();
        assertThat(Files.readString(refused)).contains("bad.csv").contains("2").contains("price");
        assertThat(drop.resolve("rejected").resolve("bad.csv")).exists();
        int chunks = 5;
        boolean killed = false;
        int per = (after.size() + chunks - 1) / chunks;
        for (int c = 0; c < chunks; c++) {
            List<String> part = new ArrayList<>(List.of(header));
            part.addAll(after.subList(c * per, Math.min(after.size(), (c + 1) * per)));
            Path tmp = drop.resolve(String.format("trades-%02d.csv.tmp", c));
            Files.write(tmp, part);
            Files.move(tmp, drop.resolve(String.format("trades-%02d.csv", c)));
            Path done = drop.resolve("imported").resolve(String.format("trades-%02d.csv", c));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(done) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(done).as(output.toString()).exists();
            if (c == 2 && !killed) {
                // killed while it predicts the bars this file completed; started again, it goes on after the last
                // journaled bar, so none of them is left without an entry
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                killed = true;
                p = pb.start();
                output = new StringBuffer();
                port = port(p, output).get(120, TimeUnit.SECONDS);
                assertThat(output.toString()).contains("resuming after");
            }
        }
        // every bar but the newest stored one (no later bar completes it) gets predicted
        String lastTrade = after.get(after.size() - 1);
        long newest = Long.parseLong(lastTrade.substring(0, lastTrade.indexOf(','))) * 1000 / 300_000 * 300_000;
        String lastWanted = java.time.Instant.ofEpochMilli(newest - 300_000).toString();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!lastWanted.equals(get(http, port, "/status").path("lastBar").asText())
                && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertThat(get(http, port, "/status").path("lastBar").asText()).as(output.toString()).isEqualTo(lastWanted);
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home2.toString(), "live", "stop", "--model", model)).as(err.toString()).isZero();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output.toString()).isZero();
        assertThat(output.toString()).contains("stopped");

        try (LiveJournal j = LiveJournal.open(new AtlasHome(home2).live())) {
            List<LiveJournal.Entry> entries = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries.get(0).barTime()).isLessThan(test[0]); // it began in the hour before the test period
            java.util.Map<Long, LiveJournal.Entry> byBar = new java.util.HashMap<>();
            entries.forEach(e -> byBar.put(e.barTime(), e));
            for (int i = 0; i < test.length; i++) {
                LiveJournal.Entry e = byBar.get(test[i]);
                assertThat(e).as("test bar %d", i).isNotNull();
                assertThat(e.status()).isEqualTo("ok");
                assertThat(e.predicted()).as("test bar %d", i).isEqualTo(m.test().predicted()[i]);
                for (int k = 0; k < e.probabilities().length; k++) {
                    assertThat(e.probabilities()[k]).isCloseTo(m.test().probabilities().get(i, k),
                            org.assertj.core.data.Offset.offset(2e-6));
                }
            }
            assertThat(byBar).doesNotContainKey(newest);
            assertThat(entries.get(entries.size() - 1).barTime()).isEqualTo(newest - 300_000);
        }
    }

    @Test
    void predictionsGoToRedisAndOverServerSentEvents() throws Exception {
        Path server = Path.of("/usr/bin/redis-server");
        assumeTrue(Files.isExecutable(server), "redis-server is not installed (.ci/run installs it)");
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        Process redis = new ProcessBuilder(server.toString(), "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(dir.resolve("redis.log")
                .toFile()).start();
        try {
            String model = "live/direction/dnn#1";
            List<String> published = new CopyOnWriteArrayList<>();
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    published.add(message);
                }
            };
            Thread subscriber = new Thread(() -> {
                for (int attempt = 0; attempt < 100; attempt++) {
                    try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
                        j.subscribe(sub, "atlas:live:" + model);
                        return;
                    } catch (RuntimeException e) {
                        try {
                            Thread.sleep(100); // redis-server is still starting
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            subscriber.setDaemon(true);
            subscriber.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!sub.isSubscribed() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(sub.isSubscribed()).isTrue();

            StringBuffer output = new StringBuffer();
            Process p = live("--model", model, "--speed", "3000", "--http-port", "0", "--redis", "127.0.0.1:" + redisPort);
            int port = port(p, output).get(120, TimeUnit.SECONDS);
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> stream.join().body().filter(l -> l.startsWith("data: "))
                    .forEach(l -> events.add(l.substring(6))));
            reader.setDaemon(true);
            reader.start();
            JsonNode first = get(http, port, "/predictions?limit=3");
            long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (first.size() < 3 && System.nanoTime() < ready) { // the runner warms up before its first bar
                Thread.sleep(200);
                first = get(http, port, "/predictions?limit=3");
            }
            assertThat(first.isArray()).isTrue();
            assertThat(first.size()).isEqualTo(3);
            assertThat(first.get(0).path("model").asText()).isEqualTo(model);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(output.toString()).isTrue();
            assertThat(p.exitValue()).as(output.toString()).isZero();
            reader.join(10_000);

            LiveModel m = LiveModel.find(new AtlasHome(home), model);
            int bars = m.test().time().length;
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (published.size() < bars && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            sub.unsubscribe();
            assertThat(published).hasSize(bars);
            for (int i = 0; i < bars; i++) {
                JsonNode j = JSON.readTree(published.get(i));
                assertThat(j.path("bar").asLong()).isEqualTo(m.test().time()[i]);
                assertThat(j.path("prediction").asDouble()).isEqualTo(m.test().predicted()[i]);
            }
            try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
                assertThat(j.get("atlas:live:" + model)).isEqualTo(published.get(bars - 1));
            }
            // money: the settled live predictions traded as the report trades the backtest's, which they equal here
            try (LiveJournal j = LiveJournal.open(new AtlasHome(home).live())) {
                LiveMoney money = LiveMoney.of(new AtlasHome(home), j, model);
                assertThat(money.settled()).isEqualTo(bars - m.label().horizon());
                assertThat(money.live()).isPresent();
                assertThat(money.live().get().totalReturn()).isEqualTo(money.backtestSame().orElseThrow().totalReturn());
                assertThat(money.live().get().bars()).isEqualTo(money.backtestSame().get().bars());
                assertThat(Math.abs(money.z())).isLessThan(1.96);
                assertThat(money.text()).contains("money on " + money.settled() + " settled bars")
                        .contains("within the backtest's 95% band");
                // and their distribution is the backtest's: the live bars are part of its test period
                assertThat(money.ks()).isGreaterThan(0.5);
                assertThat(money.text()).contains("Kolmogorov-Smirnov p = ").doesNotContain("DRIFT");
            }
            // the stream was opened after the first bars: it has the rest, in order, ending with the last
            assertThat(events).isNotEmpty();
            assertThat(events.get(events.size() - 1)).isEqualTo(published.get(bars - 1));
            assertThat(published).containsSubsequence(events);

            // a Redis that stops answering (SIGSTOP) while a runner replays does not hold the runner up: each bar used to
            // wait for Jedis's 2 s timeout, here about 240 bars; its predictions are still journaled and served
            Path stalled = dir.resolve("home-redis-stalled");
            CliRun.atlas(stalled, 0, "data", "import", "--bundled");
            CliRun.copyRuns(home, stalled);
            StringBuffer out2 = new StringBuffer();
            Process p2 = liveIn(stalled, "--model", model, "--speed", "3000", "--http-port", "0", "--redis",
                    "127.0.0.1:" + redisPort).start();
            try {
                int port2 = port(p2, out2).get(120, TimeUnit.SECONDS);
                long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (get(http, port2, "/predictions?limit=3").size() < 3 && System.nanoTime() < warm) {
                    Thread.sleep(100);
                }
                new ProcessBuilder("kill", "-STOP", String.valueOf(redis.pid())).start().waitFor();
                try {
                    assertThat(p2.waitFor(90, TimeUnit.SECONDS)).as(out2.toString()).isTrue();
                } finally {
                    new ProcessBuilder("kill", "-CONT", String.valueOf(redis.pid())).start().waitFor();
                }
            } finally {
                p2.destroyForcibly();
            }
            assertThat(p2.exitValue()).as(out2.toString()).isZero();
            try (LiveJournal j = LiveJournal.open(new AtlasHome(stalled).live())) {
                assertThat(j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE)).hasSize(bars);
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The binance-ws feed against a local server of Binance's protocol, fed the bundled data's bars from an hour
     * before the test period on: the stream drops (the bars sent meanwhile are lost), skips a bar, repeats one, and the
     * runner is killed with SIGKILL while bars go on closing. Every bar reaches the store exactly as the batch build
     * saw it, and every test bar is predicted once, as the batch run predicted it.
     */
    @Test
    void aBinanceStreamIsStoredAndPredictedThroughDropsGapsRepeatsAndAKill() throws Exception {
        String model = "live/direction/dnn#0";
        LiveModel m = LiveModel.find(new AtlasHome(home), model);
        long[] test = m.test().time();
        long tf = 300_000;
        long cut = test[0] - 3_600_000;
        Path home3 = dir.resolve("home3");
        homeWithTradesBefore(home3, cut / 1000);
        io.atlasj.marketdata.Market market = io.atlasj.marketdata.Market.parse("bitstamp:btc_usd");
        List<BinanceProtocolServer.Bar> bars = new ArrayList<>();
        try (var store = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home).marketData())) {
            for (double[] b : realBars(store, market, cut)) {
                bars.add(new BinanceProtocolServer.Bar((long) b[0], b[1], b[2], b[3], b[4], b[5]));
            }
        }
        assertThat(bars.get(0).open()).isEqualTo(cut);
        int n = bars.size();
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(bars, tf, "BTCUSD", "5m", cut + 60_000)) {
            ProcessBuilder pb = liveIn(home3, "--model", model, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0");
            Process p = pb.start();
            StringBuffer output = new StringBuffer();
            int port = port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            awaitConnections(exchange, 1, output);
            int kill = n / 4;
            int drop = n / 2;
            int skip = n / 2 + 20;
            int repeat = n / 2 + 25;
            long pushed = 0;
            for (int i = 0; i < n; i++) {
                BinanceProtocolServer.Bar b = bars.get(i);
                if (i == kill) {
                    // killed while bars go on closing: started again, it fetches them from the history
                    awaitLastBar(http, port, bars.get(i - 1).open(), output);
                    p.destroyForcibly();
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    exchange.now = bars.get(i + 9).open() + tf + 1000;
                    int before = exchange.connections.get();
                    p = pb.start();
                    output = new StringBuffer();
                    port = port(p, output).get(120, TimeUnit.SECONDS);
                    assertThat(output.toString()).contains("resuming after");
                    awaitConnections(exchange, before + 1, output);
                    i += 9;
                    continue;
                }
                if (i == drop) {
                    // the server goes away; the five bars that close before the feed is back are never sent
                    int before = exchange.connections.get();
                    exchange.dropConnections();
                    exchange.now = bars.get(i + 4).open() + tf + 1000;
                    awaitConnections(exchange, before + 1, output);
                    i += 4;
                    continue;
                }
                exchange.now = b.open() + 60_000;
                exchange.push(b, false); // the forming bar: ignored
                exchange.now = b.open() + tf;
                if (i == n - 1) {
                    pushed = System.currentTimeMillis(); // before the last bar can reach the journal
                }
                if (i != skip) { // the stream skips one closed bar: the next one shows the gap
                    exchange.push(b, true);
                }
                if (i == repeat) {
                    exchange.push(bars.get(i - 1), true); // and sends one twice
                }
                Thread.sleep(5);
            }
            long last = bars.get(n - 1).open();
            awaitLastBar(http, port, last, output);
            // the feed lag: from the bar's close (in 2013, on this server's clock) to its journal entry
            long lag = get(http, port, "/status").path("feedLagMs").asLong();
            assertThat(lag).isBetween(pushed - (last + tf), System.currentTimeMillis() - (last + tf));
            StringWriter status = new StringWriter();
            assertThat(AtlasCli.run(Map.of(), new PrintWriter(status), new PrintWriter(new StringWriter()), "--home",
                    home3.toString(), "live", "status")).isZero();
            assertThat(status.toString()).containsPattern("\\d+\\.\\d/\\d+\\.\\d s");
            StringWriter err = new StringWriter();
            assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                    home3.toString(), "live", "stop", "--model", model)).as(err.toString()).isZero();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output.toString()).isZero();
            // duplicates: the repeated bar, and any the stream sent while the reconnection's history fetch got it too
            assertThat(output.toString()).contains("reconnected to").containsPattern("[1-9][0-9]* duplicates dropped, 1 "
                    + "reconnects");
            assertThat(exchange.refused).isEmpty();
            System.out.println("RUNNER OUTPUT\n" + output);
        }
        // the store holds every bar as the batch build saw it (from the trades), no more, no less
        try (var want = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home).marketData());
             var got = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home3).marketData())) {
            List<double[]> a = realBars(want, market, cut);
            List<double[]> b = realBars(got, market, cut);
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).as("bar %s", java.time.Instant.ofEpochMilli((long) a.get(i)[0]))
                        .containsExactly(a.get(i));
            }
        }
        try (var spool = Files.list(home3.resolve("live").resolve("feeds").resolve("bitstamp_btc_usd-5m"))) {
            assertThat(spool.toList()).isEmpty(); // every received file imported and removed, none refused
        }
        assertEveryTestBarPredictedAsStored(home3, model, m);
    }

    /**
     * {@code --trades}: the binance-ws feed records the trade stream beside the klines. The local server streams the
     * bundled data's real trades after a cut (as Binance trades, with ids), repeats one, leaves five out of the stream
     * (its history has them), and the runner is killed with SIGKILL while trades it received wait to be imported (they
     * are not in the history: only its recording has them), with a hole among them that the history, down then, could
     * not fill yet, and more are made while it is down. Every trade reaches the store exactly once, and the minute bars the store makes
     * from them are the batch build's, made from the same trades.
     */
    @Test
    void aBinanceTradeStreamIsRecordedOnceThroughARepeatAGapAndAKill() throws Exception {
        String model = "live/direction/dnn#0";
        LiveModel m = LiveModel.find(new AtlasHome(home), model);
        long tf = 300_000;
        long cut = m.test().time()[0] - 3_600_000;
        Path home4 = dir.resolve("home4");
        homeWithTradesBefore(home4, cut / 1000);
        io.atlasj.marketdata.Market market = io.atlasj.marketdata.Market.parse("bitstamp:btc_usd");
        List<BinanceProtocolServer.Bar> bars = new ArrayList<>();
        List<BinanceProtocolServer.Trade> trades = new ArrayList<>();
        int n = 30;
        try (var store = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home).marketData())) {
            for (double[] b : realBars(store, market, cut).subList(0, n)) {
                bars.add(new BinanceProtocolServer.Bar((long) b[0], b[1], b[2], b[3], b[4], b[5]));
            }
            var t = store.trades(market, cut, bars.get(n - 1).open() + tf);
            for (int i = 0; i < t.size(); i++) {
                trades.add(new BinanceProtocolServer.Trade(7_000_000L + i, t.times()[i], t.prices()[i],
                        t.quantities()[i], i % 3 == 0));
            }
        }
        assertThat(trades.size()).as("real trades in the %d bars", n).isGreaterThan(10 * n);
        long end = bars.get(n - 1).open() + tf;
        int kill = n / 3;
        int gap = n / 2;
        int repeat = n / 2 + 3;
        // the trades the runner receives before it is killed are not in the history: only its recording has them
        long killedBar = bars.get(kill).open();
        List<BinanceProtocolServer.Trade> streamedBeforeKill = trades.stream().filter(t -> t.time() < killedBar).toList();
        List<BinanceProtocolServer.Trade> killedBarTrades = trades.stream()
                .filter(t -> t.time() >= killedBar && t.time() < killedBar + tf).toList();
        List<BinanceProtocolServer.Trade> recordedOnly = new ArrayList<>(streamedBeforeKill);
        recordedOnly.addAll(killedBarTrades.subList(0, killedBarTrades.size() / 2));
        // three of them are left out of the stream while the history is down: a hole the killed runner had not
        // fetched, which the runner started again finds among the stored ids and fetches
        List<BinanceProtocolServer.Trade> hole = recordedOnly.subList(recordedOnly.size() - 6, recordedOnly.size() - 3);
        java.util.Set<Long> holeIds = new java.util.HashSet<>();
        hole.forEach(t -> holeIds.add(t.id()));
        recordedOnly = recordedOnly.stream().filter(t -> !holeIds.contains(t.id())).toList();
        java.util.Set<Long> notInHistory = new java.util.HashSet<>();
        recordedOnly.forEach(t -> notInHistory.add(t.id()));
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(bars, tf, "BTCUSD", "5m", cut + 60_000)) {
            exchange.tradeHistory("BTCUSD", trades.stream().filter(t -> !notInHistory.contains(t.id())).toList());
            ProcessBuilder pb = liveIn(home4, "--model", model, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0",
                    "--trades");
            Process p = pb.start();
            StringBuffer output = new StringBuffer();
            int port = port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            awaitConnections(exchange, 1, output);
            Path recording = home4.resolve("live").resolve("feeds").resolve("bitstamp_btc_usd-trades")
                    .resolve("recording.part");
            for (int i = 0; i < n; i++) {
                BinanceProtocolServer.Bar b = bars.get(i);
                List<BinanceProtocolServer.Trade> mine = trades.stream()
                        .filter(t -> t.time() >= b.open() && t.time() < b.open() + tf).toList();
                if (i == kill) {
                    // the bar before closed first, with the exchange's clock still at its close: a clock already past
                    // this bar's close let a slow runner close this bar too before the wait saw the one before it
                    awaitLastBar(http, port, bars.get(i - 1).open(), output);
                }
                exchange.now = b.open() + tf;
                if (i == kill) {
                    // half of this bar's trades reach the runner, which is killed before they are imported; the rest,
                    // and the next bar's, are made while it is down: started again, it imports what it had recorded
                    // and fetches the others from the history
                    exchange.tradeHistoryDown = true;
                    mine.subList(0, mine.size() / 2).stream().filter(t -> !holeIds.contains(t.id()))
                            .forEach(t -> exchange.pushTrade("BTCUSD", t));
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while ((!Files.exists(recording) || lines(recording) < recordedOnly.size())
                            && System.nanoTime() < until) {
                        Thread.sleep(50); // appended to its recording (written out once a second)
                    }
                    assertThat(lines(recording)).as("trades in the recording when killed").isEqualTo(recordedOnly.size());
                    p.destroyForcibly();
                    exchange.tradeHistoryDown = false;
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    exchange.now = bars.get(i + 1).open() + tf + 1000;
                    int before = exchange.connections.get();
                    p = pb.start();
                    output = new StringBuffer();
                    port = port(p, output).get(120, TimeUnit.SECONDS);
                    assertThat(output.toString()).contains("trades a stopped runner recorded");
                    awaitConnections(exchange, before + 1, output);
                    i += 1;
                    continue;
                }
                for (int k = 0; k < mine.size(); k++) {
                    if (i == gap && k >= mine.size() / 2 && k < mine.size() / 2 + 5) {
                        continue; // left out of the stream: the next trade's id shows the gap
                    }
                    exchange.pushTrade("BTCUSD", mine.get(k));
                    if (i == repeat && k == 0) {
                        exchange.pushTrade("BTCUSD", mine.get(k)); // and one sent twice
                    }
                }
                exchange.push(b, true);
                Thread.sleep(5);
            }
            awaitLastBar(http, port, bars.get(n - 1).open(), output);
            StringWriter err = new StringWriter();
            assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                    home4.toString(), "live", "stop", "--model", model)).as(err.toString()).isZero();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output.toString()).isZero();
            assertThat(output.toString()).containsPattern("[1-9][0-9]* trades recorded \\([1-9][0-9]* from the "
                    + "history\\), [1-9][0-9]* duplicate trades dropped, 0 missing");
            assertThat(exchange.tradeRequests.get()).as("history asked for the gap and the kill").isGreaterThanOrEqualTo(2);
            assertThat(exchange.refused).isEmpty();
        }
        try (var want = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home).marketData());
             var got = io.atlasj.marketdata.store.MarketDataStore.open(new AtlasHome(home4).marketData())) {
            // every trade once: the ids the exchange gave, in order, with their times, prices and amounts
            var t = got.trades(market, cut, end);
            assertThat(t.size()).isEqualTo(trades.size());
            for (int i = 0; i < trades.size(); i++) {
                assertThat(t.tradeIds()[i]).as("trade %d", i).isEqualTo(trades.get(i).id());
                assertThat(t.times()[i]).isEqualTo(trades.get(i).time());
                assertThat(t.prices()[i]).isEqualTo(trades.get(i).price());
                assertThat(t.quantities()[i]).isEqualTo(trades.get(i).qty());
                assertThat(t.sides()[i]).isEqualTo(trades.get(i).buyerMaker() ? (byte) -1 : (byte) 1);
            }
            // the minute bars made from them are the batch build's (the klines make the 5-minute ones and coarser)
            var a = want.candles(market, io.atlasj.marketdata.Timeframe.M1, cut, end);
            var b = got.candles(market, io.atlasj.marketdata.Timeframe.M1, cut, end);
            io.atlasj.testing.SameBars.assertSameOhlcv(b, a);
            List<double[]> k = realBars(got, market, cut);
            assertThat(k.subList(0, n)).usingRecursiveComparison().isEqualTo(realBars(want, market, cut).subList(0, n));
        }
        try (var spool = Files.list(home4.resolve("live").resolve("feeds").resolve("bitstamp_btc_usd-trades"))) {
            assertThat(spool.toList()).isEmpty(); // every recording imported and removed, none refused
        }
    }

    private static long lines(Path file) throws IOException {
        try (var l = Files.lines(file)) {
            return l.count();
        }
    }

    @Test
    void aBinanceFeedRefusesAMarketItWouldMislabelAndAServerItCannotReach() throws Exception {
        StringWriter err = new StringWriter();
        // the model was trained on Bitstamp bars: Binance's own would be stored under Bitstamp's name
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "live", "start", "--model", "live/direction/dnn#0", "--feed", "binance-ws",
                "--http-port", "-1")).isNotZero();
        assertThat(err.toString()).contains("bitstamp:btc_usd, not a Binance market").contains("--ws-url");
        err.getBuffer().setLength(0);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort(); // nobody listens there once closed
        }
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "live", "start", "--model", "live/direction/dnn#0", "--feed", "binance-ws",
                "--ws-url", "ws://127.0.0.1:" + closed, "--rest-url", "http://127.0.0.1:" + closed,
                "--http-port", "-1")).isNotZero();
        assertThat(err.toString()).contains("cannot reach http://127.0.0.1:" + closed + "/api/v3/time")
                .contains("--rest-url");
        err.getBuffer().setLength(0);
        assertThat(AtlasCli.run(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), "--home",
                home.toString(), "live", "start", "--model", "live/direction/dnn#0", "--feed", "replay",
                "--ws-url", "ws://127.0.0.1:1")).isNotZero();
        assertThat(err.toString()).contains("--ws-url, --rest-url and --trades go with --feed binance-ws");
    }

    /** The stored (not filled) 5-minute bars from {@code from} on: open time, open, high, low, close, volume. */
    private static List<double[]> realBars(io.atlasj.marketdata.store.MarketDataStore store,
                                           io.atlasj.marketdata.Market market, long from) {
        var c = store.candles(market, io.atlasj.marketdata.Timeframe.M5, from, Long.MAX_VALUE / 4);
        List<double[]> bars = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (c.sources()[i] != io.atlasj.marketdata.CandleSource.FILLED.code()) {
                bars.add(new double[] {c.openTime(i), c.opens()[i], c.highs()[i], c.lows()[i], c.closes()[i],
                        c.volumes()[i]});
            }
        }
        return bars;
    }

    static void awaitConnections(BinanceProtocolServer exchange, int count, StringBuffer output)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((exchange.connections.get() < count || exchange.openConnections() == 0) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(exchange.connections.get()).as(output.toString()).isGreaterThanOrEqualTo(count);
    }

    /** {@code atlas live stop} of the runner {@code p} serving {@code model} in {@code home}: it ends, exit code 0. */
    static void stop(Path home, String model, Process p, StringBuffer output) throws InterruptedException {
        CliRun.atlas(home, 0, "live", "stop", "--model", model);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output.toString()).isZero();
    }

    static void awaitLastBar(HttpClient http, int port, long bar, StringBuffer output) throws Exception {
        String want = java.time.Instant.ofEpochMilli(bar).toString();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!want.equals(get(http, port, "/status").path("lastBar").asText()) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(get(http, port, "/status").path("lastBar").asText()).as(output.toString()).isEqualTo(want);
    }

    /** Every test bar has one journaled prediction, the batch run's class with its probabilities. */
    static void assertEveryTestBarPredictedAsStored(Path home2, String model, LiveModel m) {
        assertTestBarsPredictedAsStored(home2, model, m, m.test().time().length);
    }

    /** The first {@code count} test bars have one journaled prediction each, as the batch run stored it. */
    static void assertTestBarsPredictedAsStored(Path home2, String model, LiveModel m, int count) {
        long[] test = java.util.Arrays.copyOf(m.test().time(), count);
        try (LiveJournal j = LiveJournal.open(new AtlasHome(home2).live())) {
            List<LiveJournal.Entry> entries = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            java.util.Map<Long, LiveJournal.Entry> byBar = new java.util.HashMap<>();
            entries.forEach(e -> assertThat(byBar.put(e.barTime(), e)).as("bar %d twice", e.barTime()).isNull());
            for (int i = 0; i < test.length; i++) {
                LiveJournal.Entry e = byBar.get(test[i]);
                assertThat(e).as("test bar %d", i).isNotNull();
                assertThat(e.status()).as("test bar %d at %s: %s", i, java.time.Instant.ofEpochMilli(test[i]),
                        e.reason()).isEqualTo("ok");
                assertThat(e.predicted()).as("test bar %d", i).isEqualTo(m.test().predicted()[i]);
                for (int k = 0; k < e.probabilities().length; k++) {
                    assertThat(e.probabilities()[k]).isCloseTo(m.test().probabilities().get(i, k),
                            org.assertj.core.data.Offset.offset(2e-6));
                }
            }
        }
    }
}
