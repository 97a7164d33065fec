package io.recommender.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.cluster.ControlPlane;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.reconciler.JobResults;
import io.recommender.operator.reconciler.RecommenderReconciler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator benchmark on the real control plane (kwok nodes): time from apply to Ready for one Recommender
 * with a prebuilt artifact, then N Recommenders in one namespace to steady state, the operator's heap, and
 * the API writes per resource while nothing changes. Every gate Job "reports" a pass (kwok pods do not run).
 *
 * <p>usage: OperatorBench [N] [IDLE_SECONDS]; run with the heap limit under test, e.g. -Xmx256m.
 */
public final class OperatorBench {
    static final String PASS = "{\"schemaVersion\":1,\"requests\":1500,\"failures\":0,\"rps\":50.0,\"errorRate\":0.0,"
            + "\"latencyMs\":{\"p50\":2.0,\"p90\":3.0,\"p95\":3.5,\"p99\":4.0,\"max\":9.0,\"mean\":2.2},"
            + "\"verdict\":{\"passed\":true,\"reason\":\"p99 4.0 ms <= SLO 25.0 ms\"}}";
    static final Pattern WRITE = Pattern.compile(
            "^apiserver_request_total\\{(.*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        KubernetesClient client = ControlPlane.client();
        ControlPlane.installCrd(client);
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        ControlPlane.createNamespace(client, ns);

        JobResults gatePasses = job -> Labels.GATE.equals(job.getMetadata().getLabels().get(Labels.COMPONENT))
                ? Optional.of(new JobResults.Termination("load-test", 0, PASS)) : Optional.empty();
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        operator.register(new RecommenderReconciler(gatePasses, new EventRecorder(client), Clock.systemUTC()),
                c -> c.settingNamespaces(ns));
        operator.start();
        addRoomyNodes(client);

        long t0 = System.nanoTime();
        client.resource(recommender("first", ns)).create();
        waitReady(client, ns, 1);
        System.out.printf(Locale.ROOT, "apply -> Ready, one Recommender (artifact, 1 replica): %.2f s%n",
                (System.nanoTime() - t0) / 1e9);

        long t1 = System.nanoTime();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        for (int i = 0; i < n; i++) {
            Recommender r = recommender("rec-" + i, ns);
            pool.submit(() -> client.resource(r).create());
        }
        pool.shutdown();
        pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        System.out.printf(Locale.ROOT, "created %d Recommenders in %.1f s%n", n, (System.nanoTime() - t1) / 1e9);
        waitReady(client, ns, n + 1);
        System.out.printf(Locale.ROOT, "%d Recommenders Ready after %.1f s%n", n, (System.nanoTime() - t1) / 1e9);
        // Ready is recorded before the candidate objects are deleted; let that finish before counting.
        Thread.sleep(10_000);

        System.gc();
        Map<String, Double> before = writes(client);
        Thread.sleep(idleSeconds * 1000L);
        Map<String, Double> after = writes(client);
        System.out.printf(Locale.ROOT, "API writes during %d idle seconds, by resource (all clients):%n", idleSeconds);
        for (String resource : new String[] {"recommenders", "deployments", "services", "configmaps", "jobs", "events",
                "serviceaccounts", "poddisruptionbudgets", "horizontalpodautoscalers"}) {
            System.out.printf(Locale.ROOT, "  %-26s %.0f%n", resource,
                    after.getOrDefault(resource, 0.0) - before.getOrDefault(resource, 0.0));
        }
        System.out.printf(Locale.ROOT, "operator heap: peak %d MiB, in use after GC %d MiB, max %d MiB%n",
                peakHeap() >> 20, used() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        operator.stop();
        client.namespaces().withName(ns).delete();
        client.nodes().withLabel("recommender.io/bench", "true").delete();
        System.exit(0);
    }

    /** The control plane's kwok nodes are sized like real ones; the bench's pods need more room. */
    static void addRoomyNodes(KubernetesClient client) {
        for (int i = 0; i < 10; i++) {
            client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                    .withNewMetadata().withName("bench-node-" + i)
                    .addToAnnotations("kwok.x-k8s.io/node", "fake").addToLabels("recommender.io/bench", "true")
                    .addToLabels("type", "kwok").endMetadata()
                    .withNewStatus()
                    .addToCapacity(Map.of("cpu", new io.fabric8.kubernetes.api.model.Quantity("1000"),
                            "memory", new io.fabric8.kubernetes.api.model.Quantity("4Ti"),
                            "pods", new io.fabric8.kubernetes.api.model.Quantity("1000")))
                    .addToAllocatable(Map.of("cpu", new io.fabric8.kubernetes.api.model.Quantity("1000"),
                            "memory", new io.fabric8.kubernetes.api.model.Quantity("4Ti"),
                            "pods", new io.fabric8.kubernetes.api.model.Quantity("1000")))
                    .endStatus().build()).serverSideApply();
        }
    }

    static Recommender recommender(String name, String ns) {
        Recommender r = Fixtures.artifact(name, Topology.OnePod);
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), s.features(), s.topology(),
                new ServingSpec(1, null, null, null, null, null, 8080), s.slo(), s.registry()));
        r.getMetadata().setNamespace(ns);
        r.getMetadata().setUid(null);
        r.getMetadata().setGeneration(null);
        return r;
    }

    static void waitReady(KubernetesClient client, String ns, int count) throws InterruptedException {
        while (true) {
            long ready = client.resources(Recommender.class).inNamespace(ns).list().getItems().stream()
                    .filter(r -> r.getStatus() != null && r.getStatus().phase() == RecommenderStatus.Phase.Ready).count();
            if (ready >= count) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** Mutating requests per resource so far, from the API server's own request counter. */
    static Map<String, Double> writes(KubernetesClient client) {
        String metrics = client.raw("/metrics");
        Map<String, Double> byResource = new TreeMap<>();
        Matcher m = WRITE.matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (!labels.matches(".*verb=\"(POST|PUT|PATCH|DELETE|APPLY)\".*")) {
                continue;
            }
            Matcher res = Pattern.compile("resource=\"([^\"]*)\"").matcher(labels);
            if (res.find()) {
                byResource.merge(res.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return byResource;
    }

    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
