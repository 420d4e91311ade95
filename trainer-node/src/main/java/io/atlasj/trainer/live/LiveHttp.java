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
    private final java.util.concurrent.ExecutorService executor;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();

    /**
     * One SSE client: events queue up (at most 1,024) and its own thread writes them, so a client that stops reading
     * never holds the runner up; one whose queue is full is dropped.
     */
    private final class Stream {
        private final OutputStream out;
        private final java.util.concurrent.BlockingQueue<byte[]> queue = new java.util.concurrent.ArrayBlockingQueue<>(1024);
        private final Thread writer;

        Stream(OutputStream out) {
            this.out = out;
            this.writer = new Thread(this::write, "live-sse");
            writer.setDaemon(true);
            writer.start();
        }

        private void write() {
            try {
                while (true) {
                    byte[] b = queue.take();
                    if (b.length == 0) {
                        break;
                    }
                    out.write(b);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client went, or the runner stops
            } finally {
                streams.remove(this);
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the client went first
                }
            }
        }

        void offer(byte[] b) {
            if (!queue.offer(b)) {
                streams.remove(this);
                writer.interrupt();
            }
        }

        /** Ends the stream once the events queued before are written (waiting at most 2 s for a slow client). */
        void close() {
            if (!queue.offer(new byte[0])) {
                writer.interrupt();
            }
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writer.interrupt();
        }
    }

    LiveHttp(int port, String model, LiveJournal journal, Supplier<Map<String, Object>> status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "live-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
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
            streams.add(new Stream(out)); // kept open; closed when the client goes or the runner stops
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Queues one event for every open stream; never blocks. */
    void event(String name, String json) {
        byte[] b = ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (Stream s : streams) {
            s.offer(b);
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
        for (Stream s : streams) {
            s.close(); // after the events queued before it have been written
        }
        server.stop(1);
        executor.shutdownNow();
    }
}
