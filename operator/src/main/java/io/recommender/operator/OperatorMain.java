package io.recommender.operator;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recommender.operator.events.DomainMetrics;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.reconciler.RecommenderReconciler;
import io.recommender.operator.observe.TerminationMessages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator: the Recommender reconciler, leader election (so two replicas never reconcile at once),
 * and an HTTP port with {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics}.
 *
 * <p>Environment: WATCH_NAMESPACES (comma-separated; all namespaces when unset), POD_NAMESPACE (where the
 * leader-election Lease lives), HEALTH_PORT (default 8081), and the default images of {@link OperatorConfig}.
 */
public final class OperatorMain {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);
    static final String LEASE = "recommender-operator";

    private OperatorMain() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        // The client's defaults: its JDK HTTP/2 transport multiplexes every request on one connection and has no
        // per-host limit (maxConcurrentRequestsPerHost applies to the OkHttp transport only).
        KubernetesClient client = new KubernetesClientBuilder().build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String leaseNamespace = env.getOrDefault("POD_NAMESPACE", client.getNamespace() == null ? "default" : client.getNamespace());

        // The SDK's defaults (50 reconciles and 50 dependents at once): more of each was slower, with more
        // conflicting writes (measured in docs/benchmarks.md, "Operator").
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build())
                .withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, leaseNamespace)));
        Set<String> namespaces = namespaces(env.get("WATCH_NAMESPACES"));
        operator.register(new RecommenderReconciler(new TerminationMessages(client), new EventRecorder(client),
                Clock.systemUTC(), new DomainMetrics(registry)), c -> {
                    if (!namespaces.isEmpty()) {
                        c.settingNamespaces(namespaces);
                    }
                });

        int port = Integer.parseInt(env.getOrDefault("HEALTH_PORT", "8081"));
        HttpServer http = HttpServer.create(new InetSocketAddress(port), 16);
        http.createContext("/healthz", ex -> respond(ex, () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(), "ok"));
        http.createContext("/readyz", ex -> respond(ex, () -> operator.getRuntimeInfo().isStarted(), "ready"));
        http.createContext("/metrics", ex -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        try {
            operator.start();
        } catch (RuntimeException e) {
            // The health server's thread would keep a failed operator alive; exit so the pod restarts.
            LOG.error("operator failed to start: {}", e.getMessage(), e);
            http.stop(0);
            System.exit(1);
        }
        LOG.info("recommender operator started; namespaces {}; health and metrics on :{}",
                namespaces.isEmpty() ? "all" : namespaces, port);
    }

    static Set<String> namespaces(String value) {
        return value == null || value.isBlank() ? Set.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, Supplier<Boolean> check, String okBody)
            throws IOException {
        boolean ok = check.get();
        byte[] body = (ok ? okBody : "not " + okBody).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(ok ? 200 : 503, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
