/**
 * Trading predictions in money: {@link io.atlasj.stats.trading.Prices} (a market's closes),
 * {@link io.atlasj.stats.trading.Pricing} (prices and costs), {@link io.atlasj.stats.trading.Book} (the staggered book
 * and non-overlapping holds, marked to market every bar, costs on net turnover) and
 * {@link io.atlasj.stats.trading.Performance} (the figures a quant reads beside the P&amp;L curve).
 */
package io.atlasj.stats.trading;
