package io.atlasj.features.eval;

import java.util.Locale;

/**
 * Which prices a featureset's candles are. In YAML: {@code prices: trades | mid}.
 */
public enum PriceBasis {
    /** Default: the stored candles, made from trades (or imported as OHLCV bars). */
    TRADES,
    /**
     * The midpoints of the market's quote bars: open, high, low and close are each the mean of the bid bar's and the
     * ask bar's (LEAN's {@code QuoteBar} convention), so high is at least open and close and low at most. For markets
     * that have quotes and no trades (FX from most vendors, LEAN's forex and quote-only files), and for a researcher
     * who wants returns without the bid-ask bounce of last-trade prices. A quote bar has no traded volume, so features
     * that need volume (or trade counts, taker-buy volume) refuse or have no value; labels and the money evaluation
     * read the same midpoints, and unless the WorkSpec sets {@code costs} each trade pays half the spread quoted at its
     * own bar besides the fee. Quote bars are never filled, so {@link GapPolicy#FILL_FLAT} does not apply.
     */
    MID;

    /** The YAML form: {@code trades}, {@code mid}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the YAML form (case-insensitive). */
    public static PriceBasis parse(String text) {
        for (PriceBasis p : values()) {
            if (p.yamlName().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be trades or mid, got '" + text + "'");
    }
}
