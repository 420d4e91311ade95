package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.workspec.WorkSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium through its chromedriver, installed by {@code .ci/run}) against a
 * real local cluster run: a coordinator serving the dashboard ({@code --dashboard-port}), a harvester and a trainer
 * process on 127.0.0.1 train {@code workspecs/dashboard.yaml}. While it runs, a model's page shows its curve growing
 * epoch by epoch (pushed by Server-Sent Events, never reloaded); the runs page shows the models finishing; the
 * leaderboard sorts by a column and back; the model's baseball card is drawn; the screenshot is not blank.
 */
public class DashboardBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static boolean browserPresent() {
        return Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"));
    }

    /** Headless chromium through Debian's chromedriver (the bench times pages with it too). */
    public static WebDriver browser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService s = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(s, o);
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void aRunIsFollowedInTheBrowser() throws Exception {
        assumeTrue(browserPresent(), "no /usr/bin/chromium and /usr/bin/chromedriver: skipped");
        AtlasHome home = ClusterHarness.homeWithBundledData(dir);
        WorkSpec ws = ClusterHarness.spec("/workspecs/dashboard.yaml");
        int[] ports = LocalCluster.freePorts(3);
        String base = "http://127.0.0.1:" + ports[2] + "/";
        try (LocalCluster cluster = LocalCluster.empty(home, List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]))) {
            cluster.spawn("coordinator", ports[0], List.of("--dashboard-port", String.valueOf(ports[2])));
            cluster.spawn("harvester", ports[1], List.of());
            cluster.spawn("trainer", 0, List.of("--slots", "1"));
            WebDriver browser = browser();
            try (AtlasNode client = Clients.join(home, cluster.seed(), null)) {
                CompletableFuture<ClusterClient.Finished> run = ClusterHarness.submit(client, ws, p -> { });

                // the run appears in the runs page
                String runId = waitFor(Duration.ofMinutes(3), "the run in /api/runs", () -> {
                    JsonNode runs = get(base + "api/runs").path("runs");
                    return runs.isEmpty() ? null : runs.get(0).path("run").asText();
                });
                browser.get(base);
                waitFor(browser, 20).until(
                        d -> !d.findElements(By.cssSelector("#runs tr[data-run='" + runId + "']")).isEmpty());

                // an LSTM in training: its page's curve grows while it trains, pushed by the event stream
                String key = waitFor(Duration.ofMinutes(3), "an LSTM in training", () -> {
                    for (JsonNode s : get(base + "api/runs/" + runId).path("slots")) {
                        for (JsonNode m : s.path("models")) {
                            if (m.path("name").asText().startsWith("lstm") && m.path("epoch").asInt() >= 1
                                    && m.path("epoch").asInt() <= 20) {
                                return m.path("key").asText();
                            }
                        }
                    }
                    return null;
                });
                browser.get(base + "model?run=" + runId + "&key=" + key);
                waitFor(browser, 20).until(d -> epochsShown(d) >= 1);
                int first = epochsShown(browser);
                waitFor(browser, 60).until(d -> epochsShown(d) >= first + 3);
                assertThat(browser.findElement(By.id("model-status")).getText()).isIn("assigned", "harvesting", "done");
                assertThat(browser.findElements(By.cssSelector("#curves canvas"))).as("uPlot drew the curve").isNotEmpty();
                Files.write(Files.createDirectories(Path.of("target/dashboard-screenshots")).resolve("model-training.png"),
                        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

                // the runs page shows every model finishing
                ClusterHarness.await(run, cluster);
                browser.get(base);
                waitFor(browser, 30).until(d -> {
                    List<WebElement> done = d.findElements(By.cssSelector("#runs tr[data-run='" + runId + "'] td.done"));
                    return !done.isEmpty() && done.get(0).getText().equals("5");
                });

                // the leaderboard sorts by test score, then the other way
                browser.get(base + "run?run=" + runId);
                waitFor(browser, 30).until(d -> rows(d) == 5);
                waitFor(browser, 60).until(
                        d -> !d.findElements(By.cssSelector("#verdict-table")).isEmpty());
                browser.findElement(By.cssSelector("#leaderboard th[data-sort='test']")).click();
                waitFor(browser, 10).until(d -> sortedBy(d, "test"));
                List<Double> one = column(browser, 7);
                browser.findElement(By.cssSelector("#leaderboard th[data-sort='test']")).click();
                waitFor(browser, 10).until(d -> !column(d, 7).equals(one)
                        || one.stream().distinct().count() == 1);
                List<Double> other = column(browser, 7);
                assertThat(one).hasSize(5).isSortedAccordingTo(
                        sortedAscending(browser) ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
                List<Double> reversed = new ArrayList<>(one);
                java.util.Collections.reverse(reversed);
                assertThat(other).isEqualTo(reversed);

                // a screenshot of the run page is not blank
                byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
                Path shots = Files.createDirectories(Path.of("target/dashboard-screenshots"));
                Files.write(shots.resolve("run-page.png"), png);
                assertThat(colours(ImageIO.read(new ByteArrayInputStream(png)))).as("colours in the screenshot")
                        .isGreaterThan(20);

                // the finished model's page: its baseball card is drawn
                browser.get(base + "model?run=" + runId + "&key=" + key);
                waitFor(browser, 60).until(d -> {
                    List<WebElement> img = d.findElements(By.cssSelector("#card img"));
                    return !img.isEmpty() && Long.parseLong(String.valueOf(((org.openqa.selenium.JavascriptExecutor) d)
                            .executeScript("return arguments[0].naturalWidth", img.get(0)))) > 500;
                });
                assertThat(epochsShown(browser)).isEqualTo(30);
                Files.write(shots.resolve("model-done.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                // two models compared
                browser.get(base + "run?run=" + runId);
                waitFor(browser, 30).until(d -> rows(d) == 5);
                List<WebElement> ticks = browser.findElements(By.cssSelector("#leaderboard input[type=checkbox]"));
                ticks.get(0).click();
                ticks.get(1).click();
                browser.findElement(By.id("compare-link")).click();
                waitFor(browser, 20).until(
                        d -> !d.findElements(By.cssSelector("#compare-table")).isEmpty()
                                && !d.findElements(By.cssSelector("#curves canvas")).isEmpty());
                Files.write(shots.resolve("compare.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }

    private static int epochsShown(WebDriver d) {
        List<WebElement> e = d.findElements(By.id("epochs"));
        if (e.isEmpty()) {
            return -1;
        }
        Matcher m = Pattern.compile("(\\d+) epochs so far").matcher(e.get(0).getText());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int rows(WebDriver d) {
        return d.findElements(By.cssSelector("#leaderboard tr[data-key]")).size();
    }

    private static boolean sortedBy(WebDriver d, String column) {
        return !d.findElements(By.cssSelector("#leaderboard th.sorted[data-sort='" + column + "']")).isEmpty();
    }

    private static boolean sortedAscending(WebDriver d) {
        return !d.findElements(By.cssSelector("#leaderboard th.sorted.asc")).isEmpty();
    }

    /**
     * A wait of {@code seconds} that reads the page again when an element it found was redrawn meanwhile (the pages
     * refresh their tables as a run goes on).
     */
    private static org.openqa.selenium.support.ui.FluentWait<WebDriver> waitFor(WebDriver d, int seconds) {
        return new WebDriverWait(d, Duration.ofSeconds(seconds))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    /**
     * The numbers in a leaderboard column (1-based), top to bottom. The page redraws the table when it sorts or
     * refreshes, so a cell found before a redraw is gone after it: the column is read again whole when that happens.
     */
    private static List<Double> column(WebDriver d, int col) {
        for (int attempt = 1; ; attempt++) {
            try {
                List<Double> out = new ArrayList<>();
                for (WebElement td : d.findElements(By.cssSelector("#leaderboard tr[data-key] td:nth-child(" + (col + 1)
                        + ")"))) {
                    out.add(Double.parseDouble(td.getText()));
                }
                return out;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y) & 0xF0F0F0);
            }
        }
        return seen.size();
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T waitFor(Duration timeout, String what, Probe<T> probe) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                T t = probe.get();
                if (t != null) {
                    return t;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }
}
