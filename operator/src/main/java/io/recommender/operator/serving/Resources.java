package io.recommender.operator.serving;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.recommender.api.v1alpha1.ComputeResources;
import java.util.Map;
import java.util.TreeMap;

/**
 * Container resources from a spec's {@link ComputeResources}, with defaults when unset. A default never
 * contradicts what the user wrote: a request given above the default limit raises the limit to the request, and
 * a limit given below the default request lowers the request to the limit (Kubernetes would refuse a request
 * above its limit, and the user could not see why: the default is the operator's, not theirs).
 */
public final class Resources {
    private Resources() {}

    public static ResourceRequirements of(ComputeResources spec, Map<String, String> defaultRequests,
            Map<String, String> defaultLimits) {
        ComputeResources.Quantities givenRequests = spec == null ? null : spec.requests();
        ComputeResources.Quantities givenLimits = spec == null ? null : spec.limits();
        Map<String, Quantity> requests = quantities(givenRequests, defaultRequests);
        Map<String, Quantity> limits = quantities(givenLimits, defaultLimits);
        for (String key : new String[] {"cpu", "memory"}) {
            Quantity request = requests.get(key);
            Quantity limit = limits.get(key);
            if (request == null || limit == null
                    || request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0) {
                continue;
            }
            boolean requestGiven = given(givenRequests, key) != null;
            boolean limitGiven = given(givenLimits, key) != null;
            if (requestGiven && !limitGiven) {
                limits.put(key, request);
            } else if (limitGiven && !requestGiven) {
                requests.put(key, limit);
            }
            // Both given and contradicting: the CRD refuses that spec, so it never gets here.
        }
        return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
    }

    private static String given(ComputeResources.Quantities q, String key) {
        if (q == null) {
            return null;
        }
        return "cpu".equals(key) ? q.cpu() : q.memory();
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
