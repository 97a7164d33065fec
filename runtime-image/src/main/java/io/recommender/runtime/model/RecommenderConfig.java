package io.recommender.runtime.model;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.recommender.runtime.retrieval.Kernels;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The service's settings ({@code recommender.*} in application.yml; environment variables override them).
 *
 * @param bundlePath the model bundle directory ({@code RECOMMENDER_BUNDLE_PATH})
 * @param embeddingSource where user embeddings come from ({@code RECOMMENDER_EMBEDDING_SOURCE})
 * @param unknownUser what a user the model does not know gets ({@code RECOMMENDER_UNKNOWN_USER})
 * @param kernel the top-K kernel; {@code auto} picks the Vector API one when the JVM has the module
 * @param tfThreads TensorFlow's thread pool sizes for the in-process model
 * @param precomputeEmbeddings {@code embedded} source: run the user tower for every known user at load time
 *     instead of once per request ({@code RECOMMENDER_PRECOMPUTE_EMBEDDINGS})
 * @param resultCache keep each known user's top {@code MAX_K} after its first request and answer later
 *     requests from it ({@code RECOMMENDER_RESULT_CACHE})
 * @param resultCacheSize most users the result cache holds, about 0.9 KB each
 *     ({@code RECOMMENDER_RESULT_CACHE_SIZE})
 * @param warmupRuns uncached recommendations computed before the service is ready, 0 for none
 *     ({@code RECOMMENDER_WARMUP_RUNS}; see {@link Warmup})
 * @param warmupMaxDuration the longest the warm-up runs ({@code RECOMMENDER_WARMUP_MAX_DURATION})
 */
@ConfigurationProperties("recommender")
public record RecommenderConfig(
        @NotNull Path bundlePath,
        @Bindable(defaultValue = "embedded") @NotNull EmbeddingSourceKind embeddingSource,
        @Bindable(defaultValue = "popular") @NotNull UnknownUserPolicy unknownUser,
        @Bindable(defaultValue = "auto") @NotNull Kernels.Choice kernel,
        @Bindable(defaultValue = "1") @Min(1) @Max(64) int tfThreads,
        @Bindable(defaultValue = "true") boolean precomputeEmbeddings,
        @Bindable(defaultValue = "true") boolean resultCache,
        @Bindable(defaultValue = "10000") @Min(1) int resultCacheSize,
        @Bindable(defaultValue = "1000") @Min(0) int warmupRuns,
        @Bindable(defaultValue = "10s") @NotNull Duration warmupMaxDuration) {

    public enum EmbeddingSourceKind { EMBEDDED, TFSERVING }

    /** {@code POPULAR}: the most rated items, marked as a fallback; {@code NOT_FOUND}: a 404. */
    public enum UnknownUserPolicy { POPULAR, NOT_FOUND }
}
