package io.atlasj.marketdata;

import java.util.Arrays;
import java.util.Objects;

/**
 * Top-of-book quotes (best bid and ask with their sizes) of one market in columns, ascending time. {@code seq} is
 * the venue's book update id when known, otherwise an ordinal within the millisecond. Arrays are read-only.
 */
public final class QuoteSeries {
    private final Market market;
    private final int size;
    private final long[] time;
    private final long[] seq;
    private final double[] bid;
    private final double[] bidSize;
    private final double[] ask;
    private final double[] askSize;

    private QuoteSeries(Market market, int size, long[] time, long[] seq, double[] bid, double[] bidSize,
                        double[] ask, double[] askSize) {
        this.market = Objects.requireNonNull(market);
        this.size = size;
        this.time = time;
        this.seq = seq;
        this.bid = bid;
        this.bidSize = bidSize;
        this.ask = ask;
        this.askSize = askSize;
    }

    public static Builder builder(Market market) {
        return new Builder(market);
    }

    /**
     * Wraps quote columns of one length without copying (a store read's own columns, in key order); the caller gives
     * up the arrays, as with {@link CandleSeries#wrap}.
     */
    public static QuoteSeries wrap(Market market, long[] time, long[] seq, double[] bid, double[] bidSize,
                                   double[] ask, double[] askSize) {
        int n = time.length;
        if (seq.length != n || bid.length != n || bidSize.length != n || ask.length != n || askSize.length != n) {
            throw new IllegalArgumentException("quote columns of different lengths");
        }
        return new QuoteSeries(market, n, time, seq, bid, bidSize, ask, askSize);
    }

    public Market market() { return market; }
    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }
    public long[] times() { return time; }
    public long[] seqs() { return seq; }
    public double[] bids() { return bid; }
    public double[] bidSizes() { return bidSize; }
    public double[] asks() { return ask; }
    public double[] askSizes() { return askSize; }

    /** Appends quotes in ascending time. */
    public static final class Builder {
        private final Market market;
        private int size;
        private long[] time = new long[1024];
        private long[] seq = new long[1024];
        private double[] bid = new double[1024];
        private double[] bidSize = new double[1024];
        private double[] ask = new double[1024];
        private double[] askSize = new double[1024];

        private Builder(Market market) {
            this.market = Objects.requireNonNull(market);
        }

        public Builder add(long time, long seq, double bid, double bidSize, double ask, double askSize) {
            if (size == this.time.length) {
                int n = size * 2;
                this.time = Arrays.copyOf(this.time, n);
                this.seq = Arrays.copyOf(this.seq, n);
                this.bid = Arrays.copyOf(this.bid, n);
                this.bidSize = Arrays.copyOf(this.bidSize, n);
                this.ask = Arrays.copyOf(this.ask, n);
                this.askSize = Arrays.copyOf(this.askSize, n);
            }
            this.time[size] = time;
            this.seq[size] = seq;
            this.bid[size] = bid;
            this.bidSize[size] = bidSize;
            this.ask[size] = ask;
            this.askSize[size] = askSize;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public long lastTime() {
            return time[size - 1];
        }

        public long lastSeq() {
            return seq[size - 1];
        }

        public QuoteSeries build() {
            return new QuoteSeries(market, size, Arrays.copyOf(time, size), Arrays.copyOf(seq, size),
                    Arrays.copyOf(bid, size), Arrays.copyOf(bidSize, size), Arrays.copyOf(ask, size),
                    Arrays.copyOf(askSize, size));
        }
    }
}
