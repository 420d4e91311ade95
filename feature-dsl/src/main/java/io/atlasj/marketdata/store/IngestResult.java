package io.atlasj.marketdata.store;

import io.atlasj.marketdata.Market;
import java.util.Set;

/**
 * What one file's import changed.
 *
 * @param inserted rows of the file newly written
 * @param present  rows of the file that were already in the store (a re-import inserts nothing)
 * @param derived  candles and quote bars (re)built by resampling
 * @param filled   flat candles written by {@code --fill-gaps}
 */
public record IngestResult(Set<Market> markets, long inserted, long present, long derived, long filled) {
    public IngestResult {
        markets = Set.copyOf(markets);
    }
}
