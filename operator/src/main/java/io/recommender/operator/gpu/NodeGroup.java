package io.recommender.operator.gpu;

import java.util.List;
import java.util.Map;

/**
 * An EKS managed node group, as far as placing a GPU training pod goes: what DescribeNodegroup reports.
 *
 * @param status ACTIVE, UPDATING, CREATING, DEGRADED, DELETING, CREATE_FAILED, DELETE_FAILED
 * @param amiType e.g. AL2023_x86_64_NVIDIA
 * @param capacityType ON_DEMAND, SPOT or CAPACITY_BLOCK
 * @param labels the Kubernetes labels the group puts on its nodes (besides the ones EKS adds itself)
 */
public record NodeGroup(String name, String status, List<String> instanceTypes, String amiType, String capacityType,
        Map<String, String> labels, List<Taint> taints, int minSize, int maxSize, int desiredSize) {

    public NodeGroup {
        instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taints = taints == null ? List.of() : List.copyOf(taints);
    }

    /** A node taint in Kubernetes spelling (effect NoSchedule, PreferNoSchedule or NoExecute). */
    public record Taint(String key, String value, String effect) {}

    public NodeGroup withDesiredSize(int desired) {
        return new NodeGroup(name, status, instanceTypes, amiType, capacityType, labels, taints, minSize, maxSize,
                desired);
    }

    /** "gpu (g5.xlarge, 0..2, desired 0)": how messages name a group. */
    public String summary() {
        return name + " (" + String.join(",", instanceTypes) + ", " + minSize + ".." + maxSize + ", desired "
                + desiredSize + ")";
    }
}
