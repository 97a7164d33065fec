package io.recommender.runtime.model;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recommender.runtime.embedding.EmbeddingSource;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * Recommendations for one user: the user's embedding from the configured source, then exact top-K over all
 * items without the ones the user rated in training. Users the model does not know get the most rated items,
 * marked as a fallback, or a 404 if so configured.
 *
 * <p>With the result cache on, a known user's first request computes the top {@link LoadedModel#MAX_K} instead
 * of the top k and keeps it in the model's {@link ResultCache}; later requests for any k take its first k,
 * which is exactly what the uncached search answers, without the embedding or the scan.
 */
@Singleton
public class RecommendationService {
    /**
     * What to answer; {@code rows[0..count)} best first. The arrays may be longer than {@code count} and
     * shared with the result cache: read them, never modify them.
     */
    public record Result(LoadedModel model, boolean fallback, int[] rows, float[] scores, int count) {}

    private final ModelService models;
    private final EmbeddingSource source;
    private final RecommenderConfig.UnknownUserPolicy unknownUser;
    private final Timer embedOk;
    private final Timer embedFailed;
    private final Counter fallbacks;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter cacheEvictions;

    public RecommendationService(ModelService models, RecommenderConfig config, MeterRegistry registry) {
        this.models = models;
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
        if (user < 0) {
            if (unknownUser == RecommenderConfig.UnknownUserPolicy.NOT_FOUND) {
                return Mono.error(new UnknownUserException(userId));
            }
            fallbacks.increment();
            return Mono.just(popular(m, k));
        }
        ResultCache cache = m.results();
        if (cache != null) {
            ResultCache.Ranking cached = cache.get(user);
            if (cached != null) {
                cacheHits.increment();
                return Mono.just(prefix(m, cached, k));
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

    /** Computes the user's top {@link LoadedModel#MAX_K} and caches it. */
    private ResultCache.Ranking rank(LoadedModel m, ResultCache cache, int user, float[] embedding) {
        int[] rows = new int[LoadedModel.MAX_K];
        float[] scores = new float[LoadedModel.MAX_K];
        int count = m.kernel().topK(embedding, LoadedModel.MAX_K, m.seenRows(user), rows, scores);
        ResultCache.Ranking ranking = count == rows.length ? new ResultCache.Ranking(user, rows, scores)
                : new ResultCache.Ranking(user, Arrays.copyOf(rows, count), Arrays.copyOf(scores, count));
        if (cache.put(ranking)) {
            cacheEvictions.increment();
        }
        return ranking;
    }

    private static Result prefix(LoadedModel m, ResultCache.Ranking ranking, int k) {
        return new Result(m, false, ranking.rows(), ranking.scores(), Math.min(k, ranking.rows().length));
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
