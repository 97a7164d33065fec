package io.recommender.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Secret;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.registry.RegistryCredentials;
import io.recommender.operator.registry.RegistryException;
import io.recommender.operator.registry.RegistryLogin;
import io.recommender.testsupport.MotoServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * The ECR adapter on the AWS SDK against moto in server mode, reached through a fault-injecting HTTP proxy
 * that records every call: repository creation and its settings read back, idempotence, login and refresh
 * decision, and the error paths (access denied by IAM, throttling, conflicting repositories, no endpoint).
 */
class EcrRegistryTest {
    static final String REGION = "eu-west-1";
    static final StaticCredentialsProvider ANY = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "not-checked-until-iam-is-enforced"));
    static MotoServer moto;
    static FaultProxy proxy;
    EcrRegistry ecr;
    EcrClient direct;
    String repository;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        proxy = new FaultProxy(moto.endpoint());
    }

    @AfterAll
    static void stopMoto() {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void client() {
        proxy.clear();
        ecr = new EcrRegistry(ANY, proxy.endpoint());
        direct = EcrClient.builder().region(Region.of(REGION)).credentialsProvider(ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build();
        repository = "recs/movies-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        ecr.close();
        direct.close();
    }

    RegistrySpec.Ecr spec(int keep) {
        return new RegistrySpec.Ecr(repository, REGION, keep);
    }

    Repository described() {
        return direct.describeRepositories(r -> r.repositoryNames(repository)).repositories().get(0);
    }

    @Test
    void createsTheRepositoryWithScanOnPushImmutableTagsAndALifecyclePolicy() throws Exception {
        RegistryLogin login = ecr.prepare(spec(7));

        Repository repo = described();
        assertThat(repo.imageScanningConfiguration().scanOnPush()).isTrue();
        assertThat(repo.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE);
        assertThat(login.repositoryUri()).isEqualTo(repo.repositoryUri())
                .isEqualTo(MotoServer.ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com/" + repository);
        String policy = direct.getLifecyclePolicy(r -> r.repositoryName(repository)).lifecyclePolicyText();
        assertThat(LifecyclePolicy.same(policy, LifecyclePolicy.keepingVersions(7))).isTrue();
        assertThat(policy).contains("*-recommender", "*-tfserving", "\"countNumber\":7", "imageCountMoreThan");
        assertThat(proxy.operations()).containsExactly("DescribeRepositories", "CreateRepository",
                "GetLifecyclePolicy", "PutLifecyclePolicy", "GetAuthorizationToken");
    }

    @Test
    void ensuringAgainCreatesAndChangesNothing() throws Exception {
        ecr.prepare(spec(5));
        proxy.clear();

        ecr.prepare(spec(5));
        assertThat(proxy.operations()).containsExactly("DescribeRepositories", "GetLifecyclePolicy",
                "GetAuthorizationToken");
        assertThat(direct.describeRepositories().repositories()).filteredOn(r -> r.repositoryName().equals(repository))
                .hasSize(1);
    }

    @Test
    void anotherKeepVersionsRewritesOnlyTheOperatorsOwnPolicy() throws Exception {
        ecr.prepare(spec(5));
        ecr.prepare(spec(3));
        String policy = direct.getLifecyclePolicy(r -> r.repositoryName(repository)).lifecyclePolicyText();
        assertThat(LifecyclePolicy.same(policy, LifecyclePolicy.keepingVersions(3))).isTrue();
    }

    @Test
    void aRepositoryCreatedByARaceIsTakenAsIs() throws Exception {
        direct.createRepository(r -> r.repositoryName(repository).imageTagMutability(ImageTagMutability.IMMUTABLE));
        // The first look misses it, as when another replica creates it between our two calls.
        proxy.fail("DescribeRepositories", 1, 400, "RepositoryNotFoundException", "The repository does not exist");

        RegistryLogin login = ecr.prepare(spec(5));
        assertThat(login.repositoryUri()).endsWith("/" + repository);
        assertThat(proxy.operations()).startsWith("DescribeRepositories", "CreateRepository", "DescribeRepositories");
        assertThat(direct.describeRepositories().repositories()).filteredOn(r -> r.repositoryName().equals(repository))
                .hasSize(1);
    }

    @Test
    void loginIsADockerAuthForTheRepositorysRegistryAndItsRefreshIsScheduled() throws Exception {
        RegistryLogin login = ecr.prepare(spec(5));

        assertThat(login.registryHost()).isEqualTo(MotoServer.ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com");
        assertThat(login.repositoryUri()).startsWith(login.registryHost() + "/");
        assertThat(new String(Base64.getDecoder().decode(login.authToken()), StandardCharsets.UTF_8)).startsWith("AWS:");
        assertThat(login.toString()).doesNotContain(login.authToken()).contains("<redacted>");

        // moto hands out tokens that expired in 2015: refreshed at the shortest interval, not in a loop.
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        assertThat(login.expiresAt()).isBefore(now);
        assertThat(RegistryCredentials.refreshAt(login.expiresAt(), now)).isEqualTo(now.plus(RegistryCredentials.MIN_INTERVAL));
        Secret s = RegistryCredentials.secret(Fixtures.training("movies", Topology.OnePod, 0), spec(5), login, now);
        assertThat(RegistryCredentials.refreshDue(s, spec(5), now.plusSeconds(60))).isFalse();
        assertThat(RegistryCredentials.refreshDue(s, spec(5), now.plus(RegistryCredentials.MIN_INTERVAL))).isTrue();
        assertThat(RegistryCredentials.usable(s, spec(5), now)).isFalse();

        // A real ECR token lives 12 hours: refreshed after 6, while 6 are left.
        RegistryLogin twelveHours = new RegistryLogin(login.repositoryUri(), login.registryHost(), login.authToken(),
                now.plus(Duration.ofHours(12)));
        Secret fresh = RegistryCredentials.secret(Fixtures.training("movies", Topology.OnePod, 0), spec(5), twelveHours, now);
        assertThat(RegistryCredentials.refreshAt(fresh)).isEqualTo(now.plus(Duration.ofHours(6)));
        assertThat(RegistryCredentials.refreshDue(fresh, spec(5), now.plus(Duration.ofHours(5)))).isFalse();
        assertThat(RegistryCredentials.refreshDue(fresh, spec(5), now.plus(Duration.ofHours(6)))).isTrue();
        assertThat(RegistryCredentials.usable(fresh, spec(5), now.plus(Duration.ofHours(11)))).isTrue();
        assertThat(RegistryCredentials.refreshDue(fresh, new RegistrySpec.Ecr("other/repo", REGION, 5), now)).isTrue();
    }

    @Test
    void throttlingIsRetriedWithBackoffUntilItPasses() throws Exception {
        ecr.prepare(spec(5));
        proxy.clear();
        proxy.throttle("GetAuthorizationToken", 2);

        RegistryLogin login = ecr.prepare(spec(5));
        assertThat(login.authToken()).isNotBlank();
        List<FaultProxy.Call> tokenCalls = proxy.calls().stream()
                .filter(c -> c.operation().equals("GetAuthorizationToken")).toList();
        assertThat(tokenCalls).hasSize(3);
        System.out.printf("ECR throttled twice: attempts after %d ms and %d ms (the SDK's standard retry strategy)%n",
                (tokenCalls.get(1).nanos() - tokenCalls.get(0).nanos()) / 1_000_000,
                (tokenCalls.get(2).nanos() - tokenCalls.get(1).nanos()) / 1_000_000);
    }

    @Test
    void throttlingThatOutlastsTheRetriesIsReportedAsThrottled() {
        proxy.throttle("DescribeRepositories", 100);

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ecr.prepare(spec(5)));
        assertThat(e.reason()).isEqualTo(RegistryException.THROTTLED);
        assertThat(e.getMessage()).contains("DescribeRepositories", repository, "ThrottlingException", "3 attempts");
        assertThat(proxy.operations()).containsOnly("DescribeRepositories").hasSize(3);
    }

    /** Pushes an image (a manifest with a layer of its own: moto's digest is the layers') as packaging does; its digest. */
    String push(String tag, String body) {
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2,"
                + "\"digest\":\"sha256:" + body.repeat(64).substring(0, 64) + "\"},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":3,\"digest\":\"sha256:"
                + body.repeat(64).substring(0, 64) + "\"}]}";
        return direct.putImage(r -> r.repositoryName(repository).imageTag(tag).imageManifest(manifest)
                .imageManifestMediaType("application/vnd.oci.image.manifest.v1+json")).image().imageId().imageDigest();
    }

    List<String> tagsOf(String digest) {
        return direct.describeImages(r -> r.repositoryName(repository).imageIds(i -> i.imageDigest(digest)))
                .imageDetails().get(0).imageTags();
    }

    @Test
    void aPromotedVersionsImagesGetThePromotedTagsTheLifecyclePolicyKeeps() throws Exception {
        RegistryLogin login = ecr.prepare(spec(5));
        String recommender = push("7-recommender", "a");
        String tfServing = push("7-tfserving", "b");
        String uri = login.repositoryUri();
        proxy.clear();
        ecr.protect(spec(5), "7", uri + "@" + recommender, uri + "@" + tfServing);
        assertThat(tagsOf(recommender)).containsExactlyInAnyOrder("7-recommender", "7-recommender-promoted");
        assertThat(tagsOf(tfServing)).containsExactlyInAnyOrder("7-tfserving", "7-tfserving-promoted");
        assertThat(proxy.operations()).containsExactly("BatchGetImage", "PutImage", "BatchGetImage", "PutImage");
        // Again (another replica, a restarted operator): nothing changes, nothing fails.
        ecr.protect(spec(5), "7", uri + "@" + recommender, uri + "@" + tfServing);
        assertThat(tagsOf(recommender)).hasSize(2);
        // The policy keeps the stable version and a history of 5 by these tags, whatever was pushed since.
        String policy = direct.getLifecyclePolicy(r -> r.repositoryName(repository)).lifecyclePolicyText();
        assertThat(policy).contains("*-recommender-promoted", "*-tfserving-promoted", "\"countNumber\":6");
        // Images in another repository (an artifact's) are not the operator's to tag.
        proxy.clear();
        ecr.protect(spec(5), "8", "registry.example.com/elsewhere@" + recommender, null);
        assertThat(proxy.operations()).isEmpty();
        // A promoted version whose image is gone says so.
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ecr.protect(spec(5), "9",
                uri + "@sha256:" + "f".repeat(64), null));
        assertThat(e.getMessage()).contains("no longer has image sha256:" + "f".repeat(64));
    }

    @Test
    void mutableRepositoryIsAConflictAndLeftAlone() {
        direct.createRepository(r -> r.repositoryName(repository).imageTagMutability(ImageTagMutability.MUTABLE));

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ecr.prepare(spec(5)));
        assertThat(e.reason()).isEqualTo(RegistryException.CONFLICT);
        assertThat(e.getMessage()).contains(repository, "MUTABLE", "IMMUTABLE");
        assertThat(described().imageTagMutability()).isEqualTo(ImageTagMutability.MUTABLE);
        assertThat(proxy.operations()).doesNotContain("PutLifecyclePolicy", "GetAuthorizationToken");
    }

    @Test
    void someoneElsesLifecyclePolicyIsAConflictAndLeftAlone() {
        direct.createRepository(r -> r.repositoryName(repository).imageTagMutability(ImageTagMutability.IMMUTABLE));
        String theirs = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep 2\",\"selection\":{\"tagStatus\":\"any\","
                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":2},\"action\":{\"type\":\"expire\"}}]}";
        direct.putLifecyclePolicy(r -> r.repositoryName(repository).lifecyclePolicyText(theirs));

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ecr.prepare(spec(5)));
        assertThat(e.reason()).isEqualTo(RegistryException.CONFLICT);
        assertThat(e.getMessage()).contains(repository, "lifecycle policy");
        assertThat(LifecyclePolicy.same(direct.getLifecyclePolicy(r -> r.repositoryName(repository))
                .lifecyclePolicyText(), theirs)).isTrue();
    }

    @Test
    void unreachableEndpointIsReportedNotThrownRaw() throws Exception {
        try (EcrRegistry nowhere = new EcrRegistry(ANY, URI.create("http://127.0.0.1:" + MotoServer.freePort()))) {
            RegistryException e = catchThrowableOfType(RegistryException.class, () -> nowhere.prepare(spec(5)));
            assertThat(e.reason()).isEqualTo(RegistryException.UNAVAILABLE);
            assertThat(e.getMessage()).contains("DescribeRepositories", repository);
        }
    }

    /** The last test to touch moto's IAM switch restores it, even when it fails. */
    @Test
    void identityWithoutCreateRepositoryIsDeniedWithAReason() throws Exception {
        AccessKey key;
        try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).credentialsProvider(ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build()) {
            String user = "operator-" + UUID.randomUUID().toString().substring(0, 8);
            iam.createUser(r -> r.userName(user));
            iam.putUserPolicy(r -> r.userName(user).policyName("ecr-read-only").policyDocument("""
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:DescribeRepositories",
                    "ecr:GetLifecyclePolicy","ecr:GetAuthorizationToken"],"Resource":"*"}]}"""));
            key = iam.createAccessKey(r -> r.userName(user)).accessKey();
        }
        moto.enforceIamAfter(0);
        try (EcrRegistry limited = new EcrRegistry(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())), moto.endpoint())) {
            RegistryException e = catchThrowableOfType(RegistryException.class, () -> limited.prepare(spec(5)));
            assertThat(e.reason()).isEqualTo(RegistryException.ACCESS_DENIED);
            assertThat(e.getMessage()).contains("CreateRepository", repository).doesNotContain(key.secretAccessKey());
        } finally {
            moto.enforceIamAfter(Double.POSITIVE_INFINITY);
        }
        assertThat(direct.describeRepositories().repositories()).noneMatch(r -> r.repositoryName().equals(repository));
    }
}
