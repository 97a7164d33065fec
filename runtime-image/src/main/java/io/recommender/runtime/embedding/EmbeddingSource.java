package io.recommender.runtime.embedding;

import io.recommender.bundle.ModelBundle;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Where a user's embedding comes from: the user tower applied to the user's input row. */
public interface EmbeddingSource {
    /** {@code embedded} or {@code tfserving}, as in configuration and metrics. */
    String name();

    /**
     * Binds the source to a freshly verified bundle before it serves.
     *
     * @throws IncompatibleBundleException when this source cannot serve the bundle, saying why
     */
    void prepare(ModelBundle bundle);

    /**
     * The user tower's output for one input row.
     *
     * @return the embedding, or an error of {@link EmbeddingUnavailableException} when the source cannot answer
     */
    Mono<float[]> embed(float[] input);

    /** Empty when the source can answer now, else why not. */
    Mono<Optional<String>> unreadyReason();
}
