package io.recommender.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndMetricsTest implements TestPropertyProvider {
    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("recommender.bundle-path", TestBundles.standard().toString());
    }

    @Test
    void livenessAndReadinessAreUpWithTheModelNamed() {
        Http http = new Http(URI.create(server.getURL().toString()));
        assertThat(http.get("/health/liveness").status()).isEqualTo(200);
        Http.Answer ready = http.get("/health/readiness");
        assertThat(ready.status()).isEqualTo(200);
        JsonNode model = ready.json().at("/details/model");
        assertThat(model.get("status").asText()).isEqualTo("UP");
        assertThat(model.at("/details/modelVersion").asLong()).isEqualTo(TestBundles.VERSION);
        assertThat(model.at("/details/embeddingSource").asText()).isEqualTo("embedded");
        assertThat(model.at("/details/kernel").asText()).startsWith("vector-");
    }

    @Test
    void metricsArePrometheusTextWithLatencyHistogramsStatusCountsAndModelVersion() {
        Http http = new Http(URI.create(server.getURL().toString()));
        http.post("/predict", "{\"uid\": 1}");
        http.get("/v1/recommendations/3?k=5");
        http.get("/v1/recommendations/4");
        http.get("/v1/recommendations/x");

        Http.Answer metrics = http.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body())
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*status=\"200\"[^}]*uri=\"/predict\"[^}]*le=")
                .containsPattern("(?m)^http_server_requests_seconds_count\\{.*status=\"400\".*\\} 1$")
                .containsPattern("recommender_embedding_latency_seconds_bucket\\{[^}]*outcome=\"success\"[^}]*source=\"embedded\"")
                .as("buckets start at 100 us").contains("uri=\"/predict\",le=\"1.0E-4\"")
                .contains("recommender_model_version " + (double) TestBundles.VERSION)
                .contains("recommender_model_loaded 1.0")
                .containsPattern("recommender_fallback_total\\{?[^}]*\\}? 1\\.0");
    }
}
