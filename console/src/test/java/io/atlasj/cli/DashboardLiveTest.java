package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.cli.dashboard.Dashboard;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.live.LiveJournal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's live page reads the live journal as {@code atlas live status} does, while a runner's process holds
 * it (H2's automatic server): its row and its newest predictions, newest first.
 */
class DashboardLiveTest {
    @TempDir
    Path dir;

    @Test
    void theLivePageShowsWhatLiveStatusShows() throws Exception {
        AtlasCli cli = new AtlasCli(Map.of());
        cli.home = dir;
        AtlasHome home = cli.home();
        String model = "quickstart/direction-3bar/dnn#1";
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (LiveJournal j = LiveJournal.open(home.live());
             Dashboard d = DashboardCommand.start(cli, 0, "127.0.0.1", null, null)) {
            JsonNode none = json.readTree(http.send(HttpRequest.newBuilder(URI.create(d.url() + "api/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(none.path("models")).isEmpty();
            j.started(model, 4242, "replay x1", -1);
            for (int i = 0; i < 3; i++) {
                j.record(new LiveJournal.Entry(model, 1_000_000L * (i + 1), 1, "ok", null, i % 2, new double[] {0.4, 0.6},
                        0.6, 900 + i, 2_000_000L), new LiveJournal.Frame(model, 1_000_000L * (i + 1), 1,
                        "bitstamp:btc_usd", "5m", 0, 1_000_000L * (i + 1), i % 2, 0.6, 1_000_000L * (i + 4), null, null));
            }
            JsonNode live = json.readTree(http.send(HttpRequest.newBuilder(URI.create(d.url() + "api/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode row = live.path("models").get(0);
            assertThat(row.path("model").asText()).isEqualTo(model);
            assertThat(row.path("state").asText()).isEqualTo("running");
            assertThat(row.path("predicted").asText()).isEqualTo("3");
            assertThat(row.path("outcomes").asText()).isEqualTo("0 of 3");
            assertThat(row.path("feed lag p50/p99").asText()).isEqualTo("replay");
            assertThat(row.has("money")).isTrue();
            JsonNode p = json.readTree(http.send(HttpRequest.newBuilder(URI.create(d.url()
                    + "api/live/predictions?limit=2&model=" + URLEncoder.encode(model, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(p.path("predictions")).hasSize(2);
            assertThat(p.path("predictions").get(0).path("bar").asLong()).isEqualTo(3_000_000L);
            assertThat(p.path("predictions").get(0).path("latencyMicros").asLong()).isEqualTo(902);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(d.url() + "live")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("data-page=\"live\"");
            // two bars the feed never gave, recorded with the entry of the bar after them: counted, and listed in
            // their place by `atlas live predictions`
            j.record(new LiveJournal.Entry(model, 6_000_000L, 1, "skipped", "a feature has no value", Double.NaN, null,
                    Double.NaN, 0, 2_000_000L), null, new LiveJournal.Missing(model, 4_000_000L, 5_000_000L, 2,
                    "the store has no real bar there", 2_000_000L));
            JsonNode after = json.readTree(http.send(HttpRequest.newBuilder(URI.create(d.url() + "api/live")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("models").get(0);
            assertThat(after.path("predicted").asText()).isEqualTo("3");
            assertThat(after.path("skipped").asText()).isEqualTo("1");
            assertThat(after.path("missing").asText()).isEqualTo("2");
            String[] csv = CliRun.atlas(dir, 0, "live", "predictions", "--model", model, "--format", "csv")[0]
                    .strip().split("\n");
            assertThat(csv).hasSize(6);
            assertThat(csv[4]).startsWith("1970-01-01 01:06:40,,missing,").contains("2 bars to 1970-01-01 01:23:20: "
                    + "the store has no real bar there");
            assertThat(csv[5]).startsWith("1970-01-01 01:40:00,1,skipped,");
        }
    }
}
