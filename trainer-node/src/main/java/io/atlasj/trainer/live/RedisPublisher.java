package io.atlasj.trainer.live;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Puts each prediction into Redis the way Gryphon Atlas's strategies read it: the newest one under the key
 * {@code atlas:live:<model>} (JSON) and every one published on the channel of the same name. Redis is optional: a
 * prediction is journaled before it is published, and a Redis that goes away is reported once and retried with the
 * next prediction, never holding the runner up.
 */
final class RedisPublisher implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisPublisher.class);
    private final HostAndPort address;
    private Jedis jedis;
    private boolean warned;

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

    void publish(String model, String json) {
        try {
            if (jedis == null) {
                jedis = new Jedis(address);
            }
            jedis.set(key(model), json);
            jedis.publish(key(model), json);
            warned = false;
        } catch (JedisException e) {
            if (!warned) {
                LOG.warn("Redis at {} is unreachable ({}); predictions are journaled and served over HTTP meanwhile",
                        address, e.getMessage());
                warned = true;
            }
            close();
        }
    }

    @Override
    public void close() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (JedisException ignored) {
                // gone already
            }
            jedis = null;
        }
    }
}
