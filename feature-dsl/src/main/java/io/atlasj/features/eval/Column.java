package io.atlasj.features.eval;

/** Values of one feature on its home timeline (bar open times, ascending, bars of {@code barMillis}). */
public record Column(long[] time, long barMillis, double[] values) {
}
