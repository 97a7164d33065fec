package io.recommender.runtime.api;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** A request field the service cannot accept: a 400 naming the field. */
public class InvalidInputException extends HttpStatusException {
    private final String field;

    public InvalidInputException(String field, String message) {
        super(HttpStatus.BAD_REQUEST, message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
