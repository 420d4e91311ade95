package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code atlas features list | show | build} end to end on the bundled data. */
class FeaturesCliTest {
    @TempDir
    Path home;

    private String[] run(int expected, String... args) {
        return CliRun.atlas(home, expected, args);
    }

    @Test
    void listShowsEveryKindWithItsDescription() {
        String out = run(0, "features", "list")[0];
        assertThat(out).contains("LogReturns(lookback=1)").contains("RSI(window=14)").contains("feature.zscore(n)")
                .contains("InterExchangeSpread(feature, feature)").contains("TripleBarrier(horizon=20, profitTake=0.01, stopLoss=0.01)")
                .contains("feature.lookforward(n)");
    }

    @Test
    void showExplainsAnExpressionAndPointsAtMistakes() {
        String out = run(0, "features", "show", "LogReturns().eth().oneMin().lookforward(1)")[0];
        assertThat(out).contains("label:     LogReturns(1).asset(\"eth\").timeframe(\"1m\").lookforward(1)");
        String f = run(0, "features", "show", "RSI(14).fiveMin()")[0];
        assertThat(f).contains("warm-up:   294 bar(s) of 5m").contains("reads:     candles of the base market at 5m")
                .contains("reach:     1614 bar(s) of 5m"); // twice the warm-up, two bars and one anchor block
        assertThat(run(0, "features", "show", "OBVCumulative()")[0]).contains("reach:     unbounded");
        String err = run(1, "features", "show", "RSI(14).zscor(3)")[1];
        assertThat(err).contains("at character 9: unknown step 'zscor'; did you mean 'zscore'?");
    }

    @Test
    void buildsTheQuickstartSetThenHitsTheCacheAndWritesFiles() throws Exception {
        run(0, "data", "import", "--bundled");
        Path csv = home.resolve("q.csv");
        Path arrow = home.resolve("q.arrow");
        String first = run(0, "features", "build", "quickstart", "--out", csv.toString())[0];
        assertThat(first).contains("quickstart: 1,210 rows from 1,917 base bars").contains("built in ").contains("cached: ");
        assertThat(csv).exists();
        String second = run(0, "features", "build", "quickstart", "--out", arrow.toString())[0];
        assertThat(second).contains("cache hit: ").contains("1,210 rows");
        assertThat(arrow).exists();
        // the cache's own file under a second name (or a copy of it), not a second serialisation
        Path cached = Path.of(second.lines().filter(l -> l.startsWith("cache hit: ")).findFirst().orElseThrow()
                .substring("cache hit: ".length()));
        assertThat(Files.readAllBytes(arrow)).isEqualTo(Files.readAllBytes(cached));
        String window = run(0, "features", "build", "quickstart", "--from", "2013-11-30", "--to", "2013-12-01")[0];
        assertThat(window).contains("2013-11-30 00:00:00 to 2013-11-30 23:55:00");
    }

    /**
     * {@code features build SET --markets ...}: the set over each market on two threads gives, for the featureset's own
     * market, exactly the matrix a build of the set alone gives; each market gets its file; a second build is all
     * cache hits; mistakes are user errors.
     */
    @Test
    void buildsASetOverSeveralMarketsOnTwoThreads() throws Exception {
        run(0, "data", "import", "--bundled");
        // a second market: the first half of the same trades
        Path half = home.resolve("half.csv");
        List<String> trades = Files.readAllLines(io.atlasj.marketdata.pipeline.BundledData.extract(home.resolve("b")));
        Files.write(half, trades.subList(0, trades.size() / 2));
        run(0, "data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol", "half_usd",
                half.toString());
        Path alone = home.resolve("alone.csv");
        run(0, "features", "build", "quickstart", "--out", alone.toString());
        String pattern = home.resolve("m").resolve("{market}.csv").toString();
        String out = run(0, "features", "build", "quickstart", "--markets", "bitstamp:half_usd,bitstamp:btc_usd",
                "--threads", "2", "--out", pattern)[0];
        assertThat(out).contains("quickstart over 2 markets: ").contains("on 2 threads");
        List<String> lines = out.lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("bitstamp:btc_usd")).findFirst().orElseThrow())
                .contains("1,210").contains("cache hit"); // built alone just before
        String halfLine = lines.stream().filter(l -> l.startsWith("bitstamp:half_usd")).findFirst().orElseThrow();
        assertThat(halfLine).contains("built in ");
        assertThat(Files.readString(home.resolve("m/bitstamp_btc_usd.csv"))).isEqualTo(Files.readString(alone));
        List<String> halfRows = Files.readAllLines(home.resolve("m/bitstamp_half_usd.csv"));
        assertThat(halfRows.size() - 1).isBetween(100, 1_000); // fewer rows: half the days
        assertThat(run(0, "features", "build", "quickstart", "--markets", "bitstamp:btc_usd,bitstamp:half_usd")[0]
                .lines().filter(l -> l.contains("cache hit"))).hasSize(2);

        assertThat(run(1, "features", "build", "quickstart", "--markets", "bitstamp:btc_usd", "--out",
                home.resolve("x.arrow").toString())[1]).contains("put {market} in the name");
        assertThat(run(1, "features", "build", "quickstart", "--markets", "btc_usd")[1])
                .contains("--markets: market must be written exchange:symbol");
        assertThat(run(1, "features", "build", "quickstart", "--threads", "2")[1]).contains("--threads is for --markets");
        assertThat(run(1, "features", "build", "quickstart", "--markets", "bitstamp:btc_usd,kraken:nonesuch")[1])
                .contains("kraken:nonesuch").contains("the store has none");
    }

    @Test
    void badFeaturesetsAndMissingDataAreUserErrors() throws Exception {
        Path bad = home.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nbase: {market: \"bitstamp:btc_usd\", timeframe: 5m}\nfeatures:\n  - Clos()\n");
        String err = run(1, "features", "build", bad.toString())[1];
        assertThat(err).contains("bad.yaml:4:5: features[0]: unknown feature 'Clos'; did you mean 'Close'?");
        assertThat(run(1, "features", "build", "nonesuch")[1]).contains("no featureset 'nonesuch'")
                .contains("quickstart");
        assertThat(run(1, "features", "build", "cross-market")[1])
                .contains("needs candles of bybit:btcusdt at 1m at any time").contains("the store has none");
    }

    @Test
    void aFeaturesetTooSparseForItsDataIsAnErrorThatSaysWhy() throws Exception {
        run(0, "data", "import", "--bundled");
        // a featureset the data is too sparse for builds no row: an error that says why, not a silent success
        Path sparse = home.resolve("sparse.yaml");
        Files.writeString(sparse, "name: sparse\nbase: {market: \"bitstamp:btc_usd\", timeframe: 1s}\nfeatures:\n"
                + "  - RSI(30)\nlabels:\n  - FutureReturn(1)\n");
        String text = Files.readString(sparse);
        assertThat(run(1, "features", "build", sparse.toString())[1])
                .contains("error: 0 of ").contains("its longest stretch without one is").contains("gaps: bridge")
                .contains("gaps: fill-flat if the gaps are bars in which nothing traded");
        // bridged, the same featureset builds
        Files.writeString(sparse, text + "gaps: bridge\n");
        assertThat(run(0, "features", "build", sparse.toString())[0]).contains("sparse: ");
        // filled flat, it builds too, and says how many rows rest on filled bars and why labels keep it sparse
        Files.writeString(sparse, text + "gaps: fill-flat\n");
        String[] filled = run(0, "features", "build", sparse.toString());
        assertThat(filled[0]).contains("sparse: ").containsPattern("gaps: fill-flat: [0-9,]+ of the base bars were "
                + "filled flat \\(nothing traded\\); [0-9,]+ rows were built on filled bars");
        assertThat(filled[1]).contains("warning: ").contains("under gaps: fill-flat")
                .contains("labels are computed on real bars only");
    }

    /**
     * {@code features select}: a unit's trained tree models vote with their permutation importances and split gains; the
     * top K inputs become a featureset YAML that reads back and builds; a second select does not overwrite it. Over
     * every unit, the inputs are ranked per target and then across the targets, and the featureset keeps every target's
     * labels as the featureset declared them.
     */
    @Test
    void selectWritesTheTopInputsPerTargetAndAcrossTargetsAsAFeaturesetThatBuilds() throws Exception {
        run(0, "data", "import", "--bundled");
        assertThat(run(1, "features", "select", "trees", "--unit", "direction-3bar")[1]).contains("no results of "
                + "trees").contains("atlas run");
        Path spec = Path.of("../configs/workspecs/trees.yaml");
        run(0, "run", spec.toString(), "--local", "--slots", "1");
        assertThat(run(1, "features", "select", "trees", "--unit", "nonesuch")[1]).contains("no results of unit "
                + "nonesuch").contains("units there: direction-3bar, return-1bar");
        Path out = home.resolve("top5.yaml");
        String table = run(0, "features", "select", "trees", "--unit", "direction-3bar", "--top", "5", "--out",
                out.toString())[0];
        assertThat(table).contains("5 of 19 inputs, by 1 target: " + out).contains(": 6 models (6 trees) of units "
                + "direction-3bar of trees");
        List<String[]> rows = rows(table);
        assertThat(rows).hasSize(19);
        double previous = Double.MAX_VALUE;
        List<String> kept = new ArrayList<>();
        for (String[] cells : rows) {
            double score = Double.parseDouble(cells[3]);
            assertThat(cells[2]).as("one target: its score is the core").isEqualTo(cells[3]);
            assertThat(score).isLessThanOrEqualTo(previous).isBetween(0.0, 1.0);
            previous = score;
            if (cells[cells.length - 1].equals("kept")) {
                kept.add(cells[1]);
            }
        }
        assertThat(kept).hasSize(5);
        var fls = io.atlasj.features.set.FeatureSetYaml.read(out);
        assertThat(fls.name()).isEqualTo("quickstart-top5");
        assertThat(fls.features()).hasSize(5);
        assertThat(fls.labels()).hasSize(3);
        String text = Files.readString(out);
        kept.forEach(k -> assertThat(text).contains("   # " + k + "\n"));
        assertThat(text).contains("  - \"UpDown(3)\"\n").as("labels as the featureset declared them");
        assertThat(run(0, "features", "build", out.toString())[0]).contains("quickstart-top5: ");
        assertThat(run(1, "features", "select", "trees", "--unit", "direction-3bar", "--top", "5", "--out",
                out.toString())[1]).contains("exists");

        // every unit: the direction and the return targets each rank the inputs, the core is their mean
        Path both = home.resolve("core6.yaml");
        String across = run(0, "features", "select", "trees", "--top", "6", "--out", both.toString())[0];
        assertThat(across).contains("6 of 19 inputs, by 2 targets: " + both)
                .contains(": 2 models (2 trees) of units return-1bar of trees");
        List<String> header = List.of(across.lines().findFirst().orElseThrow().trim().split("\\s{2,}"));
        assertThat(header).hasSize(5).startsWith("rank", "input").contains("core");
        List<String[]> rows2 = rows(across);
        assertThat(rows2).hasSize(19);
        for (String[] cells : rows2) {
            double mean = (Double.parseDouble(cells[2]) + Double.parseDouble(cells[3])) / 2;
            assertThat(Double.parseDouble(cells[4])).isCloseTo(mean, org.assertj.core.data.Offset.offset(0.0011));
        }
        assertThat(rows2.stream().filter(c -> c[c.length - 1].equals("kept"))).hasSize(6);
        var core = io.atlasj.features.set.FeatureSetYaml.read(both);
        assertThat(core.features()).hasSize(6);
        assertThat(core.labels()).hasSize(3);
        assertThat(Files.readString(both)).contains("mean importance over 2 targets");
        assertThat(run(0, "features", "build", both.toString())[0]).contains("quickstart-top6: ");
    }

    /** The rows of a printed ranking, split into cells (a trailing blank cell for inputs not kept). */
    private static List<String[]> rows(String table) {
        return table.lines().filter(l -> l.matches("\\d+\\s{2,}.*"))
                .map(l -> (l.trim().endsWith("kept") ? l.trim() : l.trim() + "  ").split("\\s{2,}", -1)).toList();
    }
}
