package io.recommender.operator.aws;

import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.operator.registry.ManagedRegistry;
import io.recommender.operator.registry.RegistryException;
import io.recommender.operator.registry.RegistryLogin;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Image;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * Amazon ECR through the AWS SDK v2: makes sure a repository exists with scan on push, immutable tags and a
 * lifecycle policy keeping the last N model versions, and fetches a login token. Credentials come from the
 * default provider chain (IRSA's web identity on EKS). The SDK retries throttling and transient errors with
 * exponential backoff; what still fails becomes a {@link RegistryException} with a condition reason.
 */
public final class EcrRegistry implements ManagedRegistry, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EcrRegistry.class);

    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final Map<String, EcrClient> clients = new ConcurrentHashMap<>();

    /**
     * @param credentials the AWS identity
     * @param endpoint the ECR API endpoint, or null for the region's own
     */
    public EcrRegistry(AwsCredentialsProvider credentials, URI endpoint) {
        this.credentials = credentials;
        this.endpoint = endpoint;
    }

    /** The operator's identity from the default chain (environment, web identity, profile, container, instance). */
    public static EcrRegistry withDefaultCredentials(URI endpoint) {
        return new EcrRegistry(DefaultCredentialsProvider.builder().build(), endpoint);
    }

    EcrClient client(String region) {
        return clients.computeIfAbsent(region, r -> {
            EcrClientBuilder b = EcrClient.builder().region(Region.of(r)).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                            .socketTimeout(Duration.ofSeconds(20)))
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                            .apiCallTimeout(Duration.ofSeconds(60)));
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            return b.build();
        });
    }

    @Override
    public RegistryLogin prepare(RegistrySpec.Ecr ecr) throws RegistryException {
        Repository repo = ensureRepository(ecr);
        return login(ecr, repo.repositoryUri());
    }

    /** The repository as the operator needs it, created when missing; never a second one. */
    public Repository ensureRepository(RegistrySpec.Ecr ecr) throws RegistryException {
        EcrClient ecrClient = client(ecr.region());
        String name = ecr.repository();
        int keep = ecr.keepVersions() == null ? 10 : ecr.keepVersions();
        Repository repo = describe(ecrClient, ecr);
        if (repo == null) {
            try {
                repo = call("CreateRepository", ecr, () -> ecrClient.createRepository(r -> r.repositoryName(name)
                        .imageTagMutability(ImageTagMutability.IMMUTABLE)
                        .imageScanningConfiguration(s -> s.scanOnPush(true))).repository());
                LOG.info("created ECR repository {} in {}", name, ecr.region());
            } catch (RegistryException e) {
                // Another operator replica (or person) created it between our two calls: theirs is the one.
                if (!(e.getCause() instanceof RepositoryAlreadyExistsException)) {
                    throw e;
                }
                repo = describe(ecrClient, ecr);
                if (repo == null) {
                    throw e;
                }
            }
        }
        if (repo.imageTagMutability() != ImageTagMutability.IMMUTABLE) {
            throw new RegistryException(RegistryException.CONFLICT, "ECR repository " + name + " in " + ecr.region()
                    + " has " + repo.imageTagMutabilityAsString() + " tags; model versions need IMMUTABLE tags so a "
                    + "pushed version cannot be replaced (aws ecr put-image-tag-mutability --image-tag-mutability "
                    + "IMMUTABLE), or name a repository the operator may create");
        }
        String wanted = LifecyclePolicy.keepingVersions(keep);
        String current = lifecyclePolicy(ecrClient, ecr);
        if (current != null && !LifecyclePolicy.isOurs(current)) {
            throw new RegistryException(RegistryException.CONFLICT, "ECR repository " + name + " in " + ecr.region()
                    + " has a lifecycle policy the operator did not write; it would expire model versions that may "
                    + "still serve. Remove it (the operator then keeps the last " + keep + " versions) or name "
                    + "another repository");
        }
        if (current == null || !LifecyclePolicy.same(current, wanted)) {
            call("PutLifecyclePolicy", ecr, () -> ecrClient.putLifecyclePolicy(r -> r.repositoryName(name)
                    .lifecyclePolicyText(wanted)));
            LOG.info("ECR repository {} in {} keeps the last {} model versions", name, ecr.region(), keep);
        }
        return repo;
    }

    private Repository describe(EcrClient ecrClient, RegistrySpec.Ecr ecr) throws RegistryException {
        try {
            return call("DescribeRepositories", ecr, () -> ecrClient.describeRepositories(r -> r
                    .repositoryNames(ecr.repository())).repositories().get(0));
        } catch (RegistryException e) {
            if (e.getCause() instanceof RepositoryNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    private String lifecyclePolicy(EcrClient ecrClient, RegistrySpec.Ecr ecr) throws RegistryException {
        try {
            return call("GetLifecyclePolicy", ecr, () -> ecrClient.getLifecyclePolicy(r -> r
                    .repositoryName(ecr.repository())).lifecyclePolicyText());
        } catch (RegistryException e) {
            if (e.getCause() instanceof LifecyclePolicyNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void protect(RegistrySpec.Ecr ecr, String modelVersion, String image, String tfServingImage)
            throws RegistryException {
        tag(ecr, image, modelVersion + "-recommender" + LifecyclePolicy.PROMOTED);
        tag(ecr, tfServingImage, modelVersion + "-tfserving" + LifecyclePolicy.PROMOTED);
    }

    /** Adds {@code tag} to the image of {@code reference} (repository@sha256:digest) when it is in this repository. */
    private void tag(RegistrySpec.Ecr ecr, String reference, String tag) throws RegistryException {
        int at = reference == null ? -1 : reference.indexOf("@sha256:");
        if (at < 0 || !reference.substring(0, at).endsWith("/" + ecr.repository())) {
            return;
        }
        String digest = reference.substring(at + 1);
        EcrClient ecrClient = client(ecr.region());
        Image found = call("BatchGetImage", ecr, () -> ecrClient.batchGetImage(r -> r.repositoryName(ecr.repository())
                .imageIds(i -> i.imageDigest(digest))).images()).stream().findFirst().orElse(null);
        if (found == null) {
            throw new RegistryException(RegistryException.CONFLICT, "ECR repository " + ecr.repository() + " in "
                    + ecr.region() + " no longer has image " + digest + " of a promoted version");
        }
        try {
            call("PutImage", ecr, () -> ecrClient.putImage(r -> r.repositoryName(ecr.repository()).imageTag(tag)
                    .imageManifest(found.imageManifest()).imageManifestMediaType(found.imageManifestMediaType())
                    .imageDigest(digest)));
        } catch (RegistryException e) {
            // Tagged before (by this operator, or a replica of it): the tag names this very image.
            if (!(e.getCause() instanceof ImageAlreadyExistsException)) {
                throw e;
            }
        }
    }

    /** A login to the registry that holds the repository, and when it expires (12 hours on ECR). */
    public RegistryLogin login(RegistrySpec.Ecr ecr, String repositoryUri) throws RegistryException {
        AuthorizationData auth = call("GetAuthorizationToken", ecr,
                () -> client(ecr.region()).getAuthorizationToken().authorizationData().get(0));
        String host = URI.create(auth.proxyEndpoint()).getHost();
        // A login without an expiry is treated as expiring now: refreshed at the shortest interval.
        Instant expires = auth.expiresAt() == null ? Instant.now() : auth.expiresAt();
        return new RegistryLogin(repositoryUri, host, auth.authorizationToken(), expires);
    }

    private static <T> T call(String operation, RegistrySpec.Ecr ecr, Supplier<T> call) throws RegistryException {
        try {
            return call.get();
        } catch (SdkException e) {
            throw failure(operation, ecr, e);
        }
    }

    static RegistryException failure(String operation, RegistrySpec.Ecr ecr, SdkException e) {
        String where = "ecr:" + operation + " on repository " + ecr.repository() + " in " + ecr.region() + ": ";
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String detail = (code == null ? "" : code + ": ")
                    + (s.awsErrorDetails() == null ? s.getMessage() : s.awsErrorDetails().errorMessage());
            if (s.isThrottlingException()) {
                return new RegistryException(RegistryException.THROTTLED, where + "still throttled after "
                        + (s.numAttempts() == null ? "several" : s.numAttempts()) + " attempts: " + detail, e);
            }
            if (s.statusCode() == 403 || code != null && (code.contains("AccessDenied")
                    || code.equals("UnrecognizedClientException") || code.equals("InvalidSignatureException")
                    || code.equals("ExpiredTokenException"))) {
                return new RegistryException(RegistryException.ACCESS_DENIED, where + detail, e);
            }
            return new RegistryException(RegistryException.UNAVAILABLE, where + detail, e);
        }
        if (e instanceof SdkServiceException) {
            return new RegistryException(RegistryException.UNAVAILABLE, where + e.getMessage(), e);
        }
        // Client side: no AWS credentials found, endpoint unreachable, timeouts.
        return new RegistryException(RegistryException.UNAVAILABLE, where + e.getMessage(), e);
    }

    @Override
    public void close() {
        clients.values().forEach(EcrClient::close);
        clients.clear();
    }
}
