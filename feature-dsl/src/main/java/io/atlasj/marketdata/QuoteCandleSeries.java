package io.atlasj.marketdata;

import java.util.Arrays;
import java.util.Objects;

/**
 * Quote bars of one market and timeframe in columns: open/high/low/close of the best bid and of the best ask, and
 * the sizes at the close (LEAN's quote bars; also built from top-of-book quotes). Arrays are read-only.
 */
public final class QuoteCandleSeries {
    private final Market market;
    private final Timeframe timeframe;
    private final int size;
    private final long[] openTime;
    private final double[][] cols; // bidO,bidH,bidL,bidC,bidSize,askO,askH,askL,askC,askSize
    private final byte[] source;

    public static final int BID_OPEN = 0, BID_HIGH = 1, BID_LOW = 2, BID_CLOSE = 3, BID_SIZE = 4,
            ASK_OPEN = 5, ASK_HIGH = 6, ASK_LOW = 7, ASK_CLOSE = 8, ASK_SIZE = 9;
    static final int COLUMNS = 10;

    private QuoteCandleSeries(Market market, Timeframe timeframe, int size, long[] openTime, double[][] cols,
                              byte[] source) {
        this.market = Objects.requireNonNull(market);
        this.timeframe = Objects.requireNonNull(timeframe);
        this.size = size;
        this.openTime = openTime;
        this.cols = cols;
        this.source = source;
    }

    public static Builder builder(Market market, Timeframe timeframe) {
        return new Builder(market, timeframe);
    }

    /**
     * Wraps existing column arrays (open times ascending; {@code columns} indexed by the column constants, each as
     * long as {@code openTime}) without copying; the caller gives up the arrays.
     */
    public static QuoteCandleSeries wrap(Market market, Timeframe timeframe, long[] openTime, double[][] columns,
                                         byte[] source) {
        int n = openTime.length;
        if (columns.length != COLUMNS || source.length != n) {
            throw new IllegalArgumentException("quote bars need " + COLUMNS + " columns and a source of " + n);
        }
        for (double[] c : columns) {
            if (c.length != n) {
                throw new IllegalArgumentException("all columns must have " + n + " values");
            }
        }
        return new QuoteCandleSeries(market, timeframe, n, openTime, columns, source);
    }

    /** The bars with {@code from <= openTime < to}: this series when all are, else a copy. */
    public QuoteCandleSeries between(long from, long to) {
        int a = lowerBound(from);
        int b = Math.max(a, lowerBound(to));
        if (a == 0 && b == size) {
            return this;
        }
        double[][] c = new double[COLUMNS][];
        for (int i = 0; i < COLUMNS; i++) {
            c[i] = Arrays.copyOfRange(cols[i], a, b);
        }
        return new QuoteCandleSeries(market, timeframe, b - a, Arrays.copyOfRange(openTime, a, b), c,
                Arrays.copyOfRange(source, a, b));
    }

    /** {@code a}'s bars then {@code b}'s (of one market and timeframe; every open time of {@code a} first). */
    public static QuoteCandleSeries concat(QuoteCandleSeries a, QuoteCandleSeries b) {
        if (!a.market.equals(b.market) || a.timeframe != b.timeframe) {
            throw new IllegalArgumentException("cannot join quote bars of " + a.market + " " + a.timeframe + " and "
                    + b.market + " " + b.timeframe);
        }
        if (a.size > 0 && b.size > 0 && a.openTime[a.size - 1] >= b.openTime[0]) {
            throw new IllegalArgumentException("the second series starts at or before the first one's end");
        }
        int n = a.size + b.size;
        double[][] c = new double[COLUMNS][];
        for (int i = 0; i < COLUMNS; i++) {
            c[i] = Arrays.copyOf(a.cols[i], n);
            System.arraycopy(b.cols[i], 0, c[i], a.size, b.size);
        }
        long[] t = Arrays.copyOf(a.openTime, n);
        System.arraycopy(b.openTime, 0, t, a.size, b.size);
        byte[] src = Arrays.copyOf(a.source, n);
        System.arraycopy(b.source, 0, src, a.size, b.size);
        return new QuoteCandleSeries(a.market, a.timeframe, n, t, c, src);
    }

    /** The first index whose open time is at least {@code t} (open times are distinct and ascending). */
    private int lowerBound(long t) {
        int i = Arrays.binarySearch(openTime, 0, size, t);
        return i >= 0 ? i : -i - 1;
    }

    public Market market() { return market; }
    public Timeframe timeframe() { return timeframe; }
    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }
    public long[] openTimes() { return openTime; }
    /** One of the column constants, e.g. {@link #BID_CLOSE}. */
    public double[] column(int column) { return cols[column]; }
    public double[] bidCloses() { return cols[BID_CLOSE]; }
    public double[] askCloses() { return cols[ASK_CLOSE]; }
    public byte[] sources() { return source; }

    /**
     * The bars' midpoints as candles: open, high, low and close each the mean of the bid's and the ask's (LEAN's
     * {@code QuoteBar} convention; since the bid's and the ask's high are each at least their open and close, so is
     * the mean's). A quote bar has no traded volume: volume, notional and taker-buy volume are unknown ({@code NaN}),
     * the trade count too ({@code -1}). The sources are the quote bars' (imported or derived).
     */
    public CandleSeries midpoints() {
        double[] o = new double[size];
        double[] h = new double[size];
        double[] l = new double[size];
        double[] c = new double[size];
        for (int i = 0; i < size; i++) {
            o[i] = (cols[BID_OPEN][i] + cols[ASK_OPEN][i]) / 2;
            h[i] = (cols[BID_HIGH][i] + cols[ASK_HIGH][i]) / 2;
            l[i] = (cols[BID_LOW][i] + cols[ASK_LOW][i]) / 2;
            c[i] = (cols[BID_CLOSE][i] + cols[ASK_CLOSE][i]) / 2;
        }
        double[] unknown = new double[size];
        Arrays.fill(unknown, Double.NaN);
        long[] count = new long[size];
        Arrays.fill(count, -1L);
        return CandleSeries.wrap(market, timeframe, Arrays.copyOf(openTime, size), o, h, l, c, unknown,
                unknown.clone(), count, unknown.clone(), Arrays.copyOf(source, size));
    }

    /** Appends bars in ascending open time. */
    public static final class Builder {
        private final Market market;
        private final Timeframe timeframe;
        private int size;
        private long[] openTime = new long[1024];
        private double[][] cols = new double[COLUMNS][1024];
        private byte[] source = new byte[1024];

        private Builder(Market market, Timeframe timeframe) {
            this.market = Objects.requireNonNull(market);
            this.timeframe = Objects.requireNonNull(timeframe);
        }

        public Builder add(long openTime, double bidOpen, double bidHigh, double bidLow, double bidClose,
                           double bidSize, double askOpen, double askHigh, double askLow, double askClose,
                           double askSize, CandleSource source) {
            if (size == this.openTime.length) {
                int n = size * 2;
                this.openTime = Arrays.copyOf(this.openTime, n);
                this.source = Arrays.copyOf(this.source, n);
                for (int c = 0; c < COLUMNS; c++) {
                    cols[c] = Arrays.copyOf(cols[c], n);
                }
            }
            this.openTime[size] = openTime;
            cols[BID_OPEN][size] = bidOpen;
            cols[BID_HIGH][size] = bidHigh;
            cols[BID_LOW][size] = bidLow;
            cols[BID_CLOSE][size] = bidClose;
            cols[BID_SIZE][size] = bidSize;
            cols[ASK_OPEN][size] = askOpen;
            cols[ASK_HIGH][size] = askHigh;
            cols[ASK_LOW][size] = askLow;
            cols[ASK_CLOSE][size] = askClose;
            cols[ASK_SIZE][size] = askSize;
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

        public QuoteCandleSeries build() {
            double[][] trimmed = new double[COLUMNS][];
            for (int c = 0; c < COLUMNS; c++) {
                trimmed[c] = Arrays.copyOf(cols[c], size);
            }
            return new QuoteCandleSeries(market, timeframe, size, Arrays.copyOf(openTime, size), trimmed,
                    Arrays.copyOf(source, size));
        }
    }
}
