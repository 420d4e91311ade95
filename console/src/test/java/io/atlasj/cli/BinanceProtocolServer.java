package io.atlasj.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A local server speaking Binance's public market-data protocol for one interval and one or more symbols, driven by a
 * test: the kline streams ({@code /ws/SYMBOL@kline_INTERVAL}, or several as a combined stream
 * {@code /stream?streams=a@kline_1m/b@kline_1m} whose messages come in {@code {"stream":..,"data":..}}, as Binance
 * sends them), the trade streams ({@code SYMBOL@trade}) and the REST endpoints {@code /api/v3/time},
 * {@code /api/v3/klines} and {@code /api/v3/historicalTrades}, or those of Binance's USD-M futures API
 * ({@code /fapi/v1/...}) or COIN-M futures API ({@code /dapi/v1/...}), whose trade messages carry {@code "X":"MARKET"}
 * and whose trade history gives 500 a page at most; a request to another path is answered 404 and counted. Its clock
 * ({@link #now}) is set by the test; the REST history holds the bars that closed before it and the forming one (with
 * partial values, as Binance's last row).
 */
final class BinanceProtocolServer implements AutoCloseable {
    /** One bar of the exchange. */
    record Bar(long open, double o, double h, double l, double c, double v) {
    }

    /** One trade of the exchange: its id, time, price, quantity and whether the buyer was the maker. */
    record Trade(long id, long time, double price, double qty, boolean buyerMaker) {
    }

    private final Map<String, List<Bar>> bars;
    private final long tf;
    private final String interval;
    /** The REST path of the API served: {@code /api/v3} (spot), {@code /fapi/v1} or {@code /dapi/v1} (futures). */
    private final String path;
    private final WebSocketServer ws;
    private final HttpServer rest;
    /** Open connections and the symbols each is subscribed to; combined ones get the stream envelope. */
    private final Map<WebSocket, List<String>> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<WebSocket, Boolean> combined = new java.util.concurrent.ConcurrentHashMap<>();
    /** The symbols whose trade stream each open connection is subscribed to. */
    private final Map<WebSocket, List<String>> tradeStreams = new java.util.concurrent.ConcurrentHashMap<>();
    /** The trades of the REST history ({@code /api/v3/historicalTrades}), by symbol, in id order. */
    private final Map<String, List<Trade>> history = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger tradeRequests = new AtomicInteger();
    /** The API key {@code /api/v3/historicalTrades} asks for (null: none). */
    volatile String apiKey;
    /** While true, {@code /api/v3/historicalTrades} answers 503, as a server under maintenance. */
    volatile boolean tradeHistoryDown;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger klineRequests = new AtomicInteger();
    final List<String> refused = new CopyOnWriteArrayList<>();
    volatile long now;
    /**
     * By symbol, the open time from which its bars are not in the REST history yet (an exchange late to publish a
     * bar): a runner's history fetch cannot hand it a bar the stream is about to send late.
     */
    final Map<String, Long> heldFrom = new java.util.concurrent.ConcurrentHashMap<>();

    BinanceProtocolServer(List<Bar> bars, long tf, String symbol, String interval, long now) throws Exception {
        this(Map.of(symbol, bars), tf, interval, now);
    }

    /** A server of several symbols' bars (symbol to bars), all at {@code interval}. */
    BinanceProtocolServer(Map<String, List<Bar>> bars, long tf, String interval, long now) throws Exception {
        this(bars, tf, interval, now, "/api/v3");
    }

    /** A server of the API whose REST paths are under {@code path} ({@code /api/v3} or {@code /fapi/v1}). */
    BinanceProtocolServer(Map<String, List<Bar>> bars, long tf, String interval, long now, String path)
            throws Exception {
        this.path = path;
        this.bars = new HashMap<>();
        bars.forEach((k, v) -> this.bars.put(k, List.copyOf(v)));
        this.tf = tf;
        this.interval = interval;
        this.now = now;
        CountDownLatch started = new CountDownLatch(1);
        ws = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
                String path = handshake.getResourceDescriptor();
                List<String> names = path.startsWith("/ws/") ? List.of(path.substring(4))
                        : path.startsWith("/stream?streams=") ? List.of(path.substring(16).split("/")) : List.of();
                List<String> symbols = new ArrayList<>();
                List<String> traded = new ArrayList<>();
                for (String n : names) {
                    String symbol = BinanceProtocolServer.this.bars.keySet().stream()
                            .filter(x -> (x.toLowerCase() + "@kline_" + interval).equals(n)).findFirst().orElse(null);
                    String trades = BinanceProtocolServer.this.bars.keySet().stream()
                            .filter(x -> (x.toLowerCase() + "@trade").equals(n)).findFirst().orElse(null);
                    if (symbol != null) {
                        symbols.add(symbol);
                    } else if (trades != null) {
                        traded.add(trades);
                    }
                }
                if (names.isEmpty() || symbols.size() + traded.size() != names.size()) {
                    refused.add(path);
                    conn.close(1008, "unknown stream " + path);
                    return;
                }
                combined.put(conn, path.startsWith("/stream"));
                tradeStreams.put(conn, traded);
                open.put(conn, symbols);
                connections.incrementAndGet();
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
                open.remove(conn);
                tradeStreams.remove(conn);
            }

            @Override
            public void onMessage(WebSocket conn, String message) {
            }

            @Override
            public void onError(WebSocket conn, Exception ex) {
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        ws.setReuseAddr(true);
        ws.start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the websocket server did not start");
        }
        rest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rest.createContext(path + "/time", x -> reply(x, 200, "{\"serverTime\":" + this.now + "}"));
        rest.createContext(path + "/klines", this::klines);
        rest.createContext(path + "/historicalTrades", this::historicalTrades);
        rest.createContext("/", x -> {
            refused.add(x.getRequestURI().getPath());
            reply(x, 404, "{\"code\":-5000,\"msg\":\"Path " + x.getRequestURI().getPath() + ", Method GET is invalid\"}");
        });
        rest.start();
    }

    URI websocket() {
        return URI.create("ws://127.0.0.1:" + ws.getPort());
    }

    URI rest() {
        return URI.create("http://127.0.0.1:" + rest.getAddress().getPort());
    }

    int openConnections() {
        return open.size();
    }

    /** Sends a kline message of {@code b} to every open connection: closed, or an update of the forming bar. */
    void push(Bar b, boolean closed) {
        push(bars.keySet().iterator().next(), b, closed);
    }

    /** Sends a kline message of {@code symbol}'s bar {@code b} to every connection subscribed to it. */
    void push(String symbol, Bar b, boolean closed) {
        String text = message(symbol, b, closed);
        for (Map.Entry<WebSocket, List<String>> c : open.entrySet()) {
            if (c.getValue().contains(symbol) && c.getKey().isOpen()) { // not one that dropConnections() is closing
                c.getKey().send(Boolean.TRUE.equals(combined.get(c.getKey())) ? "{\"stream\":\"" + symbol.toLowerCase()
                        + "@kline_" + interval + "\",\"data\":" + text + "}" : text);
            }
        }
    }

    /** The REST history of {@code symbol}'s trades: those {@link #now} has reached are served. */
    void tradeHistory(String symbol, List<Trade> trades) {
        history.put(symbol, List.copyOf(trades));
    }

    /** Sends a trade message of {@code symbol} to every connection subscribed to its trade stream. */
    void pushTrade(String symbol, Trade t) {
        String text = "{\"e\":\"trade\",\"E\":" + t.time() + ",\"s\":\"" + symbol + "\",\"t\":" + t.id()
                + ",\"p\":\"" + t(t.price()) + "\",\"q\":\"" + t(t.qty()) + "\",\"T\":" + t.time() + ",\"m\":"
                + t.buyerMaker() + (futures() ? ",\"X\":\"MARKET\"}" : ",\"M\":true}");
        for (Map.Entry<WebSocket, List<String>> c : tradeStreams.entrySet()) {
            if (c.getValue().contains(symbol) && c.getKey().isOpen()) {
                c.getKey().send(Boolean.TRUE.equals(combined.get(c.getKey())) ? "{\"stream\":\""
                        + symbol.toLowerCase() + "@trade\",\"data\":" + text + "}" : text);
            }
        }
    }

    /** Binance's {@code /api/v3/historicalTrades}: trades from {@code fromId} on, at most {@code limit}. */
    private void historicalTrades(HttpExchange x) throws IOException {
        tradeRequests.incrementAndGet();
        if (tradeHistoryDown) {
            reply(x, 503, "{\"code\":-1001,\"msg\":\"Service unavailable.\"}");
            return;
        }
        if (apiKey != null && !apiKey.equals(x.getRequestHeaders().getFirst("X-MBX-APIKEY"))) {
            reply(x, 401, "{\"code\":-2014,\"msg\":\"API-key format invalid.\"}");
            return;
        }
        Map<String, String> q = query(x);
        List<Trade> trades = history.get(q.get("symbol"));
        if (trades == null) {
            reply(x, 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
            return;
        }
        long from = Long.parseLong(q.getOrDefault("fromId", "0"));
        int limit = Integer.parseInt(q.getOrDefault("limit", "500"));
        if (limit > (futures() ? 500 : 1000)) {
            reply(x, 400, "{\"code\":-1130,\"msg\":\"Data sent for parameter 'limit' is not valid.\"}");
            return;
        }
        long clock = now;
        List<String> rows = new ArrayList<>();
        for (Trade t : trades) {
            if (t.id() >= from && t.time() <= clock && rows.size() < limit) {
                rows.add("{\"id\":" + t.id() + ",\"price\":\"" + t(t.price()) + "\",\"qty\":\"" + t(t.qty())
                        + "\",\"quoteQty\":\"" + t(t.price() * t.qty()) + "\",\"time\":" + t.time()
                        + ",\"isBuyerMaker\":" + t.buyerMaker() + (futures() ? "}" : ",\"isBestMatch\":true}"));
            }
        }
        reply(x, 200, "[" + String.join(",", rows) + "]");
    }

    private boolean futures() {
        return !path.equals("/api/v3");
    }

    private static Map<String, String> query(HttpExchange x) {
        Map<String, String> q = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        for (String kv : raw == null ? new String[0] : raw.split("&")) {
            int eq = kv.indexOf('=');
            q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** Closes every connection as a server going away would. */
    void dropConnections() {
        for (WebSocket c : List.copyOf(open.keySet())) {
            open.remove(c);
            tradeStreams.remove(c);
            c.close(1001, "going away");
        }
    }

    private String message(String symbol, Bar b, boolean closed) {
        Bar k = closed ? b : partial(b);
        return "{\"e\":\"kline\",\"E\":" + now + ",\"s\":\"" + symbol + "\",\"k\":{\"t\":" + k.open() + ",\"T\":"
                + (k.open() + tf - 1) + ",\"s\":\"" + symbol + "\",\"i\":\"" + interval + "\",\"f\":100,\"L\":200,"
                + "\"o\":\"" + t(k.o()) + "\",\"c\":\"" + t(k.c()) + "\",\"h\":\"" + t(k.h()) + "\",\"l\":\""
                + t(k.l()) + "\",\"v\":\"" + t(k.v()) + "\",\"n\":7,\"x\":" + closed + ",\"q\":\""
                + t(k.v() * k.c()) + "\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}";
    }

    /** A number as Binance writes it (plain decimal text), exactly the double's value when read back. */
    private static String t(double d) {
        return java.math.BigDecimal.valueOf(d).toPlainString();
    }

    /** The forming bar as far as it has come: only its first trade. */
    private static Bar partial(Bar b) {
        return new Bar(b.open(), b.o(), b.o(), b.o(), b.o(), b.v() / 10);
    }

    private void klines(HttpExchange x) throws IOException {
        klineRequests.incrementAndGet();
        Map<String, String> q = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        for (String kv : raw == null ? new String[0] : raw.split("&")) {
            int eq = kv.indexOf('=');
            q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        List<Bar> bars = this.bars.get(q.get("symbol"));
        if (bars == null || !interval.equals(q.get("interval"))) {
            reply(x, 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
            return;
        }
        long from = Long.parseLong(q.getOrDefault("startTime", "0"));
        long to = Long.parseLong(q.getOrDefault("endTime", String.valueOf(Long.MAX_VALUE)));
        int limit = Integer.parseInt(q.getOrDefault("limit", "500"));
        long clock = now;
        long held = heldFrom.getOrDefault(q.get("symbol"), Long.MAX_VALUE);
        List<String> rows = new ArrayList<>();
        for (Bar b : bars) {
            if (b.open() >= from && b.open() <= to && b.open() <= clock && b.open() < held && rows.size() < limit) {
                Bar k = b.open() + tf <= clock ? b : partial(b);
                rows.add("[" + k.open() + ",\"" + t(k.o()) + "\",\"" + t(k.h()) + "\",\"" + t(k.l()) + "\",\""
                        + t(k.c()) + "\",\"" + t(k.v()) + "\"," + (k.open() + tf - 1) + ",\"" + t(k.v() * k.c())
                        + "\",7,\"0\",\"0\",\"0\"]");
            }
        }
        reply(x, 200, "[" + String.join(",", rows) + "]");
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    /** The stored (not filled) bars of {@code market} at {@code tf}, as the exchange's klines. */
    static List<Bar> storedBars(io.atlasj.marketdata.store.MarketDataStore store, io.atlasj.marketdata.Market market,
                                io.atlasj.marketdata.Timeframe tf) {
        io.atlasj.marketdata.CandleSeries c = store.candles(market, tf, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        List<Bar> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (c.sources()[i] != io.atlasj.marketdata.CandleSource.FILLED.code()) {
                out.add(new Bar(c.openTime(i), c.opens()[i], c.highs()[i], c.lows()[i], c.closes()[i], c.volumes()[i]));
            }
        }
        return out;
    }

    /** Where the bar opening at {@code open} is in {@code bars}. */
    static int index(List<Bar> bars, long open) {
        for (int i = 0; i < bars.size(); i++) {
            if (bars.get(i).open() == open) {
                return i;
            }
        }
        throw new AssertionError("no bar at " + java.time.Instant.ofEpochMilli(open));
    }

    @Override
    public void close() throws Exception {
        rest.stop(0);
        ws.stop(1000);
    }
}
