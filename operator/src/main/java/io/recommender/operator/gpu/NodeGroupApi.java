package io.recommender.operator.gpu;

import java.util.List;

/** The EKS calls GPU capacity needs ({@code io.recommender.operator.aws.EksNodeGroups}). */
public interface NodeGroupApi {
    /** The EKS cluster the operator runs in. */
    String cluster();

    /** Every managed node group of the cluster. */
    List<NodeGroup> nodeGroups() throws NodeGroupException;

    NodeGroup nodeGroup(String name) throws NodeGroupException;

    /** Sets the group's desired size, leaving minSize and maxSize as they are. */
    void setDesiredSize(String name, int desired) throws NodeGroupException;
}
