package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A market with quote bars and no trades, end to end: the real LEAN Coinbase BTC/USD quote bars of 2017-09-03 (the
 * feature module's fixture) imported alone, a featureset with {@code prices: mid}, a WorkSpec trained on it, a report
 * that trades the models on the mid closes, and a live runner that serves one of them on the replayed quote bars with
 * the same predictions as the batch build's test predictions (and refuses the kline feed, which has no quotes).
 */
class MidPricesCliTest {
    static final Path QUOTES = Path.of("..", "feature-dsl", "src", "test", "resources", "fixtures", "lean", "crypto",
            "coinbase", "minute", "btcusd", "20170903_quote.zip");
    static final String FEATURESET = """
              name: btc-mid
              base: {market: "coinbase:btcusd", timeframe: 5m}
              prices: mid
              features: ["LogReturns()", "LogReturns().lookback(3)", "Volatility(12)", "Spread()", "BookImbalance()"]
              labels: ["ThreeClass(1, 0.0005)"]
            """;
    @TempDir
    Path home;

    /** The WorkSpec {@code mid}: one unit on {@link #FEATURESET} with {@code models} (YAML list items). */
    static String spec(String models) {
        return """
                name: mid
                execution: {retries: 0, slots: 1}
                units:
                  - name: direction
                    featureset:
                """ + FEATURESET.indent(4) + """
                    dataset: {task: classification, label: "ThreeClass(1, 0.0005)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                """ + models.stripIndent().indent(6);
    }

    @Test
    void quoteBarsAloneTrainAndTradeOnTheirMidpoints() throws Exception {
        CliRun.atlas(home, 0, "data", "import", "--format", "lean", QUOTES.toString());
        Path set = home.resolve("btc-mid.yaml");
        Files.writeString(set, FEATURESET.stripIndent());
        String built = CliRun.atlas(home, 0, "features", "build", set.toString())[0];
        assertThat(built).contains("prices: mid: the candles are the midpoints of the quote bars");
        // the same set on trades: refused, naming the way out
        Path trades = home.resolve("btc.yaml");
        Files.writeString(trades, FEATURESET.stripIndent().replace("prices: mid", "prices: trades"));
        assertThat(CliRun.atlas(home, 1, "features", "build", trades.toString())[1])
                .contains("write prices: mid in the featureset to build on their midpoints");

        Path spec = home.resolve("mid.yaml");
        Files.writeString(spec, spec("""
                  - {name: logistic, type: logistic, training: {epochs: 10}}
                  - {name: dnn, type: dnn, hidden: [[8]], training: {epochs: 5}, repeats: 2}
                  - {name: vote, type: ensemble, members: [dnn], vote: majority}
                """));
        assertThat(CliRun.atlas(home, 0, "run", spec.toString(), "--local")[0])
                .contains("4 models: 4 trained now, 0 from earlier runs, 0 failed");
        try (Stream<Path> s = Files.walk(home.resolve("runs/mid"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals(ResultsIo.FILE)).toList()) {
                ResultsObject r = ResultsIo.read(p);
                assertThat(r.featureset()).as(r.spec().get("name").toString()).containsEntry("prices", "mid");
            }
        }

        // every model traded on the mid closes, the ensemble too (it has no candles to fall back on here)
        String report = CliRun.atlas(home, 0, "report", "mid")[0];
        assertThat(report).contains("verdict direction: ").contains("vote#0").doesNotContain("not traded");
        String html = Files.readString(home.resolve("reports/mid/index.html"));
        // the costs: Coinbase's default fee, and at each trade half the spread quoted at its bar (here, on a liquid
        // book, a median under a basis point), not the default 2 bp guess
        java.util.regex.Matcher costs = java.util.regex.Pattern.compile("<td>coinbase:btcusd 5m mid; fee 60 bps \\+ "
                + "half of a ([0-9.]+) bp spread \\(coinbase default fee; each trade pays half the spread quoted at its "
                + "bar, median shown\\)").matcher(html);
        assertThat(costs.find()).as(html).isTrue();
        assertThat(Double.parseDouble(costs.group(1))).isGreaterThan(0).isLessThan(2);
        try (Stream<Path> s = Files.list(home.resolve("reports/mid/img"))) {
            assertThat(Files.readString(s.filter(p -> p.getFileName().toString().startsWith("card-")).findFirst()
                    .orElseThrow())).contains("traded in money on coinbase:btcusd 5m mid (quote-bar midpoint) closes");
        }

        // served live: the replay of the test period through the runner predicts every test bar as the batch build did
        String model = "mid/direction/logistic#0";
        String served = CliRun.atlas(home, 0, "live", "start", "--model", model, "--feed", "replay", "--http-port",
                "-1")[0];
        assertThat(served).contains("finished");
        io.atlasj.trainer.live.LiveModel m = io.atlasj.trainer.live.LiveModel.find(new io.atlasj.home.AtlasHome(home),
                model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(20);
        try (io.atlasj.trainer.live.LiveJournal j = io.atlasj.trainer.live.LiveJournal.open(
                new io.atlasj.home.AtlasHome(home).live())) {
            var entries = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries).hasSize(test.length);
            for (int i = 0; i < test.length; i++) {
                assertThat(entries.get(i).barTime()).isEqualTo(test[i]);
                assertThat(entries.get(i).status()).as("bar %d: %s", i, entries.get(i).reason()).isEqualTo("ok");
                assertThat(entries.get(i).predicted()).as("bar %d", i).isEqualTo(m.test().predicted()[i]);
                for (int k = 0; k < m.test().probabilities().classes(); k++) {
                    assertThat(entries.get(i).probabilities()[k]).isCloseTo(m.test().probabilities().get(i, k),
                            org.assertj.core.data.Offset.offset(2e-6)); // the complement (schema 8)
                }
            }
            // outcomes are matched on the mid candles, as the labels were made
            long matched = j.frames(model, Long.MIN_VALUE, Long.MAX_VALUE).stream()
                    .filter(f -> f.matchedAt() != null).count();
            assertThat(matched).isEqualTo(test.length - m.label().horizon());
        }
        // the ensemble of the two dense nets, served from its members: every test bar as the batch combination
        String vote = "mid/direction/vote#0";
        assertThat(CliRun.atlas(home, 0, "live", "start", "--model", vote, "--feed", "replay", "--http-port", "-1")[0])
                .contains("finished");
        io.atlasj.trainer.live.LiveModel ensemble = io.atlasj.trainer.live.LiveModel.find(
                new io.atlasj.home.AtlasHome(home), vote);
        try (io.atlasj.trainer.live.LiveJournal j = io.atlasj.trainer.live.LiveJournal.open(
                new io.atlasj.home.AtlasHome(home).live())) {
            var entries = j.entries(vote, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries).hasSize(ensemble.test().time().length);
            for (int i = 0; i < entries.size(); i++) {
                assertThat(entries.get(i).predicted()).as("bar %d", i).isEqualTo(ensemble.test().predicted()[i]);
            }
        }
        // the money of live status: the settled live predictions traded on the mid closes, the ensemble's too (on its
        // members' market and label)
        String status = CliRun.atlas(home, 0, "live", "status")[0];
        assertThat(status).contains(model);
        assertThat(status.lines().filter(l -> l.contains("money on") && l.contains("Kolmogorov-Smirnov p = "))
                .count()).as(status).isEqualTo(2);
        assertThat(CliRun.atlas(home, 1, "live", "start", "--model", model, "--feed", "binance-ws")[1])
                .contains("prices: mid").contains("binance-ws feed delivers klines");
        Path drop = Files.createDirectories(home.resolve("drop"));
        assertThat(CliRun.atlas(home, 1, "live", "start", "--model", model, "--feed", "dir", "--dir", drop.toString(),
                "--format", "binance-klines", "--exchange", "coinbase", "--symbol", "btcusd")[1])
                .contains("binance-klines files hold no quotes").contains("--format lean, parquet, arrow, quotes-csv");
        assertThat(CliRun.atlas(home, 1, "live", "start", "--model", model, "--feed", "replay", "--decimal-comma")[1])
                .contains("--decimal-comma go with --feed dir");
    }
}
