/** Data-quality measures of stored series: gaps, zero-volume bars. */
package io.atlasj.marketdata.quality;
