package io.atlasj.stats.trading;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.TradingRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How predictions are turned into money: where the prices come from, what trading costs ({@code costs} null means
 * each market's exchange default, {@link Costs#defaultFor}) and the WorkSpec's {@link TradingRules} (the book, and a
 * regression forecast's threshold and size). Reads of the same bars are served once.
 */
public final class Pricing {
    /** No prices: models are evaluated without trading, and say why. */
    public static final Pricing NONE = new Pricing(Prices.NONE, null);

    private final Prices prices;
    private final Costs costs;
    private final TradingRules rules;
    private final Map<List<Object>, Prices.Bars> cache = new HashMap<>();

    public Pricing(Prices prices, Costs costs) {
        this(prices, costs, TradingRules.DEFAULT);
    }

    public Pricing(Prices prices, Costs costs, TradingRules rules) {
        this.prices = prices;
        this.costs = costs;
        this.rules = rules == null ? TradingRules.DEFAULT : rules;
    }

    public TradingRules rules() {
        return rules;
    }

    public Costs costsFor(Market m) {
        return costs != null ? costs : Costs.defaultFor(m.exchange());
    }

    /** Whether the costs were set (in the WorkSpec) rather than the exchange's default. */
    public boolean costsSet() {
        return costs != null;
    }

    /** @param basis the featureset's prices: candles, or the midpoints of quote bars */
    public synchronized Prices.Bars closes(Market market, Timeframe tf, long from, long to,
                                           io.atlasj.features.eval.PriceBasis basis) {
        return cache.computeIfAbsent(List.of(market, tf, from, to, basis), k -> prices.closes(market, tf, from, to,
                basis));
    }
}
