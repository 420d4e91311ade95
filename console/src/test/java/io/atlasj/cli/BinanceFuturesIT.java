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
 * and the store holds the bars the batch build read. The same for a COIN-M perpetual imported from LEAN's files.
 * Skipped without {@code ../shared/data}.
 */
class BinanceFuturesIT {
    static final Market LINK = new Market("binance-um", "linkusdt");

    @TempDir
    Path dir;

    @Test
    void aFuturesModelIsFedFromTheFuturesApi() throws Exception {
        Path klines = TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        Path trained = dir.resolve("trained");
        CliRun.atlas(trained, 0, "data", "import", "--format", "binance-klines", "--exchange", "binance-um",
                klines.toString());
        String model = "perp/direction/logistic#0";
        String spec = CliRun.oneLogistic("perp", "link-perp", "binance-um:linkusdt", "15m",
                "[\"LogReturns()\", \"LogReturns().lookback(4)\", \"Volatility(8)\"]", 0.7);
        LiveModel m = CliRun.train(trained, dir.resolve("perp.yaml"), spec, model);
        assertThat(m.test().time().length).isGreaterThan(300);
        serve(trained, model, m, LINK, Timeframe.M15, "LINKUSDT", "15m", "/fapi/v1",
                "linkusdt@kline_15m of Binance USD-M futures");
    }

    /**
     * A COIN-M perpetual as LEAN keeps it ({@code cryptofuture/binance/minute/btcusd}: the real BTCUSD perpetual's
     * minutes of 2022-12-13, volumes in contracts) imports as {@code binance-futures:btcusd}, and its model is fed
     * from the COIN-M API: {@code /dapi/v1} and the contract {@code BTCUSD_PERP}.
     */
    @Test
    void aCoinMarginedPerpetualFromLeanIsFedFromTheCoinMApi() throws Exception {
        Path minutes = TestData.shared("lean/cryptofuture/binance/minute/btcusd/20221213_trade.zip");
        Path trained = dir.resolve("trained-cm");
        CliRun.atlas(trained, 0, "data", "import", "--format", "lean", minutes.toString());
        String model = "coinm/direction/logistic#0";
        String spec = CliRun.oneLogistic("coinm", "btc-coinm", "binance-futures:btcusd", "1m",
                "[\"LogReturns()\", \"LogReturns().lookback(5)\", \"Volatility(15)\"]", 0.6);
        LiveModel m = CliRun.train(trained, dir.resolve("coinm.yaml"), spec, model);
        assertThat(m.test().time().length).isGreaterThan(250);
        serve(trained, model, m, new Market("binance-futures", "btcusd"), Timeframe.M1, "BTCUSD_PERP", "1m",
                "/dapi/v1", "btcusd_perp@kline_1m of Binance COIN-M futures");
    }

    /**
     * Serves {@code model} (trained in {@code trained} on {@code market}'s {@code tf} bars) from a runner on an empty
     * store, fed by a local server of the API under {@code path} that streams the test period's bars of
     * {@code symbol}; then checks what the runner stored and predicted.
     */
    private void serve(Path trained, String model, LiveModel m, Market market, Timeframe tf, String symbol,
                       String interval, String path, String said) throws Exception {
        long[] test = m.test().time();
        List<BinanceProtocolServer.Bar> bars;
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            bars = BinanceProtocolServer.storedBars(store, market, tf);
        }
        Path home = trained.resolveSibling(trained.getFileName() + "-live");
        CliRun.copyRuns(trained, home); // the trained model and no bars: the runner fetches the history itself
        try (BinanceProtocolServer exchange = new BinanceProtocolServer(Map.of(symbol, bars), tf.millis(), interval,
                test[0], path)) {
            Process p = LiveRunnerIT.liveIn(home, "--model", model, "--feed", "binance-ws", "--ws-url",
                    exchange.websocket().toString(), "--rest-url", exchange.rest().toString(), "--http-port", "0",
                    "--from", Instant.ofEpochMilli(test[0]).toString()).start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(exchange, 1, output);
            assertThat(output.toString()).contains(said).contains("stored as " + market + " " + tf);
            for (int i = BinanceProtocolServer.index(bars, test[0]); i < bars.size(); i++) {
                exchange.now = bars.get(i).open() + tf.millis();
                exchange.push(bars.get(i), true);
                Thread.sleep(5);
            }
            LiveRunnerIT.awaitLastBar(http, port, bars.get(bars.size() - 1).open(), output);
            LiveRunnerIT.stop(home, model, p, output);
            assertThat(exchange.refused).as("requests outside the API under " + path).isEmpty();
            assertThat(exchange.klineRequests.get()).as("the history fetched from " + path + "/klines").isPositive();
        }
        try (MarketDataStore want = MarketDataStore.open(new AtlasHome(trained).marketData());
             MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            List<BinanceProtocolServer.Bar> stored = BinanceProtocolServer.storedBars(got, market, tf);
            List<BinanceProtocolServer.Bar> read = BinanceProtocolServer.storedBars(want, market, tf);
            assertThat(stored).isNotEmpty().isEqualTo(read.subList(BinanceProtocolServer.index(read,
                    stored.get(0).open()), read.size()));
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home, model, m);
    }
}
