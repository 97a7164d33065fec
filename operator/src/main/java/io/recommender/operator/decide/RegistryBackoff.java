package io.recommender.operator.decide;

import io.fabric8.kubernetes.api.model.Condition;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How long to wait before trying a failing registry again: as long as it has been failing (since ImagesReady
 * turned False), so the wait doubles with each attempt, within bounds. Status holds the start, so a restarted
 * operator keeps the pace.
 */
final class RegistryBackoff {
    /** Shortest and longest wait before retrying a registry. */
    static final Duration MIN = Duration.ofSeconds(30);
    static final Duration MAX = Duration.ofMinutes(10);

    private RegistryBackoff() {}

    /** The wait after a failure at {@code failedAt} of a registry failing since {@code since}. */
    static Duration of(Instant since, Instant failedAt) {
        Duration failing = Duration.between(since, failedAt);
        return failing.compareTo(MIN) < 0 ? MIN : failing.compareTo(MAX) > 0 ? MAX : failing;
    }

    /** The wait after a failure seen now. */
    static Duration of(Conditions c, Instant now) {
        return of(falseSince(c.list(), now), now);
    }

    /** When ImagesReady turned False; {@code otherwise} when it is not False. */
    static Instant falseSince(List<Condition> conditions, Instant otherwise) {
        return Conditions.find(conditions, ConditionTypes.IMAGES_READY)
                .filter(x -> "False".equals(x.getStatus()) && x.getLastTransitionTime() != null)
                .map(x -> Instant.parse(x.getLastTransitionTime())).orElse(otherwise);
    }
}
