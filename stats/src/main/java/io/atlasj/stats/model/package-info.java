/**
 * One model's evaluation assembled from its ResultsObject (out-of-sample rows of every fold, task, classes,
 * metrics, trading in money), and the families of trials per work unit that the multiple-testing statistics need.
 */
package io.atlasj.stats.model;
