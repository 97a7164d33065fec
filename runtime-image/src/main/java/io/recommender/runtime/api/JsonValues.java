package io.recommender.runtime.api;

import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;

/** Strict reading of JSON numbers for request bodies, and what to call a value of the wrong kind in a 400. */
public final class JsonValues {
    private JsonValues() {}

    /** A whole number as the parser gives it: never a double, even one like {@code 1.0}. */
    public static boolean isIntegral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof BigInteger || n instanceof Short
                || n instanceof Byte;
    }

    /** The kind of {@code node}, in words, for a message saying what was sent instead of a whole number. */
    public static String describe(JsonNode node) {
        if (node.isString()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a number with a fraction";
    }
}
