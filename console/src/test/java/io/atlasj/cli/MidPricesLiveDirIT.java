package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.live.LiveJournal;
import io.atlasj.trainer.live.LiveModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code prices: mid} model served by a real runner process on the {@code dir} feed: a model trained on the real
 * LEAN Coinbase BTC/USD quote bars of 2017-09-03, a second home holding those quote bars up to an hour before its
 * test period, and the rest of the day's quote bars dropped into the runner's folder in three files as a European
 * spreadsheet saves {@code atlas data export --format csv}'s (';' between fields, decimal commas, Athens local times),
 * read by {@code quotes-csv} with the runner's {@code --delimiter}, {@code --decimal-comma} and {@code --time-zone}.
 * Every test bar is predicted as the batch build predicted it (a bar is complete once a later bar has data: the day
 * goes on after the test period).
 */
class MidPricesLiveDirIT {
    @TempDir
    Path dir;

    @Test
    void quoteFilesDroppedInAFolderArePredictedAsTheBatchBuildDid() throws Exception {
        Path home = dir.resolve("home");
        CliRun.atlas(home, 0, "data", "import", "--format", "lean", MidPricesCliTest.QUOTES.toString());
        Path spec = dir.resolve("mid.yaml");
        Files.writeString(spec, MidPricesCliTest.spec("- {name: dnn, type: dnn, hidden: [[8]], training: {epochs: 5}}"));
        CliRun.atlas(home, 0, "run", spec.toString(), "--local");
        String model = "mid/direction/dnn#0";
        LiveModel m = LiveModel.find(new AtlasHome(home), model);
        long[] test = m.test().time();
        CliRun.atlas(home, 0, "data", "export", "--format", "csv", "--timeframe", "1m", "--to",
                dir.resolve("exp").toString());
        List<String> rows = Files.readAllLines(dir.resolve("exp/coinbase/btcusd/quote-bars-1m.csv"));
        String header = rows.get(0);
        long cut = test[0] - 3_600_000L;
        List<String> before = new ArrayList<>(List.of(header));
        List<String> after = new ArrayList<>();
        for (String r : rows.subList(1, rows.size())) {
            (Instant.parse(r.substring(0, r.indexOf(','))).toEpochMilli() < cut ? before : after).add(r);
        }
        assertThat(after).hasSizeGreaterThan(60);

        // the second home: the trained model, and the quote bars up to an hour before its test period
        Path home2 = dir.resolve("home2");
        CliRun.copyRuns(home, home2);
        Path first = dir.resolve("before.csv");
        Files.write(first, before);
        String[] quotes = {"--format", "quotes-csv", "--exchange", "coinbase", "--symbol", "btcusd", "--timeframe", "1m"};
        List<String> imp = new ArrayList<>(List.of("data", "import"));
        imp.addAll(List.of(quotes));
        imp.add(first.toString());
        CliRun.atlas(home2, 0, imp.toArray(String[]::new));

        Path drop = Files.createDirectories(dir.resolve("drop"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AtlasCli.class.getName(), "--home", home2.toString(), "live", "start", "--model", model, "--feed",
                "dir", "--dir", drop.toString(), "--http-port", "0"));
        cmd.addAll(List.of(quotes));
        cmd.addAll(List.of("--delimiter", ";", "--decimal-comma", "--time-zone", "Europe/Athens"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        long[] newestSeen = {Long.MIN_VALUE};
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (java.io.IOException e) {
                output.append(e).append('\n');
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            int chunks = 3;
            int per = (after.size() + chunks - 1) / chunks;
            for (int c = 0; c < chunks; c++) {
                List<String> part = new ArrayList<>(List.of(header.replace(',', ';')));
                after.subList(c * per, Math.min(after.size(), (c + 1) * per)).forEach(r -> part.add(european(r)));
                Path tmp = drop.resolve("quotes-" + c + ".csv.tmp");
                Files.write(tmp, part);
                Files.move(tmp, drop.resolve("quotes-" + c + ".csv"));
                Path done = drop.resolve("imported").resolve("quotes-" + c + ".csv");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.exists(done) && System.nanoTime() < until && p.isAlive()) {
                    Thread.sleep(100);
                }
                assertThat(done).as(output.toString()).exists();
            }
            // the runner predicts each bar once it is complete (a later bar has data; the day's quote bars go on
            // after the test period's last bar): wait until it has predicted the last test bar, over its HTTP
            // endpoint as a strategy would read it
            java.util.regex.Matcher port = LiveRunnerIT.PORT.matcher("");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long newest = Long.MIN_VALUE;
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            while (newest < test[test.length - 1] && System.nanoTime() < until && p.isAlive()) {
                Thread.sleep(200);
                port = LiveRunnerIT.PORT.matcher(output);
                if (!port.find()) {
                    continue;
                }
                String body;
                try {
                    body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + port.group(1) + "/predictions?limit=1000")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    continue; // the port is printed as the server starts: ask again
                }
                for (var e : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)) {
                    newest = Math.max(newest, e.path("bar").asLong());
                }
            }
            newestSeen[0] = newest;
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS); // not asserted here: it would hide the failure that brought us here
        }
        assertThat(p.isAlive()).isFalse();
        try (LiveJournal j = LiveJournal.open(new AtlasHome(home2).live())) {
            var entries = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            List<Long> predicted = entries.stream().map(LiveJournal.Entry::barTime).toList();
            String summary = entries.stream().map(e -> Instant.ofEpochMilli(e.barTime()) + " " + e.status() + " "
                    + e.reason()).reduce("", (a, b) -> a + "\n" + b);
            assertThat(newestSeen[0]).as(output + summary).isEqualTo(test[test.length - 1]);
            for (int i = 0; i < test.length; i++) {
                int at = predicted.indexOf(test[i]);
                assertThat(at).as("test bar %d (%s) predicted", i, Instant.ofEpochMilli(test[i])).isNotNegative();
                LiveJournal.Entry e = entries.get(at);
                assertThat(e.status()).as("bar %d: %s", i, e.reason()).isEqualTo("ok");
                assertThat(e.predicted()).as("bar %d", i).isEqualTo(m.test().predicted()[i]);
            }
        }
    }

    /** A row of the export as a European spreadsheet saves it: ';' between fields, decimal commas, Athens time. */
    private static String european(String row) {
        String[] f = row.split(",", -1);
        f[0] = java.time.LocalDateTime.ofInstant(Instant.parse(f[0]), java.time.ZoneId.of("Europe/Athens"))
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        for (int i = 1; i < f.length; i++) {
            f[i] = f[i].replace('.', ',');
        }
        return String.join(";", f);
    }
}
