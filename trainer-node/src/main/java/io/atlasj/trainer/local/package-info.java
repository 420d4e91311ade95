/** Local runs: a WorkSpec's ModelSpecs trained in this JVM on N slots, one ResultsObject per key. */
package io.atlasj.trainer.local;
