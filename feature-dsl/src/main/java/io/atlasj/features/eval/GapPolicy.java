package io.atlasj.features.eval;

/** What a build does where bars are missing. Neither ever interpolates. */
public enum GapPolicy {
    /** Default: a window may not span a gap; rows whose window would are dropped, recursive indicators restart. */
    DROP,
    /** Treat the bars on either side of a gap as adjacent (for data with known, harmless gaps such as weekends). */
    BRIDGE
}
