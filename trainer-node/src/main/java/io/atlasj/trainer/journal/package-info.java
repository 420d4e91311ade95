/**
 * Run journals: what a run's driver (the local runner, a cluster's coordinator) saw happen, appended as JSON lines for
 * the dashboard to follow ({@link io.atlasj.trainer.journal.RunJournal}). Beside the scheduling core rather than in
 * it: the core does no I/O (a build rule checks it), its drivers write what it decides.
 */
package io.atlasj.trainer.journal;
