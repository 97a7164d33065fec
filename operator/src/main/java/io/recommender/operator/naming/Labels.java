package io.recommender.operator.naming;

import io.recommender.api.v1alpha1.Recommender;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on everything the operator creates; Services select pods by them. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String ROLE = "recommender.io/role";
    public static final String SPEC_HASH = "recommender.io/spec-hash";
    public static final String MANAGER = "recommender-operator";

    public static final String RECOMMENDER = "recommender";
    public static final String TF_SERVING = "tfserving";
    public static final String TRAINING = "training";
    public static final String GATE = "latency-gate";
    public static final String FEATURE_LOAD = "feature-load";
    public static final String REGISTRY = "registry-credentials";

    private Labels() {}

    public static Map<String, String> of(Recommender r, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, "recommender");
        labels.put(INSTANCE, r.getMetadata().getName());
        labels.put(MANAGED_BY, MANAGER);
        labels.put(COMPONENT, component);
        return labels;
    }

    public static Map<String, String> of(Recommender r, String component, Role role) {
        Map<String, String> labels = of(r, component);
        labels.put(ROLE, role.label());
        return labels;
    }

    /** What a role's Service selects: only the stable Deployment's pods carry role=stable. */
    public static Map<String, String> selector(Recommender r, String component, Role role) {
        return Map.of(INSTANCE, r.getMetadata().getName(), COMPONENT, component, ROLE, role.label());
    }
}
