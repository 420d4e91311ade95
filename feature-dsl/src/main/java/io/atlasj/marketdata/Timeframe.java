package io.atlasj.marketdata;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A candle length, written as in the CLI contract: {@code 1s 1m 5m 15m 1h 4h 1d}, and any other multiple of a second,
 * minute, hour, day or week aligned to UTC ({@code 10m 45m 90m 2d 2w}).
 *
 * <p>Candles are aligned to UTC boundaries. A length under a day must divide a day, so that a day's candles start at
 * midnight UTC, and a candle's open time is a multiple of {@link #millis()} since the epoch. Lengths of whole days
 * count from the epoch too (three-day candles open on 1970-01-01 and every third day after); lengths of whole weeks
 * open on Monday 00:00 UTC, as ISO 8601 weeks and exchanges' weekly klines do (the epoch was a Thursday, so weeks are
 * counted from {@link #origin()}, Monday 1970-01-05).
 *
 * <p>The {@linkplain #kept() kept} timeframes, {@code 1s 1m 3m 5m 15m 30m 1h 2h 4h 12h 1d 1w}, are stored: an import
 * derives each of them that its bars divide, and a store written before one was added derives it when first opened.
 * Any other length, the exchanges' {@code 6h 8h 3d} among them, is read by resampling the coarsest kept timeframe
 * that divides it (bars imported at that length itself win), so it costs no storage, no import time and no upgrade:
 * reading 6-hour bars resamples the 2-hour ones, three-day bars the daily ones. One instance per length: timeframes
 * compare with {@code ==} as well as {@code equals}.
 */
public final class Timeframe implements Comparable<Timeframe>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long WEEK = 7 * DAY;
    /** Monday 1970-01-05 00:00 UTC, where weeks are counted from. */
    private static final long MONDAY = 4 * DAY;
    /** The longest length accepted: a year of weeks. */
    private static final long LONGEST = 52 * WEEK;
    private static final Map<Long, Timeframe> BY_MILLIS = new ConcurrentHashMap<>();
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})([smhdwSMHDW])");

    public static final Timeframe S1 = kept(SECOND);
    public static final Timeframe M1 = kept(MINUTE);
    public static final Timeframe M3 = kept(3 * MINUTE);
    public static final Timeframe M5 = kept(5 * MINUTE);
    public static final Timeframe M15 = kept(15 * MINUTE);
    public static final Timeframe M30 = kept(30 * MINUTE);
    public static final Timeframe H1 = kept(HOUR);
    public static final Timeframe H2 = kept(2 * HOUR);
    public static final Timeframe H4 = kept(4 * HOUR);
    public static final Timeframe H6 = unkept(6 * HOUR);
    public static final Timeframe H8 = unkept(8 * HOUR);
    public static final Timeframe H12 = kept(12 * HOUR);
    public static final Timeframe D1 = kept(DAY);
    public static final Timeframe D3 = unkept(3 * DAY);
    public static final Timeframe W1 = kept(WEEK);
    private static final Timeframe[] KEPT = {S1, M1, M3, M5, M15, M30, H1, H2, H4, H12, D1, W1};
    /** Every kline length of Binance and Coinbase but the month: what a file's bar spacing may be read as. */
    private static final Timeframe[] EXCHANGE = {S1, M1, M3, M5, M15, M30, H1, H2, H4, H6, H8, H12, D1, D3, W1};

    private final String label;
    private final long millis;
    private final long origin;
    private final boolean kept;

    private Timeframe(long millis, boolean kept) {
        this.millis = millis;
        this.origin = millis % WEEK == 0 ? MONDAY : 0L;
        this.kept = kept;
        this.label = label(millis);
    }

    private static Timeframe kept(long millis) {
        Timeframe tf = new Timeframe(millis, true);
        BY_MILLIS.put(millis, tf);
        return tf;
    }

    private static Timeframe unkept(long millis) {
        Timeframe tf = new Timeframe(millis, false);
        BY_MILLIS.put(millis, tf);
        return tf;
    }

    private static String label(long millis) {
        if (millis % WEEK == 0) {
            return millis / WEEK + "w";
        }
        if (millis % DAY == 0) {
            return millis / DAY + "d";
        }
        if (millis % HOUR == 0) {
            return millis / HOUR + "h";
        }
        if (millis % MINUTE == 0) {
            return millis / MINUTE + "m";
        }
        return millis / SECOND + "s";
    }

    /** The text form used in files, the CLI and the store, e.g. {@code 15m}: the largest unit that divides it. */
    public String label() {
        return label;
    }

    public long millis() {
        return millis;
    }

    /** Where the candles are counted from: 0 (the epoch), or for whole weeks Monday 1970-01-05 00:00 UTC. */
    public long origin() {
        return origin;
    }

    /** Whether stores keep bars of this timeframe (derived on import), rather than resampling them when read. */
    public boolean kept() {
        return kept;
    }

    /** The open time of the candle containing {@code epochMillis}. */
    public long floor(long epochMillis) {
        return Math.floorDiv(epochMillis - origin, millis) * millis + origin;
    }

    /** The open time of the first candle that opens at or after {@code epochMillis}. */
    public long ceil(long epochMillis) {
        long f = floor(epochMillis);
        return f == epochMillis ? f : f + millis;
    }

    /**
     * The open time of the bar of length {@code barMillis} containing {@code epochMillis}: {@link #floor} of the
     * timeframe of that length, or a plain multiple of the length since the epoch for a length that is none.
     */
    public static long floor(long epochMillis, long barMillis) {
        return barMillis % WEEK == 0 ? Math.floorDiv(epochMillis - MONDAY, barMillis) * barMillis + MONDAY
                : Math.floorDiv(epochMillis, barMillis) * barMillis;
    }

    /** True when every candle of {@code coarser} is made of whole candles of this timeframe. */
    public boolean divides(Timeframe coarser) {
        return coarser.millis > millis && coarser.millis % millis == 0 && (coarser.origin - origin) % millis == 0;
    }

    /** Whether a candle of this length lies within one UTC day (a day or shorter). */
    public boolean withinDay() {
        return millis <= DAY;
    }

    /** The kept timeframes, shortest first: those a store holds bars of (not 6h, 8h or 3d: see the class comment). */
    public static Timeframe[] values() {
        return KEPT.clone();
    }

    /**
     * Parses a count and a unit, {@code s m h d w} ({@code 1m 10m 4h 2d 1w}), case-insensitive, except that
     * {@code 1M}, a month as exchanges write it, is refused rather than read as minutes. {@code 60m} is {@code 1h}.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static Timeframe parse(String text) {
        String t = text.trim();
        if (t.endsWith("M") && t.length() > 1 && Character.isDigit(t.charAt(t.length() - 2))) {
            // exchanges, ccxt and freqtrade write a month as 1M: never read it as minutes
            throw new IllegalArgumentException("timeframe '" + text + "' is a month (as exchanges and freqtrade write "
                    + "it), which has no fixed length and Atlas does not store; minutes are written with a small m, "
                    + "e.g. 1m; use one of " + labels() + ", or another multiple of s, m, h, d or w");
        }
        Matcher m = TEXT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown timeframe '" + text + "': write a count and a unit (s, m, h, d, "
                    + "w), e.g. one of " + labels() + " or 10m, 90m, 2d");
        }
        long n = Long.parseLong(m.group(1));
        char unit = Character.toLowerCase(m.group(2).charAt(0));
        if (unit == 'd' && n % 7 == 0 && n > 0) {
            throw new IllegalArgumentException("timeframe '" + text + "': write " + n / 7 + "w (days count from "
                    + "the epoch, a Thursday; weeks open on Monday 00:00 UTC)");
        }
        long unitMillis = switch (unit) {
            case 's' -> SECOND;
            case 'm' -> MINUTE;
            case 'h' -> HOUR;
            case 'd' -> DAY;
            default -> WEEK;
        };
        try {
            return of(n * unitMillis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("timeframe '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The timeframe of length {@code millis}.
     *
     * @throws IllegalArgumentException when that length is not aligned to UTC days (under a day, it must divide
     *                                  one; from a day on, it must be whole days), or is not 1 s to 52 weeks
     */
    public static Timeframe of(long millis) {
        Timeframe known = BY_MILLIS.get(millis);
        if (known != null) {
            return known;
        }
        if (millis < SECOND || millis % SECOND != 0 || millis > LONGEST) {
            throw new IllegalArgumentException("a timeframe is whole seconds, from 1s to 52w");
        }
        if (millis < DAY ? DAY % millis != 0 : millis % DAY != 0) {
            throw new IllegalArgumentException(millis < DAY
                    ? "a length under a day must divide a day, so that every day's bars start at midnight UTC (5m, 10m, "
                            + "45m, 90m and 8h do; 7m and 5h do not)"
                    : "a length of a day or more must be whole days or weeks");
        }
        return BY_MILLIS.computeIfAbsent(millis, ms -> new Timeframe(ms, false));
    }

    /**
     * The exchange timeframe ({@link #labels()}) whose length is exactly {@code millis}, if any: what a file's bar
     * spacing may be read as (a 10-minute file needs {@code --timeframe 10m}).
     */
    public static Optional<Timeframe> ofMillis(long millis) {
        return Arrays.stream(EXCHANGE).filter(tf -> tf.millis == millis).findFirst();
    }

    /** Every kline length of Binance and Coinbase but the month, shortest first. */
    public static List<Timeframe> exchangeLengths() {
        return List.of(EXCHANGE);
    }

    /** The labels of every kline length of Binance and Coinbase but the month, shortest first. */
    public static String labels() {
        return Arrays.stream(EXCHANGE).map(Timeframe::label).collect(Collectors.joining(" "));
    }

    @Override
    public int compareTo(Timeframe o) {
        return Long.compare(millis, o.millis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timeframe t && t.millis == millis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(millis);
    }

    @Override
    public String toString() {
        return label;
    }

    @Serial
    private Object readResolve() {
        return of(millis);
    }
}
