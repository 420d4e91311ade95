package io.atlasj.workspec;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One {@code models:} entry of a unit: a type, hyperparameters and training settings, each fixed or swept, repeats
 * with different seeds, and optional random sampling. Expands into one or more {@link ModelSpec}s.
 *
 * @param sampleCount 0 for a grid (every combination); n > 0 to draw n configurations with {@code sampleSeed}
 * @param repeats     how many seeds per configuration (seed, seed + 1, ...)
 */
public record ModelEntry(String name, ModelType type, Map<String, Sweep> hyper, Map<String, Sweep> training,
                         int repeats, int sampleCount, long sampleSeed) {
    public ModelEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        hyper = Collections.unmodifiableMap(canonical(hyper, type, false));
        training = Collections.unmodifiableMap(canonical(training, type, true));
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        if (sampleCount < 0) {
            throw new IllegalArgumentException("sample count must be positive, got " + sampleCount);
        }
        if (sampleCount == 0) {
            for (var e : hyper.entrySet()) {
                requireGridable(e.getKey(), e.getValue());
            }
            for (var e : training.entrySet()) {
                requireGridable(e.getKey(), e.getValue());
            }
        }
    }

    private static void requireGridable(String key, Sweep s) {
        if (!(s instanceof Sweep.Fixed) && !(s instanceof Sweep.Grid)) {
            throw new IllegalArgumentException(key + " is a distribution, which needs 'sample: {count: N, seed: S}' "
                    + "on the entry");
        }
    }

    /** Checks every key and value against the catalog and stores the canonical Java values. */
    private static Map<String, Sweep> canonical(Map<String, Sweep> in, ModelType type, boolean trainingSettings) {
        Map<String, Sweep> out = new TreeMap<>();
        for (var e : in.entrySet()) {
            ParamSpec p = (trainingSettings ? Catalog.training(e.getKey()) : Catalog.hyper(type, e.getKey()))
                    .orElseThrow(() -> new IllegalArgumentException("unknown " + (trainingSettings ? "training setting"
                            : type.id() + " hyperparameter") + " '" + e.getKey() + "'" + io.atlasj.features.Library.suggest(
                            e.getKey(), trainingSettings ? Catalog.trainingNames() : Catalog.hyperNames(type))
                            + " (" + String.join(", ", trainingSettings ? Catalog.trainingNames() : Catalog.hyperNames(type)) + ")"));
            out.put(e.getKey(), canonical(p, e.getValue()));
        }
        return out;
    }

    private static Sweep canonical(ParamSpec p, Sweep s) {
        try {
            if (s instanceof Sweep.Fixed f) {
                return new Sweep.Fixed(p.check(f.value()));
            }
            if (s instanceof Sweep.Grid g) {
                if (g.values().isEmpty()) {
                    throw new IllegalArgumentException("an empty grid gives no models");
                }
                return new Sweep.Grid(g.values().stream().map(p::check).toList());
            }
            if (s instanceof Sweep.Choice c) {
                if (c.values().isEmpty()) {
                    throw new IllegalArgumentException("an empty choice gives no models");
                }
                return new Sweep.Choice(c.values().stream().map(p::check).toList());
            }
            double lo = s instanceof Sweep.Uniform u ? u.lo() : ((Sweep.LogUniform) s).lo();
            double hi = s instanceof Sweep.Uniform u ? u.hi() : ((Sweep.LogUniform) s).hi();
            if (!(lo < hi)) {
                throw new IllegalArgumentException("a range needs lo < hi, got [" + lo + ", " + hi + "]");
            }
            if (s instanceof Sweep.LogUniform && lo <= 0) {
                throw new IllegalArgumentException("loguniform needs lo > 0, got " + lo);
            }
            p.check(lo);
            p.check(hi);
            return s;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p.name() + ": " + e.getMessage(), e);
        }
    }

    public static Builder builder(String name, ModelType type) {
        return new Builder(name, type);
    }

    /** Java form of a models entry: {@code ModelEntry.builder("dnn", DNN).grid("hidden", List.of(8), List.of(32, 32))}. */
    public static final class Builder {
        private final String name;
        private final ModelType type;
        private final Map<String, Sweep> hyper = new TreeMap<>();
        private final Map<String, Sweep> training = new TreeMap<>();
        private int repeats = 1;
        private int sampleCount;
        private long sampleSeed;

        private Builder(String name, ModelType type) {
            this.name = name;
            this.type = type;
        }

        private Map<String, Sweep> target(String key) {
            return Catalog.training(key).isPresent() && Catalog.hyper(type, key).isEmpty() ? training : hyper;
        }

        public Builder set(String key, Object value) {
            target(key).put(key, new Sweep.Fixed(value));
            return this;
        }

        public Builder grid(String key, Object... values) {
            target(key).put(key, new Sweep.Grid(java.util.List.of(values)));
            return this;
        }

        public Builder uniform(String key, double lo, double hi) {
            target(key).put(key, new Sweep.Uniform(lo, hi));
            return this;
        }

        public Builder logUniform(String key, double lo, double hi) {
            target(key).put(key, new Sweep.LogUniform(lo, hi));
            return this;
        }

        public Builder choice(String key, Object... values) {
            target(key).put(key, new Sweep.Choice(java.util.List.of(values)));
            return this;
        }

        public Builder repeats(int n) {
            this.repeats = n;
            return this;
        }

        public Builder sample(int count, long seed) {
            this.sampleCount = count;
            this.sampleSeed = seed;
            return this;
        }

        public ModelEntry build() {
            return new ModelEntry(name, type, hyper, training, repeats, sampleCount, sampleSeed);
        }
    }
}
