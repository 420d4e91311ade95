package io.atlasj.marketdata;

/** Where a candle came from. Stored as a small code in the {@code candles.source} column. */
public enum CandleSource {
    /** Read from a file as candles (klines, LEAN bars, JSON candles). */
    IMPORTED((byte) 0),
    /** Built by resampling trades, quotes or finer candles. */
    DERIVED((byte) 1),
    /** A flat zero-volume candle written only on request ({@code --fill-gaps}) where no data exists. */
    FILLED((byte) 2);

    private final byte code;

    CandleSource(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static CandleSource of(byte code) {
        return switch (code) {
            case 0 -> IMPORTED;
            case 1 -> DERIVED;
            case 2 -> FILLED;
            default -> throw new IllegalArgumentException("unknown candle source code " + code);
        };
    }
}
