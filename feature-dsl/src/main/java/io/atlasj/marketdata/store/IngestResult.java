package io.atlasj.marketdata.store;

import java.util.List;

import io.atlasj.marketdata.Market;
import java.util.Set;

/**
 * What one file's import changed.
 *
 * @param inserted rows of the file newly written
 * @param present  rows of the file that were already in the store (a re-import inserts nothing)
 * @param derived  candles and quote bars (re)built by resampling
 * @param filled   flat candles written by {@code --fill-gaps}
 * @param changedFrom the start of the first UTC day whose stored bars the import may have changed (new rows are
 *                    resampled over whole days, weeks from the week's Monday: see {@link #changedBarsFrom}), or
 *                    {@link Long#MAX_VALUE} when it changed nothing
 * @param revised  imported bars the file's replaced ({@code --revise}); neither inserted nor present
 * @param revisions for each series it revised, how many bars and the first of them, stored and new values
 */
public record IngestResult(Set<Market> markets, long inserted, long present, long derived, long filled,
                           long changedFrom, long revised, List<String> revisions) {
    /**
     * The first open time of any timeframe's bar that an import changing the days from {@code changedFrom} on may
     * have rebuilt: the Monday of its week, since weekly bars are rebuilt whole ({@link Long#MAX_VALUE} stays). A
     * reader of a timeframe the store does not keep (three days, 90 minutes) re-reads from the open of the bar that
     * time falls in, as a live runner's window does.
     */
    public static long changedBarsFrom(long changedFrom) {
        return changedFrom == Long.MAX_VALUE ? changedFrom : io.atlasj.marketdata.Timeframe.W1.floor(changedFrom);
    }

    public IngestResult {
        markets = Set.copyOf(markets);
        revisions = List.copyOf(revisions);
    }
}
