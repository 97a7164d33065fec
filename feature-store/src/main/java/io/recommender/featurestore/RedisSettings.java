package io.recommender.featurestore;

import java.time.Duration;

/**
 * How to reach the store.
 *
 * @param url {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; a Redis Cluster node's
 *     address is recognised as such and the cluster client used
 * @param prefix the key prefix ({@link KeyLayout})
 * @param timeout bound on every Redis call on a request's path (the service's default: 20 ms)
 * @param connectTimeout bound on opening a connection, and on the calls that move a whole structure
 *     ({@link #bulkTimeout()})
 * @param maxHistory most rated movies kept per user ({@link UserStates})
 * @param streamMaxLen about how many events the events stream keeps (XADD MAXLEN ~)
 * @param password the password, or null to take the URL's; given, it wins over one in the URL (it comes from a
 *     Secret; never printed: {@link #toString()} leaves it out)
 */
public record RedisSettings(String url, String prefix, Duration timeout, Duration connectTimeout, int maxHistory,
        long streamMaxLen, String password) {
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

    public RedisSettings(String url, String prefix, Duration timeout, Duration connectTimeout, int maxHistory,
            long streamMaxLen) {
        this(url, prefix, timeout, connectTimeout, maxHistory, streamMaxLen, null);
    }

    public static RedisSettings of(String url, String prefix) {
        return new RedisSettings(url, prefix, DEFAULT_TIMEOUT, Duration.ofSeconds(1), UserStates.DEFAULT_MAX_HISTORY,
                DEFAULT_STREAM_MAX_LEN);
    }

    /**
     * Bound on the calls that read or write a whole structure (the movie catalog) and are never on a request's
     * path: the longer of the connect timeout and the per-call timeout.
     */
    public Duration bulkTimeout() {
        return connectTimeout.compareTo(timeout) > 0 ? connectTimeout : timeout;
    }

    public RedisSettings withTimeout(Duration t) {
        return new RedisSettings(url, prefix, t, connectTimeout, maxHistory, streamMaxLen, password);
    }

    public RedisSettings withConnectTimeout(Duration t) {
        return new RedisSettings(url, prefix, timeout, t, maxHistory, streamMaxLen, password);
    }

    public RedisSettings withMaxHistory(int m) {
        return new RedisSettings(url, prefix, timeout, connectTimeout, m, streamMaxLen, password);
    }

    public RedisSettings withPassword(String p) {
        return new RedisSettings(url, prefix, timeout, connectTimeout, maxHistory, streamMaxLen, p);
    }

    @Override
    public String toString() {
        return "RedisSettings[url=" + safeUrl() + ", prefix=" + prefix + ", timeout=" + timeout + ", password="
                + (password == null ? "none" : "***") + "]";
    }

    /** The URL with any password replaced, for messages and logs. */
    public String safeUrl() {
        return url.replaceAll("(?<=://)([^@/]*)@", "***@");
    }
}
