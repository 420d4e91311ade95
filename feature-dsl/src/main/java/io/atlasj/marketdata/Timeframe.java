package io.atlasj.marketdata;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A candle length, written as in the CLI contract: {@code 1s 1m 5m 15m 1h 4h 1d}, and also the other lengths exchanges
 * offer, {@code 3m 30m 2h 6h 8h 12h 3d 1w} (every length of Binance's and Coinbase's klines but the calendar month).
 * Candles are aligned to UTC boundaries: up to three days, a candle's open time is a multiple of {@link #millis()}
 * since the epoch (every length up to a day divides a day, so a day's candles start at midnight UTC, and three-day
 * candles open on 1970-01-01 and every third day after); a week opens on Monday at 00:00 UTC, as ISO 8601 weeks and
 * exchanges' weekly klines do (the epoch was a Thursday, so weeks are counted from {@link #origin()}, Monday
 * 1970-01-05).
 *
 * <p>A store derives every timeframe coarser than what it imports; a store written before a timeframe was added here
 * derives it from its coarsest series that divides it when it is first opened (see {@code MarketDataStore}).
 */
public enum Timeframe {
    S1("1s", 1_000L),
    M1("1m", 60_000L),
    M3("3m", 180_000L),
    M5("5m", 300_000L),
    M15("15m", 900_000L),
    M30("30m", 1_800_000L),
    H1("1h", 3_600_000L),
    H2("2h", 7_200_000L),
    H4("4h", 14_400_000L),
    H6("6h", 21_600_000L),
    H8("8h", 28_800_000L),
    H12("12h", 43_200_000L),
    D1("1d", 86_400_000L),
    D3("3d", 259_200_000L),
    W1("1w", 604_800_000L, 345_600_000L);

    private final String label;
    private final long millis;
    private final long origin;

    Timeframe(String label, long millis) {
        this(label, millis, 0L);
    }

    Timeframe(String label, long millis, long origin) {
        this.label = label;
        this.millis = millis;
        this.origin = origin;
    }

    /** The text form used in files, the CLI and the store, e.g. {@code 15m}. */
    public String label() {
        return label;
    }

    public long millis() {
        return millis;
    }

    /** Where the candles are counted from: 0 (the epoch), or for weeks Monday 1970-01-05 00:00 UTC. */
    public long origin() {
        return origin;
    }

    /** The open time of the candle containing {@code epochMillis}. */
    public long floor(long epochMillis) {
        return Math.floorDiv(epochMillis - origin, millis) * millis + origin;
    }

    /**
     * The open time of the bar of length {@code barMillis} containing {@code epochMillis}: {@link #floor} of the
     * timeframe of that length, or a plain multiple of the length since the epoch for a length that is none.
     */
    public static long floor(long epochMillis, long barMillis) {
        return barMillis == W1.millis ? W1.floor(epochMillis) : Math.floorDiv(epochMillis, barMillis) * barMillis;
    }

    /** True when every candle of {@code coarser} is made of whole candles of this timeframe. */
    public boolean divides(Timeframe coarser) {
        return coarser.millis > millis && coarser.millis % millis == 0 && (coarser.origin - origin) % millis == 0;
    }

    /** Whether a candle of this length lies within one UTC day (all but three days and weeks). */
    public boolean withinDay() {
        return millis <= D1.millis;
    }

    /**
     * Parses {@code 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w} (case-insensitive, except that {@code 1M}, a month as
     * exchanges write it, is refused rather than read as minutes).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Timeframe parse(String text) {
        String t = text.trim();
        if (t.endsWith("M") && t.length() > 1 && Character.isDigit(t.charAt(t.length() - 2))) {
            // exchanges, ccxt and freqtrade write a month as 1M: never read it as minutes
            throw new IllegalArgumentException("timeframe '" + text + "' is a month (as exchanges and freqtrade write "
                    + "it), which Atlas does not store; minutes are written with a small m, e.g. 1m; use one of "
                    + labels());
        }
        for (Timeframe tf : values()) {
            if (tf.label.equalsIgnoreCase(text.trim())) {
                return tf;
            }
        }
        throw new IllegalArgumentException("unknown timeframe '" + text + "': use one of " + labels());
    }

    /** The timeframe whose length is exactly {@code millis}, if any. */
    public static java.util.Optional<Timeframe> ofMillis(long millis) {
        return Arrays.stream(values()).filter(tf -> tf.millis == millis).findFirst();
    }

    public static String labels() {
        return Arrays.stream(values()).map(Timeframe::label).collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        return label;
    }
}
