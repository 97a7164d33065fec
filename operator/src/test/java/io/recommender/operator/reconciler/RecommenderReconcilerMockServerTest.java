package io.recommender.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.events.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fast feedback on the operator's wiring (workflow, informers, status patch) against fabric8's in-memory
 * API server. No schema validation and no controllers here: the real API server tests cover those.
 */
class RecommenderReconcilerMockServerTest {
    final CrudMockServer mock = new CrudMockServer();
    final KubernetesClient client = mock.client;
    Operator operator;

    @BeforeEach
    void start() {
        // The mock server has no server-side apply; the real API server tests use it.
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withUseSSAToPatchPrimaryResource(false));
        operator.register(new RecommenderReconciler(job -> Optional.empty(), new EventRecorder(client),
                Clock.systemUTC()), c -> c.settingNamespaces("shop"));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        mock.close();
    }

    @Test
    void newRecommenderGetsItsCandidateServingObjectsAndAStatus() {
        Recommender r = Fixtures.artifact("movies", Topology.TwoPod);
        r.getMetadata().setUid(null);
        client.resource(r).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace("shop").withName("movies-candidate").get()).isNotNull();
            assertThat(client.apps().deployments().inNamespace("shop").withName("movies-candidate-tfserving").get())
                    .isNotNull();
            assertThat(client.configMaps().inNamespace("shop").withName("movies-candidate-serving").get()).isNotNull();
            assertThat(client.services().inNamespace("shop").withName("movies").get()).isNotNull();
            assertThat(client.serviceAccounts().inNamespace("shop").withName("movies-serving").get()).isNotNull();
            Recommender stored = client.resources(Recommender.class).inNamespace("shop").withName("movies").get();
            assertThat(stored.getStatus()).isNotNull();
            assertThat(stored.getStatus().phase()).isEqualTo(RecommenderStatus.Phase.Deploying);
        });
        Deployment d = client.apps().deployments().inNamespace("shop").withName("movies-candidate").get();
        assertThat(d.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("Recommender"));
        assertThat(client.apps().deployments().inNamespace("shop").withName("movies").get()).isNull();
        assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
    }
}
