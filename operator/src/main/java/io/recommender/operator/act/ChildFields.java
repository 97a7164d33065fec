package io.recommender.operator.act;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a field of an owned object, as the API server names it when refusing the object, back to the Recommender's
 * field it was made from, so that a refusal names what the user wrote. Returns null where no field maps.
 */
public final class ChildFields {
    private ChildFields() {}

    private record Rule(Pattern child, String recommender) {}

    private static final String POD = "spec\\.template\\.spec\\.";
    private static final List<Rule> TRAINING_JOB = List.of(
            new Rule(Pattern.compile(POD + "tolerations(\\[\\d+])?(.*)"), "spec.model.training.tolerations"),
            new Rule(Pattern.compile(POD + "nodeSelector(.*)"), "spec.model.training.nodeSelector"),
            new Rule(Pattern.compile(POD + "(?:initContainers|containers)\\[\\d+]\\.resources(.*)"),
                    "spec.model.training.resources"),
            new Rule(Pattern.compile(POD + "(?:initContainers|containers)\\[\\d+]\\.image"), "spec.model.training.image"),
            new Rule(Pattern.compile(POD + "(?:initContainers|containers)\\[\\d+]\\.args.*"), "spec.model.training"));
    private static final List<Rule> GATE_JOB = List.of(
            new Rule(Pattern.compile(POD + "containers\\[\\d+]\\.args.*"), "spec.slo"),
            new Rule(Pattern.compile("spec\\.activeDeadlineSeconds"), "spec.slo"));
    private static final List<Rule> DEPLOYMENT = List.of(
            new Rule(Pattern.compile("spec\\.replicas"), "spec.serving.replicas"),
            new Rule(Pattern.compile(POD + "containers\\[\\d+]\\.ports(.*)"), "spec.serving.port"),
            new Rule(Pattern.compile(POD + "imagePullSecrets(.*)"), "spec.registry"));
    private static final List<Rule> SERVICE = List.of(
            new Rule(Pattern.compile("spec\\.ports(.*)"), "spec.serving.port"));
    private static final Pattern CONTAINER_RESOURCES =
            Pattern.compile(POD + "containers\\[(\\d+)]\\.resources(.*)");
    private static final Pattern CONTAINER_IMAGE = Pattern.compile(POD + "containers\\[(\\d+)]\\.image");

    /**
     * @param kind the owned object's kind (Job, Deployment, Service, ...)
     * @param name the owned object's name
     * @param recommender the Recommender's name
     * @param childField the field the API server named, e.g. {@code spec.template.spec.tolerations[0].operator}
     */
    public static String map(String kind, String name, String recommender, String childField) {
        if (childField == null || childField.isBlank()) {
            return null;
        }
        if (childField.startsWith("metadata.name")) {
            return "metadata.name";
        }
        switch (kind == null ? "" : kind) {
            case "Job" -> {
                return first(name != null && name.startsWith(recommender + "-gate-") ? GATE_JOB : TRAINING_JOB, childField);
            }
            case "Deployment" -> {
                boolean tfServingOnly = name != null && name.endsWith("-tfserving");
                Matcher m = CONTAINER_RESOURCES.matcher(childField);
                if (m.matches()) {
                    // The recommender container comes first; TensorFlow Serving is second in one pod, alone in its own.
                    boolean tfServing = tfServingOnly || Integer.parseInt(m.group(1)) > 0;
                    return (tfServing ? "spec.serving.tfServingResources" : "spec.serving.resources") + m.group(2);
                }
                m = CONTAINER_IMAGE.matcher(childField);
                if (m.matches()) {
                    boolean tfServing = tfServingOnly || Integer.parseInt(m.group(1)) > 0;
                    return tfServing ? "spec.serving.tfServingImage" : "spec.serving.image";
                }
                return first(DEPLOYMENT, childField);
            }
            case "Service" -> {
                return first(SERVICE, childField);
            }
            default -> {
                return null;
            }
        }
    }

    private static String first(List<Rule> rules, String childField) {
        for (Rule rule : rules) {
            Matcher m = rule.child().matcher(childField);
            if (m.matches()) {
                StringBuilder field = new StringBuilder(rule.recommender());
                for (int g = 1; g <= m.groupCount(); g++) {
                    if (m.group(g) != null) {
                        field.append(m.group(g));
                    }
                }
                return field.toString();
            }
        }
        return null;
    }
}
