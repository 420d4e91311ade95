/** Naive trading of predictions: long, short or flat by the prediction, with fees; P&L, Sharpe, drawdown, turnover. */
package io.atlasj.stats.trading;
