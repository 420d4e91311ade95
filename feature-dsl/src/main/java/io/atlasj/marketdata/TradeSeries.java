package io.atlasj.marketdata;

import java.util.Arrays;
import java.util.Objects;

/**
 * Trades of one market in columns, in ascending time. {@code seq} orders trades within one millisecond and, with
 * the time, is the trade's key in the store: the exchange's trade id when the file has one, otherwise the trade's
 * ordinal among the file's trades of the same millisecond. {@code side} is {@code +1} for a buyer-initiated
 * (aggressive buy) trade, {@code -1} for seller-initiated, {@code 0} when unknown; {@code tradeId} is {@code -1}
 * when unknown. Arrays are the series' own storage: read-only.
 */
public final class TradeSeries {
    private final Market market;
    private final int size;
    private final long[] time;
    private final long[] seq;
    private final double[] price;
    private final double[] quantity;
    private final byte[] side;
    private final long[] tradeId;

    private TradeSeries(Market market, int size, long[] time, long[] seq, double[] price, double[] quantity,
                        byte[] side, long[] tradeId) {
        this.market = Objects.requireNonNull(market);
        this.size = size;
        this.time = time;
        this.seq = seq;
        this.price = price;
        this.quantity = quantity;
        this.side = side;
        this.tradeId = tradeId;
    }

    public static Builder builder(Market market) {
        return new Builder(market);
    }

    /**
     * Wraps trade columns of one length without copying (a store read's own columns, in key order: what a builder
     * would make of them one trade at a time); the caller gives up the arrays, as with {@link CandleSeries#wrap}.
     */
    public static TradeSeries wrap(Market market, long[] time, long[] seq, double[] price, double[] quantity,
                                   byte[] side, long[] tradeId) {
        int n = time.length;
        if (seq.length != n || price.length != n || quantity.length != n || side.length != n || tradeId.length != n) {
            throw new IllegalArgumentException("trade columns of different lengths");
        }
        return new TradeSeries(market, n, time, seq, price, quantity, side, tradeId);
    }

    public Market market() { return market; }
    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }
    public long[] times() { return time; }
    public long[] seqs() { return seq; }
    public double[] prices() { return price; }
    public double[] quantities() { return quantity; }
    public byte[] sides() { return side; }
    public long[] tradeIds() { return tradeId; }

    /** Appends trades in ascending time. */
    public static final class Builder {
        private final Market market;
        private int size;
        private long[] time = new long[1024];
        private long[] seq = new long[1024];
        private double[] price = new double[1024];
        private double[] quantity = new double[1024];
        private byte[] side = new byte[1024];
        private long[] tradeId = new long[1024];

        private Builder(Market market) {
            this.market = Objects.requireNonNull(market);
        }

        public Builder add(long time, long seq, double price, double quantity, byte side, long tradeId) {
            if (size == this.time.length) {
                int n = size * 2;
                this.time = Arrays.copyOf(this.time, n);
                this.seq = Arrays.copyOf(this.seq, n);
                this.price = Arrays.copyOf(this.price, n);
                this.quantity = Arrays.copyOf(this.quantity, n);
                this.side = Arrays.copyOf(this.side, n);
                this.tradeId = Arrays.copyOf(this.tradeId, n);
            }
            this.time[size] = time;
            this.seq[size] = seq;
            this.price[size] = price;
            this.quantity[size] = quantity;
            this.side[size] = side;
            this.tradeId[size] = tradeId;
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

        public TradeSeries build() {
            return new TradeSeries(market, size, Arrays.copyOf(time, size), Arrays.copyOf(seq, size),
                    Arrays.copyOf(price, size), Arrays.copyOf(quantity, size), Arrays.copyOf(side, size),
                    Arrays.copyOf(tradeId, size));
        }
    }
}
