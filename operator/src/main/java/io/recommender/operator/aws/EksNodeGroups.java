package io.recommender.operator.aws;

import io.recommender.operator.gpu.NodeGroup;
import io.recommender.operator.gpu.NodeGroupApi;
import io.recommender.operator.gpu.NodeGroupException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.EksClientBuilder;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.TaintEffect;

/**
 * The node groups of the EKS cluster the operator runs in, through the AWS SDK v2: ListNodegroups,
 * DescribeNodegroup and UpdateNodegroupConfig (the only EKS actions the operator's IAM role needs:
 * eksctl/iam/eks-nodegroups.json). Calls run on the reconcile thread, so each is bounded (5 s per attempt, 10 s
 * in all) and not retried here: a throttled or failed call is reported and the reconcile comes back later with a
 * growing wait, instead of blocking a thread in the SDK's backoff.
 */
public final class EksNodeGroups implements NodeGroupApi, AutoCloseable {
    private final String cluster;
    private final EksClient eks;

    /**
     * @param endpoint the EKS API endpoint, or null for the region's own
     */
    public EksNodeGroups(String cluster, String region, AwsCredentialsProvider credentials, URI endpoint) {
        this.cluster = cluster;
        this.eks = client(region, credentials, endpoint, AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(10));
    }

    /** The operator's identity from the default chain (environment, IRSA web identity, profile, instance). */
    public static EksNodeGroups withDefaultCredentials(String cluster, String region, URI endpoint) {
        return new EksNodeGroups(cluster, region, DefaultCredentialsProvider.builder().build(), endpoint);
    }

    static EksClient client(String region, AwsCredentialsProvider credentials, URI endpoint,
            software.amazon.awssdk.retries.api.RetryStrategy retry, Duration callTimeout) {
        EksClientBuilder b = EksClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(c -> c.retryStrategy(retry).apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(Duration.ofSeconds(5)));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    @Override
    public String cluster() {
        return cluster;
    }

    @Override
    public List<NodeGroup> nodeGroups() throws NodeGroupException {
        List<String> names = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = call("ListNodegroups", null, () -> eks.listNodegroups(r -> r.clusterName(cluster).nextToken(token)));
            names.addAll(page.nodegroups());
            next = page.nextToken() == null || page.nextToken().isEmpty() ? null : page.nextToken();
        } while (next != null);
        List<NodeGroup> groups = new ArrayList<>();
        for (String name : names) {
            groups.add(nodeGroup(name));
        }
        return groups;
    }

    @Override
    public NodeGroup nodeGroup(String name) throws NodeGroupException {
        Nodegroup g = call("DescribeNodegroup", name, () -> eks.describeNodegroup(r -> r.clusterName(cluster)
                .nodegroupName(name)).nodegroup());
        var scaling = g.scalingConfig();
        return new NodeGroup(g.nodegroupName(), g.statusAsString(), g.instanceTypes(), g.amiTypeAsString(),
                g.capacityTypeAsString(), g.labels(),
                g.taints().stream().map(t -> new NodeGroup.Taint(t.key(), t.value(), effect(t.effect()))).toList(),
                scaling == null || scaling.minSize() == null ? 0 : scaling.minSize(),
                scaling == null || scaling.maxSize() == null ? 0 : scaling.maxSize(),
                scaling == null || scaling.desiredSize() == null ? 0 : scaling.desiredSize());
    }

    /** EKS spells taint effects NO_SCHEDULE, Kubernetes NoSchedule. */
    static String effect(TaintEffect e) {
        if (e == null) {
            return null;
        }
        return switch (e) {
            case NO_SCHEDULE -> "NoSchedule";
            case NO_EXECUTE -> "NoExecute";
            case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
            default -> e.toString();
        };
    }

    @Override
    public void setDesiredSize(String name, int desired) throws NodeGroupException {
        call("UpdateNodegroupConfig", name, () -> eks.updateNodegroupConfig(r -> r.clusterName(cluster)
                .nodegroupName(name).scalingConfig(s -> s.desiredSize(desired))));
    }

    private <T> T call(String operation, String nodeGroup, Supplier<T> call) throws NodeGroupException {
        try {
            return call.get();
        } catch (SdkException e) {
            throw failure(operation, cluster, nodeGroup, e);
        }
    }

    static NodeGroupException failure(String operation, String cluster, String nodeGroup, SdkException e) {
        String where = "eks:" + operation + " on cluster " + cluster + (nodeGroup == null ? "" : " node group "
                + nodeGroup) + ": ";
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String detail = (code == null ? "HTTP " + s.statusCode() + ": " : code + ": ")
                    + (s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null ? s.getMessage()
                            : s.awsErrorDetails().errorMessage());
            if (s.isThrottlingException()) {
                return new NodeGroupException(NodeGroupException.THROTTLED, where + detail, e);
            }
            if (s.statusCode() == 403 || code != null && (code.contains("AccessDenied")
                    || code.equals("UnrecognizedClientException") || code.equals("InvalidSignatureException")
                    || code.equals("ExpiredTokenException"))) {
                return new NodeGroupException(NodeGroupException.ACCESS_DENIED, where + detail
                        + " (the operator's IAM role needs eks:" + operation + ")", e);
            }
            if (e instanceof ResourceNotFoundException) {
                return new NodeGroupException(NodeGroupException.NOT_FOUND, where + detail, e);
            }
            if (e instanceof ResourceInUseException) {
                return new NodeGroupException(NodeGroupException.BUSY, where + detail, e);
            }
            return new NodeGroupException(NodeGroupException.UNAVAILABLE, where + detail, e);
        }
        // Client side: no AWS credentials, endpoint unreachable, timeouts.
        return new NodeGroupException(NodeGroupException.UNAVAILABLE, where + e.getMessage(), e);
    }

    @Override
    public void close() {
        eks.close();
    }
}
