/**
 * The scheduling core shared by local and cluster runs: {@link io.atlasj.trainer.engine.RunBook} holds a run's keys
 * as a state machine ({@link io.atlasj.trainer.engine.KeyStatus}) with retries, deadlines, dependency release and
 * packs of compatible keys; {@link io.atlasj.trainer.engine.RunLedger} is where a driver persists it. Plain Java: no
 * Pekko, no DL4J (a build rule checks it). The local runner drives it in one JVM, the coordinator actor in a cluster.
 */
package io.atlasj.trainer.engine;
