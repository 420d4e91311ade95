package io.atlasj.workspec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named set of WorkUnits and how to run them: "train these models on these featuresets".
 *
 * @param costs   what trading the predictions costs, or null for each exchange's default ({@link Costs#defaultFor})
 * @param trading how predictions become positions ({@link TradingRules#DEFAULT} when not set)
 */
public record WorkSpec(String name, List<WorkUnit> units, Execution execution, Costs costs, TradingRules trading) {
    public WorkSpec(String name, List<WorkUnit> units, Execution execution) {
        this(name, units, execution, null, null);
    }

    public WorkSpec {
        trading = trading == null ? TradingRules.DEFAULT : trading;
        Objects.requireNonNull(name, "name");
        units = List.copyOf(units);
        execution = execution == null ? Execution.DEFAULT : execution;
        Set<String> seen = new HashSet<>();
        for (WorkUnit u : units) {
            if (!seen.add(u.name())) {
                throw new IllegalArgumentException("two units are named " + u.name());
            }
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Java form: {@code WorkSpec.builder("quickstart").unit(...).build()}. */
    public static final class Builder {
        private final String name;
        private final List<WorkUnit> units = new ArrayList<>();
        private Execution execution = Execution.DEFAULT;
        private Costs costs;
        private TradingRules trading;

        private Builder(String name) {
            this.name = name;
        }

        public Builder unit(WorkUnit u) {
            units.add(u);
            return this;
        }

        public Builder execution(Execution e) {
            this.execution = e;
            return this;
        }

        public Builder costs(Costs c) {
            this.costs = c;
            return this;
        }

        public Builder trading(TradingRules t) {
            this.trading = t;
            return this;
        }

        public WorkSpec build() {
            return new WorkSpec(name, units, execution, costs, trading);
        }
    }
}
