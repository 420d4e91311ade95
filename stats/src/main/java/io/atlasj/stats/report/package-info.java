/** The static HTML report of a WorkSpec's results, and the one place that reads results from disk for it. */
package io.atlasj.stats.report;
