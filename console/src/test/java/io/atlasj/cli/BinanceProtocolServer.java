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
 * sends them) and the REST endpoints {@code /api/v3/time} and {@code /api/v3/klines}. Its clock ({@link #now}) is set by the test; the REST history holds
 * the bars that closed before it and the forming one (with partial values, as Binance's last row).
 */
final class BinanceProtocolServer implements AutoCloseable {
    /** One bar of the exchange. */
    record Bar(long open, double o, double h, double l, double c, double v) {
    }

    private final Map<String, List<Bar>> bars;
    private final long tf;
    private final String interval;
    private final WebSocketServer ws;
    private final HttpServer rest;
    /** Open connections and the symbols each is subscribed to; combined ones get the stream envelope. */
    private final Map<WebSocket, List<String>> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<WebSocket, Boolean> combined = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger klineRequests = new AtomicInteger();
    final List<String> refused = new CopyOnWriteArrayList<>();
    volatile long now;

    BinanceProtocolServer(List<Bar> bars, long tf, String symbol, String interval, long now) throws Exception {
        this(Map.of(symbol, bars), tf, interval, now);
    }

    /** A server of several symbols' bars (symbol to bars), all at {@code interval}. */
    BinanceProtocolServer(Map<String, List<Bar>> bars, long tf, String interval, long now) throws Exception {
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
                for (String n : names) {
                    String symbol = BinanceProtocolServer.this.bars.keySet().stream()
                            .filter(x -> (x.toLowerCase() + "@kline_" + interval).equals(n)).findFirst().orElse(null);
                    if (symbol != null) {
                        symbols.add(symbol);
                    }
                }
                if (names.isEmpty() || symbols.size() != names.size()) {
                    refused.add(path);
                    conn.close(1008, "unknown stream " + path);
                    return;
                }
                combined.put(conn, path.startsWith("/stream"));
                open.put(conn, symbols);
                connections.incrementAndGet();
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
                open.remove(conn);
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
        rest.createContext("/api/v3/time", x -> reply(x, 200, "{\"serverTime\":" + this.now + "}"));
        rest.createContext("/api/v3/klines", this::klines);
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

    /** Closes every connection as a server going away would. */
    void dropConnections() {
        for (WebSocket c : List.copyOf(open.keySet())) {
            open.remove(c);
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
        List<String> rows = new ArrayList<>();
        for (Bar b : bars) {
            if (b.open() >= from && b.open() <= to && b.open() <= clock && rows.size() < limit) {
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

    @Override
    public void close() throws Exception {
        rest.stop(0);
        ws.stop(1000);
    }
}
