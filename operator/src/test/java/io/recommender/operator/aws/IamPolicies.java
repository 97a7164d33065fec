package io.recommender.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** Reads an IAM policy document for the least-privilege tests. */
final class IamPolicies {
    private IamPolicies() {}

    /** Every action any statement grants ("Action" as a string or a list). */
    static Set<String> granted(Path policy) throws IOException {
        Set<String> granted = new TreeSet<>();
        for (JsonNode statement : new ObjectMapper().readTree(policy.toFile()).path("Statement")) {
            JsonNode action = statement.path("Action");
            if (action.isArray()) {
                action.forEach(a -> granted.add(a.asText()));
            } else {
                granted.add(action.asText());
            }
        }
        return granted;
    }
}
