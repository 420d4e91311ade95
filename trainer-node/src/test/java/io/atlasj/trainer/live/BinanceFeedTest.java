package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.Market;
import org.junit.jupiter.api.Test;

/**
 * Which markets Binance's own (spot) servers may feed: a market stored under another exchange's name, or under a
 * Binance futures exchange's (such as the benchmark data's {@code binance-um}), would get the spot market's bars.
 */
class BinanceFeedTest {
    @Test
    void onlyBinanceSpotMarketsAreFedByBinancesOwnServers() {
        assertThat(BinanceFeed.refusal(new Market("binance", "btcusdt"))).isNull();
        assertThat(BinanceFeed.refusal(new Market("binance-us", "btcusd"))).isNull();
        assertThat(BinanceFeed.refusal(new Market("bitstamp", "btc_usd"))).contains("not a Binance market");
        for (String futures : new String[] {"binance-um", "binance-cm", "binance_usdm", "binance-futures"}) {
            assertThat(BinanceFeed.refusal(new Market(futures, "linkusdt"))).as(futures)
                    .contains("a Binance futures market").contains("--ws-url and --rest-url");
        }
    }
}
