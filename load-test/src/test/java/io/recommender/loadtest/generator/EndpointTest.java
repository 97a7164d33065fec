package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EndpointTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void predictPostsTheUserIdAndWantsRecommendations() {
        assertThat(Endpoint.PREDICT.method()).isEqualTo("POST");
        assertThat(Endpoint.PREDICT.path(42)).isEqualTo("/predict");
        assertThat(Endpoint.PREDICT.pathNamesTheUser()).isFalse();
        assertThat(new String(Endpoint.PREDICT.body(42), StandardCharsets.US_ASCII)).isEqualTo("{\"uid\": 42}");
        assertThat(Endpoint.PREDICT.judge(200, ascii("{\"Recommended\": [1, 2]}"))).isNull();
        assertThat(Endpoint.PREDICT.judge(200, ascii("{\"detail\": \"x\"}")))
            .isEqualTo("answer without \"Recommended\"");
        assertThat(Endpoint.PREDICT.judge(503, ascii("{\"Recommended\": []}"))).isEqualTo("HTTP 503");
    }

    @Test
    void recommendationsGetsByPath() {
        assertThat(Endpoint.RECOMMENDATIONS.method()).isEqualTo("GET");
        assertThat(Endpoint.RECOMMENDATIONS.path(7)).isEqualTo("/v1/recommendations/7?k=10");
        assertThat(Endpoint.RECOMMENDATIONS.pathNamesTheUser()).isTrue();
        assertThat(Endpoint.RECOMMENDATIONS.body(7)).isNull();
        assertThat(Endpoint.RECOMMENDATIONS.judge(204, new byte[0])).isNull();
        assertThat(Endpoint.RECOMMENDATIONS.judge(404, new byte[0])).isEqualTo("HTTP 404");
        assertThat(Endpoint.RECOMMENDATIONS.statsName()).isEqualTo("GET /v1/recommendations/{userId}");
    }

    @Test
    void namesOnTheCommandLine() {
        assertThat(Endpoint.fromCliName("predict")).isEqualTo(Endpoint.PREDICT);
        assertThat(Endpoint.fromCliName("recommendations")).isEqualTo(Endpoint.RECOMMENDATIONS);
        assertThatThrownBy(() -> Endpoint.fromCliName("PREDICT")).isInstanceOf(IllegalArgumentException.class);
    }
}
