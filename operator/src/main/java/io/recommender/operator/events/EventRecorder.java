package io.recommender.operator.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits a Kubernetes Event for each condition that changed status or reason, so `kubectl describe` tells
 * the pipeline's story; nothing is emitted while nothing changes.
 */
public final class EventRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final Set<String> BAD_WHEN_FALSE = Set.of(ConditionTypes.READY, ConditionTypes.TRAINED,
            ConditionTypes.LATENCY_VERIFIED, ConditionTypes.GPU_CAPACITY, ConditionTypes.SCHEDULED);

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void recordTransitions(Recommender r, List<Condition> before, List<Condition> after) {
        for (Condition c : after) {
            Condition old = Conditions.find(before, c.getType()).orElse(null);
            if (old != null && Objects.equals(old.getStatus(), c.getStatus()) && Objects.equals(old.getReason(), c.getReason())) {
                continue;
            }
            if (old == null && "False".equals(c.getStatus()) && !BAD_WHEN_FALSE.contains(c.getType())) {
                continue;
            }
            emit(r, warning(c) ? "Warning" : "Normal", c.getReason(), c.getType() + ": " + c.getMessage());
        }
    }

    private static boolean warning(Condition c) {
        return ConditionTypes.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus())
                || "False".equals(c.getStatus()) && (ConditionTypes.TRAINED.equals(c.getType())
                        && !"TrainingInProgress".equals(c.getReason())
                        || ConditionTypes.LATENCY_VERIFIED.equals(c.getType())
                        || ConditionTypes.GPU_CAPACITY.equals(c.getType()) && !"ScalingUp".equals(c.getReason())
                        || ConditionTypes.SCHEDULED.equals(c.getType())
                        || ConditionTypes.FEATURES_READY.equals(c.getType()) && !"Loading".equals(c.getReason()));
    }

    void emit(Recommender r, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(r.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(r.getMetadata().getName() + ".").endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(r.getApiVersion())
                            .withKind(r.getKind()).withName(r.getMetadata().getName())
                            .withNamespace(r.getMetadata().getNamespace()).withUid(r.getMetadata().getUid()).build())
                    .withType(type).withReason(reason).withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("recommender-operator").endSource()
                    .withReportingComponent("recommender-operator")
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An Event is a courtesy: failing to record one must not fail the reconcile.
            LOG.warn("could not record event {} for {}/{}: {}", reason, r.getMetadata().getNamespace(),
                    r.getMetadata().getName(), e.getMessage());
        }
    }
}
