package io.recommender.operator.naming;

import io.recommender.api.v1alpha1.Recommender;

/**
 * Names of owned objects, derived from the Recommender's name (at most 40 characters, checked by the
 * CRD) and spec hashes, so that a restarted operator finds what it created instead of creating it again.
 */
public final class Names {
    private Names() {}

    /** The recommender Deployment and Service of a role: {@code <name>} and {@code <name>-candidate}. */
    public static String recommender(Recommender r, Role role) {
        return role == Role.STABLE ? r.getMetadata().getName() : r.getMetadata().getName() + "-candidate";
    }

    /** TensorFlow Serving's Deployment and Service of a role (two-pod topology). */
    public static String tfServing(Recommender r, Role role) {
        return recommender(r, role) + "-tfserving";
    }

    /** The ConfigMap that hands the recommender its TensorFlow Serving address. */
    public static String servingConfig(Recommender r, Role role) {
        return recommender(r, role) + "-serving";
    }

    public static String serviceAccount(Recommender r) {
        return r.getMetadata().getName() + "-serving";
    }

    /** The docker-config Secret the operator keeps for an ECR Recommender's pushes and pulls. */
    public static String registryCredentials(Recommender r) {
        return r.getMetadata().getName() + "-registry";
    }

    public static String trainingJob(Recommender r, String trainingHash) {
        return r.getMetadata().getName() + "-train-" + trainingHash;
    }

    /** The feature store's initial load, named from what it loads where, so it runs once per change. */
    public static String featureLoadJob(Recommender r, String loadHash) {
        return r.getMetadata().getName() + "-features-" + loadHash;
    }

    /** The gate Job's init container that writes the candidate's users (GateJobs), named in its failures. */
    public static final String GATE_USERS_CONTAINER = "users";

    /** One gate Job per version and retry, so a retry runs a fresh load test. */
    public static String gateJob(Recommender r, String specHash, String retryToken) {
        String base = r.getMetadata().getName() + "-gate-" + specHash;
        return retryToken == null ? base : base + "-" + SpecHashes.shortHash(retryToken);
    }
}
