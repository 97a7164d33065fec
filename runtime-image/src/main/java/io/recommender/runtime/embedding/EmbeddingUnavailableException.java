package io.recommender.runtime.embedding;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** The embedding source could not answer (model server down, slow, failing or missing the model): a 503. */
public class EmbeddingUnavailableException extends HttpStatusException {
    public EmbeddingUnavailableException(String message) {
        super(HttpStatus.SERVICE_UNAVAILABLE, message);
    }
}
