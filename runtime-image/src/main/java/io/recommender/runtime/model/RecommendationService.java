package io.recommender.runtime.model;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.featurestore.RatedItem;
import io.recommender.featurestore.UserFeatures;
import io.recommender.featurestore.UserState;
import io.recommender.runtime.embedding.EmbeddingSource;
import io.recommender.runtime.features.FeatureStoreClient;
import io.recommender.runtime.features.FeatureStoreHealth;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Recommendations for one user: the user's embedding from the configured source, then exact top-K over all
 * items without the ones the user rated in training. Users the model does not know get the most rated items,
 * marked as a fallback, or a 404 if so configured or if the model has no popularity (a bundle imported without
 * ratings), where the "most rated" items would only be the first rows of the item file.
 *
 * <p>With the result cache on, a known user's first request computes the top {@link LoadedModel#MAX_K} instead
 * of the top k and keeps it in the model's {@link ResultCache}; later requests for any k take its first k,
 * which is exactly what the uncached search answers, without the embedding or the scan.
 *
 * <p>With {@code RECOMMENDER_FEATURE_SOURCE=redis} the user's features are read from the feature store on every
 * request instead ({@link #recommendLive}); cached rankings are then reused only while the user's state is unchanged.
 */
@Singleton
public class RecommendationService {
    /**
     * What to answer; {@code rows[0..count)} best first. The arrays may be longer than {@code count} and
     * shared with the result cache: read them, never modify them.
     *
     * @param stale the live features could not be read, so the answer is from the bundle's features (or popularity)
     * @param cached the answer came from the result cache rather than being computed
     */
    public record Result(LoadedModel model, boolean fallback, int[] rows, float[] scores, int count, boolean stale,
            boolean cached) {
        public Result(LoadedModel model, boolean fallback, int[] rows, float[] scores, int count) {
            this(model, fallback, rows, scores, count, false, false);
        }

        Result asStale() {
            return new Result(model, fallback, rows, scores, count, true, cached);
        }
    }

    private final ModelService models;
    private final EmbeddingSource source;
    private final RecommenderConfig.UnknownUserPolicy unknownUser;
    private final Timer embedOk;
    private final Timer embedFailed;
    private final Counter fallbacks;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter cacheEvictions;
    private final FeatureStoreClient features;
    private final FeatureStoreHealth featureHealth;

    public RecommendationService(ModelService models, RecommenderConfig config, MeterRegistry registry,
            @Nullable FeatureStoreClient features, @Nullable FeatureStoreHealth featureHealth) {
        this.models = models;
        this.features = features;
        this.featureHealth = featureHealth;
        this.source = models.source();
        this.unknownUser = config.unknownUser();
        Timer.Builder embedding = Timer.builder("recommender.embedding.latency")
                .description("Time to get a user embedding from the embedding source")
                .tag("source", source.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10));
        this.embedOk = embedding.tag("outcome", "success").register(registry);
        this.embedFailed = embedding.tag("outcome", "error").register(registry);
        this.fallbacks = Counter.builder("recommender.fallback")
                .description("Requests for unknown users answered with the most popular items")
                .register(registry);
        Counter.Builder gets = Counter.builder("recommender.result.cache.gets")
                .description("Known users' requests answered from the result cache (hit) or computed (miss)");
        this.cacheHits = gets.tag("result", "hit").register(registry);
        this.cacheMisses = gets.tag("result", "miss").register(registry);
        this.cacheEvictions = Counter.builder("recommender.result.cache.evictions")
                .description("Cached rankings replaced by another user's (more known users than cache slots)")
                .register(registry);
    }

    public Mono<Result> recommend(int userId, int k) {
        LoadedModel m = models.require();
        int user = m.userIndex(userId);
        if (features != null) {
            return recommendLive(m, userId, user, k);
        }
        return fromBundle(m, userId, user, k);
    }

    /** From the bundle's row of a known user (cached per user), or the unknown-user policy. */
    private Mono<Result> fromBundle(LoadedModel m, int userId, int user, int k) {
        if (user < 0) {
            if (unknownUser == RecommenderConfig.UnknownUserPolicy.NOT_FOUND) {
                return Mono.error(new UnknownUserException(userId));
            }
            if (!m.hasPopularity()) {
                return Mono.error(new UnknownUserException(userId, "the model has no item popularity to fall back on "
                        + "(its bundle was imported without --ratings)"));
            }
            fallbacks.increment();
            return Mono.just(popular(m, k));
        }
        ResultCache cache = m.results();
        if (cache != null) {
            ResultCache.Ranking cached = cache.get(user);
            if (cached != null) {
                cacheHits.increment();
                return Mono.just(prefix(m, cached, k, true));
            }
            cacheMisses.increment();
        }
        long start = System.nanoTime();
        return source.embed(user, m.userInput(user))
                .doOnError(e -> embedFailed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .map(embedding -> {
                    embedOk.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    if (cache == null) {
                        int[] rows = new int[k];
                        float[] scores = new float[k];
                        int count = m.kernel().topK(embedding, k, m.seenRows(user), rows, scores);
                        return new Result(m, false, rows, scores, count);
                    }
                    return prefix(m, rank(m, cache, user, embedding), k);
                });
    }

    /**
     * {@code RECOMMENDER_FEATURE_SOURCE=redis}: the user's state in one round trip, the row the shared
     * {@link UserFeatures} code makes of it, the user tower on that row, the exact kernel without the movies in the
     * state. A known user's ranking is cached with the state's fingerprint and reused only while the state is the
     * same, so an event shows in the next answer. A user the model never saw, with events, gets the tower's
     * out-of-vocabulary ID and their own features; without any state, the unknown-user policy. When the state
     * cannot be read, known users get the bundle's features and unknown ones popularity, marked stale.
     */
    private Mono<Result> recommendLive(LoadedModel m, int userId, int user, int k) {
        UserFeatures transform = m.userFeatures();
        if (transform == null) {
            // ModelService refuses such a bundle in redis mode; kept as a guard for a model swapped in later.
            throw new ServiceNotReadyException("the model bundle has no user feature parameters; it can only serve"
                    + " RECOMMENDER_FEATURE_SOURCE=bundle");
        }
        CompletableFuture<UserState> read;
        try {
            // Never connects on this (event loop) thread: while there is no connection the answer is stale.
            read = features.connectedStore().readAsync(userId);
        } catch (FeatureStoreException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return Mono.fromFuture(read)
                // Off the Redis client's I/O threads: the tower and the scan run on the CPU-bound pool.
                .publishOn(Schedulers.parallel())
                .map(state -> {
                    featureHealth.readOk();
                    return state;
                })
                .onErrorResume(e -> featureStoreFailure(e) != null, e -> {
                    featureHealth.readFailed(userId, featureStoreFailure(e));
                    return Mono.empty();
                })
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(state -> state.isEmpty() ? stale(m, userId, user, k) : live(m, userId, user, state.get(), k));
    }

    private Mono<Result> live(LoadedModel m, int userId, int user, UserState state, int k) {
        if (state.isEmpty()) {
            // No events and no initial load for this user: a known user keeps the bundle's features.
            return fromBundle(m, userId, user, k);
        }
        long version = state.fingerprint();
        ResultCache cache = user >= 0 ? m.results() : null;
        if (cache != null) {
            ResultCache.Ranking cached = cache.get(user, version);
            if (cached != null) {
                cacheHits.increment();
                return Mono.just(prefix(m, cached, k, true));
            }
            cacheMisses.increment();
        }
        float[] row = m.userFeatures().row(state, user >= 0 ? m.towerIndex(user) : -1, m::itemRow);
        int[] seen = seenRows(m, state);
        long start = System.nanoTime();
        return source.embedRow(row)
                .doOnError(e -> embedFailed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .map(embedding -> {
                    embedOk.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    if (cache == null) {
                        // Nothing to keep: the top k only, a shorter heap than the cache's MAX_K.
                        return prefix(m, rank(m, user, version, embedding, seen, k), k, false);
                    }
                    ResultCache.Ranking ranking = rank(m, user, version, embedding, seen, LoadedModel.MAX_K);
                    if (cache.put(ranking)) {
                        cacheEvictions.increment();
                    }
                    return prefix(m, ranking, k, false);
                });
    }

    /** The bundle's answer when the live features cannot be read, marked stale. */
    private Mono<Result> stale(LoadedModel m, int userId, int user, int k) {
        return fromBundle(m, userId, user, k).map(Result::asStale);
    }

    /** The rows of the movies in the state that the model knows, ascending: the seen filter. */
    private static int[] seenRows(LoadedModel m, UserState state) {
        int[] rows = new int[state.items().size()];
        int n = 0;
        for (RatedItem item : state.items()) {
            int row = m.itemRow(item.movieId());
            if (row >= 0) {
                rows[n++] = row;
            }
        }
        rows = Arrays.copyOf(rows, n);
        Arrays.sort(rows);
        return rows;
    }

    private static FeatureStoreException featureStoreFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FeatureStoreException f) {
                return f;
            }
            if (!(t instanceof CompletionException || t instanceof ExecutionException)) {
                return null;
            }
        }
        return null;
    }

    /** Computes the user's top {@link LoadedModel#MAX_K} and caches it. */
    private ResultCache.Ranking rank(LoadedModel m, ResultCache cache, int user, float[] embedding) {
        ResultCache.Ranking ranking = rank(m, user, 0, embedding, m.seenRows(user), LoadedModel.MAX_K);
        if (cache.put(ranking)) {
            cacheEvictions.increment();
        }
        return ranking;
    }

    private static ResultCache.Ranking rank(LoadedModel m, int user, long version, float[] embedding, int[] seen,
            int k) {
        int[] rows = new int[k];
        float[] scores = new float[k];
        int count = m.kernel().topK(embedding, k, seen, rows, scores);
        return count == rows.length ? new ResultCache.Ranking(user, version, rows, scores)
                : new ResultCache.Ranking(user, version, Arrays.copyOf(rows, count), Arrays.copyOf(scores, count));
    }

    private static Result prefix(LoadedModel m, ResultCache.Ranking ranking, int k) {
        return prefix(m, ranking, k, false);
    }

    private static Result prefix(LoadedModel m, ResultCache.Ranking ranking, int k, boolean cached) {
        return new Result(m, false, ranking.rows(), ranking.scores(), Math.min(k, ranking.rows().length), false,
                cached);
    }

    private static Result popular(LoadedModel m, int k) {
        int count = Math.min(k, m.popularCount());
        int[] rows = new int[count];
        float[] scores = new float[count];
        for (int i = 0; i < count; i++) {
            rows[i] = m.popularRow(i);
            scores[i] = m.popularity(rows[i]);
        }
        return new Result(m, true, rows, scores, count);
    }
}
