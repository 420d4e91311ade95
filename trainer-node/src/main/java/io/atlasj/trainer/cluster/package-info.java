/**
 * The cluster (Pekko typed, Artery): the {@link io.atlasj.trainer.cluster.Coordinator} singleton with its H2
 * {@link io.atlasj.trainer.cluster.Ledger}, {@link io.atlasj.trainer.cluster.Trainer} nodes whose slots pull work,
 * the {@link io.atlasj.trainer.cluster.Harvester} that fills the results store, a chunked
 * {@link io.atlasj.trainer.cluster.FileServer} for featuresets and results, {@link io.atlasj.trainer.cluster.AtlasNode}
 * to start a process with its roles, {@link io.atlasj.trainer.cluster.ClusterClient} for the CLI, and
 * {@link io.atlasj.trainer.cluster.LocalCluster} to run everything as separate JVMs on 127.0.0.1.
 */
package io.atlasj.trainer.cluster;
