package io.recommender.operator.gpu;

import java.util.Set;

/**
 * The GpuCapacity condition of a Recommender whose GPU training pod waits or runs.
 *
 * @param status True, False or Unknown
 */
public record GpuState(String status, String reason, String message) {
    public static final String AVAILABLE = "Available";
    public static final String SCALING_UP = "ScalingUp";
    public static final String NO_GROUP = "NoGpuNodeGroup";
    public static final String AT_MAXIMUM = "NodeGroupAtMaximum";
    /** Not on EKS: the scheduler found no node for the pod (its message says why). */
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** Not on EKS: the pod is not scheduled yet and the scheduler has not said why. */
    public static final String AWAITING_NODE = "AwaitingNode";

    /** Reasons that need a person: the training waits until someone acts. */
    public static final Set<String> NEEDS_ACTION = Set.of(NO_GROUP, AT_MAXIMUM, UNSCHEDULABLE,
            NodeGroupException.ACCESS_DENIED);

    public boolean needsAction() {
        return NEEDS_ACTION.contains(reason);
    }
}
