package io.atlasj.features;

import io.atlasj.features.eval.Bars;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The definition of a feature kind in the {@link Library}: its parameters, its shape, the data it needs, its
 * warm-up and how to compute it over one contiguous segment.
 *
 * @param warmup bars before the first valid value: for leaves in total, for transforms and functions added to
 *               their inputs' warm-up
 */
public record FeatureKind(String name, Shape shape, int inputs, List<ParamSpec> params, Need need,
                          String description, Warmup warmup, LeafFn leaf, SeriesFn series) {

    /** How a kind appears in the DSL. */
    public enum Shape {
        /** {@code Name(params)} reading bars of one market. */
        LEAF,
        /** {@code input.name(params)}. */
        TRANSFORM,
        /** {@code input.name(other)}: element-wise on two aligned inputs. */
        OPERATOR,
        /** {@code Name(feature, feature, params)}. */
        FUNCTION
    }

    /** Which stored data a leaf reads. */
    public enum Need {
        CANDLES, QUOTES, NONE
    }

    /** A parameter: whole number or real, with bounds and an optional default. */
    public record ParamSpec(String name, boolean integer, double min, double max, Double defaultValue) {
        public static ParamSpec bars(String name, int min, Integer def) {
            return new ParamSpec(name, true, min, 1_000_000, def == null ? null : def.doubleValue());
        }

        public static ParamSpec real(String name, double min, double max, Double def) {
            return new ParamSpec(name, false, min, max, def);
        }
    }

    @FunctionalInterface
    public interface Warmup {
        int bars(double[] p);
    }

    @FunctionalInterface
    public interface LeafFn {
        double[] compute(Bars bars, double[] p);
    }

    /**
     * A combination's values from its inputs' on one timeline. The inputs are read only: they may be other columns'
     * own arrays (the evaluator does not copy an input already on the home timeline), so a function writes its values
     * into an array of its own.
     */
    @FunctionalInterface
    public interface SeriesFn {
        double[] compute(double[][] inputs, io.atlasj.features.eval.Timeline time, double[] p);
    }

    public FeatureKind {
        params = List.copyOf(params);
    }

    public int paramIndex(String param) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(param)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + " has no parameter '" + param + "'"
                + (params.isEmpty() ? "" : "; its parameters: " + params.stream().map(ParamSpec::name)
                .collect(Collectors.joining(", "))));
    }

    /** The given values followed by the defaults of the parameters not given. */
    public List<Double> withDefaults(double... given) {
        return withDefaults(name, params, signature(), given);
    }

    void checkParams(List<Double> values) {
        checkParams(name, params, signature(), values);
    }

    /** Shared by feature and label kinds: {@code usage} ends the messages. */
    static List<Double> withDefaults(String name, List<ParamSpec> params, String usage, double... given) {
        if (given.length > params.size()) {
            throw new IllegalArgumentException(name + " takes at most " + params.size() + " parameter(s), got "
                    + given.length + usage);
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (i < given.length) {
                out.add(given[i]);
            } else if (params.get(i).defaultValue() != null) {
                out.add(params.get(i).defaultValue());
            } else {
                throw new IllegalArgumentException(name + " needs parameter " + params.get(i).name() + usage);
            }
        }
        return out;
    }

    static void checkParams(String name, List<ParamSpec> params, String usage, List<Double> values) {
        if (values.size() != params.size()) {
            throw new IllegalArgumentException(name + " takes " + params.size() + " parameter(s), got " + values.size()
                    + usage);
        }
        for (int i = 0; i < values.size(); i++) {
            ParamSpec s = params.get(i);
            double v = values.get(i);
            if (Double.isNaN(v) || v < s.min() || v > s.max()) {
                throw new IllegalArgumentException(name + ": " + s.name() + " must be in [" + fmt(s.min()) + ", "
                        + fmt(s.max()) + "], got " + fmt(v));
            }
            if (s.integer() && v != Math.rint(v)) {
                throw new IllegalArgumentException(name + ": " + s.name() + " must be a whole number of bars, got " + v);
            }
        }
    }

    /** {@code Name(window=20, k=2)}: for messages and {@code atlas features list}. */
    public String signature() {
        String args = params.stream().map(p -> p.name() + (p.defaultValue() == null ? "" : "=" + fmt(p.defaultValue())))
                .collect(Collectors.joining(", "));
        return switch (shape) {
            case LEAF -> " (usage: " + name + "(" + args + "))";
            case TRANSFORM -> " (usage: feature." + name + "(" + args + "))";
            case OPERATOR -> " (usage: feature." + name + "(other or number))";
            case FUNCTION -> " (usage: " + name + "(feature, feature" + (args.isEmpty() ? "" : ", " + args) + "))";
        };
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.valueOf(v);
    }
}
