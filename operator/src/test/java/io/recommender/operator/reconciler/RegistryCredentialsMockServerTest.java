package io.recommender.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.aws.EcrRegistry;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.registry.RegistryAccess;
import io.recommender.operator.registry.RegistryCredentials;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import io.recommender.testsupport.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An ECR Recommender through the whole operator (fabric8's in-memory API server, moto for ECR): its credentials
 * Secret, its use by the packaging step and the serving pods, and the token nowhere in the operator's log,
 * its Events or the status.
 */
class RegistryCredentialsMockServerTest {
    static final String HOST = MotoServer.ACCOUNT + ".dkr.ecr.eu-west-1.amazonaws.com";
    /** What moto hands out as the password, and its docker "auth" form. */
    static final String PASSWORD = MotoServer.ACCOUNT + "-auth-token";
    static final String AUTH = Base64.getEncoder().encodeToString(("AWS:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    static MotoServer moto;
    final CrudMockServer mock = new CrudMockServer();
    final KubernetesClient client = mock.client;
    Operator operator;
    EcrRegistry ecr;
    PrintStream originalErr;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void start() {
        // The operator logs through slf4j-simple to System.err: keep a copy of everything it writes.
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, log), true, StandardCharsets.UTF_8));
        ecr = new EcrRegistry(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                "secret")), moto.endpoint());
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withUseSSAToPatchPrimaryResource(false));
        operator.register(new RecommenderReconciler(job -> Optional.empty(), new EventRecorder(client),
                Clock.systemUTC(), new RegistryAccess(ecr)), c -> c.settingNamespaces("shop"));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        mock.close();
        ecr.close();
        System.setErr(originalErr);
    }

    static Recommender withEcr(Recommender r) {
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), s.features(), s.topology(), s.serving(), s.slo(),
                new RegistrySpec(new RegistrySpec.Ecr("recs/movies", "eu-west-1", 10), null)));
        r.getMetadata().setUid(null);
        return r;
    }

    Secret secret() {
        return client.secrets().inNamespace("shop").withName("movies-registry").get();
    }

    @Test
    void trainingPushesAndServingPullsWithTheOperatorsSecretAndTheTokenLeaksNowhere() {
        client.resource(withEcr(Fixtures.training("movies", Topology.OnePod, 0))).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(secret()).isNotNull();
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).hasSize(1);
            assertThat(client.resources(Recommender.class).inNamespace("shop").withName("movies").get().getStatus())
                    .isNotNull();
        });
        Secret s = secret();
        assertThat(s.getType()).isEqualTo(RegistryCredentials.TYPE);
        assertThat(s.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("Recommender"));
        String config = new String(Base64.getDecoder().decode(s.getData().get(RegistryCredentials.KEY)),
                StandardCharsets.UTF_8);
        assertThat(config).isEqualTo(RegistryCredentials.dockerConfigJson(HOST, AUTH));

        Job job = client.batch().v1().jobs().inNamespace("shop").list().getItems().get(0);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getArgs()).containsSequence("--repository", HOST + "/recs/movies");
        assertThat(pod.getVolumes()).anyMatch(v -> v.getSecret() != null
                && "movies-registry".equals(v.getSecret().getSecretName()));

        Recommender r = client.resources(Recommender.class).inNamespace("shop").withName("movies").get();
        assertThat(Conditions.find(r.getStatus().conditions(), ConditionTypes.IMAGES_READY).orElseThrow().getReason())
                .isEqualTo("AwaitingModel");
        assertNoToken(r);
    }

    @Test
    void artifactFromEcrIsPulledWithTheOperatorsSecret() {
        client.resource(withEcr(Fixtures.artifact("movies", Topology.OnePod))).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Deployment d = client.apps().deployments().inNamespace("shop").withName("movies-candidate").get();
            assertThat(d).isNotNull();
            assertThat(d.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(x -> x.getName())
                    .containsExactly("movies-registry");
            assertThat(secret()).isNotNull();
        });
        assertNoToken(client.resources(Recommender.class).inNamespace("shop").withName("movies").get());
    }

    void assertNoToken(Recommender r) {
        String logged = log.toString(StandardCharsets.UTF_8);
        // Not vacuous: the renewal itself was logged.
        assertThat(logged).contains("registry credentials for shop/movies");
        assertThat(logged).doesNotContain(AUTH).doesNotContain(PASSWORD);
        // Events follow the status write, which follows the owned objects' writes.
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.v1().events().inNamespace("shop").list().getItems()
                .isEmpty());
        assertThat(client.v1().events().inNamespace("shop").list().getItems())
                .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(AUTH).doesNotContain(PASSWORD));
        String status = client.getKubernetesSerialization().asJson(r.getStatus());
        assertThat(status).doesNotContain(AUTH).doesNotContain(PASSWORD);
    }

    /** Writes to two streams: the console and the test's copy. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
