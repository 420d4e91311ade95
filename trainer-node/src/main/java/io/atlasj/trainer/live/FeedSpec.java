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
     * market's, at the model's base timeframe) over the
     * websocket at {@code websocket}, history and gaps from the REST API at {@code rest}.
     *
     * @param symbol the exchange's symbol ({@code BTCUSDT}), or null for the model's base symbol without separators
     * @param trades  whether each market's trade stream is recorded into the store too (its trades, and the bars
     *                finer than its klines)
     */
    record BinanceWs(URI websocket, URI rest, String symbol, boolean trades) implements FeedSpec {
        public static final URI WEBSOCKET = URI.create("wss://stream.binance.com:9443");
        public static final URI REST = URI.create("https://api.binance.com");

        public BinanceWs {
            websocket = websocket == null ? WEBSOCKET : websocket;
            rest = rest == null ? REST : rest;
        }

        /** The kline streams only. */
        public BinanceWs(URI websocket, URI rest, String symbol) {
            this(websocket, rest, symbol, false);
        }

        /** True when the addresses are Binance's own. */
        boolean binance() {
            return websocket.equals(WEBSOCKET) && rest.equals(REST);
        }
    }
}
