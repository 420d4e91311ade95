package io.atlasj.workspec;

import java.util.Locale;

/**
 * How the report turns predictions into positions, beyond the costs: the book, and for regression forecasts a
 * threshold and a size. Set in a WorkSpec as {@code trading: {book: staggered, threshold: 0.0005, fullSizeAt: 0.002}};
 * every field is optional. Class predictions map to short, flat or long whatever these say.
 *
 * @param book       {@code staggered}: every row opens a slice of {@code 1/h} of the capital held over its label's
 *                   {@code h} bars (the default); {@code non-overlapping}: every {@code h}-th row decides, at full size
 * @param threshold  a forecast at most this far from 0 (in the label's units, a log return for {@code FutureReturn})
 *                   keeps the row flat; 0 by default
 * @param fullSizeAt the forecast at which the whole position is taken: a forecast {@code f} beyond the threshold
 *                   holds {@code sign(f) * min(1, |f| / fullSizeAt)}; 0 (the default) holds the sign at full size
 */
public record TradingRules(Book book, double threshold, double fullSizeAt, double minProbability) {
    public static final TradingRules DEFAULT = new TradingRules(Book.STAGGERED, 0, 0, 0);

    /** Rules for regression forecasts; classifiers trade every predicted class. */
    public TradingRules(Book book, double threshold, double fullSizeAt) {
        this(book, threshold, fullSizeAt, 0);
    }

    /** How rows become slices of the capital. */
    public enum Book {
        STAGGERED, NON_OVERLAPPING;

        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public TradingRules {
        if (book == null) {
            throw new IllegalArgumentException("book must be staggered or non-overlapping");
        }
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a number >= 0, got " + threshold);
        }
        if (!(minProbability >= 0 && minProbability < 1)) {
            throw new IllegalArgumentException("minProbability must be at least 0 and below 1 (a class is traded when "
                    + "the model gives it at least this probability), got " + minProbability);
        }
        if (!(fullSizeAt >= 0) || Double.isInfinite(fullSizeAt) || fullSizeAt > 0 && fullSizeAt <= threshold) {
            throw new IllegalArgumentException("fullSizeAt must be 0 (full size at any forecast past the threshold) or "
                    + "above the threshold " + threshold + ", got " + fullSizeAt);
        }
    }

    /** The position a regression forecast asks for. */
    public double position(double forecast) {
        double a = Math.abs(forecast);
        if (!(a > threshold)) {
            return 0;
        }
        return Math.signum(forecast) * (fullSizeAt > 0 ? Math.min(1, a / fullSizeAt) : 1);
    }

    /**
     * Whether a classifier's row is traded: always without {@code minProbability}; with it, only when the model gives
     * its predicted class at least that probability (else the row stays flat). {@code probabilities} null: traded.
     */
    public boolean confident(int predicted, double[] probabilities) {
        return minProbability <= 0 || probabilities != null && predicted >= 0 && predicted < probabilities.length
                && probabilities[predicted] >= minProbability;
    }

    @Override
    public String toString() {
        return book.word() + " book" + (threshold > 0 ? ", forecasts within " + plain(threshold) + " of 0 stay flat" : "")
                + (fullSizeAt > 0 ? ", full size at a forecast of " + plain(fullSizeAt) : "")
                + (minProbability > 0 ? ", classes traded at a probability of " + plain(minProbability) + " or more"
                : "");
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
