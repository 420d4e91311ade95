/** Feature evaluation over columns: kernels, segments at gaps, alignment of timelines by completed bars. */
package io.atlasj.features.eval;
