package io.recommender.operator.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recommender.api.v1alpha1.FeaturesSpec;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.act.RecommenderDeployment;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.gate.GateJobs;
import io.recommender.operator.naming.Role;
import io.recommender.operator.naming.SpecHashes;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How a Redis feature store reaches the recommender pods and the initial load's Job; Bundle reaches nothing. */
class FeatureStoreWiringTest {
    static final FeaturesSpec.PasswordSecretRef SECRET = new FeaturesSpec.PasswordSecretRef("redis-auth", "password");

    static Recommender with(Recommender r, FeaturesSpec.RedisSpec redis) {
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), new FeaturesSpec(FeaturesSpec.FeatureSource.Redis, redis),
                s.topology(), s.serving(), s.slo(), s.registry()));
        return r;
    }

    static ModelVersion version(Recommender r, Topology t) {
        return new ModelVersion("7", 1L, "abc123", null, t, "movies", Fixtures.IMAGE, Fixtures.TF_IMAGE, null, null,
                FeatureStore.versionFeatures(r));
    }

    static Map<String, EnvVar> env(Deployment d) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getName()).isEqualTo("recommender");
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void redisReachesEveryRecommenderPodWithThePasswordOnlyByReference() {
        for (Topology t : Topology.values()) {
            for (Role role : Role.values()) {
                Recommender r = with(Fixtures.artifact("movies", t), new FeaturesSpec.RedisSpec(
                        "redis://redis.cache.svc:6379/1", null, null, SECRET, null, null));
                Map<String, EnvVar> env = env(RecommenderDeployment.desired(r, role, version(r, t)));

                assertThat(env.get("RECOMMENDER_FEATURE_SOURCE").getValue()).isEqualTo("redis");
                assertThat(env.get("RECOMMENDER_REDIS_URL").getValue()).isEqualTo("redis://redis.cache.svc:6379/1");
                assertThat(env.get("RECOMMENDER_REDIS_PREFIX").getValue()).isEqualTo("shop:movies:");
                EnvVar password = env.get("RECOMMENDER_REDIS_PASSWORD");
                assertThat(password.getValue()).isNull();
                assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-auth");
                assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            }
        }
    }

    @Test
    void bundleAddsNoSettingAndKeepsTheVersionHash() throws Exception {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        ModelVersion v = new ModelVersion("7", 1L, "abc123", null, Topology.OnePod, "movies", Fixtures.IMAGE,
                Fixtures.TF_IMAGE, null, null);
        assertThat(env(RecommenderDeployment.desired(r, Role.STABLE, v)).keySet())
                .noneMatch(k -> k.startsWith("RECOMMENDER_REDIS") || k.equals("RECOMMENDER_FEATURE_SOURCE"));
        // The version hash of a Bundle spec is what it was before Redis existed: no rollout on upgrade.
        assertThat(new ObjectMapper().writeValueAsString(new FeaturesSpec(FeaturesSpec.FeatureSource.Bundle, null)))
                .isEqualTo("{\"source\":\"Bundle\"}");
        assertThat(Serialization.asYaml(v)).doesNotContain("features");
    }

    @Test
    void aVersionKeepsItsOwnStoreWhenTheSpecMoves() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        ModelVersion bundleVersion = version(r, Topology.OnePod);
        with(r, new FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null, null, null, null));

        assertThat(env(RecommenderDeployment.desired(r, Role.STABLE, bundleVersion)))
                .as("the stable version read the bundle; it does so until a Redis candidate is promoted")
                .doesNotContainKey("RECOMMENDER_FEATURE_SOURCE");
    }

    @Test
    void aServiceBecomesItsClusterAddress() {
        Recommender r = with(Fixtures.artifact("movies", Topology.OnePod),
                new FeaturesSpec.RedisSpec(null, "redis", null, null, "movies:", null));
        assertThat(FeatureStore.of(r).url()).isEqualTo("redis://redis.shop.svc:6379");
        assertThat(FeatureStore.of(r).prefix()).isEqualTo("movies:");

        with(r, new FeaturesSpec.RedisSpec(null, "redis.cache", 6380, null, null, true));
        assertThat(FeatureStore.of(r).url()).isEqualTo("rediss://redis.cache.svc:6380");
    }

    @Test
    void initialLoadRunsMaterializeFromTheTrainingImageWithoutThePasswordInTheJob() {
        Recommender r = with(Fixtures.training("movies", Topology.OnePod, 0),
                new FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null, SECRET, null, null));
        FeatureStore store = Plan.of(r).featureStore();
        Job job = FeatureLoadJobs.job(r, store, new OperatorConfig("training:1", "loadtest:1"));

        assertThat(job.getMetadata().getName()).isEqualTo("movies-features-" + store.loadHash());
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("training:1");
        assertThat(c.getArgs()).containsExactly("materialize", "--data", "bundled:ml-latest-small",
                "--redis", "redis://redis.cache.svc:6379", "--prefix", "shop:movies:", "--result-file",
                "/dev/termination-log");
        EnvVar password = c.getEnv().stream().filter(e -> e.getName().equals("RECOMMENDER_REDIS_PASSWORD"))
                .findFirst().orElseThrow();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-auth");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(job.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();

        with(r, new FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null, null, null, null));
        c = FeatureLoadJobs.job(r, Plan.of(r).featureStore(), new OperatorConfig("training:1", "loadtest:1"))
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getArgs()).contains("redis://redis.cache.svc:6379");
    }

    @Test
    void theLoadsNameFitsForTheLongestRecommenderName() {
        Recommender r = with(Fixtures.training("m".repeat(40), Topology.OnePod, 0),
                new FeaturesSpec.RedisSpec(null, "redis", null, null, null, null));
        assertThat(FeatureLoadJobs.job(r, Plan.of(r).featureStore(), OperatorConfig.current()).getMetadata()
                .getName()).hasSizeLessThanOrEqualTo(63);
        assertThat(Plan.of(r).featureStore().loadHash())
                .isEqualTo(SpecHashes.of(List.of("bundled:ml-latest-small", "redis://redis.shop.svc:6379",
                        "shop:" + "m".repeat(40) + ":")));
    }

    @Test
    void aPasswordInAJobsMessageIsMasked() {
        assertThat(FeatureStore.masked("error: NOAUTH at redis://:s3cr3t@redis:6379 and rediss://u:p@h/0"))
                .isEqualTo("error: NOAUTH at redis://***@redis:6379 and rediss://***@h/0");
    }

    @Test
    void theGatesLoadTestOnlyReadsSoItNeverWritesIntoTheFeatureStore() {
        Recommender r = with(Fixtures.artifact("movies", Topology.OnePod),
                new FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null, null, null, null));
        // The plan once the first reconcile made the artifact's candidate.
        Plan withCandidate = io.recommender.operator.decide.Flow.decide(r, Plan.of(r),
                new io.recommender.operator.observe.Observation(io.recommender.operator.observe.JobOutcome.ABSENT, false,
                        false, io.recommender.operator.observe.JobOutcome.ABSENT), java.time.Instant.EPOCH).plan();
        List<String> args = GateJobs.job(r, withCandidate, OperatorConfig.current()).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs();
        // The gate loads GET /v1/recommendations/{id}, a read; the load generator has no endpoint for POST /v1/events.
        assertThat(args).containsSequence("--endpoint", "recommendations");
        assertThat(String.join(" ", args)).doesNotContain("events").doesNotContain("redis");
    }
}
