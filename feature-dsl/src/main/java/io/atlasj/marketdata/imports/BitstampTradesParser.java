package io.atlasj.marketdata.imports;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.TradeSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Bitstamp trades: {@code timestamp,price,amount} with the timestamp in seconds, an optional header. The file has
 * neither trade ids nor aggressor sides; a trade's key is its ordinal among the file's trades of the same second.
 */
final class BitstampTradesParser implements FileParser {
    @Override
    public ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException {
        Market market = options.market(file, null, null);
        Problems problems = new Problems(file, options.skipBadRows());
        CsvRow row = new CsvRow(problems);
        FileTimes times = new FileTimes(file, "bitstamp-trades", java.util.EnumSet.of(EpochUnit.SECONDS),
                options.timeWindow());
        TradeSeries.Builder trades = TradeSeries.builder(market);
        long rows = 0;
        long lineNo = 0;
        long lastGoodLine = 0;
        boolean first = true;
        try (CsvFile csv = new CsvFile(file, progress)) {
            for (CsvFile.Record rec : csv) {
                lineNo = rec.line();
                if (first) {
                    first = false;
                    String head = rec.fields().get(0).trim();
                    if (head.isEmpty() || !Character.isDigit(head.charAt(0))) {
                        continue; // header
                    }
                }
                rows++;
                if (!row.reset(rec.fields(), lineNo, 3, 3)) {
                    continue;
                }
                long seconds = row.integer(0, "timestamp");
                double price = row.positive(1, "price");
                double amount = row.nonNegative(2, "amount"); // Bitstamp has real zero-amount trades (18 in the bundled file)
                if (row.bad()) {
                    continue;
                }
                long t = times.millis(row::problem, lineNo, "timestamp", seconds);
                if (t == Long.MIN_VALUE) {
                    continue;
                }
                long seq = 0;
                if (trades.size() > 0) {
                    long last = trades.lastTime();
                    if (t < last) {
                        row.problem("timestamp", "out of order: " + seconds + " is before the trade on line "
                                + lastGoodLine);
                        continue;
                    }
                    seq = t == last ? trades.lastSeq() + 1 : 0;
                }
                trades.add(t, seq, price, amount, (byte) 0, -1L);
                lastGoodLine = lineNo;
            }
        }
        problems.throwIfRejected();
        return new ParsedFile(file, rows, problems.count(), problems.first(), problems.reasons(),
                List.of(trades.build()), List.of(),
                List.of(), List.of(), 0);
    }
}
