package io.recommender.runtime.model;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recommender.runtime.embedding.EmbeddingSource;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * Recommendations for one user: the user's embedding from the configured source, then exact top-K over all
 * items without the ones the user rated in training. Users the model does not know get the most rated items,
 * marked as a fallback, or a 404 if so configured.
 */
@Singleton
public class Recommender {
    /** What to answer; {@code rows[0..count)} best first. */
    public record Result(LoadedModel model, boolean fallback, int[] rows, float[] scores, int count) {}

    private final ModelService models;
    private final EmbeddingSource source;
    private final RecommenderConfig.UnknownUserPolicy unknownUser;
    private final Timer embedOk;
    private final Timer embedFailed;
    private final Counter fallbacks;

    public Recommender(ModelService models, RecommenderConfig config, MeterRegistry registry) {
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
        long start = System.nanoTime();
        return source.embed(user, m.userInput(user))
                .doOnError(e -> embedFailed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .map(embedding -> {
                    embedOk.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    int[] rows = new int[k];
                    float[] scores = new float[k];
                    int count = m.kernel().topK(embedding, k, m.seenRows(user), rows, scores);
                    return new Result(m, false, rows, scores, count);
                });
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
