package io.atlasj.workspec;

import io.atlasj.text.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * A typed hyperparameter or training setting: its name, kind, bounds and default. {@link #check} turns a raw value
 * (from YAML or Java) into the canonical Java value or explains what is wrong.
 *
 * @param maxExclusive whether {@code max} itself is out of range (dropout must be below 1)
 */
public record ParamSpec(String name, Kind kind, double min, double max, boolean maxExclusive, List<String> choices,
                        Object defaultValue, String description) {
    public enum Kind { INT, LONG, REAL, BOOL, CHOICE, INT_LIST, REAL_LIST, TEXT_LIST, DURATION, TEXT }

    public ParamSpec {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public static ParamSpec integer(String name, int min, int max, Integer def, String description) {
        return new ParamSpec(name, Kind.INT, min, max, false, null, def, description);
    }

    public static ParamSpec real(String name, double min, double max, boolean maxExclusive, Double def, String description) {
        return new ParamSpec(name, Kind.REAL, min, max, maxExclusive, null, def, description);
    }

    public static ParamSpec choice(String name, List<String> choices, String def, String description) {
        return new ParamSpec(name, Kind.CHOICE, 0, 0, false, choices, def, description);
    }

    public static ParamSpec of(String name, Kind kind, double min, double max, Object def, String description) {
        return new ParamSpec(name, kind, min, max, false, null, def, description);
    }

    /** Whether values of this parameter are lists (so that a grid over it is a list of lists). */
    public boolean listValued() {
        return kind == Kind.INT_LIST || kind == Kind.REAL_LIST || kind == Kind.TEXT_LIST;
    }

    /**
     * The canonical value of {@code raw} (Integer, Long, Double, Boolean, String or an immutable list of them).
     *
     * @throws IllegalArgumentException with what is wrong and what would be right
     */
    public Object check(Object raw) {
        switch (kind) {
            case INT -> {
                long v = whole(raw);
                range(v);
                return (int) v;
            }
            case LONG -> {
                // exact: a 64-bit seed must not pass through a double
                if (raw instanceof Long || raw instanceof Integer) {
                    return ((Number) raw).longValue();
                }
                if (raw instanceof String str && str.trim().matches("-?\\d+")) {
                    try {
                        return Long.parseLong(str.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("must be a 64-bit whole number, got '" + str + "'");
                    }
                }
                return whole(raw);
            }
            case REAL -> {
                double v = number(raw);
                range(v);
                return v;
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException("must be true or false, got " + show(raw));
            }
            case CHOICE -> {
                String s = String.valueOf(raw).toLowerCase(Locale.ROOT);
                if (!choices.contains(s)) {
                    throw new IllegalArgumentException("must be one of " + choices + ", got " + show(raw)
                            + io.atlasj.features.Library.suggest(s, choices));
                }
                return s;
            }
            case DURATION -> {
                return Durations.parse(String.valueOf(raw));
            }
            case TEXT -> {
                if (raw instanceof List || raw instanceof Map) {
                    throw new IllegalArgumentException("must be a single word, got " + show(raw));
                }
                return String.valueOf(raw).trim();
            }
            default -> {
                if (!(raw instanceof List<?> list)) {
                    throw new IllegalArgumentException("must be a list, e.g. [32, 32], got " + show(raw));
                }
                List<Object> out = new ArrayList<>();
                for (Object o : list) {
                    switch (kind) {
                        case INT_LIST -> {
                            long v = whole(o);
                            range(v);
                            out.add((int) v);
                        }
                        case REAL_LIST -> {
                            double v = number(o);
                            range(v);
                            out.add(v);
                        }
                        default -> out.add(String.valueOf(o));
                    }
                }
                if (out.isEmpty() && min > 0) {
                    throw new IllegalArgumentException("must not be empty");
                }
                return List.copyOf(out);
            }
        }
    }

    /**
     * The canonical text of a canonical value (what {@link #check} returns), as it enters model keys: whole numbers
     * in decimal ({@code 42}), reals as {@link Double#toString(double)} ({@code 0.001}, {@code 1.0E-5}, so that
     * {@code 1} and {@code 1.0} of a real setting are one value), booleans {@code true}/{@code false}, text as is,
     * lists as {@code [a, b]} and durations in ISO-8601 ({@code PT5M}). Frozen: it reproduces the text of key version
     * 1 (pinned by the golden key fixture).
     *
     * @throws IllegalArgumentException for a value that is not canonical (a key must not depend on a toString())
     */
    public static String canonicalText(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return Long.toString(((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return Double.toString(d);
        }
        if (value instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof java.time.Duration d) {
            return d.toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(canonicalText(l.get(i)));
            }
            return sb.append(']').toString();
        }
        throw new IllegalArgumentException("no canonical text for "
                + (value == null ? "null" : value.getClass().getName() + " " + value));
    }

    private void range(double v) {
        boolean tooHigh = maxExclusive ? v >= max : v > max;
        if (v < min || tooHigh) {
            throw new IllegalArgumentException("must be in [" + fmt(min) + ", " + fmt(max) + (maxExclusive ? ")" : "]")
                    + ", got " + fmt(v));
        }
    }

    private static long whole(Object raw) {
        double d = number(raw);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException("must be a whole number, got " + fmt(d));
        }
        return (long) d;
    }

    private static double number(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("must be a number, got " + show(raw));
    }

    static String show(Object raw) {
        if (raw instanceof List<?>) {
            return "a list " + raw;
        }
        if (raw instanceof java.util.Map<?, ?>) {
            return "a mapping";
        }
        return raw instanceof String ? "'" + raw + "'" : String.valueOf(raw);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
