package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.Market;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/**
 * Which of Binance's APIs a market is read from: the futures' bars are not the spot market's, so a model trained on a
 * futures contract must be fed from the futures API, at its hosts and paths.
 */
class BinanceFeedTest {
    @Test
    void aMarketIsReadFromTheApiItsExchangeNameTells() {
        assertThat(BinanceApi.of(new Market("binance", "btcusdt"))).isEqualTo(BinanceApi.SPOT);
        assertThat(BinanceApi.of(new Market("binance-us", "btcusd"))).isEqualTo(BinanceApi.US);
        for (String usdm : new String[] {"binance-um", "binance_usdm", "binance.usd-m", "binance-futures", "binance-perp"}) {
            assertThat(BinanceApi.of(new Market(usdm, "linkusdt"))).as(usdm).isEqualTo(BinanceApi.USD_M);
        }
        assertThat(BinanceApi.of(new Market("binance-cm", "btcusd_perp"))).isEqualTo(BinanceApi.COIN_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "btcusd_perp"))).isEqualTo(BinanceApi.COIN_M);
        // LEAN's cryptofuture/binance folder (imported as binance-futures) holds both kinds
        assertThat(BinanceApi.of(new Market("binance-futures", "btcusd"))).isEqualTo(BinanceApi.COIN_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "adausdt"))).isEqualTo(BinanceApi.USD_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "ethbusd"))).isEqualTo(BinanceApi.USD_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "btcusdt_250926"))).isEqualTo(BinanceApi.USD_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "btc_usdt_usdt"))).isEqualTo(BinanceApi.USD_M);
        assertThat(BinanceApi.of(new Market("binance-futures", "btcusd_250926"))).isEqualTo(BinanceApi.COIN_M);
        assertThat(BinanceApi.of(new Market("bitstamp", "btc_usd"))).isNull();
        // freqtrade's futures files: base_quote_settle under the exchange's own name
        assertThat(BinanceApi.of(new Market("binance", "link_usdt_usdt"))).isEqualTo(BinanceApi.USD_M);
        assertThat(BinanceApi.of(new Market("binance", "btc_usd_btc"))).isEqualTo(BinanceApi.COIN_M);
        assertThat(BinanceApi.of(new Market("binance", "btc_usdt"))).isEqualTo(BinanceApi.SPOT);
        assertThatThrownBy(() -> BinanceApi.of(new Market("binance-options", "btc")))
                .hasMessageContaining("binance-options:btc names none of Binance's market-data APIs")
                .hasMessageContaining("binance-um (USD-M futures").hasMessageContaining("--ws-url and --rest-url");
    }

    @Test
    void eachApiHasItsHostsPathsAndSymbols() {
        assertThat(BinanceApi.USD_M.websocket).hasToString("wss://fstream.binance.com");
        assertThat(BinanceApi.USD_M.rest).hasToString("https://fapi.binance.com");
        assertThat(BinanceApi.USD_M.path).isEqualTo("/fapi/v1");
        assertThat(BinanceApi.USD_M.tradePage).isEqualTo(500); // the futures' historicalTrades gives 500 at most
        assertThat(BinanceApi.COIN_M.path).isEqualTo("/dapi/v1");
        assertThat(BinanceApi.SPOT.path).isEqualTo("/api/v3");
        assertThat(BinanceApi.SPOT.tradePage).isEqualTo(1000);
        assertThat(BinanceApi.US.rest).hasToString("https://api.binance.us");
        assertThat(BinanceApi.USD_M.symbol(new Market("binance-um", "link-usdt"))).isEqualTo("LINKUSDT");
        assertThat(BinanceApi.COIN_M.symbol(new Market("binance-cm", "btcusd_perp"))).isEqualTo("BTCUSD_PERP");
        assertThat(BinanceApi.SPOT.symbol(new Market("binance", "btc_usdt"))).isEqualTo("BTCUSDT");
        assertThat(BinanceApi.USD_M.symbol(new Market("binance", "link_usdt_usdt"))).isEqualTo("LINKUSDT");
        assertThat(BinanceApi.COIN_M.symbol(new Market("binance", "btc_usd_btc"))).isEqualTo("BTCUSD_PERP");
        assertThat(BinanceApi.COIN_M.symbol(new Market("binance-futures", "btcusd"))).isEqualTo("BTCUSD_PERP");
        assertThat(BinanceApi.COIN_M.symbol(new Market("binance-cm", "btcusd_250926"))).isEqualTo("BTCUSD_250926");
        assertThat(BinanceApi.USD_M.symbol(new Market("binance-um", "btcusdt_250926"))).isEqualTo("BTCUSDT_250926");
        assertThat(BinanceApi.USD_M.symbol(new Market("binance-um", "link_usdt"))).isEqualTo("LINKUSDT");
        assertThat(BinanceApi.USD_M.symbol(new Market("binance-futures", "btc_usdt_usdt"))).isEqualTo("BTCUSDT");
    }

    @Test
    void eachMarketIsReadFromItsApiAndNamedServersTakeAnyName() {
        Market spot = new Market("binance", "btcusdt");
        Market perp = new Market("binance-um", "btcusdt");
        Market other = new Market("coinbase", "ethusd");
        Market unknown = new Market("binance-vision", "btcusdt");
        java.util.Map<Market, BinanceApi> apis = new HashMap<>();
        assertThat(BinanceFeed.api("m", java.util.List.of(perp), perp, false, apis)).isEqualTo(BinanceApi.USD_M);
        assertThat(apis).containsEntry(perp, BinanceApi.USD_M);
        // a basis model: the spot market and its perpetual, each from its own API
        apis.clear();
        assertThat(BinanceFeed.api("m", java.util.List.of(spot, perp), spot, false, apis)).isEqualTo(BinanceApi.SPOT);
        assertThat(apis).containsEntry(spot, BinanceApi.SPOT).containsEntry(perp, BinanceApi.USD_M);
        assertThatThrownBy(() -> BinanceFeed.api("m", java.util.List.of(spot, other), spot, false, new HashMap<>()))
                .hasMessageContaining("m reads coinbase:ethusd, not a Binance market");
        assertThatThrownBy(() -> BinanceFeed.api("m", java.util.List.of(unknown), unknown, false, new HashMap<>()))
                .hasMessageContaining("names none of Binance's market-data APIs");
        // on servers named by --ws-url or --rest-url: another exchange's market, and a Binance name of no API, are the
        // server's, which speaks the spot paths unless a Binance market read with them tells another API
        apis.clear();
        assertThat(BinanceFeed.api("m", java.util.List.of(unknown, other), unknown, true, apis))
                .isEqualTo(BinanceApi.SPOT);
        assertThat(apis).containsEntry(unknown, null).containsEntry(other, null);
        assertThat(BinanceFeed.api("m", java.util.List.of(other, perp), other, true, new HashMap<>()))
                .isEqualTo(BinanceApi.USD_M);
    }

    /**
     * Servers named for the APIs a model reads: one for all when it reads one API; each API's by its id when it reads
     * several (a stream's name does not tell spot's from a perpetual's); never one for an API it does not read.
     */
    @Test
    void namedServersMustSayWhichApiTheyServe() {
        java.net.URI a = java.net.URI.create("ws://127.0.0.1:1");
        java.net.URI b = java.net.URI.create("ws://127.0.0.1:2");
        java.util.Set<BinanceApi> one = java.util.Set.of(BinanceApi.SPOT);
        java.util.Set<BinanceApi> two = new java.util.LinkedHashSet<>(java.util.List.of(BinanceApi.SPOT,
                BinanceApi.COIN_M));
        BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(a, a, null), one);
        BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(java.util.Map.of("spot", a, "cm", b),
                java.util.Map.of("spot", a, "cm", b), null, false), two);
        // Binance's own servers for one API, a named one for the other
        BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(java.util.Map.of("cm", b), java.util.Map.of(), null,
                false), two);
        assertThatThrownBy(() -> BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(a, a, null), two))
                .hasMessageContaining("m reads markets of Binance spot (spot) and Binance COIN-M futures (cm): give "
                        + "each API's server by its id, --ws-url spot=URL");
        assertThatThrownBy(() -> BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(java.util.Map.of("um", a),
                java.util.Map.of(), null, false), two))
                .hasMessageContaining("--ws-url um=...: m reads no market of Binance USD-M futures");
        assertThatThrownBy(() -> BinanceFeed.checkServers("m", new FeedSpec.BinanceWs(java.util.Map.of(),
                java.util.Map.of("perp", a), null, false), one))
                .hasMessageContaining("--rest-url perp=...: no such API; the ids are spot (Binance spot), us");
    }

    /**
     * Recorded trades are imported after five minutes, but not while a stored bar waits to be predicted (the import
     * would delay it) unless they have waited ten; a full tape and the runner's stop import them whatever waits.
     */
    @Test
    void recordedTradesWaitWhileABarWaitsToBePredicted() {
        long age = BinanceFeed.TRADES_AGE;
        assertThat(BinanceFeed.flushDue(10, age, false, false)).isTrue();
        assertThat(BinanceFeed.flushDue(10, age, false, true)).isFalse();
        assertThat(BinanceFeed.flushDue(10, 2 * age, false, true)).as("bars every second").isTrue();
        assertThat(BinanceFeed.flushDue(10, age - 1, false, false)).isFalse();
        assertThat(BinanceFeed.flushDue(BinanceFeed.TRADES_EVERY, 0, false, true)).isTrue();
        assertThat(BinanceFeed.flushDue(1, 0, true, true)).isTrue();
        assertThat(BinanceFeed.flushDue(0, age, true, false)).isFalse();
    }
}
