package io.recommender.runtime.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Shapes every error answer Micronaut produces (bad JSON, conversion and validation failures, unknown routes,
 * oversized bodies, our own 404/503s) as {@code {"error": "...", "field": "..."}}, always JSON, whatever the
 * client accepts. Messages say what was wrong in the client's terms (the parameter, what it must be, what was
 * sent; where the JSON breaks), never the parser's or the framework's wording. A 5xx other than 503 never carries
 * its cause's message: that goes to the log.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class JsonErrorProcessor implements ErrorResponseProcessor<ErrorBody> {
    static final String INTERNAL = "internal error";
    /** Longest part of a bad value quoted back to the client. */
    static final int QUOTE_LIMIT = 40;

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<ErrorBody>) response;
        }
        int status = response.code();
        String message;
        String field = null;
        Throwable cause = context.getRootCause().orElse(null);
        if (status >= 500 && status != 503) {
            message = INTERNAL;
        } else if (cause instanceof InvalidInputException invalid) {
            message = invalid.getMessage();
            field = invalid.field();
        } else if (jsonProblem(cause) instanceof JacksonException json) {
            message = malformedJson(json);
        } else if (cause instanceof ConversionErrorException conversion) {
            field = conversion.getArgument().getName();
            message = wrongType(conversion.getArgument(), conversion.getConversionError().getOriginalValue().orElse(null));
        } else if (context.hasErrors()) {
            Error first = context.getErrors().get(0);
            field = first.getPath().map(JsonErrorProcessor::lastSegment).orElse(null);
            message = context.getErrors().stream().map(JsonErrorProcessor::inWords).collect(Collectors.joining("; "));
        } else {
            message = response.reason();
        }
        return ((MutableHttpResponse<ErrorBody>) response)
                .body(new ErrorBody(message, field))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** Where the JSON breaks, and what a good body looks like; not the parser's own message. */
    static String malformedJson(JacksonException json) {
        JsonLocation at = json.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : String.format(Locale.ROOT, " (line %d, column %d)", at.getLineNr(), at.getColumnNr());
        return "the body is not valid JSON" + where + ": send an object like {\"uid\": 1}";
    }

    /** "userId must be a whole number ..., got "abc"". */
    static String wrongType(Argument<?> argument, Object value) {
        Class<?> type = argument.getType();
        String expected;
        if (type == int.class || type == Integer.class) {
            expected = "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        } else if (type == long.class || type == Long.class) {
            expected = "a whole number";
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            expected = "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            expected = "true or false";
        } else {
            expected = "a " + type.getSimpleName();
        }
        return argument.getName() + " must be " + expected + (value == null ? "" : ", got " + quote(value.toString()));
    }

    /** A validation error as "k must be greater than or equal to 1", without the method's name in front. */
    private static String inWords(Error e) {
        String message = e.getMessage();
        String path = e.getPath().orElse(null);
        if (path != null && message.startsWith(path + ": ")) {
            return lastSegment(path) + " " + message.substring(path.length() + 2);
        }
        int colon = message.indexOf(": ");
        if (path == null && colon > 0 && message.substring(0, colon).matches("[\\w.\\[\\]<>]+")) {
            return lastSegment(message.substring(0, colon)) + " " + message.substring(colon + 2);
        }
        return message;
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    static String quote(String value) {
        String v = value.length() > QUOTE_LIMIT ? value.substring(0, QUOTE_LIMIT) + "..." : value;
        return "\"" + v.replaceAll("\\p{Cntrl}", "?") + "\"";
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
