package io.recommender.runtime.model;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** No verified bundle is being served (still loading, or refused as corrupt or incompatible): a 503. */
public class ServiceNotReadyException extends HttpStatusException {
    public ServiceNotReadyException(String reason) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "the service is not ready: " + reason);
    }
}
