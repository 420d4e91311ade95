package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.live.LiveModel;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of BTC/USD whose features read ETH/USD too, served from a Binance-protocol server's combined kline stream of
 * both markets (real Coinbase minute bars of 2017-09-03): the runner starts on an empty store and fetches both
 * markets' history, predicts a BTC bar only once ETH's bar of the same close is stored (it waits for a late one, and
 * fetches one the stream never sends from the history), and predicts every test bar as the batch run stored it.
 */
class BinanceTwoMarketsIT {
    static final Market BTC = new Market("coinbase", "btcusd");
    static final Market ETH = new Market("coinbase", "ethusd");
    static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    @Test
    void aModelReadingTwoMarketsIsPredictedWhenBothStreamsHaveTheBar() throws Exception {
        Path trained = dir.resolve("trained");
        CliRun.atlas(trained, 0, "data", "import", "--format", "lean",
                MidPricesCliTest.QUOTES.resolveSibling("20170903_trade.zip").toString(),
                MidPricesCliTest.QUOTES.getParent().resolveSibling("ethusd").resolve("20170903_trade.zip").toString());
        Path spec = dir.resolve("pair.yaml");
        Files.writeString(spec, """
                name: pair
                execution: {retries: 0, slots: 1}
                units:
                  - name: direction
                    featureset:
                      name: btc-eth
                      base: {market: "coinbase:btcusd", timeframe: 1m}
                      features:
                        - LogReturns()
                        - LogReturns().lookback(5)
                        - Volatility(15)
                        - LogReturns().market("coinbase:ethusd")
                        - LogReturns().lookback(3).market("coinbase:ethusd")
                        - LogReturns().market("coinbase:ethusd").timeframe("5m")
                      labels: ["UpDown(1)"]
                    dataset: {task: classification, label: "UpDown(1)", scaling: zscore}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: logistic, type: logistic, training: {epochs: 5}}
                  - name: fine
                    featureset:
                      name: btc-fine
                      base: {market: "coinbase:btcusd", timeframe: 5m}
                      features: ["LogReturns()", "LogReturns().timeframe('1m')"]
                      labels: ["UpDown(1)"]
                    dataset: {task: classification, label: "UpDown(1)", scaling: zscore}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: logistic, type: logistic, training: {epochs: 2}}
                """);
        CliRun.atlas(trained, 0, "run", spec.toString(), "--local", "--slots", "1");
        String model = "pair/direction/logistic#0";
        LiveModel m = LiveModel.find(new AtlasHome(trained), model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(200);
        Map<String, List<BinanceProtocolServer.Bar>> bars = new LinkedHashMap<>();
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            bars.put("BTCUSD", bars(store, BTC));
            bars.put("ETHUSD", bars(store, ETH));
        }
        // the runner's home holds the trained model and no bars: it fetches both markets' history itself
        Path home = dir.resolve("live");
        CliRun.copyRuns(trained, home);
        int late = 10; // ETH's bar comes a second after BTC's: the BTC bar waits for it
        int never = 40; // the stream never sends ETH's bar: it is fetched from the history
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(bars, MINUTE, "1m", test[0])) {
            ProcessBuilder pb = LiveRunnerIT.liveIn(home, "--model", model, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0",
                    "--from", Instant.ofEpochMilli(test[0]).toString());
            Process p = pb.start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(exchange, 1, output);
            assertThat(output.toString()).contains("btcusd@kline_1m, ethusd@kline_1m");
            List<BinanceProtocolServer.Bar> btc = bars.get("BTCUSD");
            List<BinanceProtocolServer.Bar> eth = bars.get("ETHUSD");
            int first = index(btc, test[0]);
            for (int i = first; i < btc.size(); i++) {
                BinanceProtocolServer.Bar b = btc.get(i);
                BinanceProtocolServer.Bar e = eth.get(index(eth, b.open()));
                if (i == first + late) {
                    // ETH's bar is late on the stream and not in the history yet, however late the runner asks it
                    exchange.heldFrom.put("ETHUSD", e.open());
                }
                exchange.now = b.open() + MINUTE;
                exchange.push("BTCUSD", b, true);
                if (i == first + late) {
                    // the bar before is predicted (a runner behind the stream gets there first), and this one waits
                    LiveRunnerIT.awaitLastBar(http, port, btc.get(i - 1).open(), output);
                    Thread.sleep(1500);
                    assertThat(LiveRunnerIT.get(http, port, "/status").path("lastBar").asText()).as(output.toString())
                            .isEqualTo(Instant.ofEpochMilli(btc.get(i - 1).open()).toString());
                    exchange.heldFrom.remove("ETHUSD");
                }
                if (i == first + never) {
                    long t0 = System.nanoTime();
                    LiveRunnerIT.awaitLastBar(http, port, b.open(), output);
                    assertThat(System.nanoTime() - t0).as("waited for the stream before asking the history")
                            .isGreaterThan(TimeUnit.SECONDS.toNanos(4));
                    continue;
                }
                exchange.push("ETHUSD", e, true);
                Thread.sleep(5);
            }
            LiveRunnerIT.awaitLastBar(http, port, btc.get(btc.size() - 1).open(), output);
            LiveRunnerIT.stop(home, model, p, output);
            assertThat(exchange.refused).isEmpty();
        }
        // both markets' bars stored as the batch build read them, and every test bar predicted as training stored
        try (MarketDataStore want = MarketDataStore.open(new AtlasHome(trained).marketData());
             MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            for (Market market : List.of(BTC, ETH)) {
                assertThat(bars(got, market)).as(market.toString()).isEqualTo(bars(want, market));
            }
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home, model, m);

        // a 5-minute model with a 1-minute feature: its own market is received as minutes, and a 5-minute bar is
        // predicted once its five minutes are in (never from the first ones), as training stored it
        String fine = "pair/fine/logistic#0";
        LiveModel f = LiveModel.find(new AtlasHome(trained), fine);
        long[] fineTest = f.test().time();
        Path home2 = dir.resolve("live-fine");
        CliRun.copyRuns(trained, home2);
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(bars, MINUTE, "1m", fineTest[0])) {
            Process p = LiveRunnerIT.liveIn(home2, "--model", fine, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0",
                    "--from", Instant.ofEpochMilli(fineTest[0]).toString()).start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(exchange, 1, output);
            assertThat(output.toString()).contains("btcusd@kline_1m").doesNotContain("ethusd");
            List<BinanceProtocolServer.Bar> btc = bars.get("BTCUSD");
            for (int i = index(btc, fineTest[0]); i < btc.size(); i++) {
                BinanceProtocolServer.Bar b = btc.get(i);
                exchange.now = b.open() + MINUTE;
                exchange.push("BTCUSD", b, true);
                if (b.open() == fineTest[3] + 2 * MINUTE) {
                    // three minutes into a 5-minute bar: the bar before it is the newest predicted, and stays so
                    LiveRunnerIT.awaitLastBar(http, port, fineTest[2], output);
                    Thread.sleep(1500);
                    assertThat(LiveRunnerIT.get(http, port, "/status").path("lastBar").asText()).as(output.toString())
                            .isEqualTo(Instant.ofEpochMilli(fineTest[2]).toString());
                }
                Thread.sleep(5);
            }
            // the last 5-minute bar of the day (after the last test bar, whose label needs the one after it)
            LiveRunnerIT.awaitLastBar(http, port, Timeframe.M5.floor(btc.get(btc.size() - 1).open()), output);
            CliRun.atlas(home2, 0, "live", "stop", "--model", fine);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home2, fine, f);
    }

    private static List<BinanceProtocolServer.Bar> bars(MarketDataStore store, Market market) {
        return BinanceProtocolServer.storedBars(store, market, Timeframe.M1);
    }

    private static int index(List<BinanceProtocolServer.Bar> bars, long open) {
        return BinanceProtocolServer.index(bars, open);
    }
}
