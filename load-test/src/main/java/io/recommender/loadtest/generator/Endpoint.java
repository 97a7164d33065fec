package io.recommender.loadtest.generator;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The recommender endpoints a load can call, with how a request is built and how its answer is judged.
 */
public enum Endpoint {

    /** {@code POST /predict {"uid": 42}} answering {@code {"Recommended": [...]}}, the reference service's shape. */
    PREDICT("POST", "/predict") {
        @Override
        String path(long userId) {
            return "/predict";
        }

        @Override
        boolean pathNamesTheUser() {
            return false;
        }

        @Override
        byte[] body(long userId) {
            return ("{\"uid\": " + userId + "}").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        String checkBody(byte[] body) {
            return contains(body, RECOMMENDED_KEY) ? null : "answer without \"Recommended\"";
        }
    },

    /** {@code GET /v1/recommendations/{userId}?k=10}. */
    RECOMMENDATIONS("GET", "/v1/recommendations/{userId}") {
        @Override
        String path(long userId) {
            return "/v1/recommendations/" + userId + "?k=10";
        }

        @Override
        boolean pathNamesTheUser() {
            return true;
        }

        @Override
        byte[] body(long userId) {
            return null;
        }

        @Override
        String checkBody(byte[] body) {
            return null;
        }
    };

    private static final byte[] RECOMMENDED_KEY = "\"Recommended\"".getBytes(StandardCharsets.US_ASCII);

    private final String method;
    private final String pathTemplate;

    Endpoint(String method, String pathTemplate) {
        this.method = method;
        this.pathTemplate = pathTemplate;
    }

    public String method() {
        return method;
    }

    /** The path with the user id as a placeholder: the name Locust files its stats under. */
    public String pathTemplate() {
        return pathTemplate;
    }

    /** How Locust would name the request, e.g. "GET /v1/recommendations/{userId}". */
    public String statsName() {
        return method + " " + pathTemplate;
    }

    /** The command-line and report name, e.g. "predict". */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Endpoint fromCliName(String name) {
        for (Endpoint endpoint : values()) {
            if (endpoint.cliName().equals(name)) {
                return endpoint;
            }
        }
        throw new IllegalArgumentException("unknown endpoint " + name + ", expected predict or recommendations");
    }

    /** Path and query of the request for a user. */
    abstract String path(long userId);

    /** Whether {@link #path} differs from user to user. */
    abstract boolean pathNamesTheUser();

    /** JSON request body, or null for none. */
    abstract byte[] body(long userId);

    /** Why a 2xx answer's body is not a valid answer, or null when it is. */
    abstract String checkBody(byte[] body);

    /** Why an answer is a failure, or null when it is a success. */
    String judge(int status, byte[] body) {
        if (status < 200 || status > 299) {
            return "HTTP " + status;
        }
        return checkBody(body);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
