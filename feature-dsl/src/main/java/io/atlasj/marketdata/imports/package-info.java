/**
 * Readers of real market-data formats (bitstamp-trades, binance-klines, lean, ta4j-json, ohlcv-csv,
 * parquet, arrow, trades-csv, quotes-csv, freqtrade-json, binance-ws).
 * A reader validates a whole file into columns and reports bad rows by file, line and field; it never writes.
 */
package io.atlasj.marketdata.imports;
