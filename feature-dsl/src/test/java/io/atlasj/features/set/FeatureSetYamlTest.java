package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The named featuresets of configs/featuresets read, round-trip and build on real data; bad files say where. */
class FeatureSetYamlTest {
    static final Path CONFIGS = Path.of("../configs/featuresets");

    @TempDir
    Path dir;

    @Test
    void theNamedFeaturesetsReadAndRoundTrip() throws IOException {
        for (String name : List.of("quickstart", "multi-timeframe", "cross-market")) {
            FeatureLabelSet set = FeatureSetYaml.read(CONFIGS.resolve(name + ".yaml"));
            assertThat(set.name()).isEqualTo(name);
            FeatureLabelSet back = FeatureSetYaml.read("written", FeatureSetYaml.write(set));
            assertThat(back).isEqualTo(set);
        }
    }

    @Test
    void quickstartAndMultiTimeframeBuildOnTheBundledData() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
            FeatureMatrix q = b.build(FeatureSetYaml.read(CONFIGS.resolve("quickstart.yaml")), Long.MIN_VALUE / 4,
                    Long.MAX_VALUE / 4);
            assertThat(q.featureIds()).hasSize(19);
            assertThat(q.labelIds()).hasSize(3);
            assertThat(q.rows()).isGreaterThan(1_000);
            q.summary().forEach(s -> assertThat(s.nan()).isZero());
            FeatureMatrix m = b.build(FeatureSetYaml.read(CONFIGS.resolve("multi-timeframe.yaml")), Long.MIN_VALUE / 4,
                    Long.MAX_VALUE / 4);
            assertThat(m.rows()).isGreaterThan(500);
        }
    }

    @Test
    void crossMarketBuildsOnTheTwoExchangeDay() throws IOException {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            var s = new ImportJob(store).run(List.of(
                    TestData.fixture("lean/crypto/bybit/minute/btcusdt/20221213_trade.zip"),
                    TestData.fixture("lean/crypto/bybit/minute/btcusdt/20221213_quote.zip"),
                    TestData.fixture("lean/crypto/binance/minute/btcbusd/20221213_trade.zip")),
                    ImportOptions.of(ImportFormat.LEAN, null, null), ImportJob.Listener.NONE);
            assertThat(s.rejectedFiles()).isZero();
            FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store))
                    .build(FeatureSetYaml.read(CONFIGS.resolve("cross-market.yaml")), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            // Bybit's quote bars cover only 00:00-12:00 of the day: the book features exist on those rows only
            assertThat(m.report().baseBars()).isEqualTo(1_440);
            assertThat(m.report().missing().get(6)).isEqualTo(719);
            assertThat(m.rows()).isBetween(650, 720);
            double[] spread = m.feature(m.featureIds().get(2));
            // a real inter-exchange spread: small, both signs
            assertThat(java.util.Arrays.stream(spread).map(Math::abs).max().orElseThrow()).isLessThan(0.01);
            assertThat(java.util.Arrays.stream(spread).filter(x -> x > 0).count()).isPositive();
            assertThat(java.util.Arrays.stream(spread).filter(x -> x < 0).count()).isPositive();
        }
    }

    @Test
    void everyMistakeOfAFileIsReportedWithLineAndColumn() {
        String yaml = """
                name: broken
                base: {market: "bitstamp:btc_usd", timeframe: 7m}
                featurs: []
                features:
                  - LogReturns()
                  - LogRetrns()
                  - LogReturns().lookforward(1)
                  - SMA(-3)
                labels:
                  - Close()
                """;
        assertThatThrownBy(() -> FeatureSetYaml.read("broken.yaml", yaml))
                .isInstanceOfSatisfying(FeatureSetFileException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage())
                            .contains("broken.yaml:2:")
                            .contains("base.timeframe: timeframe '7m': a length under a day must divide a day")
                            .contains("broken.yaml:3:1: featurs: unknown field; did you mean 'features'?")
                            .contains("broken.yaml:6:5: features[1]: unknown feature 'LogRetrns'; did you mean 'LogReturns'?")
                            .contains("broken.yaml:7:5: features[2]: this is a label")
                            .contains("broken.yaml:8:")
                            .contains("SMA: window must be in [1, 1000000], got -3")
                            .contains("broken.yaml:10:")
                            .contains("labels[0]: a label needs .lookforward(n)");
                });
        assertThatThrownBy(() -> FeatureSetYaml.read("bad.yaml", "name: x\nfeatures: [Close()\n"))
                .hasMessageContaining("bad.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> FeatureSetYaml.read("empty.yaml", "name: x\nbase: {market: \"a:b\", timeframe: 1m}\n"))
                .hasMessageContaining("features: missing or empty");
    }

    @Test
    void anchorsAliasesAndMergeKeysReadAsTheWrittenOutFile() {
        String written = """
                name: anchored
                base: {market: "bitstamp:btc_usd", timeframe: 1m}
                gaps: bridge
                features:
                  - LogReturns()
                  - LogReturns().lookback(5)
                  - RSI(14).zscore(50)
                labels:
                  - FutureReturn(3)
                """;
        String anchored = """
                x-base: &base {market: "bitstamp:btc_usd", timeframe: 5m}
                x-returns: &returns
                  - LogReturns()
                  - LogReturns().lookback(5)
                name: anchored
                base: {<<: *base, timeframe: 1m}
                gaps: bridge
                features:
                  - *returns
                  - RSI(14).zscore(50)
                labels: [FutureReturn(3)]
                """;
        FeatureLabelSet expected = FeatureSetYaml.read("written.yaml", written);
        assertThat(FeatureSetYaml.read("anchored.yaml", anchored)).isEqualTo(expected);
        assertThat(FeatureSetYaml.read("back.yaml", FeatureSetYaml.write(expected))).isEqualTo(expected);
        // a mistake inside an aliased list is placed where the anchored expression is written
        assertThatThrownBy(() -> FeatureSetYaml.read("bad.yaml", anchored.replace("  - LogReturns().lookback(5)",
                "  - LogRetrns().lookback(5)")))
                .hasMessageContaining("bad.yaml:4:5: features[0][1]: unknown feature 'LogRetrns'");
        // a feature that an alias lists again is placed too
        assertThatThrownBy(() -> FeatureSetYaml.read("twice.yaml", anchored.replace("  - RSI(14).zscore(50)",
                "  - LogReturns()")))
                .hasMessageContaining("twice.yaml:10:5: features[1]: ")
                .hasMessageContaining("is listed twice (also features[0][0])");
        // an alias without its anchor is a located error, not the string '*return'
        assertThatThrownBy(() -> FeatureSetYaml.read("unknown.yaml", anchored.replace("- *returns", "- *return")))
                .hasMessageContaining("unknown.yaml:9:5: yaml: not valid YAML: unknown alias *return");
        // a merge key takes mappings only
        assertThatThrownBy(() -> FeatureSetYaml.read("merge.yaml", anchored.replace("<<: *base", "<<: *returns")))
                .hasMessageContaining("merge.yaml:6:")
                .hasMessageContaining("<< merges mappings (an alias of a mapping or a list of them), not 'LogReturns()'");
    }

    @Test
    void aBillionLaughsFeaturesetIsRefusedQuicklyWithItsLine() {
        StringBuilder y = new StringBuilder("x-a0: &a0 [");
        for (int k = 0; k < 10; k++) {
            y.append(k == 0 ? "" : ", ").append("LogReturns()");
        }
        y.append("]\n");
        for (int i = 1; i < 10; i++) {
            y.append("x-a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 10; k++) {
                y.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        y.append("name: laughs\nbase: {market: \"bitstamp:btc_usd\", timeframe: 1m}\nfeatures: [*a9]\n");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> FeatureSetYaml.read("laughs.yaml", y.toString()))
                .isInstanceOfSatisfying(FeatureSetFileException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            // 10^6 values are reached in the sixth line, by its alias of the fifth
                            assertThat(p.line()).isEqualTo(6);
                            assertThat(p.field()).isEqualTo("yaml");
                            assertThat(p.message()).contains("aliases expand this document to more than 1000000 values");
                        }));
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void gapsFillFlatReadsWritesAndIsNamedInTheMessage() {
        String yaml = "name: f\nbase: {market: \"bitstamp:btc_usd\", timeframe: 1m}\ngaps: fill-flat\n"
                + "features: [LogReturns()]\n";
        FeatureLabelSet set = FeatureSetYaml.read("f.yaml", yaml);
        assertThat(set.gaps()).isEqualTo(io.atlasj.features.eval.GapPolicy.FILL_FLAT);
        assertThat(FeatureSetYaml.write(set)).contains("gaps: fill-flat\n");
        assertThat(FeatureSetYaml.read("back.yaml", FeatureSetYaml.write(set))).isEqualTo(set);
        assertThatThrownBy(() -> FeatureSetYaml.read("g.yaml", yaml.replace("fill-flat", "fill")))
                .hasMessageContaining("g.yaml:3:7: gaps: must be drop, bridge or fill-flat, got 'fill'");
    }

    @Test
    void fillLimitReadsWritesAndIsRefusedWhereItMeansNothing() {
        String yaml = "name: f\nbase: {market: \"bitstamp:btc_usd\", timeframe: 1m}\ngaps: fill-flat\nfillLimit: 90m\n"
                + "features: [LogReturns()]\n";
        FeatureLabelSet set = FeatureSetYaml.read("f.yaml", yaml);
        assertThat(set.fillLimit()).isEqualTo(java.time.Duration.ofMinutes(90));
        assertThat(FeatureSetYaml.write(set)).contains("fillLimit: 90m\n");
        assertThat(FeatureSetYaml.read("back.yaml", FeatureSetYaml.write(set))).isEqualTo(set);
        assertThat(FeatureSetYaml.read("d.yaml", yaml.replace("90m", "2d")).fillLimit())
                .isEqualTo(java.time.Duration.ofDays(2));
        assertThatThrownBy(() -> FeatureSetYaml.read("g.yaml", yaml.replace("fill-flat", "drop")))
                .hasMessageContaining("g.yaml:4:12: fillLimit: applies to gaps: fill-flat only (gaps is drop)");
        assertThatThrownBy(() -> FeatureSetYaml.read("s.yaml", yaml.replace("90m", "30s")))
                .hasMessageContaining("s.yaml:4:12: fillLimit: 30s is shorter than one 1m bar");
        assertThatThrownBy(() -> FeatureSetYaml.read("w.yaml", yaml.replace("90m", "soon")))
                .hasMessageContaining("w.yaml:4:12: fillLimit: must be a duration such as");
    }
}
