package io.atlasj.features;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Prints features and labels in their one canonical form, which the parser reads back to an equal value. */
final class Canonical {
    private Canonical() {
    }

    static String print(Feature f) {
        FeatureKind k = f.definition();
        return switch (k.shape()) {
            case LEAF -> {
                if (f.kind().equals("Const")) {
                    yield "Const(" + num(f.params().get(0)) + ")";
                }
                yield f.kind() + "(" + args(List.of(), f.params()) + ")" + f.market().canonicalSteps()
                        + (f.timeframe() == null ? "" : ".timeframe(\"" + f.timeframe().label() + "\")");
            }
            case TRANSFORM -> print(f.inputs().get(0)) + "." + f.kind() + "(" + args(List.of(), f.params()) + ")";
            case OPERATOR -> {
                Feature b = f.inputs().get(1);
                String rhs = b.kind().equals("Const") ? num(b.params().get(0)) : print(b);
                yield print(f.inputs().get(0)) + "." + f.kind() + "(" + rhs + ")";
            }
            case FUNCTION -> f.kind() + "(" + args(f.inputs().stream().map(Canonical::print).toList(), f.params()) + ")";
        };
    }

    static String print(Label l) {
        if (l.feature() != null) {
            return print(l.feature()) + ".lookforward(" + num(l.params().get(0)) + ")";
        }
        return l.kind() + "(" + args(List.of(), l.params()) + ")" + l.market().canonicalSteps()
                + (l.timeframe() == null ? "" : ".timeframe(\"" + l.timeframe().label() + "\")");
    }

    private static String args(List<String> first, List<Double> params) {
        List<String> all = new ArrayList<>(first);
        params.forEach(p -> all.add(num(p)));
        return all.stream().collect(Collectors.joining(", "));
    }

    /** Whole numbers without a decimal point; others in Java's shortest round-tripping form. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return Double.toString(v);
    }
}
