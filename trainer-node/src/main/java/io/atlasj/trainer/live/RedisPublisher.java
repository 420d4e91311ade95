package io.atlasj.trainer.live;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Puts each prediction into Redis the way Gryphon Atlas's strategies read it: the newest one under the key
 * {@code atlas:live:<model>} (JSON) and every one published on the channel of the same name. Redis is optional: a
 * prediction is journaled before it is published, and it is sent by a thread of its own, so a Redis that is slow,
 * stalled or gone never holds the runner up (each bar used to wait up to Jedis's 2 s timeout). What is waiting is
 * sent in order; while Redis does not answer it is tried again every second, the newest {@value #QUEUE} kept (older
 * ones are dropped, said once), and a runner that stops waits at most {@value #DRAIN_SECONDS} s for the rest: what
 * is still waiting then, or when the runner is killed, never reaches Redis (it is journaled; after a restart the
 * newest journaled prediction is published again). A prediction Redis answers with an error is logged and skipped.
 */
final class RedisPublisher implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisPublisher.class);
    static final int QUEUE = 10_000;
    static final int DRAIN_SECONDS = 5;
    private final HostAndPort address;
    private final LinkedBlockingDeque<String[]> waiting = new LinkedBlockingDeque<>();
    private final Thread sender;
    private volatile boolean closing;
    private boolean unreachable; // sender thread only
    private boolean droppedSaid;
    private Jedis jedis; // sender thread only

    RedisPublisher(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--redis " + hostPort + ": give HOST:PORT, e.g. 127.0.0.1:6379");
        }
        try {
            address = new HostAndPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--redis " + hostPort + ": the port is not a number");
        }
        sender = new Thread(this::send, "atlas-redis");
        sender.setDaemon(true);
    }

    /** A publisher to {@code hostPort} once Redis answers there; its sending thread started. */
    static RedisPublisher checked(String hostPort) {
        RedisPublisher p = new RedisPublisher(hostPort);
        p.check();
        p.sender.start();
        return p;
    }

    /** The key (and channel) of a model's predictions. */
    static String key(String model) {
        return "atlas:live:" + model;
    }

    /** Checks that Redis answers, so that a wrong address is said at start rather than after the first bar. */
    void check() {
        try (Jedis j = new Jedis(address)) {
            j.ping();
        } catch (JedisException e) {
            throw new IllegalArgumentException("--redis " + address + ": Redis does not answer (" + e.getMessage()
                    + "); start it, or leave out --redis", e);
        }
    }

    /** Hands a prediction to the sending thread; returns at once. */
    void publish(String model, String json) {
        waiting.addLast(new String[] {model, json});
        if (waiting.size() > QUEUE) {
            waiting.pollFirst();
            synchronized (this) {
                if (!droppedSaid) {
                    LOG.warn("Redis at {} has not taken the last {} predictions; the oldest are dropped (they are "
                            + "journaled and served over HTTP)", address, QUEUE);
                    droppedSaid = true;
                }
            }
        }
    }

    /** The predictions not sent yet. */
    int waiting() {
        return waiting.size();
    }

    private void send() {
        try {
            sendAll();
        } finally {
            disconnect();
        }
    }

    private void sendAll() {
        while (!closing || !waiting.isEmpty()) {
            String[] next;
            try {
                next = waiting.pollFirst(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                continue;
            }
            while (true) {
                try {
                    if (jedis == null) {
                        jedis = new Jedis(address);
                    }
                    jedis.set(key(next[0]), next[1]);
                    jedis.publish(key(next[0]), next[1]);
                    if (unreachable) {
                        LOG.info("Redis at {} answers again", address);
                        unreachable = false;
                    }
                    break;
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    // Redis answered, with an error (out of memory, a read-only replica): this one is not sent
                    LOG.warn("Redis at {} refused a prediction of {}: {}", address, next[0], e.getMessage());
                    break;
                } catch (JedisException e) {
                    if (!unreachable) {
                        LOG.warn("Redis at {} is unreachable ({}); predictions are journaled and served over HTTP "
                                + "meanwhile, and sent when it answers", address, e.getMessage());
                        unreachable = true;
                    }
                    disconnect();
                    if (closing) {
                        return; // a stopping runner does not wait for a Redis that does not answer
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (JedisException ignored) {
                // gone already
            }
            jedis = null;
        }
    }

    /** Sends what is waiting, for at most {@value #DRAIN_SECONDS} s, and stops. */
    @Override
    public void close() {
        closing = true;
        if (!sender.isAlive()) {
            return;
        }
        try {
            sender.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            LOG.warn("Redis at {} did not take the last {} predictions before the runner stopped (they are journaled)",
                    address, waiting.size());
            sender.interrupt();
        }
    }
}
