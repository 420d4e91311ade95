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
 * name them by. A second model reads one symbol on two APIs and records both trade streams ({@code --trades}).
 * Skipped without {@code ../shared/data}.
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
            Process p = onTwoApis(home, model, test[0], "spot", spotApi, "cm", coinM).start();
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

    /**
     * One symbol on two APIs, with {@code --trades}: a model of Binance spot LINKUSDT's 15-minute bars with a feature
     * of the USD-M LINKUSDT perpetual, fed by two servers, each streaming its own LINKUSDT trades under the same ids
     * (Binance numbers trades per market). Each market gets its own API's trades in the store, every one once and none
     * of the other's, and every bar sent is predicted as the batch run stored it. Both markets are the real perpetual's
     * minutes of February 2023, imported under either name (the data holds no spot file of that month), and the trades
     * are made from those bars (four a bar, at its open, high, low and close; the perpetual's at other times and sizes,
     * so that the two streams differ), since the data holds no trades of these markets: what is tested is where each
     * API's trades go.
     */
    @Test
    void oneSymbolOnTwoApisRecordsEachApisTradesApart() throws Exception {
        Path klines = TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        Market spot = new Market("binance", "linkusdt");
        Market perp = new Market("binance-um", "linkusdt");
        Path trained = dir.resolve("trained-two");
        for (Market market : List.of(spot, perp)) {
            CliRun.atlas(trained, 0, "data", "import", "--format", "binance-klines", "--exchange", market.exchange(),
                    klines.toString());
        }
        String model = "link-two/direction/logistic#0";
        String spec = CliRun.oneLogistic("link-two", "link-two-apis", spot.toString(), "15m",
                "[\"LogReturns()\", \"LogReturns().lookback(4)\", \"LogReturns().lookback(4).market('" + perp
                        + "')\"]", 0.9);
        LiveModel m = CliRun.train(trained, dir.resolve("link-two.yaml"), spec, model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(60);
        long tf = 900_000;
        List<BinanceProtocolServer.Bar> spotBars;
        List<BinanceProtocolServer.Bar> perpBars;
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            spotBars = BinanceProtocolServer.storedBars(store, spot, Timeframe.M15);
            perpBars = BinanceProtocolServer.storedBars(store, perp, Timeframe.M15);
        }
        int first = BinanceProtocolServer.index(spotBars, test[0]);
        int n = 40;
        List<BinanceProtocolServer.Trade> spotTrades = new java.util.ArrayList<>();
        List<BinanceProtocolServer.Trade> perpTrades = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            long open = spotBars.get(first + i).open();
            assertThat(test[i]).isEqualTo(open);
            spotTrades.addAll(trades(spotBars.get(first + i), 900_000 + spotTrades.size(), 1_000, 4, tf));
            perpTrades.addAll(trades(perpBars.get(BinanceProtocolServer.index(perpBars, open)),
                    900_000 + perpTrades.size(), 3_000, 8, tf));
        }
        Path home = dir.resolve("live-two");
        CliRun.copyRuns(trained, home);
        try (BinanceProtocolServer spotApi = new BinanceProtocolServer(Map.of("LINKUSDT", spotBars), tf, "15m", test[0],
                "/api/v3");
             BinanceProtocolServer usdM = new BinanceProtocolServer(Map.of("LINKUSDT", perpBars), tf, "15m", test[0],
                     "/fapi/v1")) {
            spotApi.tradeHistory("LINKUSDT", spotTrades);
            usdM.tradeHistory("LINKUSDT", perpTrades);
            Process p = onTwoApis(home, model, test[0], "spot", spotApi, "um", usdM, "--trades").start();
            StringBuffer output = new StringBuffer();
            int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            LiveRunnerIT.awaitConnections(spotApi, 1, output);
            LiveRunnerIT.awaitConnections(usdM, 1, output);
            assertThat(output.toString()).contains("with their trades");
            for (int i = 0; i < n; i++) {
                long open = test[i];
                spotApi.now = open + tf;
                usdM.now = open + tf;
                perpTrades.stream().filter(t -> t.time() >= open && t.time() < open + tf)
                        .forEach(t -> usdM.pushTrade("LINKUSDT", t));
                spotTrades.stream().filter(t -> t.time() >= open && t.time() < open + tf)
                        .forEach(t -> spotApi.pushTrade("LINKUSDT", t));
                usdM.push("LINKUSDT", perpBars.get(BinanceProtocolServer.index(perpBars, open)), true);
                spotApi.push("LINKUSDT", spotBars.get(first + i), true);
                Thread.sleep(5);
            }
            LiveRunnerIT.awaitLastBar(http, port, test[n - 1], output);
            LiveRunnerIT.stop(home, model, p, output);
            assertThat(output.toString()).containsPattern((spotTrades.size() + perpTrades.size())
                    + " trades recorded \\(0 from the history\\), 0 duplicate trades dropped, 0 missing");
            assertThat(spotApi.refused).as("requests outside the spot API").isEmpty();
            assertThat(usdM.refused).as("requests outside the USD-M API").isEmpty();
        }
        try (MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            assertSameTrades(got, spot, spotTrades);
            assertSameTrades(got, perp, perpTrades);
        }
        for (Market market : List.of(spot, perp)) {
            try (var spool = java.nio.file.Files.list(home.resolve("live").resolve("feeds")
                    .resolve(market.exchange() + "_" + market.symbol() + "-trades"))) {
                assertThat(spool.toList()).as(market.toString()).isEmpty(); // imported and removed, none refused
            }
        }
        LiveRunnerIT.assertTestBarsPredictedAsStored(home, model, m, n);
    }

    /**
     * A binance-ws runner of {@code model} in {@code home} from bar {@code from}, fed by two servers, each named by its
     * API's id, serving HTTP on a free port; {@code more} arguments after.
     */
    private static ProcessBuilder onTwoApis(Path home, String model, long from, String idA, BinanceProtocolServer a,
                                            String idB, BinanceProtocolServer b, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--model", model, "--feed", "binance-ws",
                "--ws-url", idA + "=" + a.websocket(), "--rest-url", idA + "=" + a.rest(),
                "--ws-url", idB + "=" + b.websocket(), "--rest-url", idB + "=" + b.rest(),
                "--http-port", "0", "--from", Instant.ofEpochMilli(from).toString()));
        args.addAll(List.of(more));
        return LiveRunnerIT.liveIn(home, args.toArray(String[]::new));
    }

    /**
     * Four trades of bar {@code b} from id {@code firstId}: its open, high, low and close, {@code shift} ms into their
     * places in the bar, each 1/{@code parts} of its volume; none for a bar without volume.
     */
    private static List<BinanceProtocolServer.Trade> trades(BinanceProtocolServer.Bar b, long firstId, long shift,
                                                            int parts, long tf) {
        double[] price = {b.o(), b.h(), b.l(), b.c()};
        long[] at = {b.open() + shift, b.open() + tf / 3 + shift, b.open() + 2 * tf / 3 + shift,
            b.open() + tf - 10_000 + shift};
        List<BinanceProtocolServer.Trade> out = new java.util.ArrayList<>();
        for (int k = 0; b.v() > 0 && k < 4; k++) {
            out.add(new BinanceProtocolServer.Trade(firstId + k, at[k], price[k], b.v() / parts, k % 2 == 0));
        }
        return out;
    }

    /** The store holds exactly {@code want} as {@code market}'s trades over their span, in order, every field. */
    private static void assertSameTrades(MarketDataStore store, Market market, List<BinanceProtocolServer.Trade> want) {
        var t = store.trades(market, want.get(0).time(), want.get(want.size() - 1).time() + 1);
        assertThat(t.size()).as(market.toString()).isEqualTo(want.size());
        for (int i = 0; i < want.size(); i++) {
            BinanceProtocolServer.Trade w = want.get(i);
            assertThat(t.tradeIds()[i]).as("%s trade %d", market, i).isEqualTo(w.id());
            assertThat(t.times()[i]).as("%s trade %d", market, i).isEqualTo(w.time());
            assertThat(t.prices()[i]).as("%s trade %d", market, i).isEqualTo(w.price());
            assertThat(t.quantities()[i]).as("%s trade %d", market, i).isEqualTo(w.qty());
            assertThat(t.sides()[i]).as("%s trade %d", market, i).isEqualTo(w.buyerMaker() ? (byte) -1 : (byte) 1);
        }
    }
}
