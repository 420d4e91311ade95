package io.atlasj.cli.dashboard;

import io.atlasj.cli.DashboardBrowserIT;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunBook;
import io.atlasj.trainer.journal.RunJournal;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.Headline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Bench command (not a test): the dashboard on a run of N models (default 10,000: {@code scripts/bench/dispatch-10k.yaml})
 * with E epochs each (default 20). A real run book drives every key through queued, assigned, harvesting and done on
 * 3 slots, as a coordinator does, writing its journal; the bench times the journal's lines (what a driver pays), the
 * dashboard's first read of the whole journal, its endpoints (median of 20), and, with Debian's chromium, the runs
 * page and the run's page loaded in a real browser until drawn (median of 5). Run with {@code scripts/bench-dashboard.sh}.
 */
public final class DashboardBench {
    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path home = Files.createTempDirectory("atlas-dashboard-bench");
        AtlasHome h = new AtlasHome(home);
        List<ModelSpec> models = Expander.expand(WorkSpecYaml.read(Path.of("../scripts/bench/dispatch-10k.yaml"), true));
        int n = models.size();

        // the driver's side: the book's transitions, every epoch, every headline
        long keyNanos = 0;
        long epochNanos = 0;
        long resultNanos = 0;
        long keyLines = 0;
        RunBook book = new RunBook("bench", models, new RunBook.Policy(0, 60_000, 0, 100, 1));
        try (RunJournal j = RunJournal.open(h.journal(), "bench")) {
            j.begin("bench", "dispatch-10k", null, "cluster", 3, models, System.currentTimeMillis());
            long now = System.currentTimeMillis();
            int done = 0;
            while (done < n) {
                for (int slot = 0; slot < 3; slot++) {
                    Optional<RunBook.Assignment> a = book.assign("node", slot, now);
                    if (a.isEmpty()) {
                        continue;
                    }
                    String key = a.get().tasks().get(0).key();
                    List<io.atlasj.trainer.engine.KeyRecord> changes = book.drainChanges();
                    keyLines += changes.size();
                    long t0 = System.nanoTime();
                    j.keys(changes, now);
                    keyNanos += System.nanoTime() - t0;
                    long t1 = System.nanoTime();
                    for (int e = 1; e <= epochs; e++) {
                        j.epoch(key, 0, e, 0.7 - e * 1e-3, 0.69 - e * 5e-4, now);
                    }
                    epochNanos += System.nanoTime() - t1;
                    book.reported(key, a.get().tasks().get(0).attempt(), new RunBook.Trained(true, null, 40), now);
                    book.harvested(key, new RunBook.Ingested(KeyStatus.DONE, ""));
                    changes = book.drainChanges();
                    keyLines += changes.size();
                    long t2 = System.nanoTime();
                    j.keys(changes, now);
                    keyNanos += System.nanoTime() - t2;
                    long t3 = System.nanoTime();
                    j.result(key, "done", new Headline("accuracy", 0.5 + (done % 97) / 1000.0, 0.5 + (done % 89) / 1000.0),
                            null);
                    resultNanos += System.nanoTime() - t3;
                    done++;
                    now += 5;
                }
            }
            j.end(now);
        }
        long bytes = Files.size(h.journal().resolve("bench.jsonl"));
        System.out.printf(Locale.ROOT, "journal of %d models, %d epochs each: %.1f MB; per line: key %.2f us, epoch %.2f us,"
                        + " result %.2f us; a driver's journal cost per model: %.1f us%n", n, epochs, bytes / 1e6,
                keyNanos / 1e3 / keyLines, epochNanos / 1e3 / ((double) n * epochs), resultNanos / 1e3 / n,
                (keyNanos + epochNanos + resultNanos) / 1e3 / n);

        HttpClient http = HttpClient.newHttpClient();
        try (Dashboard d = Dashboard.start(h, "127.0.0.1", 0, null)) {
            long t0 = System.nanoTime();
            while (true) {
                String body = http.send(HttpRequest.newBuilder(URI.create(d.url() + "api/runs")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("\"done\":" + n)) {
                    break;
                }
                Thread.sleep(20);
            }
            System.out.printf(Locale.ROOT, "the dashboard's first read of the journal, until /api/runs counts every model "
                    + "done: %.2f s%n", (System.nanoTime() - t0) / 1e9);
            for (String path : List.of("api/runs", "api/runs/bench", "api/runs/bench/models?sort=test&limit=100",
                    "api/runs/bench/models?sort=name&dir=asc&offset=9900&limit=100", "api/runs/bench/verdicts",
                    "api/runs/bench/models/" + models.get(n / 2).key())) {
                double[] ms = new double[20];
                long size = 0;
                for (int i = 0; i < ms.length; i++) {
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(d.url() + path)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    ms[i] = (System.nanoTime() - s) / 1e6;
                    size = r.body().length;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(path + ": " + r.statusCode());
                    }
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "GET /%s: median %.1f ms, max %.1f ms, %,d bytes%n", path, ms[ms.length / 2],
                        ms[ms.length - 1], size);
            }
            if (Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
                WebDriver b = DashboardBrowserIT.browser();
                try {
                    page(b, d.url(), "runs page", "#runs tr[data-run]");
                    page(b, d.url() + "run?run=bench", "run page (slots, verdicts, leaderboard of 100)",
                            "#leaderboard tr[data-key]");
                } finally {
                    b.quit();
                }
            } else {
                System.out.println("no /usr/bin/chromium and /usr/bin/chromedriver: pages not timed in a browser");
            }
        }
    }

    /** Loads a page until {@code drawn} is present, five times after one warm-up; prints the median. */
    private static void page(WebDriver b, String url, String what, String drawn) {
        double[] ms = new double[5];
        for (int i = -1; i < ms.length; i++) {
            b.get("about:blank");
            long s = System.nanoTime();
            b.get(url);
            new WebDriverWait(b, Duration.ofSeconds(30)).until(x -> !x.findElements(By.cssSelector(drawn)).isEmpty());
            if (i >= 0) {
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%s in chromium, until drawn: median %.0f ms, max %.0f ms%n", what, ms[2], ms[4]);
    }
}
