package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.PodSecurity;
import io.recommender.operator.serving.Resources;
import io.recommender.operator.serving.ServingObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The recommender Deployment of a role, {@code <name>} or {@code <name>-candidate}, while the role has a version;
 * in the one-pod topology TensorFlow Serving runs beside the recommender.
 */
public abstract class RecommenderDeployment extends RoleObject<Deployment> {
    RecommenderDeployment(Role role) {
        super(Deployment.class, role);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.recommender(r, role);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return plan.version(role) != null;
    }

    @Override
    Deployment desired(Recommender r, Plan plan) {
        return desired(r, role, plan.version(role));
    }

    public static Deployment desired(Recommender r, Role role, ModelVersion v) {
        List<Container> containers = new ArrayList<>();
        containers.add(recommender(r, role, v));
        if (v.topology() == Topology.OnePod) {
            containers.add(ServingObjects.tfServingContainer(r, v));
        }
        return ServingObjects.deployment(r, role, Names.recommender(r, role), Labels.RECOMMENDER, v, containers);
    }

    private static Container recommender(Recommender r, Role role, ModelVersion v) {
        ServingSpec s = r.getSpec().serving();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("RECOMMENDER_EMBEDDING_SOURCE", "tfserving", null));
        env.add(new EnvVar("TF_SERVING_MODEL_NAME", v.modelName(), null));
        env.add(new EnvVar("PORT", Integer.toString(ServingObjects.HTTP_PORT), null));
        if (v.topology() == Topology.OnePod) {
            env.add(new EnvVar(ServingObjects.TF_SERVING_URL, "http://localhost:" + ServingObjects.TF_SERVING_REST_PORT,
                    null));
        } else {
            env.add(new EnvVarBuilder().withName(ServingObjects.TF_SERVING_URL).withNewValueFrom()
                    .withNewConfigMapKeyRef().withName(Names.servingConfig(r, role)).withKey(ServingObjects.TF_SERVING_URL)
                    .endConfigMapKeyRef().endValueFrom().build());
        }
        // The version's own feature store: a stable version keeps reading where it did while a candidate moves.
        env.addAll(FeatureStore.env(v.features()));
        return new ContainerBuilder()
                .withName("recommender")
                .withImage(v.image())
                .withImagePullPolicy("IfNotPresent")
                .addNewPort().withName("http").withContainerPort(ServingObjects.HTTP_PORT).endPort()
                .withEnv(env)
                .withReadinessProbe(ServingObjects.httpProbe("/health/readiness", "http", 2))
                .withLivenessProbe(ServingObjects.httpProbe("/health/liveness", "http", 10))
                .withStartupProbe(new ProbeBuilder(ServingObjects.httpProbe("/health/liveness", "http", 2))
                        .withFailureThreshold(60).build())
                .withResources(Resources.of(s == null ? null : s.resources(),
                        Map.of("cpu", "250m", "memory", "512Mi"), Map.of("memory", "1Gi")))
                .withSecurityContext(PodSecurity.container())
                .withVolumeMounts(PodSecurity.tmpMount())
                .build();
    }

    public static final class Stable extends RecommenderDeployment {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends RecommenderDeployment {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
