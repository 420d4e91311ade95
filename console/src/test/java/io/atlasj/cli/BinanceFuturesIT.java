package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import io.atlasj.trainer.live.LiveModel;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained on Binance USD-M futures bars (the real LINKUSDT perpetual's minutes of February 2023, imported as
 * {@code binance-um}, as Binance's archive names them) is fed by the binance-ws feed from the futures API: its kline
 * stream and its REST history under {@code /fapi/v1}, not the spot market's {@code /api/v3}, whose bars are another
 * market's. The local server answers only the futures paths (any other is refused and counted), starts the runner on an
 * empty store, and streams the test period's 15-minute bars: every test bar is predicted as the batch run stored it,
 * and the store holds the bars the batch build read. Skipped without {@code ../shared/data}.
 */
class BinanceFuturesIT {
    static final Market LINK = new Market("binance-um", "linkusdt");
    static final long TF = 15 * 60_000;

    @TempDir
    Path dir;

    @Test
    void aFuturesModelIsFedFromTheFuturesApi() throws Exception {
        Path klines = TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        Path trained = dir.resolve("trained");
        CliRun.atlas(trained, 0, "data", "import", "--format", "binance-klines", "--exchange", "binance-um",
                klines.toString());
        String model = "perp/direction/logistic#0";
        LiveModel m = CliRun.train(trained, dir.resolve("perp.yaml"), """
                name: perp
                execution: {retries: 0, slots: 1}
                units:
                  - name: direction
                    featureset:
                      name: link-perp
                      base: {market: "binance-um:linkusdt", timeframe: 15m}
                      features: ["LogReturns()", "LogReturns().lookback(4)", "Volatility(8)"]
                      labels: ["UpDown(1)"]
                    dataset: {task: classification, label: "UpDown(1)", scaling: zscore}
                    split: {type: chronological, train: 0.7, validation: 0.15, test: 0.15}
                    models:
                      - {name: logistic, type: logistic, training: {epochs: 3}}
                """, model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(300);
        List<BinanceProtocolServer.Bar> bars;
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            bars = bars(store);
        }
        Path home = dir.resolve("live");
        CliRun.copyRuns(trained, home); // the trained model and no bars: the runner fetches the history itself
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(Map.of("LINKUSDT", bars), TF, "15m", test[0],
                "/fapi/v1")) {
            Process p = LiveRunnerIT.liveIn(home, "--model", model, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0",
                    "--from", Instant.ofEpochMilli(test[0]).toString()).start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(exchange, 1, output);
            assertThat(output.toString()).contains("linkusdt@kline_15m of Binance USD-M futures")
                    .contains("stored as binance-um:linkusdt 15m");
            int first = index(bars, test[0]);
            for (int i = first; i < bars.size(); i++) {
                exchange.now = bars.get(i).open() + TF;
                exchange.push(bars.get(i), true);
                Thread.sleep(5);
            }
            LiveRunnerIT.awaitLastBar(http, port, bars.get(bars.size() - 1).open(), output);
            CliRun.atlas(home, 0, "live", "stop", "--model", model);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output.toString()).isZero();
            assertThat(exchange.refused).as("requests outside the futures API").isEmpty();
            assertThat(exchange.klineRequests.get()).as("the history fetched from /fapi/v1/klines").isPositive();
        }
        try (MarketDataStore want = MarketDataStore.open(new AtlasHome(trained).marketData());
             MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            List<BinanceProtocolServer.Bar> stored = bars(got);
            List<BinanceProtocolServer.Bar> read = bars(want);
            assertThat(stored).isNotEmpty().isEqualTo(read.subList(index(read, stored.get(0).open()), read.size()));
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home, model, m);
    }

    private static List<BinanceProtocolServer.Bar> bars(MarketDataStore store) {
        return BinanceProtocolServer.storedBars(store, LINK, Timeframe.M15);
    }

    private static int index(List<BinanceProtocolServer.Bar> bars, long open) {
        return BinanceProtocolServer.index(bars, open);
    }
}
