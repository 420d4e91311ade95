package io.atlasj.marketdata.imports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** Reads one file of one format into validated columns. Parsers never touch the store. */
interface FileParser {
    ParsedFile parse(Path file, ImportOptions options, LongConsumer progress) throws IOException;

    static FileParser of(ImportFormat format) {
        return switch (format) {
            case BITSTAMP_TRADES -> new BitstampTradesParser();
            case BINANCE_KLINES -> new BinanceKlinesParser();
            case LEAN -> new LeanParser();
            case TA4J_JSON -> new Ta4jJsonParser();
            case OHLCV_CSV -> new OhlcvCsvParser();
            case PARQUET -> new ParquetCandlesParser();
            case ARROW -> new ArrowCandlesParser();
            case FREQTRADE_JSON -> new FreqtradeJsonParser();
            case QUOTES_CSV -> new QuotesCsvParser();
            case TRADES_CSV -> new TradesCsv();
            case BINANCE_WS -> new BinanceWsParser();
        };
    }
}
