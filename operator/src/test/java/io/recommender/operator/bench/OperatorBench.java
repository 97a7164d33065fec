package io.recommender.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.observe.JobResults;
import io.recommender.operator.reconciler.RecommenderReconciler;
import io.recommender.testsupport.ControlPlane;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator benchmark on the real control plane (kwok nodes): time from apply to Ready for one Recommender
 * with a prebuilt artifact, then N Recommenders in one namespace to steady state, the operator's heap, and
 * the API writes per resource while nothing changes. Every gate Job "reports" a pass (kwok pods do not run).
 *
 * <p>Besides the totals it reports where the time goes: the operator's own requests by verb and resource (counted
 * in its client), its reconciles, and per Recommender the steps of the pipeline as the bench's watches see them,
 * split into the operator's reactions (e.g. candidate available -> gate Job created) and the simulated cluster's
 * (e.g. gate Job created -> Job complete: Job controller, scheduler, kwok).
 *
 * <p>usage: OperatorBench [N] [IDLE_SECONDS]; run with the heap limit under test, e.g. -Xmx256m.
 */
public final class OperatorBench {
    static final String PASS = "{\"schemaVersion\":1,\"requests\":1500,\"failures\":0,\"rps\":50.0,\"errorRate\":0.0,"
            + "\"latencyMs\":{\"p50\":2.0,\"p90\":3.0,\"p95\":3.5,\"p99\":4.0,\"max\":9.0,\"mean\":2.2},"
            + "\"verdict\":{\"passed\":true,\"reason\":\"p99 4.0 ms <= SLO 25.0 ms\"}}";
    static final Pattern WRITE = Pattern.compile(
            "^apiserver_request_total\\{(.*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);

    /** Pipeline steps, in order; each Recommender's time of each, in ms since the bench started (0: not seen). */
    enum Step { APPLIED, CANDIDATE_CREATED, CANDIDATE_AVAILABLE, GATE_CREATED, GATE_COMPLETE, STABLE_CREATED,
        STABLE_AVAILABLE, READY }

    static final long START = System.nanoTime();
    static final Map<String, long[]> TIMES = new ConcurrentHashMap<>();
    static final Map<String, CountDownLatch> READY = new ConcurrentHashMap<>();
    static final AtomicInteger READY_COUNT = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        // The bench's own client (creates, watches, metrics) is not the operator's, whose requests are counted.
        KubernetesClient client = ControlPlane.client();
        RequestCounter requests = new RequestCounter();
        ReconcileCounter reconciles = new ReconcileCounter();
        KubernetesClient operatorClient = ControlPlane.clientBuilder()
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-requests", requests)).build();
        ControlPlane.installCrd(client);
        String ns = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        ControlPlane.createNamespace(client, ns);
        List<Watch> watches = watch(client, ns);

        JobResults gatePasses = job -> Labels.GATE.equals(job.getMetadata().getLabels().get(Labels.COMPONENT))
                ? Optional.of(new JobResults.Termination("load-test", 0, PASS)) : Optional.empty();
        Operator operator = new Operator(o -> o.withKubernetesClient(operatorClient)
                .withCloseClientOnStop(false).withMetrics(reconciles));
        operator.register(new RecommenderReconciler(gatePasses, new EventRecorder(operatorClient), Clock.systemUTC()),
                c -> c.settingNamespaces(ns));
        operator.start();
        addRoomyNodes(client);

        long t0 = System.nanoTime();
        Recommender first = recommender("first", ns);
        stamp("first", Step.APPLIED);
        client.resource(first).create();
        READY.computeIfAbsent("first", k -> new CountDownLatch(1)).await();
        System.out.printf(Locale.ROOT, "apply -> Ready, one Recommender (artifact, 1 replica): %.2f s%n",
                (System.nanoTime() - t0) / 1e9);
        Map<String, Long> requestsBefore = requests.snapshot();
        long reconcilesBefore = reconciles.started.sum();

        long t1 = System.nanoTime();
        Progress progress = new Progress(t1, requests, reconciles);
        progress.start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < n; i++) {
            Recommender r = recommender("rec-" + i, ns);
            pool.submit(() -> {
                stamp(r.getMetadata().getName(), Step.APPLIED);
                return client.resource(r).create();
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        System.out.printf(Locale.ROOT, "created %d Recommenders in %.1f s%n", n, (System.nanoTime() - t1) / 1e9);
        while (READY_COUNT.get() < n + 1) {
            Thread.sleep(100);
        }
        double readyAfter = (System.nanoTime() - t1) / 1e9;
        progress.interrupt();
        System.out.printf(Locale.ROOT, "%d Recommenders Ready after %.1f s%n", n, readyAfter);
        // Ready is recorded before the candidate objects are deleted; let that finish before counting.
        Thread.sleep(10_000);
        Map<String, Long> requestsRun = diff(requests.snapshot(), requestsBefore);
        long reconcilesRun = reconciles.started.sum() - reconcilesBefore;

        steps(n);
        System.out.printf(Locale.ROOT, "operator reconciles for the %d: %d (%.1f per Recommender), mean reconcile %.1f ms%n",
                n, reconcilesRun, reconcilesRun / (double) n, reconciles.meanMs());
        System.out.printf(Locale.ROOT, "operator requests for the %d (its own client), per Recommender:%n", n);
        requestsRun.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %8d  %6.2f%n", k, v, v / (double) n));

        System.gc();
        Map<String, Double> before = writes(client);
        Map<String, Long> idleBefore = requests.snapshot();
        Thread.sleep(idleSeconds * 1000L);
        Map<String, Double> after = writes(client);
        Map<String, Long> idleOperator = diff(requests.snapshot(), idleBefore);
        System.out.printf(Locale.ROOT, "API writes during %d idle seconds, by resource (all clients):%n", idleSeconds);
        for (String resource : new String[] {"recommenders", "deployments", "services", "configmaps", "jobs", "events",
                "serviceaccounts", "poddisruptionbudgets", "horizontalpodautoscalers"}) {
            System.out.printf(Locale.ROOT, "  %-26s %.0f%n", resource,
                    after.getOrDefault(resource, 0.0) - before.getOrDefault(resource, 0.0));
        }
        System.out.printf(Locale.ROOT, "operator requests during the idle seconds (its own client): %s%n", idleOperator);
        System.out.printf(Locale.ROOT, "operator heap: peak %d MiB, in use after GC %d MiB, max %d MiB%n",
                peakHeap() >> 20, used() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        watches.forEach(Watch::close);
        operator.stop();
        client.namespaces().withName(ns).delete();
        client.nodes().withLabel("recommender.io/bench", "true").delete();
        System.exit(0);
    }

    static void stamp(String recommender, Step step) {
        long[] t = TIMES.computeIfAbsent(recommender, k -> new long[Step.values().length]);
        synchronized (t) {
            if (t[step.ordinal()] == 0) {
                t[step.ordinal()] = Math.max(1, (System.nanoTime() - START) / 1_000_000);
            }
        }
    }

    /** Watches (not informers: nothing cached) that stamp each Recommender's steps as the API server reports them. */
    static List<Watch> watch(KubernetesClient client, String ns) {
        List<Watch> watches = new ArrayList<>();
        watches.add(client.resources(Recommender.class).inNamespace(ns).watch(new Stamping<Recommender>(r -> {
            if (r.getStatus() != null && r.getStatus().phase() == RecommenderStatus.Phase.Ready) {
                String name = r.getMetadata().getName();
                long[] t = TIMES.computeIfAbsent(name, k -> new long[Step.values().length]);
                if (t[Step.READY.ordinal()] == 0) {
                    stamp(name, Step.READY);
                    READY_COUNT.incrementAndGet();
                    READY.computeIfAbsent(name, k -> new CountDownLatch(1)).countDown();
                }
            }
        })));
        watches.add(client.apps().deployments().inNamespace(ns).watch(new Stamping<Deployment>(d -> {
            String role = d.getMetadata().getLabels().get(Labels.ROLE);
            boolean candidate = "candidate".equals(role);
            if (!candidate && !"stable".equals(role)) {
                return;
            }
            String name = d.getMetadata().getLabels().get(Labels.INSTANCE);
            stamp(name, candidate ? Step.CANDIDATE_CREATED : Step.STABLE_CREATED);
            if (d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
                    && d.getStatus().getAvailableReplicas() >= 1) {
                stamp(name, candidate ? Step.CANDIDATE_AVAILABLE : Step.STABLE_AVAILABLE);
            }
        })));
        watches.add(client.batch().v1().jobs().inNamespace(ns).watch(new Stamping<Job>(j -> {
            if (!Labels.GATE.equals(j.getMetadata().getLabels().get(Labels.COMPONENT))) {
                return;
            }
            String name = j.getMetadata().getLabels().get(Labels.INSTANCE);
            stamp(name, Step.GATE_CREATED);
            if (j.getStatus() != null && j.getStatus().getSucceeded() != null && j.getStatus().getSucceeded() >= 1) {
                stamp(name, Step.GATE_COMPLETE);
            }
        })));
        return watches;
    }

    record Stamping<T extends HasMetadata>(java.util.function.Consumer<T> onChange) implements Watcher<T> {
        @Override
        public void eventReceived(Action action, T resource) {
            if (action == Action.ADDED || action == Action.MODIFIED) {
                onChange.accept(resource);
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            System.out.println("bench watch closed: " + cause);
        }
    }

    /** Median, 90th percentile and maximum of each step's duration across the N Recommenders (not "first"). */
    static void steps(int n) {
        Step[] steps = Step.values();
        System.out.printf(Locale.ROOT, "pipeline steps across the %d Recommenders (s): %-44s %6s %6s %6s  %s%n", n, "",
                "p50", "p90", "max", "whose");
        for (int s = 1; s < steps.length; s++) {
            int from = s - 1;
            int to = s;
            long[] d = TIMES.entrySet().stream().filter(e -> !"first".equals(e.getKey())).map(Map.Entry::getValue)
                    .filter(t -> t[from] > 0 && t[to] > 0).mapToLong(t -> t[to] - t[from]).sorted().toArray();
            if (d.length == 0) {
                continue;
            }
            System.out.printf(Locale.ROOT, "  %-22s -> %-22s %6.2f %6.2f %6.2f  %s (%d seen)%n", steps[from], steps[to],
                    d[d.length / 2] / 1e3, d[(int) (d.length * 0.9)] / 1e3, d[d.length - 1] / 1e3,
                    s % 2 == 1 ? "operator" : "cluster (controllers, scheduler, kwok)", d.length);
        }
    }

    /** The operator's requests by verb and resource, e.g. "PATCH deployments" or "LIST pods". */
    static final class RequestCounter implements Interceptor {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            counts.computeIfAbsent(key(request.method(), request.uri()), k -> new LongAdder()).increment();
        }

        static String key(String method, java.net.URI uri) {
            String[] p = uri.getPath().split("/");
            int i = p.length > 1 && "api".equals(p[1]) ? 3 : 4;
            if (i + 2 < p.length && "namespaces".equals(p[i])) {
                i += 2;
            }
            String resource = i < p.length ? p[i] : uri.getPath();
            boolean named = i + 1 < p.length;
            if (i + 2 < p.length) {
                resource += "/" + p[i + 2];
            }
            String query = uri.getQuery() == null ? "" : uri.getQuery();
            String verb = "GET".equals(method) ? (query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST")
                    : method;
            return verb + " " + resource;
        }

        Map<String, Long> snapshot() {
            Map<String, Long> s = new TreeMap<>();
            counts.forEach((k, v) -> s.put(k, v.sum()));
            return s;
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /** Reconciles started and running now, and their total time. */
    static final class ReconcileCounter implements Metrics {
        final LongAdder started = new LongAdder();
        final LongAdder events = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAdder timed = new LongAdder();
        final AtomicInteger running = new AtomicInteger();

        @Override
        public void receivedEvent(io.javaoperatorsdk.operator.processing.event.Event event, Map<String, Object> metadata) {
            events.increment();
        }

        @Override
        public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
            started.increment();
            running.incrementAndGet();
        }

        @Override
        public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
            running.decrementAndGet();
        }

        @Override
        public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
            long t = System.nanoTime();
            try {
                return execution.execute();
            } finally {
                nanos.add(System.nanoTime() - t);
                timed.increment();
            }
        }

        double meanMs() {
            return timed.sum() == 0 ? 0 : nanos.sum() / 1e6 / timed.sum();
        }
    }

    /** Every 5 s: Recommenders Ready, the operator's reconciles and requests per second, heap in use. */
    static final class Progress extends Thread {
        final long t0;
        final RequestCounter requests;
        final ReconcileCounter reconciles;

        Progress(long t0, RequestCounter requests, ReconcileCounter reconciles) {
            this.t0 = t0;
            this.requests = requests;
            this.reconciles = reconciles;
            setDaemon(true);
        }

        @Override
        public void run() {
            long lastRequests = requests.total();
            long lastReconciles = reconciles.started.sum();
            long lastEvents = reconciles.events.sum();
            long lastCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long lastProcessCpu = os.getProcessCpuTime();
            System.out.println("    t  ready  reconciles/s running  events/s  requests/s  jvm-cpu%  heap-MiB");
            try {
                while (true) {
                    Thread.sleep(5000);
                    long r = requests.total();
                    long c = reconciles.started.sum();
                    long e = reconciles.events.sum();
                    long cpu = os.getProcessCpuTime();
                    System.out.printf(Locale.ROOT, "%5.0f %6d %13.1f %7d %9.1f %11.1f %9.0f %9d%n",
                            (System.nanoTime() - t0) / 1e9, READY_COUNT.get(), (c - lastReconciles) / 5.0,
                            reconciles.running.get(), (e - lastEvents) / 5.0, (r - lastRequests) / 5.0,
                            (cpu - lastProcessCpu) / 5e9 * 100, used() >> 20);
                    lastRequests = r;
                    lastReconciles = c;
                    lastEvents = e;
                    lastProcessCpu = cpu;
                }
            } catch (InterruptedException done) {
                // the run is over
            }
        }
    }

    static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> then) {
        Map<String, Long> d = new TreeMap<>();
        now.forEach((k, v) -> {
            long x = v - then.getOrDefault(k, 0L);
            if (x != 0) {
                d.put(k, x);
            }
        });
        return d;
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
