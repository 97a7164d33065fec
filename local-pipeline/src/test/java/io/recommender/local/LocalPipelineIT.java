package io.recommender.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The latency gate over a real network on this machine: a model trained on the project's data, the recommender
 * service and the load generator as separate processes, the verdict read back from the report file. One SLO
 * the service meets and one it cannot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPipelineIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final Path OUT = Path.of("target", "local-pipeline-it").toAbsolutePath();
    private static final Path RESOURCES = Path.of("src", "test", "resources").toAbsolutePath();

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private LocalPipeline.Outcome run(String file) throws Exception {
        LocalPipeline pipeline = new LocalPipeline(new ProjectLayout(ROOT),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            return pipeline.run(new LocalPipeline.Options(RESOURCES.resolve(file), OUT, null, false));
        } finally {
            System.out.print(console.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    @Order(1)
    void aServiceMeetingTheSloPasses() throws Exception {
        deleteRecursively(OUT);
        LocalPipeline.Outcome outcome = run("passing-slo.yaml");

        assertThat(outcome.modelReused()).isFalse();
        assertThat(outcome.model().metrics().rmse()).isLessThan(outcome.model().metrics().baselines().globalMeanRmse());
        assertThat(outcome.passed()).as(outcome.report().verdict().reason()).isTrue();
        // 100 rps for 5 s: the load really ran, over the network, without a failed request.
        assertThat(outcome.report().requests()).isBetween(400L, 600L);
        assertThat(outcome.report().failures()).isZero();
        assertThat(outcome.report().latencyMs().p99()).isPositive().isLessThanOrEqualTo(2000);
        assertThat(Files.readString(OUT.resolve("load-test-report.json"))).contains("\"passed\" : true");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("verdict: PASS");
        assertNothingLeftRunning();
    }

    @Test
    @Order(2)
    void anImpossibleSloFailsWithTheMeasuredFigure() throws Exception {
        LocalPipeline.Outcome outcome = run("impossible-slo.yaml");

        // Same data and training settings: the bundle of the first run is served again, not retrained.
        assertThat(outcome.modelReused()).isTrue();
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.report().failures()).isZero();
        assertThat(outcome.report().verdict().reason()).contains("p50").contains("0.001");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("FAIL: ").contains("verdict: FAIL");
        assertNothingLeftRunning();
    }

    @Test
    @Order(3)
    void aModelMissingSpecQualityIsRefusedBeforeAnythingIsServed() throws Exception {
        LocalPipeline.Outcome outcome = run("quality-missed.yaml");

        assertThat(outcome.modelReused()).isTrue();
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.report()).isNull();
        assertThat(outcome.quality().message()).startsWith("recall@10 ").contains("< minRecallAt10 0.9000")
                .doesNotContain("RMSE");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("quality: missed, recall@10 ")
                .contains("verdict: FAIL - the operator would reject this model before pushing its images")
                .doesNotContain("load test: ");
        assertNothingLeftRunning();
    }

    @Test
    @Order(4)
    void aRedisManifestIsServedFromALocalRedisLoadedByMaterialize() throws Exception {
        LocalPipeline.Outcome outcome = run("redis-features.yaml");

        // Every user of ml-latest-small loaded, as the operator's initial load Job loads them.
        assertThat(outcome.featureLoad()).startsWith("materialized 610 users, 100836 ratings");
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(printed).containsPattern("feature store: redis://127\\.0\\.0\\.1:\\d+, prefix "
                + "'default:local-live:', \\d{4,} keys")
                .contains("a local redis-server stands in for it, without a password");
        assertThat(outcome.passed()).as(outcome.report().verdict().reason()).isTrue();
        assertThat(outcome.report().failures()).isZero();
        // The redis-server is stopped with the rest.
        assertNothingLeftRunning();
    }

    @Test
    @Order(5)
    void aBadManifestIsRefusedBeforeAnythingStarts() {
        LocalPipelineCommand command = new LocalPipelineCommand();
        int exit = new picocli.CommandLine(command).execute(RESOURCES.resolve("not-a-recommender.yaml").toString(),
                "--project-dir", ROOT.toString(), "--out", OUT.toString());
        assertThat(exit).isEqualTo(LocalPipelineCommand.UNUSABLE);
        assertNothingLeftRunning();
    }

    private static void assertNothingLeftRunning() {
        List<String> children = ProcessHandle.current().children()
                .map(p -> p.info().commandLine().orElse(Long.toString(p.pid()))).toList();
        assertThat(children).isEmpty();
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
