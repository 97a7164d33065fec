package io.recommender.operator.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator's own metrics, next to java-operator-sdk's, read from what each reconcile decided (the status before
 * and after, as {@link EventRecorder} reads it): Recommenders by phase (from the operator's cache, so a deleted one
 * leaves the count), latency gate verdicts, training durations, promotions and rollbacks. Names start with
 * {@code recommender_operator_} in Prometheus; no label holds a Recommender's name, so the series stay few however
 * many Recommenders there are.
 */
public final class DomainMetrics {
    static final String PREFIX = "recommender.operator.";

    private final MeterRegistry registry;
    private final AtomicReference<Cache<Recommender>> recommenders = new AtomicReference<>();

    public DomainMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Phase phase : Phase.values()) {
            Gauge.builder(PREFIX + "recommenders", recommenders, cache -> count(cache.get(), phase))
                    .description("Recommenders by phase, as the operator last wrote it (no phase yet: Pending)")
                    .tag("phase", phase.name())
                    .register(registry);
        }
    }

    /** Metrics that go nowhere: for tests and tools that run a reconciler without a registry. */
    public static DomainMetrics none() {
        return new DomainMetrics(new CompositeMeterRegistry());
    }

    /** Where the phases are counted from: the controller's cache of Recommenders, handed over by a reconcile. */
    public void countFrom(Cache<Recommender> cache) {
        recommenders.compareAndSet(null, cache);
    }

    /** One reconcile's outcome: what changed between the status it read and the one it wrote. */
    public void record(RecommenderStatus before, RecommenderStatus after) {
        if (after == null) {
            return;
        }
        List<Condition> was = before == null ? null : before.conditions();
        Condition gate = changed(was, after.conditions(), ConditionTypes.LATENCY_VERIFIED);
        if (gate != null && ("SloMet".equals(gate.getReason()) || "SloNotMet".equals(gate.getReason())
                || "LoadTestFailed".equals(gate.getReason()))) {
            Counter.builder(PREFIX + "gate.verdicts")
                    .description("Latency gate verdicts on candidate versions: passed, or failed (the SLO missed or "
                            + "no usable report)")
                    .tag("verdict", "SloMet".equals(gate.getReason()) ? "passed" : "failed")
                    .tag("reason", gate.getReason())
                    .register(registry).increment();
        }
        Condition trained = changed(was, after.conditions(), ConditionTypes.TRAINED);
        Condition started = Conditions.find(was, ConditionTypes.TRAINED)
                .filter(c -> "TrainingInProgress".equals(c.getReason())).orElse(null);
        if (trained != null && started != null && ("Trained".equals(trained.getReason())
                || "TrainingFailed".equals(trained.getReason()))) {
            Duration took = between(started.getLastTransitionTime(), trained.getLastTransitionTime());
            if (took != null) {
                DistributionSummary.builder(PREFIX + "training.seconds")
                        .description("How long training Jobs took, from the operator starting one to its result")
                        .baseUnit("seconds")
                        .tag("outcome", "Trained".equals(trained.getReason()) ? "trained" : "failed")
                        .register(registry).record(took.toMillis() / 1000.0);
            }
        }
        ModelVersion was_ = before == null ? null : before.stable();
        ModelVersion now = after.stable();
        if (now != null && !sameVersion(was_, now)) {
            boolean servedBefore = was_ != null && before.history() != null
                    && before.history().stream().anyMatch(h -> sameVersion(h, now));
            if (servedBefore) {
                boolean analysis = after.analysis() != null && "RolledBack".equals(after.analysis().verdict());
                Counter.builder(PREFIX + "rollbacks")
                        .description("A version from history serving again: by the live analysis after promotion, "
                                + "or by the spec (a pin, an edit undone)")
                        .tag("trigger", analysis ? "analysis" : "spec")
                        .register(registry).increment();
            } else {
                Counter.builder(PREFIX + "promotions")
                        .description("A version serving that did not serve before")
                        .register(registry).increment();
            }
        }
    }

    private static boolean sameVersion(ModelVersion a, ModelVersion b) {
        return a != null && b != null && Objects.equals(a.modelVersion(), b.modelVersion())
                && Objects.equals(a.image(), b.image()) && Objects.equals(a.topology(), b.topology());
    }

    /** The condition of that type when its status or reason differs from before, else null. */
    private static Condition changed(List<Condition> before, List<Condition> after, String type) {
        Condition now = Conditions.find(after, type).orElse(null);
        if (now == null) {
            return null;
        }
        Condition old = Conditions.find(before, type).orElse(null);
        return old != null && Objects.equals(old.getStatus(), now.getStatus())
                && Objects.equals(old.getReason(), now.getReason()) ? null : now;
    }

    private static Duration between(String from, String to) {
        try {
            Duration d = Duration.between(Instant.parse(from), Instant.parse(to));
            return d.isNegative() ? null : d;
        } catch (DateTimeParseException | NullPointerException e) {
            return null;
        }
    }

    private static double count(Cache<Recommender> cache, Phase phase) {
        if (cache == null) {
            return 0;
        }
        return cache.list(r -> (r.getStatus() == null || r.getStatus().phase() == null ? Phase.Pending
                : r.getStatus().phase()) == phase).count();
    }
}
