package io.atlasj.workspec;

import java.util.Locale;

/**
 * Whether the trials of a unit (its expanded models) may be stopped early by comparing them with each other, and by
 * which rule. The models a unit trains are still what its entries' grids, random samples and repeats expand to; the
 * search only decides which of them stop before their last epoch. Both rules judge a trial by its validation loss
 * (lower is better) after each epoch, per fold: a trial is compared with the others at the same epoch of the same
 * fold. A stopped trial keeps the weights of its best epoch so far, its curves and predictions, its remaining folds
 * are not trained, and its result has status {@code stopped}.
 *
 * <ul>
 *   <li>{@code none} (the default): every trial trains to its own end (its epochs or its early stopping).</li>
 *   <li>{@code asha}: asynchronous successive halving (Li et al., 2020). Rungs at {@code min}, {@code min x reduction},
 *       {@code min x reduction^2}, ... epochs, below {@code max} when given. A trial reaching a rung goes on only if
 *       its validation loss is within the best {@code 1/reduction} of the losses recorded at that rung so far.</li>
 *   <li>{@code median}: the median stopping rule (Golovin et al., 2017). From epoch {@code after} on, a trial
 *       stops when its best validation loss so far is worse than the median of the other trials' mean validation
 *       losses up to the same epoch, once at least {@code minTrials} others have reached it.</li>
 * </ul>
 * Epochs count from 1 here ({@code min: 2} is after the second epoch); a tree model's boosting rounds count as its
 * epochs.
 *
 * @param max 0 when rungs go on as long as trials train
 */
public record Search(Type type, int min, int max, int reduction, int after, int minTrials) {
    public enum Type {
        NONE, ASHA, MEDIAN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Search NONE = new Search(Type.NONE, 0, 0, 0, 0, 0);

    public Search {
        switch (type) {
            case NONE -> {
            }
            case ASHA -> {
                if (min < 1 || reduction < 2 || (max != 0 && max <= min)) {
                    throw new IllegalArgumentException("asha needs min >= 1, reduction >= 2 and max above min (or no "
                            + "max), got min " + min + ", reduction " + reduction + ", max " + max);
                }
            }
            case MEDIAN -> {
                if (after < 1 || minTrials < 1) {
                    throw new IllegalArgumentException("median stopping needs after >= 1 and minTrials >= 1, got after "
                            + after + ", minTrials " + minTrials);
                }
            }
        }
    }

    public static Search asha(int min, int max, int reduction) {
        return new Search(Type.ASHA, min, max, reduction, 0, 0);
    }

    public static Search median(int after, int minTrials) {
        return new Search(Type.MEDIAN, 0, 0, 0, after, minTrials);
    }

    /** Whether epoch {@code epochs} (counted from 1) is one of the rungs of an {@code asha} search. */
    public boolean rung(int epochs) {
        if (type != Type.ASHA || epochs < min || (max != 0 && epochs >= max)) {
            return false;
        }
        long r = min;
        while (r < epochs) {
            r *= reduction;
        }
        return r == epochs;
    }

    /** The YAML that reads back as this search. */
    public String yaml() {
        return switch (type) {
            case NONE -> "{type: none}";
            case ASHA -> "{type: asha, resource: epochs, min: " + min + (max == 0 ? "" : ", max: " + max)
                    + ", reduction: " + reduction + "}";
            case MEDIAN -> "{type: median, after: " + after + ", minTrials: " + minTrials + "}";
        };
    }
}
