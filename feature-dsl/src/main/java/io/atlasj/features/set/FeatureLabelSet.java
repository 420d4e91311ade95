package io.atlasj.features.set;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.eval.PriceBasis;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Features (inputs) and labels (targets) over a base market and timeframe: one row per base bar. Only
 * {@link Label}s go on the label side and only {@link Feature}s on the input side, by type.
 *
 * @param defaultExchange for asset steps such as {@code .eth()}; null: the base market's exchange
 * @param defaultQuote    for asset steps; null: an asset step must say its quote
 * @param fillLimit       under {@link GapPolicy#FILL_FLAT}: how long after a real bar the missing bars are filled (the
 *                        first bars of any gap, up to the limit; the rest of a longer gap stays a gap, as under
 *                        {@link GapPolicy#DROP}); null: every gap between real bars is filled whole
 * @param prices          which prices the candles of every market read are: trades (the stored candles) or the
 *                        midpoints of the quote bars ({@link PriceBasis#MID})
 */
public record FeatureLabelSet(String name, Market baseMarket, Timeframe baseTimeframe, String defaultExchange,
                              String defaultQuote, List<Feature> features, List<Label> labels, GapPolicy gaps,
                              java.time.Duration fillLimit, PriceBasis prices) {
    public FeatureLabelSet(String name, Market baseMarket, Timeframe baseTimeframe, String defaultExchange,
                           String defaultQuote, List<Feature> features, List<Label> labels, GapPolicy gaps) {
        this(name, baseMarket, baseTimeframe, defaultExchange, defaultQuote, features, labels, gaps, null);
    }

    public FeatureLabelSet(String name, Market baseMarket, Timeframe baseTimeframe, String defaultExchange,
                           String defaultQuote, List<Feature> features, List<Label> labels, GapPolicy gaps,
                           java.time.Duration fillLimit) {
        this(name, baseMarket, baseTimeframe, defaultExchange, defaultQuote, features, labels, gaps, fillLimit,
                PriceBasis.TRADES);
    }

    public FeatureLabelSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseMarket, "baseMarket");
        Objects.requireNonNull(baseTimeframe, "baseTimeframe");
        features = List.copyOf(features);
        labels = List.copyOf(labels);
        gaps = gaps == null ? GapPolicy.DROP : gaps;
        prices = prices == null ? PriceBasis.TRADES : prices;
        if (prices == PriceBasis.MID && gaps == GapPolicy.FILL_FLAT) {
            throw new IllegalArgumentException("featureset " + name + ": gaps: fill-flat fills candles in which nothing "
                    + "traded, but prices: mid reads quote bars, which are never filled (a quiet book is not a flat "
                    + "candle); write gaps: drop or bridge");
        }
        if (fillLimit != null && gaps != GapPolicy.FILL_FLAT) {
            throw new IllegalArgumentException("featureset " + name + ": fillLimit applies to gaps: fill-flat only (gaps is "
                    + gaps.yamlName() + ")");
        }
        if (fillLimit != null && fillLimit.toMillis() < baseTimeframe.millis()) {
            throw new IllegalArgumentException("featureset " + name + ": fillLimit " + io.atlasj.text.Durations.format(
                    fillLimit) + " is shorter than one " + baseTimeframe + " bar, so nothing would be filled; write "
                    + "gaps: drop instead, or a limit of at least " + baseTimeframe);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("featureset " + name + " has no features");
        }
        Set<String> seen = new HashSet<>();
        for (Feature f : features) {
            if (!seen.add(f.id())) {
                throw new IllegalArgumentException("featureset " + name + " lists " + f.id() + " twice");
            }
        }
    }

    /**
     * The same set over another base market: features and labels that name no market read {@code market}, those that
     * name one still read it. What {@code atlas features build NAME --markets ...} builds for each market.
     */
    public FeatureLabelSet onMarket(Market market) {
        return new FeatureLabelSet(name, market, baseTimeframe, defaultExchange, defaultQuote, features, labels, gaps,
                fillLimit, prices);
    }

    /** The same set with {@code labels} instead of its own (a live runner computing one label of a model). */
    public FeatureLabelSet withLabels(List<Label> labels) {
        return new FeatureLabelSet(name, baseMarket, baseTimeframe, defaultExchange, defaultQuote, features, labels,
                gaps, fillLimit, prices);
    }

    /** {@link #fillLimit} in milliseconds, {@link Long#MAX_VALUE} when every gap is filled. */
    public long fillLimitMillis() {
        return fillLimit == null ? Long.MAX_VALUE : fillLimit.toMillis();
    }

    /** The gap handling in one phrase: {@code drop}, {@code bridge}, {@code fill-flat} or {@code fill-flat 2h}. */
    public String gapsText() {
        return gaps.yamlName() + (fillLimit == null ? "" : " " + io.atlasj.text.Durations.format(fillLimit));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Java builder: {@code builder("x").base("bitstamp:btc_usd", "5m").features(...).labels(...).build()}. */
    public static final class Builder {
        private final String name;
        private Market market;
        private Timeframe tf;
        private String exchange;
        private String quote;
        private final List<Feature> features = new ArrayList<>();
        private final List<Label> labels = new ArrayList<>();
        private GapPolicy gaps = GapPolicy.DROP;
        private java.time.Duration fillLimit;
        private PriceBasis prices = PriceBasis.TRADES;

        private Builder(String name) {
            this.name = name;
        }

        public Builder base(String market, String timeframe) {
            this.market = Market.parse(market);
            this.tf = Timeframe.parse(timeframe);
            return this;
        }

        public Builder defaults(String exchange, String quote) {
            this.exchange = exchange;
            this.quote = quote;
            return this;
        }

        public Builder features(Feature... f) {
            features.addAll(Arrays.asList(f));
            return this;
        }

        public Builder labels(Label... l) {
            labels.addAll(Arrays.asList(l));
            return this;
        }

        public Builder gaps(GapPolicy g) {
            this.gaps = g;
            return this;
        }

        /** {@link GapPolicy#FILL_FLAT}, filling gaps of at most {@code limit} only. */
        public Builder fillFlat(java.time.Duration limit) {
            this.gaps = GapPolicy.FILL_FLAT;
            this.fillLimit = limit;
            return this;
        }

        /** {@link PriceBasis#MID}: candles are the midpoints of the quote bars. */
        public Builder prices(PriceBasis p) {
            this.prices = p;
            return this;
        }

        public FeatureLabelSet build() {
            return new FeatureLabelSet(name, market, tf, exchange, quote, features, labels, gaps, fillLimit, prices);
        }
    }
}
