package io.atlasj.trainer.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The runner's read-only HTTP endpoints (the JDK's HTTP server), on 127.0.0.1 unless told otherwise and then behind a
 * token ({@link HttpAccess}, the dashboard's rule):
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
    private final java.util.concurrent.ExecutorService executor;
    private final EventStreams streams = new EventStreams(1024);

    LiveHttp(HttpAccess access, int port, String model, LiveJournal journal, Supplier<Map<String, Object>> status)
            throws IOException {
        server = access.server(port, 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "live-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/status", ex -> {
            if (access.allowed(ex, EventStreams.query(ex.getRequestURI()))) {
                json(ex, status.get());
            }
        });
        server.createContext("/predictions", ex -> {
            Map<String, String> q = EventStreams.query(ex.getRequestURI());
            if (!access.allowed(ex, q)) {
                return;
            }
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
            if (access.allowed(ex, EventStreams.query(ex.getRequestURI()))) {
                streams.open(ex, "atlas live predictions"); // kept open; closed when the client goes or the runner stops
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Queues one event for every open stream; never blocks. */
    void event(String name, String json) {
        streams.event(name, json);
    }

    private static void json(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", JSON.writeValueAsString(body));
    }

    /** A whole answer: status, content type, body (also {@link HttpAccess}'s refusals). */
    static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        streams.close(); // after the events queued before have been written
        server.stop(1);
        executor.shutdownNow();
    }
}
