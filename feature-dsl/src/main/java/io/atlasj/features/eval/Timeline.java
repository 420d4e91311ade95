package io.atlasj.features.eval;

/**
 * The open times of one contiguous segment of bars and their length: where the kernels whose arithmetic runs along
 * the series (recursions, rolling sums and deviations) restart or recompute. They do so at <em>anchors</em>, fixed
 * points of absolute time every {@link #ANCHOR_BARS} bars since the epoch, never at the first bar read. So a value
 * depends only on a bounded stretch of bars before it ({@code Evaluator.reachMillis}), and any build that reads that
 * stretch computes it bit for bit alike: a build of a later range, a Spark task of one time partition, a live runner
 * over its window of history.
 */
public record Timeline(long[] time, long barMillis) {
    /** Bars between two anchors. */
    public static final int ANCHOR_BARS = 1024;

    public Timeline {
        if (barMillis <= 0) {
            throw new IllegalArgumentException("a timeline needs a bar length, got " + barMillis + " ms");
        }
    }

    /** {@code n} bars of {@code barMillis} from {@code start}, one after the other (for tests and examples). */
    public static Timeline regular(int n, long start, long barMillis) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * barMillis;
        }
        return new Timeline(t, barMillis);
    }

    public int size() {
        return time.length;
    }

    /** The anchor block of bar {@code i}: bars between the same two anchors share it. */
    public long block(int i) {
        return block(i, ANCHOR_BARS);
    }

    /** The block of {@code bars} bars (counted from the epoch) that bar {@code i} is in. */
    public long block(int i, int bars) {
        return Math.floorDiv(time[i], span(bars));
    }

    /**
     * The length of a block of {@code bars} bars in milliseconds: bar {@code i}'s block spans the times
     * {@code [block(i, bars) * span(bars), (block(i, bars) + 1) * span(bars))}, which the kernels compare times with
     * instead of dividing each one.
     */
    public long span(int bars) {
        return bars * barMillis;
    }

    /** Bars {@code from} (inclusive) to {@code to} (exclusive). */
    public Timeline slice(int from, int to) {
        return new Timeline(java.util.Arrays.copyOfRange(time, from, to), barMillis);
    }
}
