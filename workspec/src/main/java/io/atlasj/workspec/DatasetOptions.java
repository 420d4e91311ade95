package io.atlasj.workspec;

import java.util.Objects;

/**
 * How a unit turns its feature matrix into a learning problem.
 *
 * @param label      the canonical id of one of the featureset's labels as written (null: the first label)
 * @param classes    for classification of a real-valued label: by threshold or by percentiles of the training part
 * @param rebalance  applied to the training part only
 * @param scaling    fitted on the training part of each fold only, stored with the result
 */
public record DatasetOptions(Task task, String label, Classes classes, Rebalance rebalance, Scaling scaling) {
    public enum Task { REGRESSION, CLASSIFICATION }

    public enum Rebalance { NONE, OVERSAMPLE, UNDERSAMPLE }

    public enum Scaling { NONE, ZSCORE, ROBUST }

    /** Class boundaries of a real-valued label: none (the label is already classes), a threshold, or percentiles. */
    public record Classes(Kind kind, double threshold, double lower, double upper) {
        public enum Kind { NONE, THRESHOLD, PERCENTILES }

        public static final Classes NONE = new Classes(Kind.NONE, 0, 0, 0);

        public Classes {
            if (kind == Kind.PERCENTILES && !(0 < lower && lower < upper && upper < 100)) {
                throw new IllegalArgumentException("percentiles must satisfy 0 < lower < upper < 100, got "
                        + lower + ", " + upper);
            }
            if (kind == Kind.THRESHOLD && !(threshold > 0)) {
                throw new IllegalArgumentException("threshold must be positive, got " + threshold);
            }
        }

        /** The frozen text of these classes inside {@link DatasetOptions#canonical()}. */
        public String canonical() {
            return "Classes[kind=" + kind.name() + ", threshold=" + Double.toString(threshold) + ", lower="
                    + Double.toString(lower) + ", upper=" + Double.toString(upper) + "]";
        }
    }

    public DatasetOptions {
        Objects.requireNonNull(task);
        classes = classes == null ? Classes.NONE : classes;
        rebalance = rebalance == null ? Rebalance.NONE : rebalance;
        scaling = scaling == null ? Scaling.ZSCORE : scaling;
        if (task == Task.REGRESSION && (classes.kind() != Classes.Kind.NONE || rebalance != Rebalance.NONE)) {
            throw new IllegalArgumentException("classes and rebalance apply to classification only");
        }
    }

    /**
     * The canonical text of these options, part of every model key ({@link Expander}): written field by field so
     * that renaming or reordering a record component cannot change a key. Frozen: it reproduces what keys of
     * {@link Expander#KEY_VERSION} 1 were made of (the record's default {@code toString()} at the time), pinned by
     * the golden key fixture. Never change it without bumping the key version.
     */
    public String canonical() {
        return "DatasetOptions[task=" + task.name() + ", label=" + label + ", classes=" + classes.canonical()
                + ", rebalance=" + rebalance.name() + ", scaling=" + scaling.name() + "]";
    }

    public static DatasetOptions regression() {
        return new DatasetOptions(Task.REGRESSION, null, Classes.NONE, Rebalance.NONE, Scaling.ZSCORE);
    }
}
