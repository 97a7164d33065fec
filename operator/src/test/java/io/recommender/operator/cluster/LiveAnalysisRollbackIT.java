package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.observe.LiveMetrics;
import io.recommender.operator.status.ConditionTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A version promoted through the gate and then failing its live analysis is rolled back by the operator on the real
 * API server. kwok's pods run nothing, so their metrics come from a server in this test, in the format the
 * recommender's {@code /metrics} has; the operator reads it through {@link LiveMetrics} as it reads pods.
 * The case: a two-pod version rolled back to the one-pod version before it. The two-pod TensorFlow Serving is the
 * failed version's, which after the rollback is neither stable nor in history; it must stay, unchanged, until no
 * two-pod recommender pod is left to call it.
 */
class LiveAnalysisRollbackIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String ROUTE = "uri=\"/v1/recommendations/{userId}\"";

    final AtomicBoolean slow = new AtomicBoolean();
    final AtomicLong fast = new AtomicLong();
    final AtomicLong slowCount = new AtomicLong();
    HttpServer metrics;
    OperatorHarness h;

    /** Cumulative counters that grow by 100 requests a read: under 5 ms, or (slow) between 5 ms and 1 s. */
    String scrape() {
        (slow.get() ? slowCount : fast).addAndGet(100);
        long under5 = fast.get();
        long all = under5 + slowCount.get();
        String labels = "method=\"GET\"," + ROUTE + ",status=\"200\"";
        return "# TYPE http_server_requests_seconds histogram\n"
                + "http_server_requests_seconds_bucket{" + labels + ",le=\"0.005\"} " + under5 + "\n"
                + "http_server_requests_seconds_bucket{" + labels + ",le=\"1.0\"} " + all + "\n"
                + "http_server_requests_seconds_bucket{" + labels + ",le=\"+Inf\"} " + all + "\n"
                + "http_server_requests_seconds_count{" + labels + "} " + all + "\n";
    }

    @BeforeEach
    void start() throws IOException {
        metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        metrics.createContext("/metrics", ex -> {
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        metrics.start();
        URI url = URI.create("http://127.0.0.1:" + metrics.getAddress().getPort() + "/metrics");
        h = new OperatorHarness(new LiveMetrics((pod, port) -> url));
    }

    @AfterEach
    void stop() {
        h.close();
        metrics.stop(0);
    }

    Recommender get() {
        return h.get("movies");
    }

    void gatePasses() {
        Recommender r = get();
        Plan plan = Plan.of(r);
        h.results.set(Names.gateJob(r, plan.identity(), plan.retryToken()), RecommenderOperatorIT.PASS);
    }

    Deployment deployment(String name) {
        return h.client.apps().deployments().inNamespace(h.namespace).withName(name).get();
    }

    @Test
    void aTwoPodVersionFailingLiveAnalysisGoesBackToOnePodAndItsTfServingStaysUntilNoTwoPodPodIsLeft() {
        // One pod first, judged on live traffic every 5 s; the first missed interval rolls back (failureLimit 0).
        JsonNode tree = h.client.getKubernetesSerialization().convertValue(Fixtures.artifact("movies",
                Topology.OnePod), JsonNode.class);
        ((ObjectNode) tree.path("spec").path("slo")).putObject("analysis").put("duration", "10m")
                .put("interval", "5s").put("failureLimit", 0).put("minRequests", 1);
        h.create(h.client.getKubernetesSerialization().convertValue(tree, Recommender.class));
        gatePasses();
        await().atMost(WAIT).until(() -> get().getStatus() != null
                && get().getStatus().phase() == RecommenderStatus.Phase.Ready);
        String onePod = get().getStatus().stable().modelVersion();

        // Then two pods: gated, promoted, and its analysis starts.
        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies").edit(x -> {
            RecommenderSpec s = x.getSpec();
            x.setSpec(new RecommenderSpec(s.model(), s.features(), Topology.TwoPod, s.serving(), s.slo(),
                    s.registry()));
            return x;
        });
        gatePasses();
        await().atMost(WAIT).until(() -> get().getStatus().stable().topology() == Topology.TwoPod
                && get().getStatus().phase() == RecommenderStatus.Phase.Ready
                && get().getStatus().analysis() != null && deployment("movies-tfserving") != null);
        String tfServingImage = deployment("movies-tfserving").getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage();

        // What the stable Deployment looked like when TensorFlow Serving's went, and every TF Serving image seen.
        AtomicReference<Deployment> lastStable = new AtomicReference<>();
        AtomicReference<Deployment> stableWhenTfServingWent = new AtomicReference<>();
        Set<String> tfServingImages = ConcurrentHashMap.newKeySet();
        Watch watch = h.client.apps().deployments().inNamespace(h.namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if ("movies".equals(d.getMetadata().getName())) {
                    lastStable.set(d);
                } else if ("movies-tfserving".equals(d.getMetadata().getName())) {
                    tfServingImages.add(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
                    if (action == Action.DELETED) {
                        stableWhenTfServingWent.compareAndSet(null, lastStable.get());
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            slow.set(true);
            await().atMost(WAIT).until(() -> get().getStatus().stable().topology() == Topology.OnePod);
            RecommenderStatus s = get().getStatus();
            assertThat(s.stable().modelVersion()).isEqualTo(onePod);
            assertThat(h.condition("movies", ConditionTypes.LATENCY_VERIFIED)).isEqualTo("False/AnalysisFailed");
            assertThat(s.analysis().verdict()).isEqualTo("RolledBack");

            await().atMost(WAIT).until(() -> stableWhenTfServingWent.get() != null);
        } finally {
            watch.close();
        }
        Deployment rolled = stableWhenTfServingWent.get();
        assertThat(rolled.getSpec().getTemplate().getSpec().getContainers()).as("the stable pods' containers")
                .hasSize(2);
        assertThat(rolled.getStatus().getObservedGeneration()).isEqualTo(rolled.getMetadata().getGeneration());
        assertThat(rolled.getStatus().getReplicas()).isEqualTo(rolled.getStatus().getUpdatedReplicas())
                .isEqualTo(rolled.getSpec().getReplicas());
        assertThat(tfServingImages).as("TensorFlow Serving, as it was until it went").isEqualTo(Set.of(tfServingImage));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(deployment("movies-tfserving")).isNull();
            assertThat(h.client.services().inNamespace(h.namespace).withName("movies-tfserving").get()).isNull();
            assertThat(h.client.configMaps().inNamespace(h.namespace).withName("movies-serving").get()).isNull();
        });
        // Not promoted again (no ping-pong) while the spec stays.
        assertThat(List.of(get().getStatus().stable().topology())).containsExactly(Topology.OnePod);
    }
}
