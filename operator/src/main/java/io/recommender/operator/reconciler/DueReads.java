package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Analysis;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.decide.Schedule;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Role;
import io.recommender.operator.observe.DatasetFingerprints;
import io.recommender.operator.observe.LiveMetrics;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.serving.ServingObjects;
import java.time.Instant;
import java.util.List;

/**
 * The observations made only when the decision will need them, outside the cluster's objects: a training
 * schedule's dataset fingerprint when a tick is due, the stable pods' metrics when a live analysis interval is.
 */
final class DueReads {
    private final DatasetFingerprints fingerprints = new DatasetFingerprints();
    private final LiveMetrics liveMetrics;

    DueReads(LiveMetrics liveMetrics) {
        this.liveMetrics = liveMetrics;
    }

    Observation add(Recommender r, Plan plan, Context<Recommender> context, Observation seen, Instant now) {
        if (Schedule.fingerprintWanted(r.getSpec(), plan.status().schedule(), now)) {
            seen = seen.withDataset(fingerprints.read(r.getSpec().model().training().dataset()));
        }
        String uid = r.getMetadata().getUid();
        if (plan.status().analysis() == null || !Analysis.running(plan.status().analysis())) {
            liveMetrics.forget(uid);
        } else if (plan.serving() && Analysis.due(plan.status().analysis(), plan.stable(), now)) {
            List<Pod> pods = context.getClient().pods().inNamespace(r.getMetadata().getNamespace())
                    .withLabels(Labels.selector(r, Labels.RECOMMENDER, Role.STABLE)).list().getItems();
            seen = seen.withLive(liveMetrics.window(uid, pods, ServingObjects.port(r)));
        }
        return seen;
    }
}
