package io.recommender.featurestore;

import java.time.Duration;

/**
 * How to reach the store.
 *
 * @param url {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; a Redis Cluster node's
 *     address is recognised as such and the cluster client used
 * @param prefix the key prefix ({@link KeyLayout})
 * @param timeout bound on every Redis call (the service's default: 20 ms)
 * @param connectTimeout bound on opening a connection
 * @param maxHistory most rated movies kept per user ({@link UserStates})
 * @param streamMaxLen about how many events the events stream keeps (XADD MAXLEN ~)
 */
public record RedisSettings(String url, String prefix, Duration timeout, Duration connectTimeout, int maxHistory,
        long streamMaxLen) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(20);
    public static final long DEFAULT_STREAM_MAX_LEN = 1_000_000;

    public RedisSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a Redis URL is required (redis://host:port)");
        }
        if (maxHistory < 1) {
            throw new IllegalArgumentException("maxHistory must be at least 1");
        }
        new KeyLayout(prefix);
    }

    public static RedisSettings of(String url, String prefix) {
        return new RedisSettings(url, prefix, DEFAULT_TIMEOUT, Duration.ofSeconds(1), UserStates.DEFAULT_MAX_HISTORY,
                DEFAULT_STREAM_MAX_LEN);
    }

    public RedisSettings withTimeout(Duration t) {
        return new RedisSettings(url, prefix, t, connectTimeout, maxHistory, streamMaxLen);
    }

    public RedisSettings withMaxHistory(int m) {
        return new RedisSettings(url, prefix, timeout, connectTimeout, m, streamMaxLen);
    }

    /** The URL with any password replaced, for messages and logs. */
    public String safeUrl() {
        return url.replaceAll("(?<=://)([^@/]*)@", "***@");
    }
}
