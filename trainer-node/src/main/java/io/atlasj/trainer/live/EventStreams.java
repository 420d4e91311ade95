package io.atlasj.trainer.live;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Server-Sent Events streams on the JDK's HTTP server, as the live runner's and the dashboard's endpoints serve them.
 * Each client has its own queue (at most {@code capacity} events) and its own writer thread, so a client that stops
 * reading never holds up the thread that publishes; one whose queue is full is dropped (its browser reconnects).
 */
public final class EventStreams implements AutoCloseable {
    private final int capacity;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();

    public EventStreams(int capacity) {
        this.capacity = capacity;
    }

    /** Answers {@code ex} as an event stream (status 200, a comment line first) and keeps it open for events. */
    public void open(HttpExchange ex, String comment) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write((": " + comment + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        streams.add(new Stream(out));
    }

    /** Clients connected now. */
    public int size() {
        return streams.size();
    }

    /** Queues one event for every open stream; never blocks. */
    public void event(String name, String json) {
        if (streams.isEmpty()) {
            return;
        }
        byte[] b = ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (Stream s : streams) {
            s.offer(b);
        }
    }

    /**
     * A comment line to every stream: a client that went away is found out (its write fails and its thread ends) even
     * when no event comes for a long time. Callers send one every few seconds.
     */
    public void ping() {
        byte[] b = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
        for (Stream s : streams) {
            s.offer(b);
        }
    }

    /** Ends every stream once the events queued before are written (waiting at most 2 s for a slow client). */
    @Override
    public void close() {
        for (Stream s : streams) {
            s.close();
        }
    }

    /** The query parameters of a request, decoded; the last of a repeated name wins. */
    public static Map<String, String> query(URI uri) {
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

    /** One client: events queue up and its own thread writes them. */
    private final class Stream {
        private final OutputStream out;
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(capacity);
        private final Thread writer;

        Stream(OutputStream out) {
            this.out = out;
            this.writer = new Thread(this::write, "sse-writer");
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
                // the client went, or the server stops
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
}
