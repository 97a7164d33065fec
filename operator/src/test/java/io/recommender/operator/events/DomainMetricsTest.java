package io.recommender.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.status.ConditionTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DomainMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DomainMetrics metrics = new DomainMetrics(registry);

    static Condition condition(String type, String status, String reason, String at) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("")
                .withLastTransitionTime(at).build();
    }

    static ModelVersion version(String v, String image) {
        return new ModelVersion(v, 1L, "h", "t", Topology.OnePod, "recommender", image, "tf@sha256:1", null, null,
                null);
    }

    static RecommenderStatus status(Phase phase, ModelVersion stable, List<ModelVersion> history,
            Condition... conditions) {
        return new RecommenderStatus(1L, phase, List.of(conditions), stable, null, null, history, null, null);
    }

    double counter(String name, String... tags) {
        var c = registry.find("recommender.operator." + name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void gateVerdictsTrainingDurationsPromotionsAndRollbacksAreCountedOncePerTransition() {
        RecommenderStatus training = status(Phase.Training, null, null,
                condition(ConditionTypes.TRAINED, "False", "TrainingInProgress", "2026-12-07T07:00:00Z"));
        RecommenderStatus trained = status(Phase.Verifying, null, null,
                condition(ConditionTypes.TRAINED, "True", "Trained", "2026-12-07T07:01:30Z"),
                condition(ConditionTypes.LATENCY_VERIFIED, "Unknown", "LoadTestRunning", "2026-12-07T07:01:30Z"));
        ModelVersion v1 = version("1", "img@sha256:1");
        RecommenderStatus promoted = status(Phase.Ready, v1, null,
                condition(ConditionTypes.TRAINED, "True", "Trained", "2026-12-07T07:01:30Z"),
                condition(ConditionTypes.LATENCY_VERIFIED, "True", "SloMet", "2026-12-07T07:02:00Z"));

        metrics.record(null, training);
        metrics.record(training, trained);
        metrics.record(trained, promoted);
        metrics.record(promoted, promoted);

        var durations = registry.find("recommender.operator.training.seconds").tag("outcome", "trained").summary();
        assertThat(durations.count()).isEqualTo(1);
        assertThat(durations.totalAmount()).isEqualTo(90.0);
        assertThat(counter("gate.verdicts", "verdict", "passed")).isEqualTo(1);
        assertThat(counter("promotions")).isEqualTo(1);

        // A second version refused by the gate: a failed verdict, nothing promoted.
        RecommenderStatus refused = status(Phase.Ready, v1, null,
                condition(ConditionTypes.LATENCY_VERIFIED, "False", "SloNotMet", "2026-12-07T07:10:00Z"));
        metrics.record(promoted, refused);
        assertThat(counter("gate.verdicts", "verdict", "failed", "reason", "SloNotMet")).isEqualTo(1);

        // v2 promoted, then v1 from history again: by the spec (a pin), then after v2 again by the live analysis.
        ModelVersion v2 = version("2", "img@sha256:2");
        RecommenderStatus second = status(Phase.Ready, v2, List.of(v1));
        metrics.record(refused, second);
        RecommenderStatus pinned = status(Phase.Ready, v1, List.of(v2));
        metrics.record(second, pinned);
        RecommenderStatus third = status(Phase.Ready, v2, List.of(v1));
        metrics.record(pinned, third);
        RecommenderStatus rolledBack = new RecommenderStatus(1L, Phase.Ready, List.of(), v1, null, null, List.of(),
                null, null, null, null, new RecommenderStatus.AnalysisStatus("2", "t", "t", 3, 2, "RolledBack", ""));
        metrics.record(third, rolledBack);

        assertThat(counter("promotions")).isEqualTo(2);
        assertThat(counter("rollbacks", "trigger", "spec")).isEqualTo(2);
        assertThat(counter("rollbacks", "trigger", "analysis")).isEqualTo(1);
    }

    @Test
    void recommendersAreCountedByPhaseFromTheCache() {
        List<Recommender> cached = new ArrayList<>();
        for (Phase p : List.of(Phase.Ready, Phase.Ready, Phase.Failed)) {
            Recommender r = new Recommender();
            r.setStatus(status(p, null, null));
            cached.add(r);
        }
        cached.add(new Recommender());
        assertThat(registry.get("recommender.operator.recommenders").tag("phase", "Ready").gauge().value()).isZero();

        metrics.countFrom(new ListCache(cached));

        assertThat(registry.get("recommender.operator.recommenders").tag("phase", "Ready").gauge().value()).isEqualTo(2);
        assertThat(registry.get("recommender.operator.recommenders").tag("phase", "Failed").gauge().value()).isEqualTo(1);
        assertThat(registry.get("recommender.operator.recommenders").tag("phase", "Pending").gauge().value()).isEqualTo(1);
        cached.remove(0);
        assertThat(registry.get("recommender.operator.recommenders").tag("phase", "Ready").gauge().value()).isEqualTo(1);
    }

    record ListCache(List<Recommender> items) implements Cache<Recommender> {
        @Override
        public Optional<Recommender> get(ResourceID id) {
            return Optional.empty();
        }

        @Override
        public Stream<ResourceID> keys() {
            return Stream.empty();
        }

        @Override
        public Stream<Recommender> list(Predicate<Recommender> predicate) {
            return items.stream().filter(predicate);
        }
    }
}
