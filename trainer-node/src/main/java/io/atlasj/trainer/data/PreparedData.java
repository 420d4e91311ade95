package io.atlasj.trainer.data;

import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.split.Scaler;

/**
 * One fold ready to learn from: scaled inputs (rows x features) and targets of each part. For classification the
 * targets are class indices in {@code 0..classes-1}; for regression the label values. Everything fitted (scaler,
 * class boundaries) was fitted on the training rows only.
 *
 * @param boundaries   percentile class boundaries fitted on the training part, or null
 * @param targetCenter regression only: targets are {@code (label - targetCenter) / targetScale}, both fitted on the
 *                     training part (0 and 1 for classification); predictions are mapped back with them
 */
public record PreparedData(int fold, DatasetOptions.Task task, int classes, Part train, Part validation, Part test,
                           Scaler scaler, double[] boundaries, double targetCenter, double targetScale,
                           Context context, java.util.List<Target> extraTargets) {

    public PreparedData {
        extraTargets = extraTargets == null ? java.util.List.of() : java.util.List.copyOf(extraTargets);
    }

    public PreparedData(int fold, DatasetOptions.Task task, int classes, Part train, Part validation, Part test,
                        Scaler scaler, double[] boundaries) {
        this(fold, task, classes, train, validation, test, scaler, boundaries, 0, 1, null, java.util.List.of());
    }

    public PreparedData(int fold, DatasetOptions.Task task, int classes, Part train, Part validation, Part test,
                        Scaler scaler, double[] boundaries, double targetCenter, double targetScale, Context context) {
        this(fold, task, classes, train, validation, test, scaler, boundaries, targetCenter, targetScale, context,
                java.util.List.of());
    }

    /**
     * A further label learned beside the primary one (multi-task heads), over all rows of the matrix (index it with
     * {@link Part#index()}): class indices when {@code classes >= 2} (by the percentile {@code boundaries} fitted on
     * the training rows for a label whose values are real, else the label's own), otherwise a real value z-scored
     * with {@code center} and {@code scale} fitted on the training rows. NaN where the label is unknown (such rows do
     * not count in that head's loss).
     */
    public record Target(String label, int classes, double center, double scale, double[] boundaries,
                         double[] values) {
        /** The target a value of the label stands for, as training made it; NaN for an unknown value. */
        public double of(double labelValue) {
            if (!Double.isFinite(labelValue)) {
                return Double.NaN;
            }
            if (classes >= 2) {
                return boundaries == null ? labelValue : io.atlasj.workspec.split.Scaler.classify(labelValue,
                        boundaries);
            }
            return (labelValue - center) / scale;
        }

        public boolean classify() {
            return classes >= 2;
        }
    }

    /**
     * All rows of the matrix (scaled inputs, bar open times, bar length), from which sequence models take the
     * windows ending at each row of a part: a window may reach back into earlier parts (inputs only, all in the past).
     * An LSTM's window never crosses a gap (its run of adjacent rows ends there); a transformer's steps are found by
     * time, a step without a row masked, so its window may reach over a gap. A bar the matrix has no row for (no
     * label there: a filled bar, or a bar whose labels reach a gap) is such a missing step; a live runner leaves the
     * same bars out of its windows ({@code LiveRunner.window}).
     *
     * <p>The rows may be made when first read ({@link #lazy}): a dense model reads only its parts' rows, and a long
     * series' scaled copy per fold would cost it more than its training.
     */
    public static final class Context {
        private final long[] time;
        private final long barMillis;
        private java.util.function.Supplier<double[][]> make;
        private volatile double[][] x;

        public Context(long[] time, double[][] x, long barMillis) {
            this.time = time;
            this.x = java.util.Objects.requireNonNull(x, "x");
            this.barMillis = barMillis;
        }

        private Context(long[] time, long barMillis, java.util.function.Supplier<double[][]> make) {
            this.time = time;
            this.barMillis = barMillis;
            this.make = make;
        }

        /** A context whose rows {@code make} returns when they are first read. */
        public static Context lazy(long[] time, long barMillis, java.util.function.Supplier<double[][]> make) {
            return new Context(time, barMillis, java.util.Objects.requireNonNull(make, "make"));
        }

        public long[] time() {
            return time;
        }

        public long barMillis() {
            return barMillis;
        }

        /** Every row's inputs, made now if they were not yet (read it once outside a loop: it is a volatile read). */
        public double[][] x() {
            double[][] rows = x;
            if (rows != null) {
                return rows;
            }
            synchronized (this) {
                if (x == null) {
                    x = make.get();
                    make = null;
                }
                return x;
            }
        }

        /**
         * This context with the rows at {@code index} replaced by {@code rows} (the same arrays, not copies: a change
         * to them shows in its windows), made when first read.
         */
        public Context withRows(int[] index, double[][] rows) {
            return lazy(time, barMillis, () -> {
                double[][] out = x().clone();
                for (int i = 0; i < index.length; i++) {
                    out[index[i]] = rows[i];
                }
                return out;
            });
        }
    }

    /** A prediction in the label's own units. */
    public double unscale(double prediction) {
        return prediction * targetScale + targetCenter;
    }

    /** Rows of one part: times, inputs, targets, and the rows' indices in the {@link Context}. */
    public record Part(long[] time, double[][] x, double[] y, int[] index) {
        public Part(long[] time, double[][] x, double[] y) {
            this(time, x, y, java.util.stream.IntStream.range(0, time.length).toArray());
        }

        public int rows() {
            return time.length;
        }
    }

    public int features() {
        return train.x().length == 0 ? 0 : train.x()[0].length;
    }
}
