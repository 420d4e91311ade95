/**
 * The results store: one H2 summary row per (workspec, ModelSpec key) beside the ResultsObject files under
 * {@code ATLAS_HOME/runs}, filled by idempotent, checksum-verified ingestion, online (the cluster's harvester role)
 * or offline ({@code atlas harvest}).
 */
package io.atlasj.harvester;
