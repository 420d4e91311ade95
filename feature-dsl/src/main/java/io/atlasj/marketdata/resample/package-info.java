/** Trades to candles, quotes to quote bars, finer bars to coarser ones; gaps stay gaps unless filling is asked for. */
package io.atlasj.marketdata.resample;
