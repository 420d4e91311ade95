package io.atlasj.marketdata.store;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.Comparator;

/**
 * Rows and time range of one stored series. {@code timeframe} is null for trades and quotes.
 *
 * @param zeroVolume candles with zero volume (filled candles included)
 * @param filled     candles written by {@code --fill-gaps}
 */
public record SeriesSummary(Market market, Kind kind, Timeframe timeframe, long rows, long first, long last,
                            long zeroVolume, long filled) {
    public enum Kind { TRADES, QUOTES, CANDLES, QUOTE_CANDLES }

    static final Comparator<SeriesSummary> ORDER = Comparator.comparing(SeriesSummary::market)
            .thenComparing(SeriesSummary::kind)
            .thenComparing(s -> s.timeframe() == null ? -1L : s.timeframe().millis());
}
