package io.recommender.operator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.observe.LiveMetrics;
import io.recommender.operator.reconciler.RecommenderReconciler;
import io.recommender.operator.status.Conditions;
import io.recommender.testsupport.ControlPlane;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An operator run in the test JVM against the real control plane, in a namespace of its own. It can be
 * stopped and started again, as a crashed and restarted operator pod would be.
 */
final class OperatorHarness implements AutoCloseable {
    static final OperatorConfig IMAGES = new OperatorConfig("registry.example.com/recs/training-job:test",
            "registry.example.com/recs/load-test:test");

    /** Status writes the operator made, by Recommender name (the test itself never writes a status). */
    final Map<String, AtomicInteger> statusWrites = new ConcurrentHashMap<>();
    final KubernetesClient client = ControlPlane.clientBuilder().withHttpClientBuilderConsumer(b ->
            b.addOrReplaceInterceptor("count-status-writes", new Interceptor() {
                @Override
                public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                    Matcher m = STATUS.matcher(request.uri().getPath());
                    if (!"GET".equals(request.method()) && m.matches()) {
                        statusWrites.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            })).build();
    private static final Pattern STATUS =
            Pattern.compile("/apis/recommender\\.io/v1alpha1/namespaces/[^/]+/recommenders/([^/]+)/status");
    final SimulatedJobResults results = new SimulatedJobResults();
    /** The operator's clock: the real time, moved forward by {@link MovableClock#advance} (schedules' ticks). */
    final MovableClock clock = new MovableClock();
    final String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private Operator operator;

    private final LiveMetrics liveMetrics;

    OperatorHarness() {
        this(new LiveMetrics());
    }

    /** With the stable pods' metrics read through {@code liveMetrics} (kwok's pods serve none). */
    OperatorHarness(LiveMetrics liveMetrics) {
        this.liveMetrics = liveMetrics;
        OperatorConfig.use(IMAGES);
        ControlPlane.installCrd(client);
        ControlPlane.createNamespace(client, namespace);
        start();
    }

    void start() {
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        operator.register(new RecommenderReconciler(results, new EventRecorder(client), clock)
                .readingPodMetricsWith(liveMetrics),
                c -> c.settingNamespaces(namespace));
        operator.start();
    }

    void stop() {
        operator.stop();
    }

    /** Creates {@code r} in this namespace, as a user would apply it (no uid or generation of its own). */
    Recommender create(Recommender r) {
        r.getMetadata().setNamespace(namespace);
        r.getMetadata().setUid(null);
        r.getMetadata().setGeneration(null);
        return client.resource(r).create();
    }

    Recommender get(String name) {
        return client.resources(Recommender.class).inNamespace(namespace).withName(name).get();
    }

    /** "status/reason" of one of the Recommender's conditions, or null. */
    String condition(String name, String type) {
        RecommenderStatus s = get(name).getStatus();
        return s == null ? null : Conditions.find(s.conditions(), type).map(c -> c.getStatus() + "/" + c.getReason())
                .orElse(null);
    }

    @Override
    public void close() {
        stop();
        client.namespaces().withName(namespace).delete();
        client.close();
    }
}
