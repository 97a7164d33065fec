package io.recommender.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;

/**
 * gitops/recommender-health.lua, run as Argo CD runs it, on Recommenders exactly as the operator left them
 * (src/test/resources/gitops/fixtures, captured by GitOpsCleanDiffIT; see the README there).
 */
class RecommenderHealthTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final ArgoHealth health = ArgoHealth.load();

    static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = RecommenderHealthTest.class.getResourceAsStream("/gitops/fixtures/" + name + ".json")) {
            assertThat(in).as("fixture " + name).isNotNull();
            return (ObjectNode) JSON.readTree(in);
        }
    }

    static String conditionMessage(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("message").asText();
            }
        }
        throw new AssertionError("no " + type + " condition in " + object);
    }

    @Test
    void aPromotedVersionOfTheCurrentSpecIsHealthy() throws IOException {
        ObjectNode ready = fixture("ready");
        assertThat(health.of(ready)).isEqualTo(new ArgoHealth.Result("Healthy", conditionMessage(ready, "Ready")));
        assertThat(health.of(ready).message()).isEqualTo("version 1 serves traffic");
    }

    @Test
    void aVersionRefusedByTheGateIsDegradedWithTheReason() throws IOException {
        ObjectNode failed = fixture("failed-gate-rejected");
        assertThat(failed.at("/status/phase").asText()).isEqualTo("Failed");
        ArgoHealth.Result h = health.of(failed);
        assertThat(h.status()).isEqualTo("Degraded");
        assertThat(h.message()).isEqualTo(conditionMessage(failed, "Degraded")).contains("SloNotMet", "p99 3.9 ms > SLO 0.1 ms");
    }

    @Test
    void trainingIsProgressingWithTheProgressingMessage() throws IOException {
        ObjectNode training = fixture("training-in-progress");
        assertThat(health.of(training)).isEqualTo(new ArgoHealth.Result("Progressing", "training a model"));
    }

    @Test
    void aGenerationTheOperatorHasNotActedOnIsProgressingEvenWhileTheOldOneIsReady() throws IOException {
        ObjectNode stale = fixture("stale-generation");
        // The status still says Ready=True, for generation 1.
        assertThat(conditionMessage(stale, "Ready")).isEqualTo("version 1 serves traffic");
        assertThat(health.of(stale)).isEqualTo(new ArgoHealth.Result("Progressing",
                "Waiting for the operator to act on generation 2 (it last acted on 1)"));
    }

    @Test
    void aRefusedNewVersionIsDegradedThoughTheOldOneServes() throws IOException {
        ObjectNode refused = fixture("rejected-while-serving");
        assertThat(refused.at("/status/phase").asText()).isEqualTo("Ready");
        assertThat(health.of(refused).status()).isEqualTo("Degraded");
        assertThat(health.of(refused).message()).startsWith("SloNotMet: p99 41.0 ms > SLO 25.0 ms");
    }

    @Test
    void noStatusYetIsProgressing() throws IOException {
        ObjectNode fresh = fixture("ready");
        fresh.remove("status");
        assertThat(health.of(fresh).status()).isEqualTo("Progressing");
        ObjectNode emptyStatus = fixture("ready");
        emptyStatus.putObject("status");
        assertThat(health.of(emptyStatus).status()).isEqualTo("Progressing");
    }

    @Test
    void withoutConditionsTheMessageFallsBackToThePhase() throws IOException {
        ObjectNode bare = fixture("training-in-progress");
        ((ObjectNode) bare.path("status")).remove("conditions");
        assertThat(health.of(bare)).isEqualTo(new ArgoHealth.Result("Progressing", "Phase Training"));
        ObjectNode failed = fixture("failed-gate-rejected");
        ((ObjectNode) failed.path("status")).remove("conditions");
        assertThat(health.of(failed)).isEqualTo(new ArgoHealth.Result("Degraded", "Phase Failed"));
    }

    @Test
    void aDegradedConditionWinsOverReadyInAnyOrder() throws IOException {
        ObjectNode refused = fixture("rejected-while-serving");
        ArrayNode conditions = (ArrayNode) refused.at("/status/conditions");
        ArrayNode reversed = JSON.createArrayNode();
        for (int i = conditions.size() - 1; i >= 0; i--) {
            reversed.add(conditions.get(i));
        }
        ((ObjectNode) refused.path("status")).set("conditions", reversed);
        assertThat(health.of(refused).status()).isEqualTo("Degraded");
    }

    @Test
    void theArgoCdConfigMapCarriesExactlyThisScript() throws IOException {
        JsonNode cm = new YAMLMapper().readTree(Path.of("..", "gitops", "argocd-cm-health.yaml").toFile());
        assertThat(cm.at("/data/resource.customizations.health.recommender.io_Recommender").asText())
                .isEqualTo(Files.readString(ArgoHealth.SCRIPT));
    }

    @Test
    void aBrokenScriptFailsLoudly() {
        assertThatThrownBy(() -> new ArgoHealth("hs = {} hs.status = obj.status.phase.missing return hs").of("{}"))
                .isInstanceOf(LuaError.class);
        assertThatThrownBy(() -> new ArgoHealth("return 1").of("{}")).hasMessageContaining("returned number");
    }
}
