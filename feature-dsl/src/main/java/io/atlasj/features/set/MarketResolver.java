package io.atlasj.features.set;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.MarketRef;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the user wrote ({@code .eth()}, {@code .binance().btcUsdt()}, nothing at all) into exact markets and
 * timeframes. Unset fields come from the set: the base market and timeframe, then the default exchange and quote.
 * An asset is looked up among the stored markets of the exchange as {@code base_quote}, {@code basequote} or
 * {@code base-quote}.
 */
public final class MarketResolver {
    private final Market baseMarket;
    private final Timeframe baseTimeframe;
    private final String defaultExchange;
    private final String defaultQuote;
    private final List<Market> available;

    public MarketResolver(Market baseMarket, Timeframe baseTimeframe, String defaultExchange, String defaultQuote,
                          List<Market> available) {
        this.baseMarket = baseMarket;
        this.baseTimeframe = baseTimeframe;
        this.defaultExchange = defaultExchange;
        this.defaultQuote = defaultQuote;
        this.available = List.copyOf(available);
    }

    public Feature resolve(Feature f) {
        if (f.kind().equals("Const")) {
            return f;
        }
        if (f.isLeaf()) {
            return new Feature(f.kind(), f.params(), MarketRef.of(market(f.market(), f.id())),
                    f.timeframe() != null ? f.timeframe() : baseTimeframe, List.of());
        }
        List<Feature> in = new ArrayList<>();
        for (Feature x : f.inputs()) {
            in.add(resolve(x));
        }
        return new Feature(f.kind(), f.params(), f.market(), f.timeframe(), in);
    }

    public Label resolve(Label l) {
        if (l.feature() != null) {
            return new Label(l.kind(), l.params(), l.market(), l.timeframe(), resolve(l.feature()));
        }
        return new Label(l.kind(), l.params(), MarketRef.of(market(l.market(), l.id())),
                l.timeframe() != null ? l.timeframe() : baseTimeframe, null);
    }

    /** The exact market of a reference. */
    public Market market(MarketRef ref, String where) {
        if (ref.isUnset()) {
            return baseMarket;
        }
        String exchange = ref.exchange() != null ? ref.exchange()
                : defaultExchange != null ? defaultExchange : baseMarket.exchange();
        if (ref.symbol() != null) {
            return new Market(exchange, ref.symbol());
        }
        if (ref.base() == null) {
            if (ref.quote() != null) {
                throw new IllegalArgumentException(where + ": a quote currency (" + ref.quote() + ") needs an asset, e.g. "
                        + ".eth().quote(\"" + ref.quote() + "\"), or an exact .market(\"exchange:symbol\")");
            }
            // only an exchange: the base market's symbol on that exchange
            return new Market(exchange, baseMarket.symbol());
        }
        String quote = ref.quote() != null ? ref.quote() : defaultQuote;
        if (quote == null) {
            throw new IllegalArgumentException(where + ": which quote currency for " + ref.base() + "? Give one "
                    + "(e.g. .quote(\"usd\")) or set the featureset's defaults.quote");
        }
        for (String sym : List.of(ref.base() + "_" + quote, ref.base() + quote, ref.base() + "-" + quote)) {
            Market m = new Market(exchange, sym);
            if (available.contains(m)) {
                return m;
            }
        }
        List<Market> same = available.stream().filter(m -> m.exchange().equals(exchange)).toList();
        throw new IllegalArgumentException(where + ": no " + ref.base() + "/" + quote + " market on " + exchange
                + " in the store (tried " + ref.base() + "_" + quote + ", " + ref.base() + quote + "); markets on "
                + exchange + ": " + (same.isEmpty() ? "none" : same) + ". Import it first, or name it with "
                + ".market(\"exchange:symbol\")");
    }
}
