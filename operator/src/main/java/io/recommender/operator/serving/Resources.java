package io.recommender.operator.serving;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.recommender.api.v1alpha1.ComputeResources;
import java.util.Map;
import java.util.TreeMap;

/** Container resources from a spec's {@link ComputeResources}, with defaults when unset. */
public final class Resources {
    private Resources() {}

    public static ResourceRequirements of(ComputeResources spec, Map<String, String> defaultRequests,
            Map<String, String> defaultLimits) {
        return new ResourceRequirementsBuilder()
                .withRequests(quantities(spec == null || spec.requests() == null ? defaultRequests : spec.requests()))
                .withLimits(quantities(spec == null || spec.limits() == null ? defaultLimits : spec.limits()))
                .build();
    }

    static Map<String, Quantity> quantities(Map<String, String> values) {
        Map<String, Quantity> q = new TreeMap<>();
        values.forEach((k, v) -> q.put(k, new Quantity(v)));
        return q;
    }
}
