package io.atlasj.trainer.live;

import io.atlasj.marketdata.imports.ImportOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
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
     * Binance's public market-data APIs: the kline streams of the markets a model reads ({@code symbol}'s, the base
     * market's, at the model's base timeframe) over a websocket per API the markets are of (spot, Binance.US, USD-M or
     * COIN-M futures, by their exchange names: {@code BinanceApi}), history and gaps from each API's REST server.
     *
     * @param websockets the websocket servers by API id ({@code spot}, {@code us}, {@code um}, {@code cm}), and under
     *                   {@code ""} the one for every API none is named for (a model reading one API); an API named
     *                   nowhere is read from Binance's own servers
     * @param rests      the REST servers, keyed alike
     * @param symbol     the exchange's symbol ({@code BTCUSDT}), or null for the model's base symbol without separators
     * @param trades     whether each market's trade stream is recorded into the store too (its trades, and the bars
     *                   finer than its klines)
     */
    record BinanceWs(Map<String, URI> websockets, Map<String, URI> rests, String symbol, boolean trades)
            implements FeedSpec {
        public BinanceWs {
            websockets = Map.copyOf(websockets);
            rests = Map.copyOf(rests);
        }

        /** One server for every API (null: Binance's own). */
        public BinanceWs(URI websocket, URI rest, String symbol, boolean trades) {
            this(websocket == null ? Map.of() : Map.of("", websocket), rest == null ? Map.of() : Map.of("", rest),
                    symbol, trades);
        }

        /** The kline streams only. */
        public BinanceWs(URI websocket, URI rest, String symbol) {
            this(websocket, rest, symbol, false);
        }

        /** Whether any server is named (not Binance's own). */
        boolean named() {
            return !websockets.isEmpty() || !rests.isEmpty();
        }
    }
}
