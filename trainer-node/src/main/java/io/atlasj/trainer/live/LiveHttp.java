package io.atlasj.trainer.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The runner's read-only HTTP endpoints on 127.0.0.1 (the JDK's HTTP server):
 * <ul>
 *   <li>{@code GET /status}: the runner's state and health (JSON);</li>
 *   <li>{@code GET /predictions?from=MS&to=MS&limit=N}: journaled entries, oldest first (JSON array);</li>
 *   <li>{@code GET /events}: a Server-Sent Events stream, one {@code prediction} event per bar as it is journaled.</li>
 * </ul>
 * Nothing here writes, runs code or reads files.
 */
final class LiveHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<OutputStream> streams = new CopyOnWriteArrayList<>();

    LiveHttp(int port, String model, LiveJournal journal, Supplier<Map<String, Object>> status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "live-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", ex -> json(ex, status.get()));
        server.createContext("/predictions", ex -> {
            Map<String, String> q = query(ex.getRequestURI());
            try {
                long from = Long.parseLong(q.getOrDefault("from", String.valueOf(Long.MIN_VALUE)));
                long to = Long.parseLong(q.getOrDefault("to", String.valueOf(Long.MAX_VALUE)));
                int limit = Math.min(100_000, Integer.parseInt(q.getOrDefault("limit", "10000")));
                List<Map<String, Object>> out = new ArrayList<>();
                for (LiveJournal.Entry e : journal.entries(model, from, to, limit)) {
                    out.add(LiveRunner.describe(e));
                }
                json(ex, out);
            } catch (NumberFormatException e) {
                send(ex, 400, "text/plain", "from, to (epoch ms) and limit must be integers\n");
            }
        });
        server.createContext("/events", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(": atlas live predictions\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            streams.add(out); // kept open; closed when the client goes or the runner stops
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Sends one event to every open stream; a stream whose client has gone is dropped. */
    void event(String name, String json) {
        byte[] b = ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (OutputStream s : streams) {
            try {
                s.write(b);
                s.flush();
            } catch (IOException e) {
                streams.remove(s);
            }
        }
    }

    private static void json(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q == null) {
            return out;
        }
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(java.net.URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (OutputStream s : streams) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the client went first
            }
        }
        server.stop(0);
    }
}
