package io.recommender.operator.gpu;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** Where the operator records the node groups it scaled up, so that it (or its successor) scales them back. */
public interface ScaledGroupStore {
    List<NodeGroupPlanner.ScaledGroup> load(KubernetesClient client);

    void save(KubernetesClient client, List<NodeGroupPlanner.ScaledGroup> groups);
}
