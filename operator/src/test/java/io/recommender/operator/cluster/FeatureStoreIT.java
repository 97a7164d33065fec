package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recommender.api.v1alpha1.FeaturesSpec;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.contracts.features.MaterializeResult;
import io.recommender.operator.Fixtures;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis feature store against the real API server (kwok nodes: pods do not run, so the initial load's result is
 * simulated like the training Job's): FeaturesReady progresses, the pods get the settings and the password by
 * reference only, a bad Secret reference is reported, and Bundle stays as it was.
 */
class FeatureStoreIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime());

    OperatorHarness h;

    @BeforeEach
    void start() {
        h = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    Recommender create(Recommender r) {
        return h.create(r);
    }

    Recommender get(String name) {
        return h.get(name);
    }

    String condition(String name, String type) {
        return h.condition(name, type);
    }

    String message(String name, String type) {
        return Conditions.find(get(name).getStatus().conditions(), type).orElseThrow().getMessage();
    }

    static Recommender redis(Recommender r, FeaturesSpec.PasswordSecretRef password) {
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), new FeaturesSpec(FeaturesSpec.FeatureSource.Redis,
                new FeaturesSpec.RedisSpec(null, "redis", 6379, password, null, null)), s.topology(), s.serving(),
                s.slo(), s.registry()));
        return r;
    }

    void createPasswordSecret() {
        h.client.resource(new SecretBuilder().withNewMetadata().withName("redis-auth").withNamespace(h.namespace)
                .endMetadata().withStringData(Map.of("password", PASSWORD)).build()).create();
    }

    /** Every Job's result as the training, initial load and gate containers would leave it. */
    void simulateResults(String name) {
        Recommender r = get(name);
        Plan plan = Plan.of(r);
        h.results.set(Names.trainingJob(r, plan.trainingHash()), Fixtures.packaged(20261207010000L));
        h.results.set(Names.featureLoadJob(r, plan.featureStore().loadHash()),
                new MaterializeResult(610, 100_836, 9_742).toJson());
        h.results.set(Names.gateJob(r, plan.versionHash(), plan.retryToken()), RecommenderOperatorIT.PASS);
    }

    static Map<String, EnvVar> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    List<Event> events() {
        return h.client.v1().events().inNamespace(h.namespace).list().getItems();
    }

    @Test
    void redisStoreIsLoadedBeforeTheGateAndWiredIntoThePods() {
        createPasswordSecret();
        create(redis(Fixtures.training("movies", Topology.TwoPod, 0),
                new FeaturesSpec.PasswordSecretRef("redis-auth", "password")));
        simulateResults("movies");

        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);

        assertThat(condition("movies", ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(message("movies", ConditionTypes.FEATURES_READY)).isEqualTo("610 users' state (100836 ratings) "
                + "loaded into redis://redis." + h.namespace + ".svc:6379, prefix '" + h.namespace + ":movies:'");
        RecommenderStatus s = get("movies").getStatus();
        assertThat(s.features().users()).isEqualTo(610L);
        assertThat(s.stable().features().passwordSecretName()).isEqualTo("redis-auth");
        Map<String, EnvVar> env = env(h.client.apps().deployments().inNamespace(h.namespace).withName("movies").get());
        assertThat(env.get("RECOMMENDER_FEATURE_SOURCE").getValue()).isEqualTo("redis");
        assertThat(env.get("RECOMMENDER_REDIS_URL").getValue()).isEqualTo("redis://redis." + h.namespace + ".svc:6379");
        assertThat(env.get("RECOMMENDER_REDIS_PREFIX").getValue()).isEqualTo(h.namespace + ":movies:");
        assertThat(env.get("RECOMMENDER_REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("redis-auth");
        // The initial load ran once, as one Job, before the gate's; it is removed once its result is recorded.
        await().atMost(WAIT).untilAsserted(() -> assertThat(events()).anyMatch(e -> "Loaded".equals(e.getReason())
                && e.getMessage().startsWith("FeaturesReady: 610 users' state")));
        await().atMost(WAIT).until(() -> h.client.batch().v1().jobs().inNamespace(h.namespace)
                .withLabel(Labels.COMPONENT, Labels.FEATURE_LOAD).list().getItems().isEmpty());
        // The password is nowhere but in its Secret.
        assertThat(Serialization.asJson(get("movies"))).doesNotContain(PASSWORD);
        assertThat(Serialization.asJson(events())).doesNotContain(PASSWORD);
        assertThat(Serialization.asJson(h.client.apps().deployments().inNamespace(h.namespace).list()))
                .doesNotContain(PASSWORD);
        assertThat(Serialization.asJson(h.client.configMaps().inNamespace(h.namespace).list())).doesNotContain(PASSWORD);
    }

    @Test
    void aMissingPasswordSecretIsReportedAndTheGateWaitsForIt() {
        create(redis(Fixtures.training("movies", Topology.OnePod, 0),
                new FeaturesSpec.PasswordSecretRef("redis-auth", "password")));
        simulateResults("movies");

        await().atMost(WAIT).until(() -> "True/PasswordSecretMissing".equals(condition("movies",
                ConditionTypes.DEGRADED)));
        assertThat(condition("movies", ConditionTypes.FEATURES_READY)).isEqualTo("False/PasswordSecretMissing");
        assertThat(message("movies", ConditionTypes.FEATURES_READY)).isEqualTo("Secret redis-auth "
                + "(features.redis.passwordSecretRef.name) does not exist in namespace " + h.namespace);
        assertThat(h.client.batch().v1().jobs().inNamespace(h.namespace).withLabel(Labels.COMPONENT, Labels.GATE)
                .list().getItems()).as("no load test before the store is loaded").isEmpty();
        // Events follow the status write.
        await().atMost(WAIT).untilAsserted(() -> assertThat(events()).anyMatch(e -> "Warning".equals(e.getType())
                && "PasswordSecretMissing".equals(e.getReason())));

        // A Secret without the key is named as such; with it, the next look (no event announces a Secret) goes on.
        h.client.resource(new SecretBuilder().withNewMetadata().withName("redis-auth").withNamespace(h.namespace)
                .endMetadata().withStringData(Map.of("pass", PASSWORD)).build()).create();
        await().atMost(WAIT).until(() -> message("movies", ConditionTypes.FEATURES_READY)
                .equals("Secret redis-auth has no key password (features.redis.passwordSecretRef.key)"));
        h.client.secrets().inNamespace(h.namespace).withName("redis-auth").delete();
        await().atMost(WAIT).until(() -> h.client.secrets().inNamespace(h.namespace).withName("redis-auth").get()
                == null);
        createPasswordSecret();
        await().atMost(WAIT).until(() -> get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        assertThat(condition("movies", ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(condition("movies", ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    @Test
    void bundleRecommenderHasNoFeatureStoreAnywhere() {
        create(Fixtures.artifact("movies", Topology.OnePod));
        Recommender r = get("movies");
        h.results.set(Names.gateJob(r, Plan.of(r).versionHash(), null), RecommenderOperatorIT.PASS);

        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        RecommenderStatus s = get("movies").getStatus();
        assertThat(Conditions.find(s.conditions(), ConditionTypes.FEATURES_READY)).isEmpty();
        assertThat(s.features()).isNull();
        assertThat(s.stable().features()).isNull();
        assertThat(env(h.client.apps().deployments().inNamespace(h.namespace).withName("movies").get()).keySet())
                .noneMatch(k -> k.startsWith("RECOMMENDER_REDIS") || k.equals("RECOMMENDER_FEATURE_SOURCE"));
        assertThat(events()).noneMatch(e -> e.getMessage() != null && e.getMessage().startsWith("FeaturesReady"));
        assertThat(h.client.batch().v1().jobs().inNamespace(h.namespace).withLabel(Labels.COMPONENT,
                Labels.FEATURE_LOAD).list().getItems()).isEmpty();
    }
}
