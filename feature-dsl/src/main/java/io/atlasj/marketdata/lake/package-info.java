/**
 * The market-data lake: the store's candles and quote bars as Parquet, partitioned by market, timeframe and month,
 * with a catalogue of the store's fingerprints; written incrementally by {@code atlas data export} and read by the
 * Spark engine of the feature build (and by anything that reads Parquet).
 */
package io.atlasj.marketdata.lake;
