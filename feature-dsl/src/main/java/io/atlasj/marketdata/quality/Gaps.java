package io.atlasj.marketdata.quality;

import io.atlasj.marketdata.Timeframe;

/**
 * Gap statistics of one bar series: a gap is a run of one or more missing bars between two present ones.
 *
 * @param count        number of gaps
 * @param missingBars  bars missing in all gaps together
 * @param longestMillis the longest gap's length (time between the bar before it and the bar after it, minus one bar)
 * @param longestFrom  the open time of the first missing bar of the longest gap, or -1 when there is none
 */
public record Gaps(long count, long missingBars, long longestMillis, long longestFrom) {
    /** Gaps of ascending open times on {@code tf}'s grid. */
    public static Gaps of(long[] openTimes, Timeframe tf) {
        long count = 0;
        long missing = 0;
        long longest = 0;
        long longestFrom = -1;
        long step = tf.millis();
        for (int i = 1; i < openTimes.length; i++) {
            long d = openTimes[i] - openTimes[i - 1];
            if (d > step) {
                count++;
                missing += d / step - 1;
                if (d - step > longest) {
                    longest = d - step;
                    longestFrom = openTimes[i - 1] + step;
                }
            }
        }
        return new Gaps(count, missing, longest, longestFrom);
    }
}
