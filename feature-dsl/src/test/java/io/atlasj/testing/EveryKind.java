package io.atlasj.testing;

import static io.atlasj.features.Dsl.*;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Library;
import java.util.ArrayList;
import java.util.List;

/** Features that cover the library: the no-look-ahead property and the engines' equality run over all of them. */
public final class EveryKind {
    private EveryKind() {
    }

    /** One instance of every kind of the library, with parameters small enough for one day of minutes. */
    public static List<Feature> features() {
        List<Feature> out = kinds(k -> !k.name().equals("Const"), Feature::eth);
        // across timeframes and markets, and constants
        out.add(RSI(14).fiveMin());
        out.add(Close().oneHour().zscore(3));
        out.add(Close().div(Close().eth()).minus(1));
        out.add(InterExchangeSpread(Close().fifteenMin(), Close().eth().fifteenMin()));
        out.add(Const(2).times(Spread()));
        return out;
    }

    /**
     * One instance of each kind: the leaves {@code leaves} accepts, and every transform, operator and function (the
     * functions over a return of the base market and of {@code other}'s).
     */
    public static List<Feature> kinds(java.util.function.Predicate<FeatureKind> leaves,
                                      java.util.function.UnaryOperator<Feature> other) {
        List<Feature> out = new ArrayList<>();
        for (FeatureKind k : Library.all()) {
            switch (k.shape()) {
                case LEAF -> {
                    if (leaves.test(k)) {
                        out.add(Feature.of(k.name()));
                    }
                }
                case TRANSFORM -> {
                    out.add(switch (k.name()) {
                        case "lag" -> RSI(14).lag(3);
                        case "diff" -> Close().diff(5);
                        case "zscore" -> Volume().zscore(30);
                        default -> LogReturns().clip(-0.001, 0.001);
                    });
                }
                case OPERATOR -> out.add(new Feature(k.name(), List.of(), null, null, List.of(Close(), SMA(20))));
                case FUNCTION -> out.add(new Feature(k.name(), k.withDefaults(), null, null,
                        List.of(LogReturns(), other.apply(LogReturns()))));
            }
        }
        return out;
    }
}
