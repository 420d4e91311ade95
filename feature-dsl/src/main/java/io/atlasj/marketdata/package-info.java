/**
 * Market data as values: {@link io.atlasj.marketdata.Market}, {@link io.atlasj.marketdata.Timeframe} and the
 * columnar series (trades, candles, quotes, quote bars) that everything downstream reads. Time is UTC epoch
 * milliseconds everywhere.
 */
package io.atlasj.marketdata;
