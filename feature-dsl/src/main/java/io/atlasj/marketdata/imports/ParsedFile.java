package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.TradeSeries;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything read from one file, validated and in ascending time, before anything is written.
 *
 * @param rowsRead  data rows (or messages) read, good and bad
 * @param badRows   rows skipped under {@code --skip-bad-rows}
 * @param skipped   the first few skipped rows with their problems
 * @param reasons   how many bad rows of each kind (the problem with its values taken out)
 * @param ignored   messages of kinds this importer does not store (depth diffs, book snapshots)
 */
public record ParsedFile(Path file, long rowsRead, long badRows, List<RowProblem> skipped,
                         java.util.Map<String, Long> reasons, List<TradeSeries> trades,
                         List<CandleSeries> candles, List<QuoteSeries> quotes, List<QuoteCandleSeries> quoteCandles,
                         long ignored) {
    public ParsedFile {
        skipped = List.copyOf(skipped);
        reasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
        trades = List.copyOf(trades);
        candles = List.copyOf(candles);
        quotes = List.copyOf(quotes);
        quoteCandles = List.copyOf(quoteCandles);
    }

    public long goodRows() {
        return trades.stream().mapToLong(TradeSeries::size).sum()
                + candles.stream().mapToLong(CandleSeries::size).sum()
                + quotes.stream().mapToLong(QuoteSeries::size).sum()
                + quoteCandles.stream().mapToLong(QuoteCandleSeries::size).sum();
    }
}
