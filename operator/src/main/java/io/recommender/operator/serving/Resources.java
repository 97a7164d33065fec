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
                .withRequests(quantities(spec == null ? null : spec.requests(), defaultRequests))
                .withLimits(quantities(spec == null ? null : spec.limits(), defaultLimits))
                .build();
    }

    /** The given quantities; each one left unset takes its default. */
    static Map<String, Quantity> quantities(ComputeResources.Quantities given, Map<String, String> defaults) {
        Map<String, Quantity> q = new TreeMap<>();
        defaults.forEach((k, v) -> q.put(k, new Quantity(v)));
        if (given != null && given.cpu() != null) {
            q.put("cpu", new Quantity(given.cpu()));
        }
        if (given != null && given.memory() != null) {
            q.put("memory", new Quantity(given.memory()));
        }
        return q;
    }
}
