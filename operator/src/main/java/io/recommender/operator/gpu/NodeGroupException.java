package io.recommender.operator.gpu;

/** An EKS call that failed, with the GpuCapacity condition reason it is reported under; never a credential. */
public final class NodeGroupException extends Exception {
    /** The operator's AWS identity lacks the IAM action named in the message. */
    public static final String ACCESS_DENIED = "AwsAccessDenied";
    /** EKS refused for rate: tried again later, with a growing wait. */
    public static final String THROTTLED = "AwsThrottled";
    /** The group is being updated (an earlier scaling still runs): tried again later. */
    public static final String BUSY = "NodeGroupBusy";
    /** The cluster or node group does not exist (any more). */
    public static final String NOT_FOUND = "NodeGroupNotFound";
    /** Anything else: no credentials, endpoint unreachable, cluster not found, unexpected error. */
    public static final String UNAVAILABLE = "AwsUnavailable";

    private final String reason;

    public NodeGroupException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
