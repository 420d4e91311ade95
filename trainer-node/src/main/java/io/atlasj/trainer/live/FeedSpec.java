package io.atlasj.trainer.live;

import io.atlasj.marketdata.imports.ImportOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Which feed a runner reads its bars from. */
public sealed interface FeedSpec {
    /** Stored bars replayed in time order (the model's test period unless told), {@code speed} bars per bar length. */
    record Replay(double speed) implements FeedSpec {
    }

    /** Files a collector drops into {@code folder}, imported as {@code atlas data import} would with {@code imports}. */
    record Dir(Path folder, ImportOptions imports) implements FeedSpec {
        public Dir {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(imports, "imports");
        }
    }

    /**
     * Binance's public market-data API: the kline streams of the markets a model reads ({@code symbol}'s, the base
     * market's, at the model's base timeframe) over the websocket at {@code websocket}, history and gaps from the REST
     * API at {@code rest}.
     *
     * @param websocket the websocket server, or null for Binance's own of the model's markets (spot, Binance.US, USD-M
     *                  or COIN-M futures, by the markets' exchange name: {@code BinanceApi})
     * @param rest      the REST server, or null for Binance's own of the model's markets
     * @param symbol    the exchange's symbol ({@code BTCUSDT}), or null for the model's base symbol without separators
     * @param trades    whether each market's trade stream is recorded into the store too (its trades, and the bars
     *                  finer than its klines)
     */
    record BinanceWs(URI websocket, URI rest, String symbol, boolean trades) implements FeedSpec {
        /** The kline streams only. */
        public BinanceWs(URI websocket, URI rest, String symbol) {
            this(websocket, rest, symbol, false);
        }
    }
}
