package io.recommender.featurestore;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link UserStateStore} on Redis with Lettuce: one Redis server or a Redis Cluster (recognised from the
 * server's {@code INFO cluster}). Every command is bounded by {@link RedisSettings#timeout()}; while the
 * connection is down commands fail at once (no queueing) and Lettuce reconnects in the background.
 */
public final class LettuceUserStateStore implements UserStateStore {
    private static final Script APPLY = Script.load("pack.lua", "apply.lua");
    private static final Script READ = Script.load("pack.lua", "read.lua");
    private static final Script REPLACE = Script.load("replace.lua");
    /** Users per flush and the most replace calls awaited at once in a bulk load. */
    private static final int BULK_FLUSH = 64;
    private static final int BULK_WINDOW = 1024;
    /** Entries per XRANGE call when the events stream is read. */
    private static final int EVENTS_PAGE = 10_000;

    private final RedisSettings settings;
    private final KeyLayout keys;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final boolean cluster;

    private LettuceUserStateStore(RedisSettings settings, ClientResources resources, AbstractRedisClient client,
            StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
            boolean cluster) {
        this.settings = settings;
        this.keys = new KeyLayout(settings.prefix());
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.cluster = cluster;
    }

    /** Connects; throws {@link FeatureStoreException} when Redis cannot be reached or refuses the credentials. */
    public static LettuceUserStateStore connect(RedisSettings settings) {
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.url());
        } catch (RuntimeException e) {
            throw new FeatureStoreException(FeatureStoreException.Kind.CONFIGURATION,
                    "not a Redis URL: " + settings.safeUrl() + " (redis://[user:password@]host:port[/db] or rediss://...)", e);
        }
        if (settings.password() != null && !settings.password().isEmpty()) {
            // A password given apart from the URL (from a Secret) wins over one in the URL.
            uri.setPassword(settings.password().toCharArray());
        }
        // The handshake (HELLO, AUTH, SELECT) is bounded by the connect timeout; every command after it by
        // PerCommandTimeout.
        uri.setTimeout(settings.bulkTimeout());
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(settings.connectTimeout()).build();
        TimeoutOptions timeouts = TimeoutOptions.builder().timeoutSource(new PerCommandTimeout(settings)).build();
        RedisClient probe = RedisClient.create(resources, uri);
        probe.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        boolean isCluster;
        StatefulRedisConnection<String, String> standalone;
        try {
            standalone = probe.connect();
            isCluster = standalone.async().info("cluster").get(settings.connectTimeout().toMillis() + 1000,
                    TimeUnit.MILLISECONDS).contains("cluster_enabled:1");
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw translate(e, "connecting to " + settings.safeUrl());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE, "interrupted", e);
        }
        if (!isCluster) {
            return new LettuceUserStateStore(settings, resources, probe, standalone, standalone.async(), false);
        }
        standalone.close();
        probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        RedisClusterClient clusterClient = RedisClusterClient.create(resources, uri);
        clusterClient.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
                .build());
        try {
            StatefulRedisClusterConnection<String, String> c = clusterClient.connect();
            return new LettuceUserStateStore(settings, resources, clusterClient, c, c.async(), true);
        } catch (RuntimeException e) {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw translate(e, "connecting to the Redis Cluster at " + settings.safeUrl());
        }
    }

    public boolean isCluster() {
        return cluster;
    }

    public RedisSettings settings() {
        return settings;
    }

    @Override
    public KeyLayout keys() {
        return keys;
    }

    @Override
    public UserState read(int userId) {
        return await(readAsync(userId), "reading user " + userId);
    }

    /**
     * One {@code HGETALL} of the stats hash, which holds the packed history in its field {@code h} (see
     * {@link KeyLayout}): one command, so one consistent snapshot, and no script to run. A state written before
     * that field existed is read with {@code read.lua} instead, which packs the history from the other two keys.
     */
    @Override
    public CompletableFuture<UserState> readAsync(int userId) {
        String[] k = keys.userKeys(userId);
        String doing = "reading user " + userId + "'s state (" + String.join(", ", k) + ")";
        return commands.hgetall(k[0]).toCompletableFuture().<UserState>thenCompose(stats -> {
            if (stats.isEmpty() || stats.containsKey(KeyLayout.PACKED_HISTORY)) {
                return CompletableFuture.completedFuture(parse(userId, k, stats, stats.getOrDefault(
                        KeyLayout.PACKED_HISTORY, "")));
            }
            return LettuceUserStateStore.<List<Object>>eval(commands, READ, ScriptOutputType.MULTI, k)
                    .thenApply(parts -> parse(userId, k, fields(parts.get(0)), (String) parts.get(1)));
        }).handle((state, error) -> {
            if (error != null) {
                throw translate(error, doing);
            }
            return state;
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(Object flat) {
        List<Object> list = (List<Object>) flat;
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            out.put((String) list.get(i), (String) list.get(i + 1));
        }
        return out;
    }

    @Override
    public List<Boolean> record(List<Event> events) {
        List<CompletableFuture<Long>> applied = new ArrayList<>(events.size());
        List<CompletableFuture<String>> appended = new ArrayList<>(events.size());
        XAddArgs trim = new XAddArgs().maxlen(settings.streamMaxLen()).approximateTrimming();
        for (Event e : events) {
            applied.add(eval(commands, APPLY, ScriptOutputType.INTEGER, keys.userKeys(e.userId()), applyArgs(e)));
            Map<String, String> body = new LinkedHashMap<>();
            body.put("u", Integer.toString(e.userId()));
            body.put("m", Integer.toString(e.movieId()));
            body.put("r", Integer.toString(e.halfStars()));
            body.put("t", Long.toString(e.time()));
            appended.add(commands.xadd(keys.stream(), trim, body).toCompletableFuture());
        }
        List<Boolean> out = new ArrayList<>(events.size());
        FeatureStoreException first = null;
        for (int i = 0; i < events.size(); i++) {
            try {
                out.add(await(applied.get(i), "storing the rating of user " + events.get(i).userId()) == 1L);
                await(appended.get(i), "appending to the events stream " + keys.stream());
            } catch (FeatureStoreException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    private String[] applyArgs(Event e) {
        int[] genres = Genres.indices(e.genres());
        String[] args = new String[4 + genres.length];
        args[0] = Integer.toString(e.movieId());
        args[1] = Integer.toString(e.halfStars());
        args[2] = Long.toString(e.time());
        args[3] = Integer.toString(settings.maxHistory());
        for (int i = 0; i < genres.length; i++) {
            args[4 + i] = Integer.toString(genres[i]);
        }
        return args;
    }

    @Override
    public long writeAll(Collection<UserState> states) {
        StatefulConnection<String, String> bulk = cluster ? ((RedisClusterClient) client).connect()
                : ((RedisClient) client).connect();
        try {
            RedisClusterAsyncCommands<String, String> c = bulk instanceof StatefulRedisClusterConnection<String, String> cc
                    ? cc.async() : ((StatefulRedisConnection<String, String>) bulk).async();
            await(c.scriptLoad(REPLACE.text()).toCompletableFuture(), "loading the bulk-load script");
            bulk.setAutoFlushCommands(false);
            List<CompletableFuture<Object>> pending = new ArrayList<>();
            long ratings = 0;
            int sinceFlush = 0;
            for (UserState s : states) {
                pending.add(c.<Object>evalsha(REPLACE.sha(), ScriptOutputType.INTEGER, keys.userKeys(s.userId()),
                        replaceArgs(s)).toCompletableFuture());
                ratings += s.items().size();
                if (++sinceFlush == BULK_FLUSH) {
                    bulk.flushCommands();
                    sinceFlush = 0;
                    if (pending.size() >= BULK_WINDOW) {
                        awaitAll(pending);
                    }
                }
            }
            bulk.flushCommands();
            awaitAll(pending);
            return ratings;
        } finally {
            bulk.close();
        }
    }

    private void awaitAll(List<CompletableFuture<Object>> pending) {
        for (CompletableFuture<Object> f : pending) {
            await(f, "bulk-loading users' states");
        }
        pending.clear();
    }

    static String[] replaceArgs(UserState s) {
        List<String> args = new ArrayList<>(8 + 4 * Genres.COUNT);
        StringBuilder history = new StringBuilder(s.items().size() * 20);
        for (RatedItem item : s.items()) {
            history.append(item.movieId()).append(',').append(item.halfStars()).append(',').append(item.time()).append(';');
        }
        args.add(history.toString());
        args.add("n");
        args.add(Integer.toString(s.count()));
        args.add("s");
        args.add(Long.toString(s.sumHalfStars()));
        args.add("t");
        args.add(Long.toString(s.lastUpdate()));
        for (int g = 0; g < Genres.COUNT; g++) {
            if (s.genreCount(g) > 0) {
                args.add("gn:" + g);
                args.add(Integer.toString(s.genreCount(g)));
                args.add("gs:" + g);
                args.add(Long.toString(s.genreSumHalfStars(g)));
            }
        }
        return args.toArray(String[]::new);
    }

    @Override
    public void writeCatalog(Map<Integer, Integer> genresByMovie) {
        String key = keys.catalog();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        pending.add(commands.del(key).toCompletableFuture());
        Map<String, String> chunk = new HashMap<>();
        for (Map.Entry<Integer, Integer> e : genresByMovie.entrySet()) {
            chunk.put(Integer.toString(e.getKey()), Integer.toString(e.getValue()));
            if (chunk.size() == 1000) {
                pending.add(commands.hset(key, chunk).toCompletableFuture());
                chunk = new HashMap<>();
            }
        }
        if (!chunk.isEmpty()) {
            pending.add(commands.hset(key, chunk).toCompletableFuture());
        }
        for (CompletableFuture<?> f : pending) {
            await(f, "writing the movie catalog " + key);
        }
    }

    @Override
    public Map<Integer, Integer> readCatalog() {
        String key = keys.catalog();
        Map<String, String> raw = await(commands.hgetall(key).toCompletableFuture(), "reading the movie catalog " + key);
        Map<Integer, Integer> out = new HashMap<>(raw.size() * 2);
        raw.forEach((movie, mask) -> {
            try {
                out.put(Integer.parseInt(movie), Integer.parseInt(mask));
            } catch (NumberFormatException e) {
                throw new FeatureStoreException(FeatureStoreException.Kind.CORRUPT,
                        key + " field '" + clip(movie) + "' = '" + clip(mask) + "' is not a movie id and genre mask", e);
            }
        });
        return out;
    }

    @Override
    public StreamedEvents readEvents(int max) {
        List<Event> events = new ArrayList<>();
        int malformed = 0;
        Range<String> range = Range.unbounded();
        while (events.size() + malformed < max) {
            int page = Math.min(EVENTS_PAGE, max - events.size() - malformed);
            List<StreamMessage<String, String>> messages = await(commands.xrange(keys.stream(), range,
                    Limit.create(0, page)).toCompletableFuture(), "reading the events stream " + keys.stream());
            for (StreamMessage<String, String> m : messages) {
                Event e = event(m.getBody());
                if (e == null) {
                    malformed++;
                } else {
                    events.add(e);
                }
            }
            if (messages.size() < page) {
                break;
            }
            range = Range.from(Range.Boundary.excluding(messages.get(messages.size() - 1).getId()),
                    Range.Boundary.unbounded());
        }
        return new StreamedEvents(List.copyOf(events), malformed);
    }

    /** An entry as {@link #record} appends it (u, m, r in half-stars, t), or null when it is not one. */
    private static Event event(Map<String, String> body) {
        try {
            return new Event(Integer.parseInt(body.get("u")), Integer.parseInt(body.get("m")),
                    Integer.parseInt(body.get("r")), Long.parseLong(body.get("t")), 0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    // --- parsing

    /** The stats hash's fields and the packed history (the field h, or what read.lua packed). */
    private static UserState parse(int userId, String[] k, Map<String, String> stats, String history) {
        int count = 0;
        long sum = 0;
        long last = 0;
        int[] genreCounts = new int[Genres.COUNT];
        long[] genreSums = new long[Genres.COUNT];
        for (Map.Entry<String, String> e : stats.entrySet()) {
            String field = e.getKey();
            if (field.equals(KeyLayout.PACKED_HISTORY)) {
                continue;
            }
            long v = integer(k[0], field, e.getValue());
            switch (field) {
                case "n" -> count = (int) v;
                case "s" -> sum = v;
                case "t" -> last = v;
                default -> {
                    int g = genreField(k[0], field);
                    if (field.startsWith("gn:")) {
                        genreCounts[g] = (int) v;
                    } else {
                        genreSums[g] = v;
                    }
                }
            }
        }
        // "movie,halfStars,time;" per movie: oldest first as replace.lua and read.lua write it, then in the order
        // apply.lua appended events (sorted below, a single pass when it already is).
        List<RatedItem> items = new ArrayList<>();
        int at = 0;
        while (at < history.length()) {
            int end = history.indexOf(';', at);
            end = end < 0 ? history.length() : end;
            int c1 = history.indexOf(',', at);
            int c2 = c1 < 0 ? -1 : history.indexOf(',', c1 + 1);
            if (c1 < 0 || c2 < 0 || c2 >= end) {
                throw new FeatureStoreException(FeatureStoreException.Kind.CORRUPT, "the history (" + k[0]
                        + " field h, or " + k[2] + " and " + k[1] + ") holds an entry that is not"
                        + " movie,halfStars,time: '" + clip(history.substring(at, end)) + "'", null);
            }
            long movieId = digits(history, at, c1);
            long halfStars = digits(history, c1 + 1, c2);
            long time = digits(history, c2 + 1, end);
            if (movieId >= 0 && halfStars >= 0 && time >= 0) {
                // The common case, plain digits, without the substrings: a read parses the whole history.
                items.add(new RatedItem((int) movieId, (int) halfStars, time));
            } else {
                String movie = history.substring(at, c1);
                long hs = integer(k[1], movie, history.substring(c1 + 1, c2));
                double score = parseScore(k[2], movie, history.substring(c2 + 1, end));
                items.add(new RatedItem((int) integer(k[1], movie, movie), (int) hs, (long) score));
            }
            at = end + 1;
        }
        items.sort(RatedItem.OLDEST_FIRST);
        return new UserState(userId, count, sum, genreCounts, genreSums, items, last);
    }

    /**
     * The value of {@code s[from, to)} when it is 1 to 18 decimal digits, else -1 (then the general parsers decide,
     * with their error messages).
     */
    private static long digits(String s, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static double parseScore(String key, String member, String value) {
        try {
            double d = Double.parseDouble(value);
            if (d == Math.rint(d) && d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new FeatureStoreException(FeatureStoreException.Kind.CORRUPT,
                key + " member " + clip(member) + " has time '" + clip(value) + "', not whole epoch seconds", null);
    }

    private static int genreField(String key, String field) {
        if (field.startsWith("gn:") || field.startsWith("gs:")) {
            try {
                int g = Integer.parseInt(field.substring(3));
                if (g >= 0 && g < Genres.COUNT) {
                    return g;
                }
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new FeatureStoreException(FeatureStoreException.Kind.CORRUPT,
                key + " has an unknown field '" + clip(field) + "'", null);
    }

    private static long integer(String key, String field, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new FeatureStoreException(FeatureStoreException.Kind.CORRUPT,
                    key + " field '" + clip(field) + "' = '" + clip(value) + "' is not an integer", e);
        }
    }

    private static String clip(String s) {
        return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    // --- commands and errors

    private static <T> CompletableFuture<T> eval(RedisClusterAsyncCommands<String, String> c, Script s,
            ScriptOutputType type, String[] keys, String... args) {
        return c.<T>evalsha(s.sha(), type, keys, args).toCompletableFuture().exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof RedisNoScriptException
                    ? c.<T>eval(s.text(), type, keys, args).toCompletableFuture() : CompletableFuture.failedFuture(cause);
        });
    }

    private <T> T await(CompletableFuture<T> f, String doing) {
        try {
            // Lettuce times each command out itself; this bound only guards against a lost completion.
            return f.get(settings.bulkTimeout().toMillis() * 2 + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE, doing + ": interrupted", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), doing);
        } catch (TimeoutException e) {
            throw new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE,
                    doing + ": Redis did not answer in time", e);
        }
    }

    /** One exception with a plain message for whatever Lettuce or Redis said. */
    static FeatureStoreException translate(Throwable e, String doing) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof FeatureStoreException f) {
            return f;
        }
        String msg = String.valueOf(e.getMessage());
        String all = describe(e);
        if (e instanceof RedisCommandTimeoutException) {
            return new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE,
                    doing + ": Redis did not answer in time (" + msg + ")", e);
        }
        if (all.contains("WRONGPASS") || all.contains("NOAUTH") || all.contains("NOPERM")) {
            return new FeatureStoreException(FeatureStoreException.Kind.CONFIGURATION,
                    doing + ": Redis refused the credentials (" + firstLine(all) + ")", e);
        }
        if (msg.startsWith("READONLY") || msg.startsWith("OOM") || msg.startsWith("MISCONF")) {
            return new FeatureStoreException(FeatureStoreException.Kind.READ_ONLY,
                    doing + ": Redis refuses writes, as a read-only replica or a full server does (" + msg + ")", e);
        }
        if (msg.startsWith("CORRUPT") || msg.startsWith("WRONGTYPE") || msg.contains("CORRUPT ")) {
            return new FeatureStoreException(FeatureStoreException.Kind.CORRUPT,
                    doing + ": a value in Redis is not in the feature store's layout (" + msg + ")", e);
        }
        if (e instanceof RedisConnectionException) {
            return new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE,
                    doing + ": cannot connect (" + firstLine(all) + ")", e);
        }
        return new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE, doing + ": " + msg, e);
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause()) {
            b.append(t.getMessage()).append("; ");
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        int i = s.indexOf("; ");
        String head = i < 0 ? s : s.substring(0, i);
        for (String part : s.split("; ")) {
            if (part.contains("WRONGPASS") || part.contains("NOAUTH") || part.contains("Connection refused")) {
                return part;
            }
        }
        return head;
    }

    /**
     * The per-user commands a request waits on are bounded by {@link RedisSettings#timeout()} (20 ms in the
     * service); the few that move a whole structure (the catalog's HGETALL, HSET and DEL, SCRIPT LOAD, INFO, a page
     * of the events stream) by
     * {@link RedisSettings#bulkTimeout()}: they are never on a request's path, and a large catalog on a busy
     * server takes longer than a request may wait.
     */
    static final class PerCommandTimeout extends TimeoutOptions.TimeoutSource {
        private final long requestNanos;
        private final long bulkNanos;

        PerCommandTimeout(RedisSettings settings) {
            this.requestNanos = settings.timeout().toNanos();
            this.bulkNanos = settings.bulkTimeout().toNanos();
        }

        @Override
        public long getTimeout(RedisCommand<?, ?, ?> command) {
            return isBulk(command.getType()) ? bulkNanos : requestNanos;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.NANOSECONDS;
        }

        static boolean isBulk(ProtocolKeyword type) {
            return type == CommandType.HGETALL || type == CommandType.HSET || type == CommandType.DEL
                    || type == CommandType.SCRIPT || type == CommandType.INFO || type == CommandType.XRANGE;
        }
    }

    /** A Lua script and its SHA-1, for EVALSHA (EVAL when the server does not have it cached). */
    record Script(String text, String sha) {
        /** One script of these resources, in this order: Redis scripts cannot load each other. */
        static Script load(String... names) {
            StringBuilder text = new StringBuilder();
            for (String name : names) {
                try (InputStream in = LettuceUserStateStore.class.getResourceAsStream(name)) {
                    text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            try {
                byte[] sha = MessageDigest.getInstance("SHA-1").digest(text.toString().getBytes(StandardCharsets.UTF_8));
                return new Script(text.toString(), HexFormat.of().formatHex(sha));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
