package io.atlasj.workspec;

import java.util.List;

/**
 * How a setting varies across the models of one entry: one value, a grid of values, or a distribution sampled with
 * the entry's seed. Values are the canonical Java values of the setting's {@link ParamSpec}.
 */
public sealed interface Sweep permits Sweep.Fixed, Sweep.Grid, Sweep.Uniform, Sweep.LogUniform, Sweep.Choice {
    record Fixed(Object value) implements Sweep {
    }

    /** Every value, crossed with the other grids of the entry. */
    record Grid(List<Object> values) implements Sweep {
        public Grid {
            values = List.copyOf(values);
        }
    }

    /** Uniform on [lo, hi] (sampled entries only). */
    record Uniform(double lo, double hi) implements Sweep {
    }

    /** Log-uniform on [lo, hi], lo > 0 (sampled entries only). */
    record LogUniform(double lo, double hi) implements Sweep {
    }

    /** One of the values, uniformly (sampled entries only). */
    record Choice(List<Object> values) implements Sweep {
        public Choice {
            values = List.copyOf(values);
        }
    }

    static Sweep fixed(Object v) {
        return new Fixed(v);
    }

    static Sweep grid(Object... v) {
        return new Grid(List.of(v));
    }
}
