package io.atlasj.workspec;

import java.util.Locale;
import java.util.Map;

/**
 * What trading costs when a model's predictions are traded in money, in basis points of the value traded: the
 * exchange's fee, and the quoted spread, of which half is paid on every trade (crossing from the mid to the bid or
 * ask). One unit of turnover (a position of the whole capital opened, closed or reversed by half) costs
 * {@code (feeBps + spreadBps / 2) / 10,000}. Set in a WorkSpec as {@code costs: {feeBps: 10, spreadBps: 2}}; a
 * WorkSpec without {@code costs} is traded at {@link #defaultFor(String)} of each label's exchange.
 */
public record Costs(double feeBps, double spreadBps) {
    /** Most a WorkSpec may set: 10% per side is beyond any real venue and is almost surely a unit mistake. */
    public static final double MAX_BPS = 1000;
    /**
     * Retail taker fees at the lowest volume tier, as the exchanges published them in 2025 (Binance spot 0.10%,
     * Coinbase Advanced 0.60%, Bitstamp 0.40%, Kraken Pro 0.40%), with a 2 bp spread for these liquid BTC and ETH
     * books. Another exchange gets {@link #FALLBACK}. These are starting points, not quotes: set your own.
     */
    public static final Map<String, Costs> BY_EXCHANGE = Map.of(
            "binance", new Costs(10, 2),
            "coinbase", new Costs(60, 2),
            "bitstamp", new Costs(40, 2),
            "kraken", new Costs(40, 2));
    /** Costs of an exchange missing from {@link #BY_EXCHANGE}. */
    public static final Costs FALLBACK = new Costs(10, 2);

    public Costs {
        if (!(feeBps >= 0 && feeBps <= MAX_BPS) || !(spreadBps >= 0 && spreadBps <= MAX_BPS)) {
            throw new IllegalArgumentException("feeBps and spreadBps must be between 0 and " + (int) MAX_BPS
                    + " basis points (10 bps = 0.1%), got " + feeBps + " and " + spreadBps);
        }
    }

    /** The default costs of an exchange (lower case, as in a market name {@code binance:btc_usdt}). */
    public static Costs defaultFor(String exchange) {
        return BY_EXCHANGE.getOrDefault(exchange.toLowerCase(Locale.ROOT), FALLBACK);
    }

    /** Cost of one unit of turnover as a fraction of the value traded. */
    public double perUnit() {
        return (feeBps + spreadBps / 2) / 10_000;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "fee %s bps + half of a %s bp spread", fmt(feeBps), fmt(spreadBps));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
