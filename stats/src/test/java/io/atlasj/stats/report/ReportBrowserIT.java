package io.atlasj.stats.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.atlasj.stats.Fixtures;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Opens the report of the real quickstart results from a file in headless Chromium: the DOM Chromium builds must
 * hold every leaderboard row and every image, and a screenshot of the page must show something. Skips when no
 * Chromium is installed ({@code apt-get install chromium}; {@code .ci/run} does it).
 */
class ReportBrowserIT {
    static final Path OUT = Path.of("target", "browser-report").toAbsolutePath();

    static Optional<Path> chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void chromiumShowsTheLeaderboardAndImages() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "no chromium on PATH: skipped");
        HtmlReport.Written w = HtmlReport.write("quickstart", Files.readString(Fixtures.runs().resolveSibling("quickstart.yaml")),
                Fixtures.quickstart(), Fixtures.pricing(), OUT, 25);
        String url = w.index().toUri().toString();

        String dom = run(chromium.get(), OUT.resolve("dom.html"), "--dump-dom", url);
        assertThat(dom).contains("<title>Atlas report: quickstart</title>");
        assertThat(count(dom, "<tr class=\"model-row\">")).isEqualTo(25);
        // the sorting script ran to its end in Chromium (it marks the body last)
        assertThat(dom).contains("<body data-sortable=\"ready\">");
        Matcher m = Pattern.compile("<img[^>]*src=\"(img/[^\"]+\\.png)\"").matcher(dom);
        List<String> images = new ArrayList<>();
        while (m.find()) {
            images.add(m.group(1));
        }
        // overview, 3 PBO, per unit parallel coordinates, slices and Sharpe ratios, 3 correlation, 25 cards
        assertThat(images).hasSize(1 + 3 + 3 * 3 + 3 + 25).contains("img/overview.png")
                .contains("img/parallel-direction-3bar.png");
        for (String i : images) {
            assertThat(OUT.resolve(i)).isRegularFile();
        }

        Path shot = OUT.resolve("screenshot.png");
        Files.deleteIfExists(shot);
        run(chromium.get(), OUT.resolve("screenshot.log"), "--screenshot=" + shot, "--window-size=1400,2400",
                "--hide-scrollbars", url);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(1400);
        // not a blank page: the tables and the overview's colours make many distinct pixels
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours.size()).isGreaterThan(200);
    }

    private static String run(Path chromium, Path output, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--allow-file-access-from-files", "--user-data-dir=" + OUT.resolve("profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(output.toFile())
                .redirectError(OUT.resolve("chromium-stderr.log").toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 180 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit code, stderr in " + OUT.resolve("chromium-stderr.log")).isZero();
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
