package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import java.util.Map;

/** The ConfigMap that hands a role's recommender its TensorFlow Serving address, in the two-pod topology. */
public abstract class ServingConfig extends TwoPodObject<ConfigMap> {
    ServingConfig(Role role) {
        super(ConfigMap.class, role);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.servingConfig(r, role);
    }

    @Override
    ConfigMap desired(Recommender r, Plan plan) {
        return desired(r, role);
    }

    /**
     * Hands the recommender of a role the address of its TensorFlow Serving Service. The Service's short name:
     * the recommender is in the same namespace, and the pod's first search domain completes it in one DNS round,
     * where {@code name.namespace.svc} (fewer dots than the cluster's ndots 5) first fails through two other
     * search domains. Each lookup is made when the recommender opens a connection, on its event loop.
     */
    public static ConfigMap desired(Recommender r, Role role) {
        String url = "http://" + Names.tfServing(r, role) + ":" + ServingObjects.TF_SERVING_REST_PORT;
        return new ConfigMapBuilder()
                .withNewMetadata().withName(Names.servingConfig(r, role)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER, role)).endMetadata()
                .withData(Map.of(ServingObjects.TF_SERVING_URL, url))
                .build();
    }

    public static final class Stable extends ServingConfig {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends ServingConfig {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
