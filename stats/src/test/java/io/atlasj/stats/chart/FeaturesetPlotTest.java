package io.atlasj.stats.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.Dsl;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.marketdata.UtcTime;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The featureset plot of the real quickstart matrix (the bundled Bitstamp trades imported, configs' quickstart set
 * built: 19 features, 3 labels, 1,210 rows), written to target/charts.
 */
class FeaturesetPlotTest {
    @TempDir
    static Path dir;
    static FeatureMatrix quickstart;
    static FeatureMatrix oneMinute;

    @BeforeAll
    static void buildQuickstart() throws IOException {
        FeatureLabelSet set = FeatureSetYaml.read(Path.of("..", "configs", "featuresets", "quickstart.yaml"));
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("marketdata"))) {
            new ImportJob(store).run(List.of(BundledData.extract(dir)), BundledData.options(), ImportJob.Listener.NONE);
            quickstart = new FeatureSetBuilder(SeriesSource.of(store)).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
            // 1-minute bars of the first day: minutes without trades have no candle, so the matrix has holes
            FeatureLabelSet gappy = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m")
                    .features(Dsl.LogReturns(), Dsl.Volume()).labels(Dsl.UpDown(1)).build();
            oneMinute = new FeatureSetBuilder(SeriesSource.of(store)).build(gappy,
                    UtcTime.parseIso("2013-11-25").orElseThrow(), UtcTime.parseIso("2013-11-26").orElseThrow());
        }
    }

    @Test
    void wholeQuickstartMatrixOnePanelPerColumn() throws IOException {
        assertThat(quickstart.featureIds()).hasSize(19);
        assertThat(quickstart.labelIds()).hasSize(3);
        Path png = ChartFiles.write(FeaturesetPlot.of(quickstart), ChartsTest.OUT.resolve("featureset-quickstart"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(FeaturesetPlot.WIDTH);
        assertThat(img.getHeight()).isEqualTo(110 + FeaturesetPlot.PANEL * 22);
        String svg = Files.readString(png.resolveSibling("featureset-quickstart.svg"));
        // the resolved ids all end in the base market and timeframe, stated once instead of 22 times
        String base = ".market(\"bitstamp:btc_usd\").timeframe(\"5m\")";
        List<String> texts = new java.util.ArrayList<>(List.of("names leave out " + escape(base) + ", which every column has",
                "label  " + escape(quickstart.labelIds().get(0).replace(base, "")), "label  UpDown(3)  (classes)"));
        quickstart.featureIds().forEach(id -> texts.add(">" + escape(id.replace(base, "")) + "<"));
        for (String text : texts) {
            assertThat(svg.contains(text)).as("the SVG has the text %s", text).isTrue();
        }
        assertThat(Files.size(png.resolveSibling("featureset-quickstart.svg"))).isLessThan(3_000_000);
        // the quickstart's kept rows happen to be contiguous (every dropped bar lies before the first or after the last):
        // the shaded stretches are exactly the bars between the first and last row that have no row
        FeaturesetPlot.Window w = FeaturesetPlot.window(quickstart, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(w.bar()).isEqualTo(300_000);
        long missing = w.gaps().stream().mapToLong(g -> (g[1] - g[0]) / w.bar()).sum();
        long span = (quickstart.time()[quickstart.rows() - 1] - quickstart.time()[0]) / w.bar() + 1;
        assertThat(missing).isEqualTo(span - quickstart.rows());
    }

    @Test
    void oneDayIsTheRowsOfThatDay() throws IOException {
        long from = UtcTime.parseIso("2013-11-28").orElseThrow();
        long to = UtcTime.parseIso("2013-11-29").orElseThrow();
        FeaturesetPlot.Window w = FeaturesetPlot.window(quickstart, from, to);
        assertThat(w.time()[0]).isGreaterThanOrEqualTo(from);
        assertThat(w.time()[w.time().length - 1]).isLessThan(to);
        long inDay = java.util.Arrays.stream(quickstart.time()).filter(t -> t >= from && t < to).count();
        assertThat(w.time()).hasSize((int) inDay);
        assertThat(w.columns().get(0).values()).hasSize((int) inDay);
        ChartFiles.write(FeaturesetPlot.of(quickstart, from, to), ChartsTest.OUT.resolve("featureset-quickstart-2013-11-28"));
    }

    @Test
    void realGapsInOneMinuteBarsAreShaded() throws IOException {
        FeaturesetPlot.Window w = FeaturesetPlot.window(oneMinute, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(w.bar()).isEqualTo(60_000);
        assertThat(w.gaps()).isNotEmpty();
        long missing = w.gaps().stream().mapToLong(g -> (g[1] - g[0]) / w.bar()).sum();
        long span = (oneMinute.time()[oneMinute.rows() - 1] - oneMinute.time()[0]) / w.bar() + 1;
        assertThat(missing).isEqualTo(span - oneMinute.rows());
        java.util.Set<Long> rows = java.util.Arrays.stream(oneMinute.time()).boxed().collect(java.util.stream.Collectors.toSet());
        for (long[] g : w.gaps()) {
            assertThat(rows).contains(g[0] - w.bar(), g[1]).doesNotContain(g[0]);
        }
        ChartFiles.write(FeaturesetPlot.of(oneMinute), ChartsTest.OUT.resolve("featureset-one-minute-2013-11-25"));
    }

    @Test
    void gapsAndNaNsBreakTheLine() throws IOException {
        // hand-made: 1-minute bars with a 3-minute hole after the third row and a NaN in the sixth row
        long m = 60_000;
        long[] time = {0, m, 2 * m, 5 * m, 6 * m, 7 * m, 8 * m, 9 * m};
        FeatureMatrix fm = new FeatureMatrix("hand", time, List.of("A"),
                new double[][] {{1.5, 2.5, 2, 3.5, 3, Double.NaN, 4.5, 4}}, List.of("L"),
                new double[][] {{0, 1, 1, 0, 1, 1, 0, 1}}, new FeatureMatrix.BuildReport(10, 3, 0, List.of(3L, 0L), 0, 0,
                10 * m, 0));
        FeaturesetPlot.Window w = FeaturesetPlot.window(fm, 0, 10 * m);
        assertThat(w.bar()).isEqualTo(m);
        assertThat(w.gaps()).hasSize(1);
        assertThat(w.gaps().get(0)).containsExactly(3 * m, 5 * m);
        assertThat(FeaturesetPlot.classes(fm.labels()[0])).isTrue();
        assertThat(FeaturesetPlot.classes(fm.features()[0])).isFalse();
        assertThat(FeaturesetPlot.classes(new double[] {1, 2, Double.NaN, 4})).isTrue();
        assertThat(FeaturesetPlot.classes(new double[] {0.5, 1})).isFalse();
        assertThat(FeaturesetPlot.classes(new double[] {0, 1, 2, 3, 4, 5})).isFalse();
        assertThat(FeaturesetPlot.of(fm).height()).isEqualTo(110 + 2 * FeaturesetPlot.PANEL);
        ChartFiles.write(FeaturesetPlot.of(fm), ChartsTest.OUT.resolve("featureset-hand-made-gaps"));
    }

    @Test
    void anEmptyRangeNamesTheMatrixRange() {
        assertThatThrownBy(() -> FeaturesetPlot.of(quickstart, 0, 1000))
                .hasMessageContaining("featureset plot of quickstart: no rows from 1970-01-01 00:00 to 1970-01-01 00:00")
                .hasMessageContaining("its rows run from 2013-11-2");
        assertThatThrownBy(() -> FeaturesetPlot.of(quickstart, 5, 5)).hasMessageContaining("must be before");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
