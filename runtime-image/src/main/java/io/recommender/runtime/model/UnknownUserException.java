package io.recommender.runtime.model;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** A user the model does not know, where configuration asks for a 404 or there are no popular items to answer. */
public class UnknownUserException extends HttpStatusException {
    public UnknownUserException(int userId) {
        super(HttpStatus.NOT_FOUND, "unknown user " + userId);
    }

    /** @param why why there is no fallback for a user the model does not know */
    public UnknownUserException(int userId, String why) {
        super(HttpStatus.NOT_FOUND, "unknown user " + userId + ": " + why);
    }
}
