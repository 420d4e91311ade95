package io.atlasj.trainer.data;

import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.split.Fold;
import io.atlasj.workspec.split.Scaler;
import io.atlasj.workspec.split.Splitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns a built feature matrix into the folds a ModelSpec learns from: split in time (purged by the label's
 * horizon), targets made classes where asked (threshold, or percentiles fitted on the training part), the training
 * part rebalanced if asked (with the spec's seed), and inputs scaled with parameters fitted on the training part.
 */
public final class DatasetPreparer {
    private DatasetPreparer() {
    }

    /**
     * The folds of {@code spec}'s split over {@code m}, each prepared when it is read (and again at every read: read
     * them once, in order, as training does). A long series split into many folds would otherwise hold every fold's
     * scaled copy of the matrix at once (44 walk-forward folds of 900,000 rows: 3.8 GB), and a model that reads only
     * its parts' rows (a dense network) would pay for copies it never reads: the {@link PreparedData.Context} of all
     * rows is made only when a sequence model asks for it.
     */
    public static List<PreparedData> prepare(ModelSpec spec, FeatureMatrix m) {
        checkLabel(spec, m); // a label that cannot be learned fails here, not at the first fold read
        long bar = spec.featureset().baseTimeframe().millis();
        List<Fold> folds = Splitter.folds(m.time(), bar, spec.labelHorizon(), spec.split());
        return new java.util.AbstractList<>() {
            @Override
            public PreparedData get(int i) {
                return fold(spec, m, folds.get(i), bar);
            }

            @Override
            public int size() {
                return folds.size();
            }
        };
    }

    /** The spec's label is in the matrix and its values can be the dataset's targets. */
    private static void checkLabel(ModelSpec spec, FeatureMatrix m) {
        indexOfLabel(m, spec);
        Label label = spec.label();
        DatasetOptions ds = spec.dataset();
        if (ds.task() != DatasetOptions.Task.CLASSIFICATION) {
            return;
        }
        if (ds.classes().kind() == DatasetOptions.Classes.Kind.THRESHOLD
                || ds.classes().kind() == DatasetOptions.Classes.Kind.PERCENTILES) {
            if (label.feature() == null && LabelKind.of(label.kind()).target() == LabelKind.Target.CLASSES) {
                throw new IllegalArgumentException(spec.unit() + ": label " + label.id() + " is classes "
                        + "already; the dataset's classes: is for a label with real values: drop it");
            }
        } else if ((label.feature() == null ? LabelKind.of(label.kind()).classes() : 0) < 2) {
            throw new IllegalArgumentException(spec.unit() + ": label " + label.id() + " has real values; "
                    + "give the dataset classes: {threshold: X} or {percentiles: [lo, hi]}");
        }
    }

    private static PreparedData fold(ModelSpec spec, FeatureMatrix m, Fold f, long bar) {
        Label label = spec.label();
        int labelColumn = indexOfLabel(m, spec);
        double[] y = m.labels()[labelColumn];
        DatasetOptions ds = spec.dataset();
        double[] target = y;
        int classes = 0;
        double[] boundaries = null;
        if (ds.task() == DatasetOptions.Task.CLASSIFICATION) {
            target = new double[y.length];
            switch (ds.classes().kind()) {
                case THRESHOLD, PERCENTILES -> {
                    if (ds.classes().kind() == DatasetOptions.Classes.Kind.PERCENTILES) {
                        boundaries = Scaler.fitBoundaries(y, f.train(), ds.classes().lower(), ds.classes().upper());
                    }
                    for (int i = 0; i < y.length; i++) {
                        target[i] = classOf(y[i], ds.classes(), boundaries);
                    }
                    classes = 3;
                }
                default -> {
                    classes = label.feature() == null ? LabelKind.of(label.kind()).classes() : 0;
                    if (LabelKind.of(label.kind()).target() == LabelKind.Target.CLASSES_FITTED_ON_TRAIN) {
                        // its values are real (returns): classes by its own percentiles, fitted on the training
                        // rows (not the returns cast to a class index)
                        boundaries = Scaler.fitBoundaries(y, f.train(), label.params().get(1),
                                label.params().get(2));
                    }
                    for (int i = 0; i < y.length; i++) {
                        target[i] = classOf(y[i], ds.classes(), boundaries);
                    }
                }
            }
        }
        int[] train = rebalance(f.train(), target, classes, ds.rebalance(), spec.seed());
        Scaler scaler = Scaler.fit(m.features(), f.train(), ds.scaling());
        double center = 0;
        double scale = 1;
        if (ds.task() == DatasetOptions.Task.REGRESSION) {
            // regression targets are z-scored on the training rows: returns of 1e-3 would otherwise vanish in
            // the loss next to unit-scale inputs
            Scaler t = Scaler.fit(new double[][] {y}, f.train(), DatasetOptions.Scaling.ZSCORE);
            center = t.center()[0];
            scale = t.scale()[0];
            target = t.apply(new double[][] {y})[0];
        }
        List<PreparedData.Target> extra = spec.type() == io.atlasj.workspec.ModelType.MULTI_TASK
                ? extraTargets(spec, m, labelColumn, f.train()) : List.of();
        return new PreparedData(f.index(), ds.task(), classes, part(m, scaler, target, train),
                part(m, scaler, target, f.validation()), part(m, scaler, target, f.test()), scaler, boundaries,
                center, scale, PreparedData.Context.lazy(m.time(), bar, () -> rows(m.features(), scaler)), extra);
    }

    /**
     * The class of a label value {@code y} under {@code classes}: by threshold (below {@code -t}: 0, above {@code t}:
     * 2, else 1), by the percentile {@code boundaries} fitted on the training rows, or {@code y} itself for labels
     * whose values are classes. What training targets and live outcomes are made of.
     */
    public static double classOf(double y, DatasetOptions.Classes classes, double[] boundaries) {
        if (Double.isNaN(y)) {
            return Double.NaN;
        }
        return switch (classes.kind()) {
            case THRESHOLD -> y < -classes.threshold() ? 0 : y > classes.threshold() ? 2 : 1;
            case PERCENTILES -> Scaler.classify(y, boundaries);
            // a label whose values are real and whose classes are its own percentiles (ThreeClassPercentile without
            // the dataset's classes) has boundaries; any other has class values
            default -> boundaries != null ? Scaler.classify(y, boundaries) : y;
        };
    }

    /**
     * The featureset's other labels, for multi-task heads: labels with class values (e.g. {@code UpDown}) stay class
     * indices, a label whose classes are percentiles of its values ({@code ThreeClassPercentile}) is made classes by
     * its own percentiles fitted on the training rows of this fold, real-valued ones are z-scored with a center and
     * scale fitted on those rows.
     */
    static List<PreparedData.Target> extraTargets(ModelSpec spec, FeatureMatrix m, int primary, int[] trainRows) {
        List<PreparedData.Target> out = new ArrayList<>();
        List<Label> labels = spec.featureset().labels();
        for (int i = 0; i < labels.size() && i < m.labelIds().size(); i++) {
            if (i == primary) {
                continue;
            }
            Label l = labels.get(i);
            double[] y = m.labels()[i];
            int classes = l.feature() == null ? LabelKind.of(l.kind()).classes() : 0;
            if (l.feature() == null && LabelKind.of(l.kind()).target() == LabelKind.Target.CLASSES_FITTED_ON_TRAIN) {
                // its values are real (returns): classes by the label's own percentiles, fitted on this fold's
                // training rows where it is known; unknown stays unknown (out of the head's loss)
                int[] known = java.util.Arrays.stream(trainRows).filter(r -> Double.isFinite(y[r])).toArray();
                double[] b = Scaler.fitBoundaries(y, known, l.params().get(1), l.params().get(2));
                double[] c = new double[y.length];
                for (int r = 0; r < y.length; r++) {
                    c[r] = Double.isFinite(y[r]) ? Scaler.classify(y[r], b) : Double.NaN;
                }
                out.add(new PreparedData.Target(m.labelIds().get(i), classes, 0, 1, b, c));
            } else if (classes >= 2) {
                out.add(new PreparedData.Target(m.labelIds().get(i), classes, 0, 1, null, y.clone()));
            } else {
                Scaler t = Scaler.fit(new double[][] {y}, trainRows, DatasetOptions.Scaling.ZSCORE);
                out.add(new PreparedData.Target(m.labelIds().get(i), 0, t.center()[0], t.scale()[0], null,
                        t.apply(new double[][] {y})[0]));
            }
        }
        return out;
    }

    private static int indexOfLabel(FeatureMatrix m, ModelSpec spec) {
        // matrix label ids are resolved (markets filled in); match by position in the featureset
        List<Label> labels = spec.featureset().labels();
        int i = labels.indexOf(spec.label());
        if (i < 0 || i >= m.labelIds().size()) {
            throw new IllegalArgumentException("the matrix lacks the label " + spec.label().id());
        }
        return i;
    }

    /** Training rows after rebalancing (classification only): the same rows, in time order, some repeated or dropped. */
    static int[] rebalance(int[] rows, double[] target, int classes, DatasetOptions.Rebalance how, long seed) {
        if (how == DatasetOptions.Rebalance.NONE || classes < 2) {
            return rows;
        }
        int[] size = new int[classes];
        for (int r : rows) {
            size[(int) target[r]]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[size[c]];
            size[c] = 0;
        }
        for (int r : rows) {
            int c = (int) target[r];
            byClass[c][size[c]++] = r;
        }
        int goal = 0;
        for (int c = 0; c < classes; c++) {
            int k = byClass[c].length;
            goal = how == DatasetOptions.Rebalance.OVERSAMPLE ? Math.max(goal, k)
                    : k > 0 && (goal == 0 || k < goal) ? k : goal;
        }
        Random rnd = new Random(seed);
        int[] out = new int[classes * goal];
        int n = 0;
        for (int[] c : byClass) {
            if (c.length == 0) {
                continue;
            }
            if (c.length >= goal) {
                // Collections.shuffle's swaps, on the class's rows in time order, then its first goal rows
                int[] copy = c.clone();
                for (int i = copy.length; i > 1; i--) {
                    int j = rnd.nextInt(i);
                    int t = copy[i - 1];
                    copy[i - 1] = copy[j];
                    copy[j] = t;
                }
                System.arraycopy(copy, 0, out, n, goal);
                n += goal;
            } else {
                System.arraycopy(c, 0, out, n, c.length);
                n += c.length;
                for (int k = c.length; k < goal; k++) {
                    out[n++] = c[rnd.nextInt(c.length)];
                }
            }
        }
        int[] sorted = java.util.Arrays.copyOf(out, n);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    /** A part's rows scaled (the scaler's arithmetic, value for value, as {@link Scaler#apply}). */
    private static PreparedData.Part part(FeatureMatrix m, Scaler scaler, double[] target, int[] rows) {
        double[][] raw = m.features();
        double[] center = scaler.center();
        double[] scale = scaler.scale();
        long[] t = new long[rows.length];
        double[][] x = new double[rows.length][raw.length];
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            t[i] = m.time()[r];
            for (int c = 0; c < raw.length; c++) {
                x[i][c] = (raw[c][r] - center[c]) / scale[c];
            }
            y[i] = target[r];
        }
        return new PreparedData.Part(t, x, y, rows.clone());
    }

    /** Every row of the matrix, scaled: a sequence model's context. */
    private static double[][] rows(double[][] columns, Scaler scaler) {
        int n = columns.length == 0 ? 0 : columns[0].length;
        double[] center = scaler.center();
        double[] scale = scaler.scale();
        double[][] rows = new double[n][columns.length];
        for (int c = 0; c < columns.length; c++) {
            double[] col = columns[c];
            for (int i = 0; i < n; i++) {
                rows[i][c] = (col[i] - center[c]) / scale[c];
            }
        }
        return rows;
    }
}
