package io.recommender.runtime.model;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** A user the model does not know, where configuration asks for a 404 instead of popular items. */
public class UnknownUserException extends HttpStatusException {
    public UnknownUserException(int userId) {
        super(HttpStatus.NOT_FOUND, "unknown user " + userId);
    }
}
