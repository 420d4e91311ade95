package io.atlasj.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.cli.AtlasCli;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas --home H console --script F.jsh} on real data: the bundled trades imported, the quickstart featureset
 * built (then read from the cache), and the 25 real quickstart results of the stats fixtures; every helper called.
 */
class ConsoleTest {
    static final Path FIXTURES = Path.of("..", "stats", "src", "test", "resources", "fixtures", "runs");
    @TempDir
    Path home;

    private String[] atlas(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        assertThat(code).as(err + "\n" + out).isEqualTo(expected);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void everyHelperOnRealDataAndResults() throws IOException {
        atlas(0, "data", "import", "--bundled");
        try (Stream<Path> s = Files.walk(FIXTURES)) {
            for (Path p : s.toList()) {
                Path target = home.resolve("runs").resolve(FIXTURES.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path script = home.resolve("session.jsh");
        Files.writeString(script, """
                var q = fls("quickstart");
                var again = fls("quickstart");
                plot(q, "2013-11-28", "2013-11-29");
                var r = results("quickstart");
                leaderboard(r);
                batchOverview(r);
                hyperparameters(r);
                baseballCard(r.get(0));
                compare(r.get(0), r.get("return-1bar/dnn#0"));
                var mine = fls(FeatureLabelSet.builder("mine").base("bitstamp:btc_usd", "1h")
                        .features(LogReturns(), Volatility(12)).labels(FutureReturn(3)).build());
                plot(mine);
                help();
                """);
        String[] res = atlas(0, "console", "--script", script.toString());
        String out = res[0];
        // the fixtures are result files without their model files: read for evaluation, not stored, and said so
        assertThat(res[1].lines().toList()).hasSize(24).allMatch(l -> l.startsWith("warning: not in the results store, "
                + "read from disk for evaluation only: ") && l.endsWith("model file missing"));
        // the featureset: built once, then a cache hit
        // (the fixtures hold no validation rows, hence NaN for validation)
        assertThat(out).containsPattern("q ==> quickstart: 1,210 rows × 19 features \\+ 3 labels, 2013-11-27 11:00:00 to "
                + "2013-12-01 15:45:00 UTC \\(built in \\d+ ms, cached: .*matrix.arrow\\)");
        assertThat(out).contains("again ==> quickstart: 1,210 rows").containsPattern("again ==> .*\\(cache hit: ");
        assertThat(out).contains("r ==> quickstart: 25 results (25 done, 0 not) in 3 units; best: ");
        // the leaderboard: every fixture result once, traded in money, net Sharpe per bar not increasing down the table
        Set<String> keys;
        try (Stream<Path> s = Files.list(FIXTURES.resolve("quickstart"))) {
            keys = s.flatMap(unit -> {
                try {
                    return Files.list(unit).map(k -> k.getFileName().toString()).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toSet());
        }
        Pattern row = Pattern.compile("(?m)^(\\d+) +(\\S+) +(\\S+) +(\\S+) +(accuracy|rmse) (\\S+) +(auc|ic) +(\\S+) +(-?[\\d.]+) "
                + "+(-?[\\d.]+) +(-?[\\d.]+) +[\\d.]+ +(\\d+) +([0-9a-f]{32})$");
        Matcher m = row.matcher(out);
        List<Double> sharpe = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        while (m.find()) {
            sharpe.add(Double.parseDouble(m.group(9)));
            seen.add(m.group(13));
            assertThat(m.group(12)).isEqualTo("242");
        }
        assertThat(seen).isEqualTo(keys).hasSize(25);
        for (int i = 1; i < sharpe.size(); i++) {
            assertThat(sharpe.get(i)).isLessThanOrEqualTo(sharpe.get(i - 1));
        }
        assertThat(out).contains("quickstart: 25 of 25 results, best out-of-sample net Sharpe ratio per bar first; costs "
                + "each exchange's default");
        // the batch overview's verdicts, one per unit
        for (String unit : List.of("direction-3bar", "return-1bar", "terciles-3bar")) {
            assertThat(out).containsPattern("(?m)^" + unit + " +\\d+ +242 +\\S+ +-?[\\d.]+ .*(No edge|Likely luck|Mixed|Evidence"
                    + "|Unconfirmed).*after costs");
        }
        // which settings matter, per unit: the learning rate varies in every unit of the quickstart
        assertThat(out).containsPattern("(?m)^direction-3bar: 16 trials, 16 trained to their end; share of the "
                + "validation loss's variance by setting$").containsPattern("(?m)^training\\.lr +[\\d.]+% +\\S+ \\([\\d.]+\\) +\\d+$");
        // the card's headline and the comparison's table
        assertThat(out).containsPattern("(?m)^\\S+/\\S+ \\(\\w+, key [0-9a-f]{32}\\): (accuracy|rmse) (NaN|[\\d.]+) / [\\d.]+ "
                + "\\(validation / test of fold 0\\)");
        assertThat(out).containsPattern("(?m)^model +\\S+ +return-1bar/dnn#0$").containsPattern("(?m)^label +\\S+ +FutureReturn\\(1\\)$")
                .containsPattern("(?m)^sharpe/bar +-?[\\d.]+ +-?[\\d.]+$")
                .containsPattern("(?m)^return % +-?[\\d.]+ +-?[\\d.]+$")
                .containsPattern("on 242 common test rows: same position [\\d.]+%, same class n/a, signal correlation -?[\\d.]+");
        // every chart written under ATLAS_HOME/reports/console as PNG and SVG, its path printed
        Matcher charts = Pattern.compile("(?m)^chart: (\\S+\\.png) \\(and \\S+\\.svg\\)$").matcher(out);
        List<Path> pngs = new ArrayList<>();
        while (charts.find()) {
            pngs.add(Path.of(charts.group(1)));
        }
        assertThat(pngs).hasSize(8); // featureset, overview, three units' parallel coordinates, card, comparison, plot
        Path dir = home.resolve("reports").resolve("console").toAbsolutePath().normalize();
        for (Path png : pngs) {
            assertThat(png.getParent()).isEqualTo(dir);
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img).as(png.toString()).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(500);
            assertThat(png.resolveSibling(png.getFileName().toString().replace(".png", ".svg"))).isNotEmptyFile();
        }
        assertThat(pngs.get(0).getFileName().toString()).isEqualTo("featureset-quickstart-2013-11-28-2013-11-29.png");
        assertThat(ImageIO.read(pngs.get(0).toFile()).getHeight()).isEqualTo(110 + 74 * 22);
        assertThat(pngs.get(1).getFileName().toString()).isEqualTo("overview-quickstart.png");
        assertThat(pngs.get(2).getFileName().toString()).isEqualTo("parallel-direction-3bar.png");
        assertThat(pngs.get(5).getFileName().toString()).startsWith("card-");
        assertThat(pngs.get(6).getFileName().toString()).startsWith("compare-");
        // a set made with the DSL in the session, built from the same store, and its whole-range plot
        assertThat(out).containsPattern("mine ==> mine: [\\d,]+ rows × 2 features \\+ 1 labels, 2013-1");
        assertThat(pngs.get(7).getFileName().toString()).isEqualTo("featureset-mine.png");
        assertThat(ImageIO.read(pngs.get(7).toFile()).getHeight()).isEqualTo(110 + 74 * 3);
        assertThat(out).contains("Atlas console helpers (ATLAS_HOME " + home.toAbsolutePath().normalize() + "):");
    }
}
