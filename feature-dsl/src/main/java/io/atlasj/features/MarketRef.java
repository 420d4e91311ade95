package io.atlasj.features;

import io.atlasj.marketdata.Market;
import java.util.Locale;
import java.util.Objects;

/**
 * Which market a feature reads, as the user wrote it: any of exchange, base asset, quote currency and exact symbol
 * may be unset. {@link io.atlasj.features.set.MarketResolver} turns it into a {@link Market} using the featureset's
 * defaults and the markets in the store. A {@code null} field is unset; the empty ref means "the set's base market".
 */
public record MarketRef(String exchange, String base, String quote, String symbol) {
    public static final MarketRef UNSET = new MarketRef(null, null, null, null);

    public MarketRef {
        exchange = norm(exchange);
        base = norm(base);
        quote = norm(quote);
        symbol = norm(symbol);
        if (symbol != null && (base != null || quote != null)) {
            throw new IllegalArgumentException("a market is either an exact symbol or an asset and quote, not both");
        }
    }

    private static String norm(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    public static MarketRef of(Market m) {
        return new MarketRef(m.exchange(), null, null, m.symbol());
    }

    public boolean isUnset() {
        return exchange == null && base == null && quote == null && symbol == null;
    }

    public boolean isExact() {
        return exchange != null && symbol != null;
    }

    public MarketRef withExchange(String e) {
        return new MarketRef(e, base, quote, symbol);
    }

    public MarketRef withAsset(String b) {
        return new MarketRef(exchange, b, quote, null);
    }

    public MarketRef withPair(String b, String q) {
        return new MarketRef(exchange, b, q, null);
    }

    public MarketRef withQuote(String q) {
        return new MarketRef(exchange, base, q, null);
    }

    /** Each field of this ref, or {@code outer}'s where this one is unset (a step applied to a whole expression). */
    public MarketRef orElse(MarketRef outer) {
        if (symbol != null) {
            return exchange != null ? this : new MarketRef(outer.exchange, null, null, symbol);
        }
        if (outer.symbol != null && base == null && quote == null) {
            return new MarketRef(exchange != null ? exchange : outer.exchange, null, null, outer.symbol);
        }
        return new MarketRef(exchange != null ? exchange : outer.exchange, base != null ? base : outer.base,
                quote != null ? quote : outer.quote, null);
    }

    /** The canonical steps, e.g. {@code .market("bitstamp:btc_usd")} or {@code .exchange("binance").asset("eth")}. */
    public String canonicalSteps() {
        StringBuilder sb = new StringBuilder();
        if (symbol != null && exchange != null) {
            return ".market(\"" + exchange + ":" + symbol + "\")";
        }
        if (exchange != null) {
            sb.append(".exchange(\"").append(exchange).append("\")");
        }
        if (symbol != null) {
            sb.append(".symbol(\"").append(symbol).append("\")");
        }
        if (base != null) {
            sb.append(".asset(\"").append(base).append("\")");
        }
        if (quote != null) {
            sb.append(".quote(\"").append(quote).append("\")");
        }
        return sb.toString();
    }

    public MarketRef withSymbol(String s) {
        return new MarketRef(exchange, null, null, Objects.requireNonNull(s));
    }
}
