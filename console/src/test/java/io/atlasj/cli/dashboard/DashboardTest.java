package io.atlasj.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.engine.RunBook;
import io.atlasj.trainer.journal.RunJournal;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.Headline;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's HTTP contract over a journal its run book wrote: the JSON endpoints, sorting and its errors, the event
 * stream, the static pages, and its security (read-only, the token, the Host check, no files outside its own).
 */
class DashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private List<ModelSpec> models() throws Exception {
        return Expander.expand(WorkSpecYaml.read(Path.of("../configs/workspecs/quickstart.yaml"), true));
    }

    /** A run of the quickstart's models: three trained (with results), one training, the rest queued. */
    private RunJournal journal(AtlasHome home, List<ModelSpec> models) {
        RunBook book = new RunBook("quickstart-local-1", models, new RunBook.Policy(1, 60_000, 0, 100, 1));
        RunJournal j = RunJournal.open(home.journal(), "quickstart-local-1");
        j.begin("quickstart-local-1", "quickstart", null, "local", 1, models, 1_000);
        double[] tests = {0.51, 0.55, 0.53};
        for (int i = 0; i < 3; i++) {
            RunBook.Assignment a = book.assign("local", 0, 1_000 + i).orElseThrow();
            String key = a.tasks().get(0).key();
            j.keys(book.drainChanges(), 1_000 + i);
            j.epoch(key, 0, 1, 0.7, 0.69, 1_100);
            book.reported(key, a.tasks().get(0).attempt(), new RunBook.Trained(true, null, 50), 1_200);
            book.harvested(key, new RunBook.Ingested(io.atlasj.trainer.engine.KeyStatus.DONE, ""));
            j.keys(book.drainChanges(), 1_200);
            j.result(key, "done", new Headline("accuracy", 0.5, tests[i]), null);
        }
        book.assign("local", 0, 2_000).orElseThrow();
        j.keys(book.drainChanges(), 2_000);
        return j;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String url) throws Exception {
        HttpResponse<String> r = get(url);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode await(String url, java.util.function.Predicate<JsonNode> ok) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = json(url);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not as expected: " + last);
    }

    @Test
    void endpointsFollowTheJournalAndSortTheLeaderboard() throws Exception {
        AtlasHome home = new AtlasHome(dir);
        List<ModelSpec> models = models();
        try (RunJournal j = journal(home, models); Dashboard d = Dashboard.start(home, "127.0.0.1", 0, null)) {
            j.tick();
            j.close();
            String base = d.url();
            JsonNode runs = await(base + "api/runs", r -> r.path("runs").size() == 1
                    && r.path("runs").get(0).path("counts").path("done").asInt() == 3);
            JsonNode run = runs.path("runs").get(0);
            assertThat(run.path("run").asText()).isEqualTo("quickstart-local-1");
            assertThat(run.path("total").asInt()).isEqualTo(models.size());
            assertThat(run.path("state").asText()).isEqualTo("silent"); // no end line, no news for minutes

            JsonNode detail = json(base + "api/runs/quickstart-local-1");
            assertThat(detail.path("slots")).hasSize(1);
            assertThat(detail.path("slots").get(0).path("models")).hasSize(1);
            assertThat(detail.path("counts").path("assigned").asInt()).isEqualTo(1);

            JsonNode board = json(base + "api/runs/quickstart-local-1/models?sort=test&dir=desc&limit=3");
            assertThat(board.path("total").asInt()).isEqualTo(models.size());
            assertThat(board.path("rows")).extracting(r -> r.path("test").asDouble()).containsExactly(0.55, 0.53, 0.51);
            JsonNode asc = json(base + "api/runs/quickstart-local-1/models?sort=test&dir=asc&limit=3");
            assertThat(asc.path("rows")).extracting(r -> r.path("test").asDouble()).containsExactly(0.51, 0.53, 0.55);
            JsonNode done = json(base + "api/runs/quickstart-local-1/models?status=done");
            assertThat(done.path("rows")).hasSize(3);
            assertThat(get(base + "api/runs/quickstart-local-1/models?sort=luck").statusCode()).isEqualTo(400);
            assertThat(get(base + "api/runs/nope").statusCode()).isEqualTo(404);

            String key = board.path("rows").get(0).path("key").asText();
            JsonNode model = json(base + "api/runs/quickstart-local-1/models/" + key);
            assertThat(model.path("curve")).hasSize(1);
            assertThat(model.path("status").asText()).isEqualTo("done");
            // no result folder for it under runs/: no card, said plainly
            assertThat(get(base + "api/runs/quickstart-local-1/models/" + key + "/card.svg").statusCode()).isEqualTo(404);
            // the money view: no harvested result files to evaluate, so no family
            assertThat(json(base + "api/runs/quickstart-local-1/verdicts").path("families")).isEmpty();
        }
    }

    @Test
    void theEventStreamPassesOnNewJournalLines() throws Exception {
        AtlasHome home = new AtlasHome(dir);
        List<ModelSpec> models = models();
        try (RunJournal j = journal(home, models); Dashboard d = Dashboard.start(home, "127.0.0.1", 0, null)) {
            j.tick();
            await(d.url() + "api/runs", r -> r.path("runs").size() == 1);
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(d.url()
                    + "api/runs/quickstart-local-1/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("data: ") && line.contains("\"epoch\":7")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(300);
            j.epoch(models.get(5).key(), 0, 7, 0.4, 0.5, 5_000);
            j.close();
            assertThat(seen.get(10, TimeUnit.SECONDS)).contains("\"key\":\"" + models.get(5).key() + "\"");
        }
    }

    @Test
    void pagesAndTheChartLibraryAreServedAndNothingElse() throws Exception {
        try (Dashboard d = Dashboard.start(new AtlasHome(dir), "127.0.0.1", 0, null)) {
            HttpResponse<String> index = get(d.url());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("dashboard.js", "uPlot.iife.min.js");
            for (String p : List.of("run", "model", "compare", "dashboard.js", "dashboard.css", "uPlot.iife.min.js",
                    "uPlot.min.css")) {
                assertThat(get(d.url() + p).statusCode()).as(p).isEqualTo(200);
            }
            assertThat(get(d.url() + "io/atlasj/cli/AtlasCli.class").statusCode()).isEqualTo(404);
            assertThat(raw(d.port(), "GET /../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n")).startsWith(
                    "HTTP/1.1 404");
            assertThat(json(d.url() + "api/runs").path("runs")).isEmpty();
        }
    }

    @Test
    void itIsReadOnlyAndAnswersThisMachineOrItsTokenOnly() throws Exception {
        try (Dashboard d = Dashboard.start(new AtlasHome(dir), "127.0.0.1", 0, null)) {
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(d.url() + "api/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            // a page of another site that resolves its name to 127.0.0.1 (DNS rebinding) is refused
            assertThat(raw(d.port(), "GET /api/runs HTTP/1.1\r\nHost: evil.example:80\r\n")).startsWith("HTTP/1.1 403");
            assertThat(raw(d.port(), "GET /api/runs HTTP/1.1\r\nHost: localhost:" + d.port() + "\r\n"))
                    .startsWith("HTTP/1.1 200");
        }
        assertThatThrownBy(() -> Dashboard.start(new AtlasHome(dir), "0.0.0.0", 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give a token");
        assertThatThrownBy(() -> Dashboard.start(new AtlasHome(dir), "127.0.0.1", 0, "short"))
                .hasMessageContaining("at least 16");
        String token = "0123456789abcdef0123";
        try (Dashboard d = Dashboard.start(new AtlasHome(dir), "0.0.0.0", 0, token)) {
            String api = "http://127.0.0.1:" + d.port() + "/api/runs";
            assertThat(get(api).statusCode()).isEqualTo(401);
            assertThat(get(api + "?token=wrong-wrong-wrong-wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> withQuery = get(api + "?token=" + token);
            assertThat(withQuery.statusCode()).isEqualTo(200);
            assertThat(withQuery.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                    .contains("atlas_token=" + token, "HttpOnly", "SameSite=Strict"));
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(api)).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(api)).header("Cookie", "atlas_token=" + token)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withTlsTheDashboardIsServedOverHttpsOnly() throws Exception {
        io.atlasj.testing.Tls.makeCerts(dir.resolve("certs"), "127.0.0.1");
        Path node = dir.resolve("certs/127.0.0.1");
        try (Dashboard d = Dashboard.start(new AtlasHome(dir), "127.0.0.1", 0, null, node, Dashboard.LiveView.NONE)) {
            assertThat(d.url()).startsWith("https://127.0.0.1:");
            HttpResponse<String> page = io.atlasj.testing.Tls.trusting(node).send(HttpRequest.newBuilder(
                    URI.create(d.url() + "api/runs")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port()
                    + "/api/runs")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void aRunsCurvesExportAsTensorBoardEventFiles() throws Exception {
        AtlasHome home = new AtlasHome(dir);
        List<ModelSpec> models = models();
        journal(home, models).close();
        TensorBoardExport.Written w = TensorBoardExport.write(home, "quickstart-local-1", dir.resolve("tb"));
        assertThat(w.models()).isEqualTo(3);
        assertThat(w.scalars()).isEqualTo(6);
        ModelSpec first = models.stream().filter(m -> m.name().equals("logistic#0")).findFirst().orElseThrow();
        Path run = dir.resolve("tb").resolve(first.unit()).resolve(first.name());
        List<Path> files;
        try (var s = java.nio.file.Files.list(run)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).startsWith("events.out.tfevents.1.");
        // read back with TFRecord's framing and protobuf's generic parser, not with the writer's code
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(files.get(0)))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<com.google.protobuf.UnknownFieldSet> events = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            assertThat(b.getInt()).isEqualTo(masked(len));
            byte[] data = new byte[(int) java.nio.ByteBuffer.wrap(len).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()];
            b.get(data);
            assertThat(b.getInt()).isEqualTo(masked(data));
            events.add(com.google.protobuf.UnknownFieldSet.parseFrom(data));
        }
        assertThat(events).hasSize(3);
        assertThat(events.get(0).getField(3).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo("brain.Event:2");
        com.google.protobuf.UnknownFieldSet e = events.get(2);
        assertThat(e.getField(2).getVarintList()).containsExactly(1L); // step: epoch 1
        assertThat(Double.longBitsToDouble(e.getField(1).getFixed64List().get(0))).isEqualTo(1.1); // wall time, s
        com.google.protobuf.UnknownFieldSet value = com.google.protobuf.UnknownFieldSet.parseFrom(
                com.google.protobuf.UnknownFieldSet.parseFrom(e.getField(5).getLengthDelimitedList().get(0))
                        .getField(1).getLengthDelimitedList().get(0));
        assertThat(value.getField(1).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo("fold0/validation_loss");
        assertThat(Float.intBitsToFloat(value.getField(2).getFixed32List().get(0))).isEqualTo(0.69f);
        assertThatThrownBy(() -> TensorBoardExport.write(home, "../etc", dir.resolve("x")))
                .hasMessageContaining("no run '../etc'").hasMessageContaining("quickstart-local-1");
    }

    /** TFRecord's masked CRC-32C, computed here from its definition. */
    private static int masked(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** A request written by hand (the JDK's client sets Host and normalises paths itself); the status line back. */
    private static String raw(int port, String head) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
            OutputStream o = s.getOutputStream();
            o.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
