package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.Market;
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
}
