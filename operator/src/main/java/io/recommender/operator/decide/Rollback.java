package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.naming.SpecHashes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A version served before, served again without training: the one {@code spec.model.pinnedVersion} names (from the
 * stable version or history), or, without a pin, the newest one in history promoted under exactly the current
 * spec (a spec edit undone, a pin removed). Such a version passed the latency gate under its topology, SLO and
 * feature store, so it is promoted at once when the spec's are the same; otherwise it is a candidate and is gated.
 *
 * @param version the version to serve, stamped with the current spec's hash and generation; null when none
 * @param served the entry of the stable version or history it was found as (a version is one model under one spec)
 * @param promoteNow whether it replaces the stable version without a new load test
 * @param refusal why the pin cannot be served (it names no known version), else null
 */
record Rollback(ModelVersion version, ModelVersion served, boolean promoteNow, String refusal) {
    static final Rollback NONE = new Rollback(null, null, false, null);

    static Rollback of(Recommender r, Plan plan, List<ModelVersion> history, long generation) {
        String pin = r.getSpec().model().pinnedVersion();
        ModelVersion stable = plan.stable();
        ModelVersion found;
        if (pin != null) {
            // The same model may have served under several topologies: the newest under the spec's topology first.
            List<ModelVersion> served = new ArrayList<>();
            if (stable != null) {
                served.add(stable);
            }
            served.addAll(history);
            List<ModelVersion> named = served.stream().filter(v -> pin.equals(v.modelVersion())).toList();
            if (named.isEmpty()) {
                return new Rollback(null, null, false, "spec.model.pinnedVersion: version " + pin + " is not one this "
                        + "Recommender served; known versions: " + known(stable, history));
            }
            found = named.stream().filter(v -> v.topology() == r.getSpec().topology()).findFirst()
                    .orElse(named.get(0));
        } else {
            // Promoted under this spec, and (for a trained model) from this spec's training or scheduled run.
            found = history.stream().filter(v -> plan.versionHash().equals(v.specHash())
                    && Objects.equals(plan.trainingHash(), v.trainingHash())).findFirst().orElse(null);
            if (found == null) {
                return NONE;
            }
        }
        ModelVersion.FeatureStoreRef features = FeatureStore.versionFeatures(r);
        ModelVersion stamped = new ModelVersion(found.modelVersion(), generation, plan.versionHash(),
                found.trainingHash(), r.getSpec().topology(), found.modelName(), found.image(), found.tfServingImage(),
                found.metrics(), null, features, found.sloHash());
        // Verified as it would serve now: the same topology, SLO and feature store.
        boolean verified = found.topology() == r.getSpec().topology()
                && SpecHashes.slo(r.getSpec()).equals(found.sloHash()) && Objects.equals(found.features(), features);
        return new Rollback(stamped, found, verified, null);
    }

    private static String known(ModelVersion stable, List<ModelVersion> history) {
        List<String> names = new ArrayList<>();
        if (stable != null) {
            names.add(stable.modelVersion() + " (stable)");
        }
        history.forEach(v -> names.add(v.modelVersion()));
        return names.isEmpty() ? "none yet" : String.join(", ", names);
    }

    /** History without the entry that leaves it to serve again. */
    static List<ModelVersion> without(List<ModelVersion> history, ModelVersion entry) {
        return history.stream().filter(h -> !h.equals(entry)).toList();
    }
}
