package io.atlasj.features.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a build does where bars are missing. None ever interpolates. In YAML: {@code gaps: drop | bridge | fill-flat}.
 */
public enum GapPolicy {
    /** Default: a window may not span a gap; rows whose window would are dropped, recursive indicators restart. */
    DROP,
    /** Treat the bars on either side of a gap as adjacent (for data with known, harmless gaps such as weekends). */
    BRIDGE,
    /**
     * A missing candle is a bar in which nothing traded: a flat bar, open = high = low = close = the previous real
     * close, volume, notional, trade count and taker-buy volume 0 (for thin markets whose minutes without a trade are
     * real minutes, not missing data). Without a limit, features read the filled series, which has no gaps between its
     * first and last real bar (nothing after the last one is filled: the data may simply end there); every row that
     * read a filled bar is counted ({@code BuildReport.filledRows}). A featureset's {@code fillLimit} bounds the fill
     * by the time since the last real bar: the first bars of any gap are filled up to the limit (also after a series'
     * last real bar, up to the end of the build, or of its base's data when it has no end), the rest stays a gap,
     * cutting windows as under {@link #DROP}. So a bar is filled or not by the bars before it only, as a live runner
     * must decide it.
     *
     * <p>The bars are filled in memory from the real bars of each series read, never taken from the store: candles
     * stored by {@code atlas data import --fill-gaps} follow the same rule (so their values would be the same), but
     * they exist only where and when an import asked for them (an import without the flag replaces them, gaps across
     * two files' days stay open), so a build that read them would depend on the store's import history rather than
     * on the data. Stored filled candles are read as absent, under every policy, and the filled series is the same
     * whichever way the data was imported.
     *
     * <p>Labels never read a filled bar: they are computed on the real bars exactly as under {@link #DROP} (a label
     * needs its row's bar and the bars of its horizon to be real and adjacent), so a row whose horizon includes a
     * filled bar has no label and is dropped. A future return across minutes without trades starts or ends at a
     * stale price at which nobody traded, and path labels (volatility, drawdown, barriers) would see a calm that was
     * only an absence of trades: neither is a return a model could have earned. Filling changes a set's inputs only,
     * never its targets. Quote bars are not filled (a quiet book is not a flat candle); their gaps cut windows as
     * under {@link #DROP}.
     */
    FILL_FLAT;

    /** The YAML form: {@code drop}, {@code bridge}, {@code fill-flat}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads the YAML form (case-insensitive; {@code fill_flat} is taken too). */
    public static GapPolicy parse(String text) {
        for (GapPolicy g : values()) {
            if (g.yamlName().equalsIgnoreCase(text.trim().replace('_', '-'))) {
                return g;
            }
        }
        throw new IllegalArgumentException("must be " + names() + ", got '" + text + "'");
    }

    /** {@code drop, bridge or fill-flat}, for messages. */
    public static String names() {
        String all = Arrays.stream(values()).map(GapPolicy::yamlName).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
