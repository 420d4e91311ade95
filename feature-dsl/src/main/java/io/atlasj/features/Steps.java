package io.atlasj.features;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;

/**
 * The market and timeframe steps shared by features and labels. Every step returns a new value; on an expression
 * made of several features a step applies to every part that has not chosen that field itself.
 *
 * @param <T> the type the steps return
 */
public interface Steps<T extends Steps<T>> {
    /** Applies a market step to the parts that leave its fields unset. */
    T onMarket(MarketRef step);

    /** Applies a timeframe to the parts that have none. */
    T onTimeframe(Timeframe tf);

    // ---- exchanges
    default T exchange(String name) { return onMarket(MarketRef.UNSET.withExchange(name)); }
    default T bitstamp() { return exchange("bitstamp"); }
    default T binance() { return exchange("binance"); }
    default T binanceUm() { return exchange("binance-um"); }
    default T coinbase() { return exchange("coinbase"); }
    default T bybit() { return exchange("bybit"); }
    default T kraken() { return exchange("kraken"); }
    default T bitfinex() { return exchange("bitfinex"); }

    // ---- assets (resolved against the set's default exchange and quote currency)
    default T asset(String base) { return onMarket(MarketRef.UNSET.withAsset(base)); }
    default T quote(String quote) { return onMarket(MarketRef.UNSET.withQuote(quote)); }
    default T btc() { return asset("btc"); }
    default T eth() { return asset("eth"); }
    default T ltc() { return asset("ltc"); }
    default T sol() { return asset("sol"); }
    default T xrp() { return asset("xrp"); }
    default T ada() { return asset("ada"); }
    default T avax() { return asset("avax"); }
    default T dot() { return asset("dot"); }
    default T fil() { return asset("fil"); }
    default T link() { return asset("link"); }
    default T near() { return asset("near"); }
    default T algo() { return asset("algo"); }

    // ---- explicit pairs and markets
    default T btcUsd() { return onMarket(MarketRef.UNSET.withPair("btc", "usd")); }
    default T ethUsd() { return onMarket(MarketRef.UNSET.withPair("eth", "usd")); }
    default T btcUsdt() { return onMarket(MarketRef.UNSET.withPair("btc", "usdt")); }
    default T ethUsdt() { return onMarket(MarketRef.UNSET.withPair("eth", "usdt")); }
    default T btcEur() { return onMarket(MarketRef.UNSET.withPair("btc", "eur")); }
    default T symbol(String symbol) { return onMarket(MarketRef.UNSET.withSymbol(symbol)); }
    /** An exact market, {@code "exchange:symbol"}. */
    default T market(String market) { return onMarket(MarketRef.of(Market.parse(market))); }

    // ---- timeframes
    default T timeframe(String tf) { return onTimeframe(Timeframe.parse(tf)); }
    default T oneSec() { return onTimeframe(Timeframe.S1); }
    default T oneMin() { return onTimeframe(Timeframe.M1); }
    default T fiveMin() { return onTimeframe(Timeframe.M5); }
    default T fifteenMin() { return onTimeframe(Timeframe.M15); }
    default T oneHour() { return onTimeframe(Timeframe.H1); }
    default T fourHour() { return onTimeframe(Timeframe.H4); }
    default T oneDay() { return onTimeframe(Timeframe.D1); }
    /** Weekly bars, Monday 00:00 UTC to Monday. */
    default T oneWeek() { return onTimeframe(Timeframe.W1); }
}
