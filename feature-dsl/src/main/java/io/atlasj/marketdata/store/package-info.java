/**
 * The embedded H2 market-data store: schema, crash-safe transactional ingestion (one transaction per file, with its
 * resampled bars), and the columnar read path.
 */
package io.atlasj.marketdata.store;
