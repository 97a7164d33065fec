package io.recommender.runtime.api;

import com.fasterxml.jackson.core.JacksonException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Shapes every error answer Micronaut produces (bad JSON, conversion and validation failures, unknown routes,
 * oversized bodies, our own 404/503s) as {@code {"error": "...", "field": "..."}}, always JSON, whatever the
 * client accepts. A 5xx other than 503 never carries its cause's message: that goes to the log.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class JsonErrorProcessor implements ErrorResponseProcessor<ErrorBody> {
    static final String INTERNAL = "internal error";

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<ErrorBody>) response;
        }
        int status = response.code();
        String message;
        String field = null;
        if (status >= 500 && status != 503) {
            message = INTERNAL;
        } else if (context.getRootCause().orElse(null) instanceof InvalidInputException invalid) {
            message = invalid.getMessage();
            field = invalid.field();
        } else if (context.getRootCause().map(JsonErrorProcessor::jsonProblem).orElse(null) instanceof JacksonException json) {
            message = "malformed JSON body: " + json.getOriginalMessage();
        } else if (context.hasErrors()) {
            message = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
            field = context.getErrors().get(0).getPath().orElse(null);
        } else {
            message = response.reason();
        }
        return ((MutableHttpResponse<ErrorBody>) response)
                .body(new ErrorBody(message, field))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The JSON parser's complaint behind a binding failure, if that is what it was. */
    private static Throwable jsonProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException) {
                return t;
            }
        }
        return e;
    }
}
