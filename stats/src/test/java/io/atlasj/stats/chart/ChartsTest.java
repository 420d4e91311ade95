package io.atlasj.stats.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.stats.Fixtures;
import io.atlasj.stats.Synthetic;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.model.TrialFamily;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Renders every chart of real quickstart results (and the overview of 1,000 models) into target/charts. */
class ChartsTest {
    static final Path OUT = Path.of("target", "charts");

    /** The heatmap's correlations are Pearson's (Commons Math), NaN beside a constant signal. */
    @Test
    void correlationsArePearsons() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(6);
        double[][] sig = new double[500][4];
        for (double[] row : sig) {
            row[0] = rnd.nextGaussian();
            row[1] = 0.5 * row[0] + rnd.nextGaussian();
            row[2] = -2 * row[0] + 0.1;
            row[3] = 7;
        }
        double[][] c = Charts.correlations(sig, 4);
        org.apache.commons.math3.stat.correlation.PearsonsCorrelation p =
                new org.apache.commons.math3.stat.correlation.PearsonsCorrelation();
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double[] x = new double[500];
                double[] y = new double[500];
                for (int i = 0; i < 500; i++) {
                    x[i] = sig[i][a];
                    y[i] = sig[i][b];
                }
                org.assertj.core.api.Assertions.assertThat(c[a][b])
                        .isCloseTo(p.correlation(x, y), org.assertj.core.api.Assertions.within(1e-12));
            }
            org.assertj.core.api.Assertions.assertThat(c[a][3]).isNaN();
        }
        org.assertj.core.api.Assertions.assertThat(c[0][2]).isCloseTo(-1, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void rendersHeadless() {
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    }

    @Test
    void cardsOfEveryKindFromRealResults() throws IOException {
        List<ModelEvaluation> all = ModelEvaluation.ofAll(Fixtures.quickstart(), Fixtures.pricing());
        for (String key : List.of("f312172c5cf88d0a17fed6961c99d166", "2b09b84d979fab07963048e4baf0f3fc",
                "9c8e349b3df6787971690d779e3dea4e")) {
            ModelEvaluation m = all.stream().filter(e -> e.result().key().equals(key)).findFirst().orElseThrow();
            check(ChartFiles.write(Charts.card(m), OUT.resolve("card-" + m.unit() + "-" + key)), m.classification() ? 1800 : 1500, 930);
        }
        ModelEvaluation vote = all.stream().filter(e -> e.type().equals("ensemble")).findFirst().orElseThrow();
        check(ChartFiles.write(Charts.card(vote), OUT.resolve("card-ensemble")), 1800, 930);
        check(ChartFiles.write(Charts.overview("quickstart", all), OUT.resolve("overview-quickstart")), 360 + 66 * Charts.overviewColumns(all).size(), 190 + 25 * 16);
        for (TrialFamily f : TrialFamily.perUnit(all)) {
            check(ChartFiles.write(Charts.correlation(f.unit(), f.models()), OUT.resolve("correlation-" + f.unit())), 0, 0);
            check(ChartFiles.write(Charts.pboLogits(f.unit(), f.pboLogits(), f.pbo()), OUT.resolve("pbo-" + f.unit())), 560, 360);
        }
    }

    @Test
    void overviewOfAThousandModels() throws IOException {
        List<ModelEvaluation> all = ModelEvaluation.ofAll(Synthetic.results(1000, 1), Fixtures.pricing());
        Path png = ChartFiles.write(Charts.overview("1,000 synthetic models", all), OUT.resolve("overview-1000"));
        check(png, Math.max(1100, 360 + 66 * Charts.overviewColumns(all).size()), 0);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getHeight()).isBetween(2000, 3000);
    }

    @Test
    void overviewOrdersByUnitThenSharpeAndNormalisesWithinUnits() {
        List<ModelEvaluation> all = ModelEvaluation.ofAll(Fixtures.quickstart(), Fixtures.pricing());
        List<String> cols = Charts.overviewColumns(all);
        List<Charts.OverviewRow> rows = Charts.overviewRows(all, cols);
        assertThat(rows).hasSize(25);
        int sharpe = cols.indexOf("sharpe/bar");
        // a 20-hour test part has no annualised Sharpe ratio: that column is left out rather than drawn grey
        assertThat(cols).doesNotContain("sharpe/yr").contains("gross sharpe/bar", "expectancy bps", "max drawdown %");
        for (int r = 1; r < rows.size(); r++) {
            if (rows.get(r).model().unit().equals(rows.get(r - 1).model().unit())) {
                assertThat(rows.get(r).model().metric("sharpe/bar")).isLessThanOrEqualTo(rows.get(r - 1).model().metric("sharpe/bar"));
                assertThat(rows.get(r).normalised()[sharpe]).isLessThanOrEqualTo(rows.get(r - 1).normalised()[sharpe]);
            }
        }
        // each unit's best net Sharpe ratio is 1 and worst is 0; a lower-is-better column is flipped
        assertThat(rows.get(0).normalised()[sharpe]).isEqualTo(1.0);
        int rmse = cols.indexOf("rmse");
        Charts.OverviewRow bestRmse = rows.stream().filter(r -> !r.model().classification())
                .min((a, b) -> Double.compare(a.model().metric("rmse"), b.model().metric("rmse"))).orElseThrow();
        assertThat(bestRmse.normalised()[rmse]).isEqualTo(1.0);
        assertThat(rows.stream().filter(r -> r.model().classification()).allMatch(r -> Double.isNaN(r.normalised()[rmse]))).isTrue();
    }

    /** Cells print their values in about five characters. */
    @Test
    void overviewCellsAreShort() {
        assertThat(Charts.cell(-0.17591617)).isEqualTo("-0.176");
        assertThat(Charts.cell(26.222)).isEqualTo("26.2");
        assertThat(Charts.cell(0.00005)).isEqualTo("5.0e-05");
        assertThat(Charts.cell(0)).isEqualTo("0.000");
    }

    /** SVG coordinates are written to a hundredth of a pixel, shortest form, and read back within half of one. */
    @Test
    void svgCoordinatesAreHundredthsOfAPixel() {
        assertThat(ChartFiles.hundredths(12.5)).isEqualTo("12.5");
        assertThat(ChartFiles.hundredths(3.0001)).isEqualTo("3");
        assertThat(ChartFiles.hundredths(-0.0712)).isEqualTo("-0.07");
        assertThat(ChartFiles.hundredths(-0.004)).isEqualTo("0");
        assertThat(ChartFiles.hundredths(99.999)).isEqualTo("100");
        assertThat(ChartFiles.hundredths(1.05)).isEqualTo("1.05");
        assertThat(ChartFiles.hundredths(Double.NaN)).isEqualTo("NaN");
        assertThat(ChartFiles.hundredths(2e17)).isEqualTo("2.0E17");
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 100_000; i++) {
            double x = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(8));
            String t = ChartFiles.hundredths(x);
            assertThat(Double.parseDouble(t)).as(t).isCloseTo(x, org.assertj.core.api.Assertions.within(0.005 + 1e-9));
            assertThat(t).as(t).matches("-?\\d+(\\.\\d?[1-9])?").isNotEqualTo("-0"); // no trailing zero
        }
    }

    private static void check(Path png, int width, int height) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png.toString()).isNotNull();
        if (width > 0) {
            assertThat(img.getWidth()).isEqualTo(width);
        }
        if (height > 0) {
            assertThat(img.getHeight()).isEqualTo(height);
        }
        Path svg = png.resolveSibling(png.getFileName().toString().replace(".png", ".svg"));
        assertThat(Files.readString(svg)).contains("<svg").endsWith("</svg>\n");
    }
}
