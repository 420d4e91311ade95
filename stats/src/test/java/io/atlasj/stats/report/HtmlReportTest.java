package io.atlasj.stats.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.stats.Fixtures;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    @Test
    void reportOfTheRealQuickstartResults() throws IOException {
        Path out = Path.of("target", "report-test");
        String yaml = Files.readString(Fixtures.runs().resolveSibling("quickstart.yaml"));
        List<ResultsObject> results = new ArrayList<>(Fixtures.quickstart());
        // one failed model stays on the leaderboard, without a card
        ResultsObject r = results.get(0);
        results.add(new ResultsObject(1, "ffffffffffffffffffffffffffffffff", r.workspec(), "failed",
                "transformer: not implemented yet", r.spec(), r.featureset(), r.dataFingerprint(), List.of(),
                r.provenance(), r.startedAt(), 0));
        HtmlReport.Written w = HtmlReport.write("quickstart", yaml, results, Fixtures.pricing(), out);
        String html = Files.readString(w.index());
        assertThat(count(html, "<tr class=model-row>")).isEqualTo(26);
        assertThat(w.cards()).isEqualTo(25);
        assertThat(w.leaderboard().get(25).result().status()).isEqualTo("failed");
        assertThat(w.families()).hasSize(3);
        assertThat(html).contains("<pre>" + HtmlReport.esc(yaml) + "</pre>");
        assertThat(html).contains("nd4j-native cpu (DL4J 1.0.0-M2.1)").contains("Reality Check");
        for (var f : w.families()) {
            assertThat(html).contains(HtmlReport.esc(f.verdict()));
        }
        // every image the page references exists beside it, with its SVG
        Matcher m = Pattern.compile("src=\"(img/[^\"]+\\.png)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            images++;
            assertThat(out.resolve(m.group(1))).isRegularFile();
            assertThat(out.resolve(m.group(1).replace(".png", ".svg"))).isRegularFile();
        }
        // overview, 3 PBO, per unit parallel coordinates, slices and Sharpe ratios, 3 correlation, 25 cards
        assertThat(images).isEqualTo(1 + 3 + 3 * 3 + 3 + 25);
        assertThat(html).contains("<h2 id=hyperparameters>").contains("<th>share of variance</th>")
                .contains("<td>training.lr</td>").contains("img/parallel-direction-3bar.png");
    }

    @Test
    void cardsAreCappedButTheLeaderboardIsComplete() throws IOException {
        HtmlReport.Written w = HtmlReport.write("quickstart", null, Fixtures.quickstart(), Fixtures.pricing(), Path.of("target", "report-capped"), 3);
        String html = Files.readString(w.index());
        assertThat(w.cards()).isEqualTo(3);
        assertThat(count(html, "<tr class=model-row>")).isEqualTo(25);
        assertThat(html).contains("3 of 25 models").contains("the WorkSpec file was not given");
        // a second report into the same folder with fewer cards leaves only its own card images
        HtmlReport.write("quickstart", null, Fixtures.quickstart(), Fixtures.pricing(), Path.of("target", "report-capped"), 1);
        try (var files = Files.list(Path.of("target", "report-capped", "img"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("card-"))).hasSize(2); // PNG and SVG
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
