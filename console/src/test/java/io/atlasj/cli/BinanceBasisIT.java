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
 * A basis model: Binance spot BTC/BUSD minutes with features of the COIN-M BTCUSD perpetual beside them (the real bars
 * of 2022-12-13, from LEAN's files), served from two servers of Binance's protocol, one per API, as Binance's own
 * hosts are: the spot one answers only {@code /api/v3}, the COIN-M one only {@code /dapi/v1}. The runner opens a
 * connection to each, starts on an empty store, fetches both markets' history, stores both as the batch build read
 * them and predicts every test bar as training stored it. One server named for both APIs is refused with the ids to
 * name them by. Skipped without {@code ../shared/data}.
 */
class BinanceBasisIT {
    static final Market SPOT = new Market("binance", "btcbusd");
    static final Market PERP = new Market("binance-futures", "btcusd");
    static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    @Test
    void aSpotAgainstPerpetualModelIsFedFromBothApis() throws Exception {
        Path spot = TestData.shared("lean/crypto/binance/minute/btcbusd/20221213_trade.zip");
        Path perp = TestData.shared("lean/cryptofuture/binance/minute/btcusd/20221213_trade.zip");
        Path trained = dir.resolve("trained");
        CliRun.atlas(trained, 0, "data", "import", "--format", "lean", spot.toString(), perp.toString());
        String model = "basis/direction/logistic#0";
        String spec = CliRun.oneLogistic("basis", "btc-basis", SPOT.toString(), "1m",
                "[\"LogReturns()\", \"LogReturns().lookback(5)\", \"LogReturns().market('" + PERP + "')\", "
                        + "\"Close().div(Close().market('" + PERP + "'))\"]", 0.6);
        LiveModel m = CliRun.train(trained, dir.resolve("basis.yaml"), spec, model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(200);
        List<BinanceProtocolServer.Bar> spotBars;
        List<BinanceProtocolServer.Bar> perpBars;
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            spotBars = BinanceProtocolServer.storedBars(store, SPOT, Timeframe.M1);
            perpBars = BinanceProtocolServer.storedBars(store, PERP, Timeframe.M1);
        }
        Map<Long, BinanceProtocolServer.Bar> perpAt = new java.util.HashMap<>();
        perpBars.forEach(b -> perpAt.put(b.open(), b));
        Path home = dir.resolve("live");
        CliRun.copyRuns(trained, home); // the trained model and no bars: the runner fetches both histories itself
        try (BinanceProtocolServer spotApi = new BinanceProtocolServer(Map.of("BTCBUSD", spotBars), MINUTE, "1m",
                test[0], "/api/v3");
             BinanceProtocolServer coinM = new BinanceProtocolServer(Map.of("BTCUSD_PERP", perpBars), MINUTE, "1m",
                     test[0], "/dapi/v1")) {
            // one server for both APIs cannot be told apart by stream names: refused, with the ids to name each by
            String refused = CliRun.atlas(home, 1, "live", "start", "--model", model, "--feed", "binance-ws",
                    "--ws-url", spotApi.websocket().toString(), "--rest-url", spotApi.rest().toString(),
                    "--http-port", "-1")[1];
            assertThat(refused).contains("reads markets of Binance spot (spot) and Binance COIN-M futures (cm): give "
                    + "each API's server by its id");
            Process p = LiveRunnerIT.liveIn(home, "--model", model, "--feed", "binance-ws",
                    "--ws-url", "spot=" + spotApi.websocket(), "--rest-url", "spot=" + spotApi.rest(),
                    "--ws-url", "cm=" + coinM.websocket(), "--rest-url", "cm=" + coinM.rest(),
                    "--http-port", "0", "--from", Instant.ofEpochMilli(test[0]).toString()).start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(spotApi, 1, output);
            LiveRunnerIT.awaitConnections(coinM, 1, output);
            assertThat(output.toString()).contains("btcbusd@kline_1m of Binance spot from " + spotApi.websocket())
                    .contains("btcusd_perp@kline_1m of Binance COIN-M futures from " + coinM.websocket());
            for (int i = BinanceProtocolServer.index(spotBars, test[0]); i < spotBars.size(); i++) {
                BinanceProtocolServer.Bar b = spotBars.get(i);
                spotApi.now = b.open() + MINUTE;
                coinM.now = b.open() + MINUTE;
                BinanceProtocolServer.Bar q = perpAt.get(b.open());
                if (q != null) { // a minute without a perpetual trade has no bar: the spot bar goes on without it
                    coinM.push("BTCUSD_PERP", q, true);
                }
                spotApi.push("BTCBUSD", b, true);
                Thread.sleep(5);
            }
            LiveRunnerIT.awaitLastBar(http, port, spotBars.get(spotBars.size() - 1).open(), output);
            LiveRunnerIT.stop(home, model, p, output);
            assertThat(spotApi.refused).as("requests outside the spot API").isEmpty();
            assertThat(coinM.refused).as("requests outside the COIN-M API").isEmpty();
            assertThat(spotApi.klineRequests.get()).isPositive();
            assertThat(coinM.klineRequests.get()).isPositive();
        }
        // both markets stored as the batch build read them, from the runner's first fetched bar on
        try (MarketDataStore want = MarketDataStore.open(new AtlasHome(trained).marketData());
             MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            for (Market market : List.of(SPOT, PERP)) {
                List<BinanceProtocolServer.Bar> stored = BinanceProtocolServer.storedBars(got, market, Timeframe.M1);
                List<BinanceProtocolServer.Bar> read = BinanceProtocolServer.storedBars(want, market, Timeframe.M1);
                assertThat(stored).as(market.toString()).isNotEmpty().isEqualTo(read.subList(
                        BinanceProtocolServer.index(read, stored.get(0).open()), read.size()));
            }
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home, model, m);
    }
}
