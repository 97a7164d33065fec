package io.recommender.operator.gpu;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which EKS node group can run a GPU training pod, and whether to scale it, as pure functions of the groups
 * DescribeNodegroup reported, the GPU training pods that wait or run, and the groups the operator scaled itself.
 */
public final class NodeGroupPlanner {
    /** Labels EKS puts on every node of a managed node group without listing them in the group's labels. */
    public static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
    public static final String CAPACITY_TYPE_LABEL = "eks.amazonaws.com/capacityType";
    public static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
    public static final String GPU_TAINT = "nvidia.com/gpu";
    /** NVIDIA GPU instance families (g4ad is AMD, g5g is Graviton with NVIDIA T4G and counts). */
    static final Pattern GPU_INSTANCE = Pattern.compile("^(p[2-9][a-z]*|g[3-9][a-z]*|gr6[a-z]*)\\..*");
    static final Set<String> AMD_GPU_FAMILIES = Set.of("g4ad");
    /** Groups being deleted or never created get no pods. */
    static final Set<String> UNUSABLE = Set.of("DELETING", "CREATE_FAILED", "DELETE_FAILED");

    private NodeGroupPlanner() {}

    /** A GPU instance type, a GPU AMI, or the nvidia.com/gpu taint. */
    public static boolean gpuCapable(NodeGroup g) {
        return g.instanceTypes().stream().anyMatch(NodeGroupPlanner::gpuInstanceType)
                || g.amiType() != null && (g.amiType().contains("NVIDIA") || g.amiType().endsWith("_GPU"))
                || g.taints().stream().anyMatch(t -> GPU_TAINT.equals(t.key()));
    }

    static boolean gpuInstanceType(String type) {
        return GPU_INSTANCE.matcher(type).matches() && !AMD_GPU_FAMILIES.contains(type.substring(0, type.indexOf('.')));
    }

    /** The labels a node of the group carries: its own and those EKS adds. */
    public static Map<String, String> nodeLabels(NodeGroup g) {
        Map<String, String> labels = new LinkedHashMap<>(g.labels());
        labels.put(NODEGROUP_LABEL, g.name());
        if (g.capacityType() != null) {
            labels.put(CAPACITY_TYPE_LABEL, g.capacityType());
        }
        if (g.instanceTypes().size() == 1) {
            labels.put(INSTANCE_TYPE_LABEL, g.instanceTypes().get(0));
        }
        return labels;
    }

    /** The pod may run on the group's nodes: usable, GPUs, every selected label, every hard taint tolerated. */
    public static boolean fits(GpuPod pod, NodeGroup g) {
        if (UNUSABLE.contains(g.status()) || !gpuCapable(g)) {
            return false;
        }
        Map<String, String> labels = nodeLabels(g);
        if (!pod.nodeSelector().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        return g.taints().stream().filter(t -> !"PreferNoSchedule".equals(t.effect()))
                .allMatch(t -> pod.tolerations().stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /** Kubernetes' toleration rule: same key (or an empty key with Exists), value unless Exists, effect unless empty. */
    static boolean tolerates(Toleration tol, NodeGroup.Taint t) {
        boolean exists = "Exists".equals(tol.getOperator());
        boolean key = tol.getKey() == null || tol.getKey().isEmpty() ? exists : tol.getKey().equals(t.key());
        boolean value = exists || java.util.Objects.equals(nullToEmpty(tol.getValue()), nullToEmpty(t.value()));
        boolean effect = tol.getEffect() == null || tol.getEffect().isEmpty() || tol.getEffect().equals(t.effect());
        return key && value && effect;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** What to do for a pod that waits for a GPU node. */
    public sealed interface Decision {
        String message();
    }

    /** No node group can take the pod. */
    public record NoGroup(String message) implements Decision {}

    /** The group already has (or is getting, not by the operator) as many nodes as GPU training pods want. */
    public record Available(NodeGroup group, String message) implements Decision {}

    /** The operator scaled the group already; its nodes are on their way. */
    public record Waiting(NodeGroup group, String message) implements Decision {}

    /** Set the group's desired size to {@code to}. */
    public record ScaleUp(NodeGroup group, int to, String message) implements Decision {}

    /** The group cannot grow: desired is at maxSize and pods still wait. */
    public record AtMaximum(NodeGroup group, String message) implements Decision {}

    /**
     * @param pod the pod that waits
     * @param groups the cluster's node groups
     * @param active every GPU training pod that has not finished, {@code pod} included or not
     * @param scaledByOperator names of the groups the operator scaled up and will scale back
     */
    public static Decision scaleUp(String cluster, GpuPod pod, List<NodeGroup> groups, List<GpuPod> active,
            Set<String> scaledByOperator) {
        List<NodeGroup> fitting = groups.stream().filter(g -> fits(pod, g))
                // Groups that have nodes (or are getting them) first, then those with room to grow, then by name.
                .sorted(Comparator.comparing((NodeGroup g) -> g.desiredSize() == 0)
                        .thenComparing(g -> g.maxSize() <= g.desiredSize()).thenComparing(NodeGroup::name))
                .toList();
        if (fitting.isEmpty()) {
            return new NoGroup(noGroupMessage(cluster, pod, groups));
        }
        NodeGroup g = fitting.get(0);
        long others = active.stream().filter(p -> !p.job().equals(pod.job()) && fits(p, g)).count();
        int needed = (int) Math.max(1, others + 1);
        boolean ours = scaledByOperator.contains(g.name());
        if (g.desiredSize() >= needed) {
            return ours ? new Waiting(g, "node group " + g.summary() + " was scaled up for " + needed
                    + " GPU training pod(s); waiting for its nodes")
                    : new Available(g, "node group " + g.summary() + " has nodes for GPU training");
        }
        if (g.desiredSize() == 0 || ours) {
            int to = Math.min(g.maxSize(), needed);
            if (to > g.desiredSize()) {
                return new ScaleUp(g, to, "scaling node group " + g.summary() + " to " + to + " for " + needed
                        + " GPU training pod(s)");
            }
        } else if (g.desiredSize() < g.maxSize()) {
            // Someone else sizes this group (a person, the Cluster Autoscaler): it has nodes, the scheduler decides.
            return new Available(g, "node group " + g.summary() + " has nodes for GPU training; it is sized by "
                    + "someone else");
        }
        return new AtMaximum(g, "node group " + g.summary() + " is at its maxSize " + g.maxSize() + " and " + needed
                + " GPU training pod(s) want a node; raise maxSize (eksctl scale nodegroup --cluster " + cluster
                + " --name " + g.name() + " --nodes-max N) or wait for other training to finish");
    }

    static String noGroupMessage(String cluster, GpuPod pod, List<NodeGroup> groups) {
        StringBuilder m = new StringBuilder("no node group of EKS cluster " + cluster
                + " can run the GPU training pod: looked for a GPU instance type, GPU AMI or " + GPU_TAINT
                + " taint");
        if (!pod.nodeSelector().isEmpty()) {
            m.append(", node labels ").append(new java.util.TreeMap<>(pod.nodeSelector()));
        }
        m.append(", taints tolerated by the pod; ");
        if (groups.isEmpty()) {
            return m.append("the cluster has no managed node groups").toString();
        }
        List<String> seen = new ArrayList<>();
        for (NodeGroup g : groups) {
            seen.add(g.name() + ": " + why(pod, g));
        }
        return m.append("found ").append(String.join("; ", seen)).toString();
    }

    private static String why(GpuPod pod, NodeGroup g) {
        if (UNUSABLE.contains(g.status())) {
            return g.status();
        }
        if (!gpuCapable(g)) {
            return "no GPU (" + String.join(",", g.instanceTypes()) + ")";
        }
        Map<String, String> labels = nodeLabels(g);
        List<String> missing = pod.nodeSelector().entrySet().stream()
                .filter(e -> !e.getValue().equals(labels.get(e.getKey())))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        if (!missing.isEmpty()) {
            return "labels lack " + String.join(",", missing);
        }
        return "taint not tolerated (" + g.taints().stream().filter(t -> pod.tolerations().stream()
                .noneMatch(tol -> tolerates(tol, t))).map(t -> t.key() + "=" + nullToEmpty(t.value()) + ":" + t.effect())
                .findFirst().orElse("?") + ")";
    }

    /**
     * A group the operator scaled up, what to set it back to, and its state then (to match pods against).
     *
     * @param restoreTo the desired size it had before
     * @param scaledTo the desired size the operator set
     */
    public record ScaledGroup(NodeGroup group, int restoreTo, int scaledTo) {}

    /** The groups the operator scaled that no unfinished GPU training pod fits any more: scale them back. */
    public static List<ScaledGroup> scaleDown(List<ScaledGroup> scaled, List<GpuPod> active) {
        return scaled.stream().filter(s -> active.stream().noneMatch(p -> fits(p, s.group()))).toList();
    }
}
