package io.atlasj.workspec.results;

import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed JSON form of a result's {@code spec.dataset} and {@code spec.split} (schema 3): plain maps of strings and
 * numbers, with the words of the WorkSpec YAML, that any JSON reader can use without parsing strings. What is not
 * set is absent: no {@link Long#MIN_VALUE} for unused dates, no classes when the label is already classes, no label
 * when the featureset's first label is meant. Times are UTC epoch milliseconds, like {@code spec.from} and the rows'
 * {@code time}.
 *
 * <pre>
 * "dataset": {"task": "classification", "label": "UpDown(3)", "classes": {"kind": "percentiles", "lower": 33.3,
 *             "upper": 66.7}, "rebalance": "none", "scaling": "zscore"}
 * "split":   {"kind": "chronological", "train": 0.6, "validation": 0.2, "test": 0.2, "embargo": 0}
 * "split":   {"kind": "chronological", "validationFrom": 1385424000000, "testFrom": 1385596800000, "embargo": 3}
 * "split":   {"kind": "walk-forward", "window": "rolling", "train": 20000, "test": 2000, "step": 20000,
 *             "validation": 0.2, "embargo": 0}
 * "split":   {"kind": "purged-kfold", "k": 5, "embargo": 60, "validation": 0.2}
 * </pre>
 *
 * Results of schema 1 and 2 hold {@code toString()} texts instead; {@link #label} still reads their label.
 */
public final class SpecJson {
    private SpecJson() {
    }

    /**
     * The {@code spec} of a ModelSpec's result: unit, name, type, hyperparameters, training settings, seed, dataset and
     * split as JSON objects, and the range when it is bounded.
     */
    public static Map<String, Object> of(io.atlasj.workspec.ModelSpec m) {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("unit", m.unit());
        s.put("name", m.name());
        s.put("type", m.type().id());
        s.put("hyperparameters", m.hyper());
        s.put("training", m.training());
        s.put("seed", m.seed());
        s.put("dataset", dataset(m.dataset()));
        s.put("split", split(m.split()));
        if (m.from() != Long.MIN_VALUE) {
            s.put("from", m.from());
        }
        if (m.to() != Long.MAX_VALUE) {
            s.put("to", m.to());
        }
        return s;
    }

    public static Map<String, Object> dataset(DatasetOptions d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", word(d.task()));
        if (d.label() != null) {
            m.put("label", d.label());
        }
        DatasetOptions.Classes c = d.classes();
        if (c.kind() == DatasetOptions.Classes.Kind.THRESHOLD) {
            m.put("classes", ordered("kind", "threshold", "threshold", c.threshold()));
        } else if (c.kind() == DatasetOptions.Classes.Kind.PERCENTILES) {
            Map<String, Object> p = ordered("kind", "percentiles", "lower", c.lower());
            p.put("upper", c.upper());
            m.put("classes", p);
        }
        m.put("rebalance", word(d.rebalance()));
        m.put("scaling", word(d.scaling()));
        return m;
    }

    /** @throws IllegalArgumentException naming what is missing or wrong */
    public static DatasetOptions dataset(Map<String, ?> m) {
        DatasetOptions.Classes classes = DatasetOptions.Classes.NONE;
        if (m.get("classes") instanceof Map<?, ?> c) {
            String kind = text(c, "kind");
            classes = switch (kind) {
                case "threshold" -> new DatasetOptions.Classes(DatasetOptions.Classes.Kind.THRESHOLD,
                        number(c, "threshold"), 0, 0);
                case "percentiles" -> new DatasetOptions.Classes(DatasetOptions.Classes.Kind.PERCENTILES, 0,
                        number(c, "lower"), number(c, "upper"));
                case "none" -> DatasetOptions.Classes.NONE;
                default -> throw new IllegalArgumentException("dataset.classes.kind: unknown '" + kind + "'");
            };
        }
        return new DatasetOptions(constant(DatasetOptions.Task.class, text(m, "task")),
                m.get("label") == null ? null : String.valueOf(m.get("label")), classes,
                m.containsKey("rebalance") ? constant(DatasetOptions.Rebalance.class, text(m, "rebalance")) : null,
                m.containsKey("scaling") ? constant(DatasetOptions.Scaling.class, text(m, "scaling")) : null);
    }

    public static Map<String, Object> split(SplitPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p instanceof SplitPolicy.Chronological c) {
            m.put("kind", "chronological");
            if (c.byDates()) {
                m.put("validationFrom", c.validationFrom());
                m.put("testFrom", c.testFrom());
            } else {
                m.put("train", c.train());
                m.put("validation", c.validation());
                m.put("test", c.test());
            }
            m.put("embargo", c.embargo());
        } else if (p instanceof SplitPolicy.WalkForward w) {
            m.put("kind", "walk-forward");
            m.put("window", w.expanding() ? "expanding" : "rolling");
            m.put("train", w.train());
            m.put("test", w.test());
            m.put("step", w.step());
            m.put("validation", w.validation());
            m.put("embargo", w.embargo());
        } else {
            SplitPolicy.PurgedKFold k = (SplitPolicy.PurgedKFold) p;
            m.put("kind", "purged-kfold");
            m.put("k", k.k());
            m.put("embargo", k.embargo());
            m.put("validation", k.validation());
        }
        return m;
    }

    /** @throws IllegalArgumentException naming what is missing or wrong */
    public static SplitPolicy split(Map<String, ?> m) {
        String kind = text(m, "kind");
        int embargo = (int) number(m, "embargo");
        return switch (kind) {
            case "chronological" -> m.containsKey("validationFrom")
                    ? SplitPolicy.Chronological.byDates(whole(m, "validationFrom"), whole(m, "testFrom"), embargo)
                    : new SplitPolicy.Chronological(number(m, "train"), number(m, "validation"), number(m, "test"),
                    embargo);
            case "walk-forward" -> new SplitPolicy.WalkForward("expanding".equals(text(m, "window")),
                    (int) whole(m, "train"), (int) whole(m, "test"), (int) whole(m, "step"), number(m, "validation"),
                    embargo);
            case "purged-kfold" -> new SplitPolicy.PurgedKFold((int) whole(m, "k"), embargo, number(m, "validation"));
            default -> throw new IllegalArgumentException("split.kind: unknown '" + kind
                    + "' (chronological, walk-forward, purged-kfold)");
        };
    }

    private static final Pattern OLD_LABEL = Pattern.compile("label=(\\w+(\\([^)]*\\))?)");

    /**
     * The label the dataset of a result's spec names: from the typed map (schema 3), or, for schema 1 and 2, from
     * the {@code label=} of the DatasetOptions text those wrote. Empty when the spec names none (the featureset's
     * first label is meant).
     */
    public static Optional<String> label(ResultsObject r) {
        Object d = r.spec() == null ? null : r.spec().get("dataset");
        if (d instanceof Map<?, ?> m) {
            return Optional.ofNullable(m.get("label")).map(String::valueOf);
        }
        if (d != null && r.schemaVersion() < 3) {
            Matcher x = OLD_LABEL.matcher(d.toString());
            if (x.find() && !x.group(1).equals("null")) {
                return Optional.of(x.group(1));
            }
        }
        return Optional.empty();
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String word) {
        try {
            return Enum.valueOf(type, word.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " '" + word
                    + "'");
        }
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing '" + key + "' in " + m);
        }
        return String.valueOf(v);
    }

    private static double number(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("'" + key + "' must be a number in " + m);
    }

    private static long whole(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Number n && (n instanceof Long || n instanceof Integer || n.doubleValue() == Math.rint(n.doubleValue()))) {
            return n instanceof Long || n instanceof Integer ? n.longValue() : (long) n.doubleValue();
        }
        throw new IllegalArgumentException("'" + key + "' must be a whole number in " + m);
    }
}
