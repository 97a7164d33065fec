package io.recommender.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recommender pods' Prometheus text read into intervals, from a real HTTP server standing in for a pod. */
class LiveMetricsTest {
    private HttpServer server;
    private volatile String text = "";
    private volatile int status = 200;

    /** The service's request histogram as Micronaut and Micrometer write it (bounds in seconds). */
    static String metrics(long fast200, long slow200, long slow503, long health) {
        String route = "exception=\"none\",method=\"GET\",outcome=\"%s\",status=\"%s\",uri=\"/v1/recommendations/{userId}\"";
        String ok = String.format(route, "SUCCESS", "200");
        String bad = String.format(route, "SERVER_ERROR", "503");
        return "# HELP http_server_requests_seconds\n# TYPE http_server_requests_seconds histogram\n"
                + "http_server_requests_seconds_bucket{" + ok + ",le=\"0.001\"} " + fast200 + ".0\n"
                + "http_server_requests_seconds_bucket{" + ok + ",le=\"0.05\"} " + (fast200 + slow200) + ".0\n"
                + "http_server_requests_seconds_bucket{" + ok + ",le=\"+Inf\"} " + (fast200 + slow200) + ".0\n"
                + "http_server_requests_seconds_count{" + ok + "} " + (fast200 + slow200) + ".0\n"
                + "http_server_requests_seconds_sum{" + ok + "} 1.5\n"
                + "http_server_requests_seconds_bucket{" + bad + ",le=\"0.001\"} 0.0\n"
                + "http_server_requests_seconds_bucket{" + bad + ",le=\"0.05\"} " + slow503 + ".0\n"
                + "http_server_requests_seconds_bucket{" + bad + ",le=\"+Inf\"} " + slow503 + ".0\n"
                + "http_server_requests_seconds_count{" + bad + "} " + slow503 + ".0\n"
                + "http_server_requests_seconds_bucket{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\","
                + "status=\"200\",uri=\"/health/readiness\",le=\"0.001\"} " + health + ".0\n"
                + "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\","
                + "status=\"200\",uri=\"/health/readiness\"} " + health + ".0\n"
                + "jvm_threads_live_threads 31.0\n";
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static Pod pod(String name, String ip) {
        return new PodBuilder().withNewMetadata().withName(name).withUid("uid-" + name).endMetadata()
                .withNewStatus().withPhase("Running").withPodIP(ip).endStatus().build();
    }

    @Test
    void theJudgedRoutesAreSummedAcrossStatusesAndOtherRoutesLeftOut() {
        LiveMetrics.Reading r = LiveMetrics.parse(metrics(90, 8, 2, 500));
        assertThat(r.requests()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(2);
        assertThat(r.buckets()).containsEntry(0.001, 90L).containsEntry(0.05, 100L)
                .containsEntry(Double.POSITIVE_INFINITY, 100L);
        assertThatThrownBy(() -> LiveMetrics.parse("jvm_threads_live_threads 31.0\n"))
                .hasMessageContaining("no http_server_requests_seconds_bucket for /v1/recommendations/{userId}");
        assertThat(LiveMetrics.labels("a=\"x\\\"y\",uri=\"/p\"")).containsEntry("a", "x\"y").containsEntry("uri", "/p");
    }

    @Test
    void anIntervalIsWhatChangedSinceTheLastReadingAndARestartCountsFromZero() {
        int port = server.getAddress().getPort();
        LiveMetrics live = new LiveMetrics();
        List<Pod> pods = List.of(pod("a", "127.0.0.1"));
        text = metrics(90, 8, 2, 5);
        LiveWindow first = live.window("r1", pods, port);
        // The first reading of a pod is its baseline only.
        assertThat(first.requests()).isZero();
        assertThat(first.pods()).isEqualTo(1);

        text = metrics(190, 8 + 50, 2 + 10, 9);
        LiveWindow w = live.window("r1", pods, port);
        assertThat(w.requests()).isEqualTo(160);
        assertThat(w.errors()).isEqualTo(10);
        assertThat(w.errorRate()).isEqualTo(10 / 160.0);
        // 100 of 160 within 1 ms: p50 <= 1 ms; p99 within 50 ms.
        assertThat(w.percentileMs(50)).isEqualTo(1.0);
        assertThat(w.percentileMs(99)).isEqualTo(50.0);

        // The pod restarted: its counters start again from zero, and all of them are this interval's.
        text = metrics(30, 0, 0, 1);
        w = live.window("r1", pods, port);
        assertThat(w.requests()).isEqualTo(30);
        assertThat(w.percentileMs(99)).isEqualTo(1.0);
        // Another Recommender's pods are kept apart.
        assertThat(live.window("r2", pods, port).requests()).isZero();
    }

    @Test
    void aPodThatCannotBeReadIsNamedAndTheOthersCount() {
        int port = server.getAddress().getPort();
        LiveMetrics live = new LiveMetrics();
        text = metrics(10, 0, 0, 0);
        List<Pod> pods = List.of(pod("a", "127.0.0.1"), pod("b", "127.0.0.2"),
                new PodBuilder().withNewMetadata().withName("pending").withUid("uid-p").endMetadata()
                        .withNewStatus().withPhase("Pending").endStatus().build());
        LiveWindow w = live.window("r1", pods, port);
        assertThat(w.pods()).isEqualTo(1);
        assertThat(w.problem()).startsWith("b: ");
        status = 404;
        w = live.window("r1", List.of(pod("a", "127.0.0.1")), port);
        assertThat(w.problem()).contains("answered HTTP 404");
        assertThat(w.requests()).isZero();
    }
}
