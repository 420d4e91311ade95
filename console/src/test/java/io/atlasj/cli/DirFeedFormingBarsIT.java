package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.live.LiveModel;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector drops kline files whose last bar is still forming (real Coinbase BTC/USD minutes of 2017-09-03, the
 * forming bar written as its opening price with a sliver of its volume), and the next file holds that bar whole. The
 * runner of a {@code dir} feed predicts a bar once a later bar has data, so it predicts each such bar from its whole
 * values: every test bar is predicted as the batch run stored it, and the store ends with the exchange's bars. Before,
 * the next file's values for the forming bar were counted "already present" and dropped, and the bar was predicted on
 * the forming values.
 */
class DirFeedFormingBarsIT {
    static final Market BTC = new Market("coinbase", "btcusd");
    static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    @Test
    void aFormingBarIsReplacedByTheNextFileAndPredictedWhole() throws Exception {
        Path trained = dir.resolve("trained");
        CliRun.atlas(trained, 0, "data", "import", "--format", "lean",
                MidPricesCliTest.QUOTES.resolveSibling("20170903_trade.zip").toString());
        String model = "minute/direction/logistic#0";
        String spec = CliRun.oneLogistic("minute", "btc-minute", "coinbase:btcusd", "1m",
                "[\"LogReturns()\", \"LogReturns().lookback(5)\", \"Volatility(15)\"]", 0.6);
        LiveModel m = CliRun.train(trained, dir.resolve("minute.yaml"), spec, model);
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(200);
        List<BinanceProtocolServer.Bar> bars;
        try (MarketDataStore store = MarketDataStore.open(new AtlasHome(trained).marketData())) {
            bars = BinanceProtocolServer.storedBars(store, BTC, Timeframe.M1);
        }
        // the runner's home: the trained model and the hour before the test period, as klines
        Path home = dir.resolve("live");
        CliRun.copyRuns(trained, home);
        int start = BinanceProtocolServer.index(bars, test[0]) - 60;
        Path history = dir.resolve("history.csv");
        List<String> rows = new ArrayList<>();
        for (BinanceProtocolServer.Bar b : bars.subList(0, start)) {
            rows.add(kline(b));
        }
        Files.write(history, rows);
        CliRun.atlas(home, 0, "data", "import", "--format", "binance-klines", "--exchange", "coinbase", "--symbol",
                "btcusd", history.toString());
        Path drop = Files.createDirectories(dir.resolve("drop"));
        ProcessBuilder pb = LiveRunnerIT.liveIn(home, "--model", model, "--feed", "dir", "--dir", drop.toString(),
                "--format", "binance-klines", "--exchange", "coinbase", "--symbol", "btcusd", "--http-port", "0");
        Process p = pb.start();
        StringBuffer output = new StringBuffer();
        int port = LiveRunnerIT.port(p, output).get(120, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        int per = 40;
        int files = 0;
        for (int from = start; from < bars.size(); from += per) {
            int to = Math.min(bars.size(), from + per);
            List<String> part = new ArrayList<>();
            for (BinanceProtocolServer.Bar b : bars.subList(from, to)) {
                part.add(kline(b));
            }
            if (to < bars.size()) {
                BinanceProtocolServer.Bar f = bars.get(to); // the next bar, as its first trade showed it
                part.add(kline(new BinanceProtocolServer.Bar(f.open(), f.o(), f.o(), f.o(), f.o(), f.v() / 10)));
            }
            String name = String.format("klines-%03d.csv", files++);
            Files.write(drop.resolve(name + ".tmp"), part);
            Files.move(drop.resolve(name + ".tmp"), drop.resolve(name));
            Path done = drop.resolve("imported").resolve(name);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(done) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(done).as(output.toString()).exists();
        }
        // every bar but the last (no later bar completes it) is predicted
        LiveRunnerIT.awaitLastBar(http, port, bars.get(bars.size() - 2).open(), output);
        LiveRunnerIT.stop(home, model, p, output);
        assertThat(drop.resolve("rejected")).as(output.toString()).doesNotExist();
        try (MarketDataStore got = MarketDataStore.open(new AtlasHome(home).marketData())) {
            assertThat(BinanceProtocolServer.storedBars(got, BTC, Timeframe.M1)).isEqualTo(bars);
        }
        LiveRunnerIT.assertEveryTestBarPredictedAsStored(home, model, m);
    }

    /** A row of Binance's kline CSV, numbers as plain decimals (read back to the same doubles). */
    private static String kline(BinanceProtocolServer.Bar b) {
        return b.open() + "," + t(b.o()) + "," + t(b.h()) + "," + t(b.l()) + "," + t(b.c()) + "," + t(b.v()) + ","
                + (b.open() + MINUTE - 1) + "," + t(b.v() * b.c()) + ",7,0,0,0";
    }

    private static String t(double d) {
        return BigDecimal.valueOf(d).toPlainString();
    }
}
