package io.recommender.runtime.api;

import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;

/**
 * Reads the reference service's {@code {"uid": <int>}} body strictly: lenient binding would turn
 * {@code 1.5}, {@code true} or {@code [1]} into a user id, and clients sending those have a bug worth a 400.
 */
final class PredictRequests {
    private PredictRequests() {}

    static int uid(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("uid", "the body must be a JSON object like {\"uid\": 1}");
        }
        JsonNode uid = body.get("uid");
        if (uid == null || uid.isNull()) {
            throw new InvalidInputException("uid", "uid is required");
        }
        if (!uid.isNumber() || !JsonValues.isIntegral(uid.getNumberValue())) {
            throw new InvalidInputException("uid", "uid must be an integer, got " + JsonValues.describe(uid));
        }
        Number n = uid.getNumberValue();
        if (n instanceof BigInteger || n.longValue() != n.intValue()) {
            throw new InvalidInputException("uid", "uid is out of range (" + Integer.MIN_VALUE + ".." + Integer.MAX_VALUE + ")");
        }
        return n.intValue();
    }
}
