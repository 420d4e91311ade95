/** Import jobs over many files, and the bundled default dataset. */
package io.atlasj.marketdata.pipeline;
