package io.recommender.operator.gpu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recommender.operator.naming.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scaled-up node groups in a ConfigMap the operator owns in its own namespace, one key per node group (JSON).
 * Read with a label-selected list (the operator's RBAC grants list, not get, on ConfigMaps) and written with
 * create or update; an update carries the resourceVersion read, so two writers cannot overwrite each other.
 * Only the leader reconciles, so the copy kept in memory is the current one.
 */
public final class ConfigMapScaledGroups implements ScaledGroupStore {
    public static final String NAME = "recommender-operator-gpu-node-groups";
    static final String COMPONENT = "gpu-node-groups";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final String cluster;
    private ConfigMap current;
    private boolean loaded;

    public ConfigMapScaledGroups(String namespace, String cluster) {
        this.namespace = namespace;
        this.cluster = cluster;
    }

    @Override
    public synchronized List<NodeGroupPlanner.ScaledGroup> load(KubernetesClient client) {
        if (!loaded) {
            current = client.configMaps().inNamespace(namespace).withLabel(Labels.COMPONENT, COMPONENT).list()
                    .getItems().stream().filter(c -> NAME.equals(c.getMetadata().getName())).findFirst().orElse(null);
            loaded = true;
        }
        List<NodeGroupPlanner.ScaledGroup> groups = new ArrayList<>();
        Map<String, String> data = current == null || current.getData() == null ? Map.of() : current.getData();
        for (String value : data.values()) {
            Record r = read(value);
            if (r != null && cluster.equals(r.cluster())) {
                groups.add(new NodeGroupPlanner.ScaledGroup(r.group(), r.restoreTo(), r.scaledTo()));
            }
        }
        return groups;
    }

    @Override
    public synchronized void save(KubernetesClient client, List<NodeGroupPlanner.ScaledGroup> groups) {
        Map<String, String> data = new TreeMap<>();
        for (NodeGroupPlanner.ScaledGroup g : groups) {
            data.put(cluster + "." + g.group().name(), write(new Record(cluster, g.group(), g.restoreTo(), g.scaledTo())));
        }
        try {
            if (current == null) {
                current = client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                        .withName(NAME).withNamespace(namespace)
                        .addToLabels(Labels.MANAGED_BY, Labels.MANAGER).addToLabels(Labels.COMPONENT, COMPONENT)
                        .endMetadata().withData(data).build()).create();
            } else {
                ConfigMap next = new ConfigMapBuilder(current).withData(data).build();
                current = client.configMaps().inNamespace(namespace).resource(next).update();
            }
        } catch (RuntimeException e) {
            // Read it again next time: another writer may have changed it.
            loaded = false;
            throw e;
        }
    }

    /** One node group's entry; the cluster, so a record of another cluster is never acted on. */
    record Record(String cluster, NodeGroup group, int restoreTo, int scaledTo) {}

    private static Record read(String json) {
        try {
            return JSON.readValue(json, Record.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String write(Record r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("node group record cannot be serialised", e);
        }
    }
}
