/**
 * JFreeChart charts (batch overview, classifier and regressor cards, training curves, prediction correlation),
 * written as PNG and SVG; headless.
 */
package io.atlasj.stats.chart;
