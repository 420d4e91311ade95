package io.atlasj.features;

import io.atlasj.marketdata.Timeframe;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An input feature: an immutable description of a column computed from market data, never the data itself.
 * Values are made by {@link io.atlasj.features.eval.Evaluator}; a feature never reads a store.
 *
 * <p>A feature is a tree: a leaf reads bars of one market and timeframe ({@code LogReturns(1)}, {@code RSI(14)});
 * transforms ({@code .lag(n)}, {@code .zscore(n)}), operators ({@code .minus(other)}) and functions
 * ({@code Correlation(a, b, 60)}) combine features. Every feature has one canonical string ({@link #id()}) that
 * {@link io.atlasj.features.parse.FeatureParser} reads back to an equal feature; it is the column name, the YAML
 * form and part of the cache key.
 *
 * <p>Looking ahead is a label's business: {@link #lookforward(int)} returns a {@link Label}, which a
 * FeatureLabelSet accepts only on its label side. A value of a feature at bar {@code i} uses data up to the close
 * of bar {@code i} only.
 *
 * @param kind      the name of a {@link FeatureKind} of the {@link Library}
 * @param params    the kind's parameters, all of them, in declared order
 * @param market    for leaves: which market (unset: the set's base market); unset for combinations
 * @param timeframe for leaves: which timeframe (null: the set's base timeframe); null for combinations
 * @param inputs    the features combined (empty for leaves)
 */
public record Feature(String kind, List<Double> params, MarketRef market, Timeframe timeframe, List<Feature> inputs)
        implements Steps<Feature> {

    public Feature {
        Objects.requireNonNull(kind, "kind");
        params = params.stream().map(v -> v == 0.0 ? 0.0 : v).toList(); // -0.0 and 0.0: one canonical value
        market = market == null ? MarketRef.UNSET : market;
        inputs = List.copyOf(inputs);
        FeatureKind k = Library.kind(kind);
        k.checkParams(params);
        if (k.shape() == FeatureKind.Shape.LEAF) {
            if (!inputs.isEmpty()) {
                throw new IllegalArgumentException(kind + " takes no feature inputs");
            }
        } else {
            if (inputs.size() != k.inputs()) {
                throw new IllegalArgumentException(kind + " takes " + k.inputs() + " feature input(s), got " + inputs.size());
            }
            if (!market.isUnset() || timeframe != null) {
                throw new IllegalArgumentException(kind + " combines features: its market and timeframe are its inputs'");
            }
        }
    }

    /** A leaf or function of {@code kind} with the given parameters (missing trailing ones take their defaults). */
    public static Feature of(String kind, double... params) {
        return new Feature(kind, Library.kind(kind).withDefaults(params), MarketRef.UNSET, null, List.of());
    }

    static Feature combine(String kind, List<Feature> inputs, double... params) {
        return new Feature(kind, Library.kind(kind).withDefaults(params), MarketRef.UNSET, null, inputs);
    }

    public FeatureKind definition() {
        return Library.kind(kind);
    }

    public boolean isLeaf() {
        return inputs.isEmpty();
    }

    /** The canonical string: column name, YAML form, cache key. */
    public String id() {
        return Canonical.print(this);
    }

    @Override
    public String toString() {
        return id();
    }

    // ---- steps (Steps): on a combination they reach every leaf that has not chosen the field itself

    @Override
    public Feature onMarket(MarketRef step) {
        if (kind.equals("Const")) {
            return this;
        }
        if (isLeaf()) {
            return new Feature(kind, params, market.orElse(step), timeframe, inputs);
        }
        return new Feature(kind, params, market, timeframe, inputs.stream().map(f -> f.onMarket(step)).toList());
    }

    @Override
    public Feature onTimeframe(Timeframe tf) {
        if (kind.equals("Const")) {
            return this;
        }
        if (isLeaf()) {
            return timeframe != null ? this : new Feature(kind, params, market, tf, inputs);
        }
        return new Feature(kind, params, market, timeframe, inputs.stream().map(f -> f.onTimeframe(tf)).toList());
    }

    /** Sets the parameter called {@code name}. */
    public Feature param(String name, double value) {
        FeatureKind k = definition();
        int i = k.paramIndex(name);
        List<Double> p = new ArrayList<>(params);
        p.set(i, value);
        return new Feature(kind, p, market, timeframe, inputs);
    }

    /** The number of bars looked back over, for kinds that have a {@code lookback} parameter (returns). */
    public Feature lookback(int bars) {
        return param("lookback", bars);
    }

    /** The rolling window in bars, for kinds that have a {@code window} parameter. */
    public Feature window(int bars) {
        return param("window", bars);
    }

    // ---- transforms

    /** The value {@code n} bars earlier. */
    public Feature lag(int n) {
        return combine("lag", List.of(this), n);
    }

    /** The change over {@code n} bars: {@code x[t] - x[t-n]}. */
    public Feature diff(int n) {
        return combine("diff", List.of(this), n);
    }

    /** Rolling z-score over {@code n} bars: {@code (x - mean) / std} (sample std). */
    public Feature zscore(int n) {
        return combine("zscore", List.of(this), n);
    }

    /** Clipped to {@code [lo, hi]}. */
    public Feature clip(double lo, double hi) {
        return combine("clip", List.of(this), lo, hi);
    }

    public Feature plus(Feature other) {
        return combine("plus", List.of(this, other));
    }

    public Feature plus(double c) {
        return plus(Feature.of("Const", c));
    }

    public Feature minus(Feature other) {
        return combine("minus", List.of(this, other));
    }

    public Feature minus(double c) {
        return minus(Feature.of("Const", c));
    }

    public Feature times(Feature other) {
        return combine("times", List.of(this, other));
    }

    public Feature times(double c) {
        return times(Feature.of("Const", c));
    }

    public Feature div(Feature other) {
        return combine("div", List.of(this, other));
    }

    public Feature div(double c) {
        return div(Feature.of("Const", c));
    }

    // ---- the way to the label side

    /** This feature's value {@code n} bars ahead, as a label: {@code label[t] = feature[t + n]}. */
    public Label lookforward(int n) {
        return Label.lookforward(this, n);
    }
}
