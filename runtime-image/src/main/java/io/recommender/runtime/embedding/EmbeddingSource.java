package io.recommender.runtime.embedding;

import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.model.LoadedModel;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Where a user's embedding comes from: the user tower applied to the user's input row. */
public interface EmbeddingSource {
    /** {@code embedded} or {@code tfserving}, as in configuration and metrics. */
    String name();

    /**
     * Binds the source to a freshly verified bundle, and the model built from it, before it serves.
     *
     * @throws IncompatibleBundleException when this source cannot serve the bundle, saying why
     */
    void prepare(ModelBundle bundle, LoadedModel model);

    /**
     * The user tower's output for a known user: {@code input} is {@code model.userInput(user)}.
     *
     * @return the embedding (callers must not modify it), or an error of {@link EmbeddingUnavailableException}
     *     when the source cannot answer
     */
    Mono<float[]> embed(int user, float[] input);

    /**
     * The user tower's output for any input row (a row built per request from live features): always runs the
     * tower, never a value precomputed for the bundle's rows.
     */
    default Mono<float[]> embedRow(float[] input) {
        return embed(-1, input);
    }

    /** Empty when the source can answer now, else why not. */
    Mono<Optional<String>> unreadyReason();
}
