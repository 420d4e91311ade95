package io.atlasj.features;

import io.atlasj.marketdata.Timeframe;
import java.util.List;
import java.util.Objects;

/**
 * A target: what a model learns to predict. It looks into the future by design, so it is a type of its own that
 * only the label side of a FeatureLabelSet accepts; using one as an input does not compile.
 *
 * <p>Kinds: {@code lookforward} (a feature shifted once: {@code label[t] = feature[t + n]}), and the label
 * {@link LabelKind}s such as {@code FutureReturn(n)}, {@code ThreeClass(n, threshold)} and
 * {@code TripleBarrier(n, profitTake, stopLoss)}. Every label needs {@link #horizon()} bars after {@code t}; a
 * label whose horizon crosses a gap or the end of the data has no value.
 *
 * @param feature for {@code lookforward}: the feature shifted; null otherwise
 */
public record Label(String kind, List<Double> params, MarketRef market, Timeframe timeframe, Feature feature)
        implements Steps<Label> {

    public Label {
        Objects.requireNonNull(kind, "kind");
        params = params.stream().map(v -> v == 0.0 ? 0.0 : v).toList();
        market = market == null ? MarketRef.UNSET : market;
        if (kind.equals(LabelKind.LOOKFORWARD)) {
            Objects.requireNonNull(feature, "lookforward needs a feature");
            if (params.size() != 1 || params.get(0) < 1 || params.get(0) != Math.rint(params.get(0))) {
                throw new IllegalArgumentException("lookforward(n) needs a whole number of bars n >= 1, got " + params);
            }
            if (!market.isUnset() || timeframe != null) {
                throw new IllegalArgumentException("lookforward's market and timeframe are its feature's");
            }
        } else {
            if (feature != null) {
                throw new IllegalArgumentException(kind + " takes no feature");
            }
            LabelKind.of(kind).checkParams(params);
        }
    }

    static Label lookforward(Feature f, int n) {
        return new Label(LabelKind.LOOKFORWARD, List.of((double) n), MarketRef.UNSET, null, f);
    }

    public static Label of(String kind, double... params) {
        return new Label(kind, LabelKind.of(kind).withDefaults(params), MarketRef.UNSET, null, null);
    }

    /** Bars after {@code t} the label needs. */
    public int horizon() {
        return (int) Math.round(params.get(0));
    }

    public String id() {
        return Canonical.print(this);
    }

    @Override
    public String toString() {
        return id();
    }

    @Override
    public Label onMarket(MarketRef step) {
        if (feature != null) {
            return new Label(kind, params, market, timeframe, feature.onMarket(step));
        }
        return new Label(kind, params, market.orElse(step), timeframe, null);
    }

    @Override
    public Label onTimeframe(Timeframe tf) {
        if (feature != null) {
            return new Label(kind, params, market, timeframe, feature.onTimeframe(tf));
        }
        return timeframe != null ? this : new Label(kind, params, market, tf, null);
    }
}
