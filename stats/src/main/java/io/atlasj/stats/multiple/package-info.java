/**
 * Statistics for choosing the best of many trials honestly: the Deflated Sharpe Ratio (Bailey and López de Prado
 * 2014), the Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado and Zhu 2017), and White's (2000) Reality Check and Hansen's (2005) SPA test with the stationary
 * bootstrap of Politis and Romano (1994).
 */
package io.atlasj.stats.multiple;
