/** Splits in time (chronological, walk-forward, purged k-fold with embargo) and train-only scaling. */
package io.atlasj.workspec.split;
