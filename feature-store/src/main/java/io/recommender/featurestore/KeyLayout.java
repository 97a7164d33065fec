package io.recommender.featurestore;

/**
 * Where the state lives in Redis. Every key of one user carries the hash tag {@code {u:<id>}}, so the keys
 * are in one hash slot (Redis Cluster) and one Lua script can update them atomically:
 * <pre>
 *   &lt;prefix&gt;{u:42}:s   hash: n (movies rated), s (sum of half-stars), t (last update, epoch seconds),
 *                       gn:&lt;g&gt; / gs:&lt;g&gt; (count and sum of half-stars of genre index g, only genres rated),
 *                       h (the history packed "movie,halfStars,time;" per movie: what :r and :h hold, kept
 *                       beside them so that a read is one HGETALL of this hash and runs no script; a live event
 *                       appends its entry, so the reader sorts it oldest first)
 *   &lt;prefix&gt;{u:42}:r   hash: movie id -&gt; half-stars (the history's ratings)
 *   &lt;prefix&gt;{u:42}:h   sorted set: movie id, score = rating time (the history, newest kept)
 *   &lt;prefix&gt;{catalog}:genres   hash: movie id -&gt; genre bit mask ({@link Genres}), written by the initial load
 *   &lt;prefix&gt;{events}          stream of accepted events (u, m, r = half-stars, t), trimmed MAXLEN ~
 * </pre>
 */
public record KeyLayout(String prefix) {
    public static final String DEFAULT_PREFIX = "rec:";
    /** The stats hash's field holding the packed history. */
    public static final String PACKED_HISTORY = "h";

    public KeyLayout {
        if (prefix == null || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0 || prefix.length() > 200) {
            throw new IllegalArgumentException("key prefix " + (prefix == null ? "null" : "'" + prefix + "'")
                    + " must not contain '{' or '}' (they mark Redis Cluster hash tags) and be at most 200 characters");
        }
    }

    public String stats(int userId) {
        return prefix + "{u:" + userId + "}:s";
    }

    public String ratings(int userId) {
        return prefix + "{u:" + userId + "}:r";
    }

    public String history(int userId) {
        return prefix + "{u:" + userId + "}:h";
    }

    /** The three keys of a user, in the order the Lua scripts take them. */
    public String[] userKeys(int userId) {
        return new String[] {stats(userId), ratings(userId), history(userId)};
    }

    public String catalog() {
        return prefix + "{catalog}:genres";
    }

    public String stream() {
        return prefix + "{events}";
    }
}
