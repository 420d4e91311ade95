package io.atlasj.marketdata;

import java.util.Arrays;
import java.util.Objects;

/**
 * Candles of one market and timeframe in columns (one array per field, ascending open time). This is the read path
 * that feature evaluation uses: no object per row.
 *
 * <p>Unknown values: {@code quoteVolume} and {@code takerBuyVolume} are {@code NaN}, {@code tradeCount} is
 * {@code -1}. The arrays returned by the accessors are the series' own storage, hold exactly its {@link #size()}
 * candles (every way a series is made sizes them so; the store's rows rely on it) and must be treated as read-only.
 */
public final class CandleSeries {
    private final Market market;
    private final Timeframe timeframe;
    private final int size;
    private final long[] openTime;
    private final double[] open;
    private final double[] high;
    private final double[] low;
    private final double[] close;
    private final double[] volume;
    private final double[] quoteVolume;
    private final long[] tradeCount;
    private final double[] takerBuyVolume;
    private final byte[] source;

    CandleSeries(Market market, Timeframe timeframe, int size, long[] openTime, double[] open, double[] high,
                 double[] low, double[] close, double[] volume, double[] quoteVolume, long[] tradeCount,
                 double[] takerBuyVolume, byte[] source) {
        this.market = Objects.requireNonNull(market);
        this.timeframe = Objects.requireNonNull(timeframe);
        this.size = size;
        this.openTime = openTime;
        this.open = open;
        this.high = high;
        this.low = low;
        this.close = close;
        this.volume = volume;
        this.quoteVolume = quoteVolume;
        this.tradeCount = tradeCount;
        this.takerBuyVolume = takerBuyVolume;
        this.source = source;
    }

    /**
     * Wraps existing column arrays (all of length {@code size}, open times ascending) without copying; the caller
     * gives up the arrays.
     */
    public static CandleSeries wrap(Market market, Timeframe timeframe, long[] openTime, double[] open, double[] high,
                                    double[] low, double[] close, double[] volume, double[] quoteVolume,
                                    long[] tradeCount, double[] takerBuyVolume, byte[] source) {
        int n = openTime.length;
        if (open.length != n || high.length != n || low.length != n || close.length != n || volume.length != n
                || quoteVolume.length != n || tradeCount.length != n || takerBuyVolume.length != n || source.length != n) {
            throw new IllegalArgumentException("all columns must have " + n + " values");
        }
        return new CandleSeries(market, timeframe, n, openTime, open, high, low, close, volume, quoteVolume,
                tradeCount, takerBuyVolume, source);
    }

    /** The candles with {@code from <= openTime < to}, as a copy. */
    public CandleSeries between(long from, long to) {
        int a = lowerBound(from);
        int b = lowerBound(to);
        if (a == 0 && b == size) {
            return this;
        }
        return new CandleSeries(market, timeframe, b - a, Arrays.copyOfRange(openTime, a, b),
                Arrays.copyOfRange(open, a, b), Arrays.copyOfRange(high, a, b), Arrays.copyOfRange(low, a, b),
                Arrays.copyOfRange(close, a, b), Arrays.copyOfRange(volume, a, b),
                Arrays.copyOfRange(quoteVolume, a, b), Arrays.copyOfRange(tradeCount, a, b),
                Arrays.copyOfRange(takerBuyVolume, a, b), Arrays.copyOfRange(source, a, b));
    }

    /** {@code a}'s candles then {@code b}'s (of one market and timeframe; every open time of {@code a} first). */
    public static CandleSeries concat(CandleSeries a, CandleSeries b) {
        if (!a.market.equals(b.market) || a.timeframe != b.timeframe) {
            throw new IllegalArgumentException("cannot join " + a + " and " + b);
        }
        if (a.size > 0 && b.size > 0 && a.openTime[a.size - 1] >= b.openTime[0]) {
            throw new IllegalArgumentException("the second series starts at or before the first one's end");
        }
        int n = a.size + b.size;
        return new CandleSeries(a.market, a.timeframe, n, join(a.openTime, a.size, b.openTime, b.size),
                join(a.open, a.size, b.open, b.size), join(a.high, a.size, b.high, b.size),
                join(a.low, a.size, b.low, b.size), join(a.close, a.size, b.close, b.size),
                join(a.volume, a.size, b.volume, b.size), join(a.quoteVolume, a.size, b.quoteVolume, b.size),
                join(a.tradeCount, a.size, b.tradeCount, b.size),
                join(a.takerBuyVolume, a.size, b.takerBuyVolume, b.size), join(a.source, a.size, b.source, b.size));
    }

    private static double[] join(double[] a, int n, double[] b, int m) {
        double[] out = Arrays.copyOf(a, n + m);
        System.arraycopy(b, 0, out, n, m);
        return out;
    }

    private static long[] join(long[] a, int n, long[] b, int m) {
        long[] out = Arrays.copyOf(a, n + m);
        System.arraycopy(b, 0, out, n, m);
        return out;
    }

    private static byte[] join(byte[] a, int n, byte[] b, int m) {
        byte[] out = Arrays.copyOf(a, n + m);
        System.arraycopy(b, 0, out, n, m);
        return out;
    }

    /** The first index whose open time is at least {@code t} (open times are distinct and ascending). */
    private int lowerBound(long t) {
        int i = Arrays.binarySearch(openTime, 0, size, t);
        return i >= 0 ? i : -i - 1;
    }

    public static Builder builder(Market market, Timeframe timeframe) {
        return new Builder(market, timeframe, 1024);
    }

    public static Builder builder(Market market, Timeframe timeframe, int expectedSize) {
        return new Builder(market, timeframe, Math.max(16, expectedSize));
    }

    public Market market() { return market; }
    public Timeframe timeframe() { return timeframe; }
    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }
    public long[] openTimes() { return openTime; }
    public double[] opens() { return open; }
    public double[] highs() { return high; }
    public double[] lows() { return low; }
    public double[] closes() { return close; }
    public double[] volumes() { return volume; }
    public double[] quoteVolumes() { return quoteVolume; }
    public long[] tradeCounts() { return tradeCount; }
    public double[] takerBuyVolumes() { return takerBuyVolume; }
    /** Where each candle came from: {@link CandleSource#code()}. */
    public byte[] sources() { return source; }

    public long openTime(int i) { return openTime[i]; }
    public double open(int i) { return open[i]; }
    public double high(int i) { return high[i]; }
    public double low(int i) { return low[i]; }
    public double close(int i) { return close[i]; }
    public double volume(int i) { return volume[i]; }
    public double quoteVolume(int i) { return quoteVolume[i]; }
    public long tradeCount(int i) { return tradeCount[i]; }
    public double takerBuyVolume(int i) { return takerBuyVolume[i]; }
    public CandleSource source(int i) { return CandleSource.of(source[i]); }

    @Override
    public String toString() {
        return "CandleSeries[" + market + " " + timeframe + ", " + size + " candles]";
    }

    /** Appends candles in ascending open time; {@link #build()} trims the arrays. */
    public static final class Builder {
        private final Market market;
        private final Timeframe timeframe;
        private int size;
        private long[] openTime;
        private double[] open, high, low, close, volume, quoteVolume, takerBuyVolume;
        private long[] tradeCount;
        private byte[] source;

        private Builder(Market market, Timeframe timeframe, int capacity) {
            this.market = Objects.requireNonNull(market);
            this.timeframe = Objects.requireNonNull(timeframe);
            openTime = new long[capacity];
            open = new double[capacity];
            high = new double[capacity];
            low = new double[capacity];
            close = new double[capacity];
            volume = new double[capacity];
            quoteVolume = new double[capacity];
            takerBuyVolume = new double[capacity];
            tradeCount = new long[capacity];
            source = new byte[capacity];
        }

        public Builder add(long openTime, double open, double high, double low, double close, double volume,
                           double quoteVolume, long tradeCount, double takerBuyVolume, CandleSource source) {
            if (size == this.openTime.length) {
                grow();
            }
            this.openTime[size] = openTime;
            this.open[size] = open;
            this.high[size] = high;
            this.low[size] = low;
            this.close[size] = close;
            this.volume[size] = volume;
            this.quoteVolume[size] = quoteVolume;
            this.tradeCount[size] = tradeCount;
            this.takerBuyVolume[size] = takerBuyVolume;
            this.source[size] = source.code();
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public long lastOpenTime() {
            return openTime[size - 1];
        }

        private void grow() {
            int n = openTime.length * 2;
            openTime = Arrays.copyOf(openTime, n);
            open = Arrays.copyOf(open, n);
            high = Arrays.copyOf(high, n);
            low = Arrays.copyOf(low, n);
            close = Arrays.copyOf(close, n);
            volume = Arrays.copyOf(volume, n);
            quoteVolume = Arrays.copyOf(quoteVolume, n);
            takerBuyVolume = Arrays.copyOf(takerBuyVolume, n);
            tradeCount = Arrays.copyOf(tradeCount, n);
            source = Arrays.copyOf(source, n);
        }

        /**
         * The candles added. When they fill the arrays exactly (a capacity given as their number), the series takes
         * the arrays themselves: a later {@link #add} grows (copies) them before it writes, so the series is never
         * changed by this builder.
         */
        public CandleSeries build() {
            if (size == openTime.length) {
                return new CandleSeries(market, timeframe, size, openTime, open, high, low, close, volume, quoteVolume,
                        tradeCount, takerBuyVolume, source);
            }
            return new CandleSeries(market, timeframe, size, Arrays.copyOf(openTime, size), Arrays.copyOf(open, size),
                    Arrays.copyOf(high, size), Arrays.copyOf(low, size), Arrays.copyOf(close, size),
                    Arrays.copyOf(volume, size), Arrays.copyOf(quoteVolume, size), Arrays.copyOf(tradeCount, size),
                    Arrays.copyOf(takerBuyVolume, size), Arrays.copyOf(source, size));
        }
    }
}
