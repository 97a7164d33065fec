package io.recommender.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Conditions following Kubernetes conventions: a condition's lastTransitionTime changes only when its status
 * does, so re-deriving the same facts writes nothing new.
 */
public final class Conditions {
    private final List<Condition> conditions;
    private final String now;
    private final long generation;

    public Conditions(List<Condition> previous, Instant now, long generation) {
        this.conditions = previous == null ? new ArrayList<>() : new ArrayList<>(previous);
        this.now = now.toString();
        this.generation = generation;
    }

    public Conditions set(String type, String status, String reason, String message) {
        Optional<Condition> old = find(conditions, type);
        String since = old.filter(c -> c.getStatus().equals(status)).map(Condition::getLastTransitionTime).orElse(now);
        Condition c = new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(generation).build();
        old.ifPresentOrElse(o -> conditions.set(conditions.indexOf(o), c), () -> conditions.add(c));
        return this;
    }

    public Conditions setTrue(String type, String reason, String message) {
        return set(type, "True", reason, message);
    }

    public Conditions setFalse(String type, String reason, String message) {
        return set(type, "False", reason, message);
    }

    public Conditions setUnknown(String type, String reason, String message) {
        return set(type, "Unknown", reason, message);
    }

    /** Removes a condition that no longer applies (e.g. Trained for an artifact). */
    public Conditions remove(String type) {
        conditions.removeIf(c -> c.getType().equals(type));
        return this;
    }

    public List<Condition> list() {
        return List.copyOf(conditions);
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
