package io.recommender.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The ECR lifecycle policy that keeps a repository's last N model versions. A version is two images, tagged
 * {@code <version>-recommender} and {@code <version>-tfserving}, and ECR counts images, not versions: one rule
 * per suffix keeps the newest N of each, which are the same N versions because both are pushed by the same
 * packaging run. (A single rule over both would keep N images, N/2 versions.) An image matched by a rule is
 * never expired by a later one, so the rules do not interfere; untagged images (none are pushed) expire after a
 * day. Rejected candidates are pushed too and count in those N, so promoted versions are marked with a second tag
 * ({@link #PROMOTED}) that the first two rules select: the newest N + 1 promoted versions (the stable one and a
 * history of N) are kept however many candidates were refused since.
 */
public final class LifecyclePolicy {
    /** Prefix of the rule descriptions: how the operator recognises a policy it wrote. */
    static final String MARK = "recommender-operator:";
    /** Suffix of the tags that mark a promoted version's images: {@code <version>-recommender-promoted}. */
    public static final String PROMOTED = "-promoted";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LifecyclePolicy() {}

    public static String keepingVersions(int versions) {
        List<Map<String, Object>> rules = List.of(
                rule(1, MARK + " keep the last " + (versions + 1) + " promoted recommender images",
                        "*-recommender" + PROMOTED, versions + 1),
                rule(2, MARK + " keep the last " + (versions + 1) + " promoted TensorFlow Serving images",
                        "*-tfserving" + PROMOTED, versions + 1),
                rule(3, MARK + " keep the last " + versions + " recommender images", "*-recommender", versions),
                rule(4, MARK + " keep the last " + versions + " TensorFlow Serving images", "*-tfserving", versions),
                Map.of("rulePriority", 5, "description", MARK + " expire untagged images",
                        "selection", Map.of("tagStatus", "untagged", "countType", "sinceImagePushed",
                                "countUnit", "days", "countNumber", 1),
                        "action", Map.of("type", "expire")));
        try {
            return JSON.writeValueAsString(Map.of("rules", rules));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> rule(int priority, String description, String pattern, int count) {
        return Map.of("rulePriority", priority, "description", description,
                "selection", Map.of("tagStatus", "tagged", "tagPatternList", List.of(pattern),
                        "countType", "imageCountMoreThan", "countNumber", count),
                "action", Map.of("type", "expire"));
    }

    /** The policy was written by the operator (every rule carries its mark). */
    public static boolean isOurs(String policyText) {
        JsonNode rules = parse(policyText).path("rules");
        if (!rules.isArray() || rules.isEmpty()) {
            return false;
        }
        for (JsonNode rule : rules) {
            if (!rule.path("description").asText("").startsWith(MARK)) {
                return false;
            }
        }
        return true;
    }

    /** Equal as JSON: ECR may hand the text back re-serialised. */
    public static boolean same(String a, String b) {
        return parse(a).equals(parse(b));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
