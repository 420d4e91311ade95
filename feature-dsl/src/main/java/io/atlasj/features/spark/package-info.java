/**
 * The Spark engine of the feature build: featuresets built by Spark tasks over the Parquet market-data lake with the
 * local engine's own code ({@link io.atlasj.features.spark.SparkEngine}), and the lake as a source of bars
 * ({@link io.atlasj.features.spark.LakeSource}).
 */
package io.atlasj.features.spark;
