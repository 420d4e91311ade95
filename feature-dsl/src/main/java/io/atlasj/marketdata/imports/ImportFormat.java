package io.atlasj.marketdata.imports;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;

/** The file formats {@code atlas data import --format F} reads. */
public enum ImportFormat {
    BITSTAMP_TRADES("bitstamp-trades", "Bitstamp trades CSV: timestamp (s),price,amount"),
    BINANCE_KLINES("binance-klines", "Binance 12-column kline CSV (ms or us times, plain or gzip)"),
    LEAN("lean", "QuantConnect LEAN trade or quote bars (zip or csv, date from the file name)"),
    TA4J_JSON("ta4j-json", "ta4j example JSON candles: {\"candles\":[{\"start\",...}]} or {\"ohlc\":[{\"endTime\",...}]}"),
    OHLCV_CSV("ohlcv-csv", "generic OHLCV CSV; columns by header names or --columns"),
    PARQUET("parquet", "OHLCV candles, bid/ask bars, quote ticks or trades in Apache Parquet (pandas, pyarrow, polars, "
            + "DuckDB, Spark); columns by name as ohlcv-csv, quotes-csv or trades-csv, or --columns"),
    ARROW("arrow", "OHLCV candles, bid/ask bars, quote ticks or trades in an Apache Arrow IPC file: Feather v2 (pandas "
            + "to_feather, pyarrow, polars), uncompressed, LZ4 or ZSTD; columns by name as ohlcv-csv, quotes-csv or "
            + "trades-csv, or --columns"),
    TRADES_CSV("trades-csv", "trades CSV: time,price,amount[,side][,id] (Binance's is_buyer_maker as the side); "
            + "columns by header or --columns"),
    QUOTES_CSV("quotes-csv", "top-of-book quote ticks CSV: time,bid,ask[,bid_size,ask_size], or bid/ask bars: "
            + "time,bid_open,bid_high,bid_low,bid_close[,bid_size],ask_open,..,ask_close[,ask_size]; columns by header "
            + "or --columns"),
    FREQTRADE_JSON("freqtrade-json", "freqtrade OHLCV data files [[ms, open, high, low, close, volume], ...], "
            + "PAIR-TIMEFRAME.json or .json.gz, exchange from the folder"),
    BINANCE_WS("binance-ws", "raw Binance websocket capture lines '<timestamp> <json>': trades and bookTicker");

    private final String id;
    private final String description;

    ImportFormat(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /**
     * Parses a format name.
     *
     * @throws IllegalArgumentException naming the closest known format and the full list
     */
    public static ImportFormat parse(String text) {
        for (ImportFormat f : values()) {
            if (f.id.equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        ImportFormat closest = Arrays.stream(values())
                .min(Comparator.comparingInt(f -> io.atlasj.text.Names.distance(f.id, text.toLowerCase())))
                .orElseThrow();
        throw new IllegalArgumentException("unknown format '" + text + "' (did you mean '" + closest.id
                + "'?); formats: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(ImportFormat::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
