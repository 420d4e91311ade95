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
 * A local server speaking Binance's public market-data protocol for one symbol and interval, driven by a test: the
 * kline stream ({@code /ws/SYMBOL@kline_INTERVAL}, messages as Binance sends them) and the REST endpoints
 * {@code /api/v3/time} and {@code /api/v3/klines}. Its clock ({@link #now}) is set by the test; the REST history holds
 * the bars that closed before it and the forming one (with partial values, as Binance's last row).
 */
final class BinanceProtocolServer implements AutoCloseable {
    /** One bar of the exchange. */
    record Bar(long open, double o, double h, double l, double c, double v) {
    }

    private final List<Bar> bars;
    private final long tf;
    private final String symbol;
    private final String interval;
    private final WebSocketServer ws;
    private final HttpServer rest;
    private final List<WebSocket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger klineRequests = new AtomicInteger();
    final List<String> refused = new CopyOnWriteArrayList<>();
    volatile long now;

    BinanceProtocolServer(List<Bar> bars, long tf, String symbol, String interval, long now) throws Exception {
        this.bars = List.copyOf(bars);
        this.tf = tf;
        this.symbol = symbol;
        this.interval = interval;
        this.now = now;
        CountDownLatch started = new CountDownLatch(1);
        String path = "/ws/" + symbol.toLowerCase() + "@kline_" + interval;
        ws = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
                if (!path.equals(handshake.getResourceDescriptor())) {
                    refused.add(handshake.getResourceDescriptor());
                    conn.close(1008, "unknown stream " + handshake.getResourceDescriptor());
                    return;
                }
                open.add(conn);
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
        String text = message(b, closed);
        for (WebSocket c : open) {
            if (c.isOpen()) { // not one that dropConnections() is closing
                c.send(text);
            }
        }
    }

    /** Closes every connection as a server going away would. */
    void dropConnections() {
        for (WebSocket c : open) {
            open.remove(c);
            c.close(1001, "going away");
        }
    }

    private String message(Bar b, boolean closed) {
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
        if (!symbol.equals(q.get("symbol")) || !interval.equals(q.get("interval"))) {
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
