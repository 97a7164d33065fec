package io.recommender.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.act.ChildFields;
import io.recommender.operator.status.InvalidSpecException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a failed reconcile tells the user: one line, the Recommender's field, no URL, no exception class. */
class FailuresTest {
    final Recommender r = Fixtures.training("movies", Topology.OnePod, 0);

    static KubernetesClientException refused(int code, String kind, String name, String field, String message) {
        Status s = new StatusBuilder().withCode(code).withReason(code == 422 ? "Invalid" : "BadRequest")
                .withMessage(kind + " \"" + name + "\" is invalid: " + field + ": " + message)
                .withNewDetails().withKind(kind).withName(name).addNewCause().withField(field).withMessage(message)
                .withReason("FieldValueNotSupported").endCause().endDetails().build();
        return new KubernetesClientException("Failure executing: POST at: https://127.0.0.1:6443/apis/batch/v1/"
                + "namespaces/shop/jobs. Message: " + s.getMessage(), code, s);
    }

    @Test
    void aJobRefusedForItsTolerationNamesTheTrainingSpecsToleration() {
        var e = new AggregatedOperatorException("workflow failed", Map.of("training-job", new RuntimeException(
                "wrapped", refused(422, "Job", "movies-train-abc", "spec.template.spec.tolerations[0].operator",
                        "Unsupported value: \"Equalz\": supported values: \"Equal\", \"Exists\""))));
        Failures.Failure f = Failures.describe(e, r);
        assertThat(f.reason()).isEqualTo("InvalidSpec");
        assertThat(f.message()).isEqualTo("spec.model.training.tolerations[0].operator: Unsupported value: \"Equalz\": "
                + "supported values: \"Equal\", \"Exists\"");
    }

    @Test
    void anUnmappedFieldNamesTheObjectAndTheApiServersCauseWithoutUrl() {
        Failures.Failure f = Failures.describe(refused(400, "services", "movies", "spec.clusterIP", "bad"), r);
        assertThat(f.reason()).isEqualTo("InvalidSpec");
        assertThat(f.message()).isEqualTo("Kubernetes refused the Service movies: spec.clusterIP: bad")
                .doesNotContain("https://").doesNotContain("Exception");
    }

    @Test
    void aCollisionIsInvalidSpecNamingTheRecommendersName() {
        Failures.Failure f = Failures.describe(new InvalidSpecException("metadata.name", "taken"), r);
        assertThat(f).isEqualTo(new Failures.Failure("InvalidSpec", "metadata.name: taken"));
    }

    @Test
    void anythingElseIsAReconcileErrorOnOneLineWithoutUrlOrClass() {
        var e = new KubernetesClientException("Operation: [create]  for kind: [Job]  with name: [x]  in namespace: "
                + "[shop]  failed.", new java.net.ConnectException("Connection refused: https://10.0.0.1:443/x\n\tat a.b"));
        Failures.Failure f = Failures.describe(e, r);
        assertThat(f.reason()).isEqualTo("ReconcileError");
        assertThat(f.message()).doesNotContain("\n").doesNotContain("https://").doesNotContain("KubernetesClientException");
        assertThat(Failures.oneLine("java.lang.IllegalStateException: no registry\n\tat x.y(Z.java:1)"))
                .isEqualTo("no registry");
    }

    @Test
    void backoffDoublesFromFiveSecondsToFiveMinutesAndStartsOverAfterSuccess() {
        Failures failures = new Failures();
        assertThat(failures.backoff("u")).isEqualTo(Duration.ofSeconds(5));
        assertThat(failures.backoff("u")).isEqualTo(Duration.ofSeconds(10));
        assertThat(failures.backoff("u")).isEqualTo(Duration.ofSeconds(20));
        for (int i = 0; i < 20; i++) {
            failures.backoff("u");
        }
        assertThat(failures.backoff("u")).isEqualTo(Duration.ofMinutes(5));
        assertThat(failures.backoff("other")).isEqualTo(Duration.ofSeconds(5));
        failures.succeeded("u");
        assertThat(failures.backoff("u")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theCountOfARecommenderThatStoppedFailingIsForgottenAfterTwiceTheLongestDelay() {
        long[] now = {0};
        Failures failures = new Failures(() -> now[0]);
        failures.backoff("deleted");
        failures.backoff("deleted");
        now[0] = Failures.MAX.toNanos();
        failures.backoff("live");
        assertThat(failures.tracked()).isEqualTo(2);
        now[0] = 2 * Failures.MAX.toNanos() + 1;
        failures.backoff("live");
        assertThat(failures.tracked()).isEqualTo(1);
        assertThat(failures.attempt("deleted")).isZero();
        assertThat(failures.attempt("live")).isEqualTo(2);
    }

    @Test
    void childFieldsMapBackToTheRecommendersFields() {
        assertThat(ChildFields.map("Job", "movies-train-abc", "movies", "spec.template.spec.nodeSelector"))
                .isEqualTo("spec.model.training.nodeSelector");
        assertThat(ChildFields.map("Job", "movies-train-abc", "movies",
                "spec.template.spec.initContainers[0].resources.requests")).isEqualTo("spec.model.training.resources.requests");
        assertThat(ChildFields.map("Deployment", "movies", "movies", "spec.template.spec.containers[1].resources.limits"))
                .isEqualTo("spec.serving.tfServingResources.limits");
        assertThat(ChildFields.map("Deployment", "movies", "movies", "spec.template.spec.containers[0].resources.limits"))
                .isEqualTo("spec.serving.resources.limits");
        assertThat(ChildFields.map("Deployment", "movies-tfserving", "movies",
                "spec.template.spec.containers[0].resources.requests")).isEqualTo("spec.serving.tfServingResources.requests");
        assertThat(ChildFields.map("Service", "movies", "movies", "metadata.name")).isEqualTo("metadata.name");
        assertThat(ChildFields.map("Job", "movies-gate-abc", "movies", "spec.template.spec.containers[0].args[3]"))
                .isEqualTo("spec.slo");
    }

    @Test
    void aWriteConflictIsLeftToTheSdkButAnExistingObjectIsNot() {
        Status conflict = new StatusBuilder().withCode(409).withReason("Conflict").withMessage("modified").build();
        Status exists = new StatusBuilder().withCode(409).withReason("AlreadyExists").withMessage("exists").build();
        assertThat(Failures.conflict(new KubernetesClientException("x", 409, conflict))).isTrue();
        assertThat(Failures.conflict(new KubernetesClientException("x", 409, exists))).isFalse();
        assertThat(Failures.conflict(new IllegalStateException("x"))).isFalse();
    }

    @Test
    void aRecommenderDeletedDuringItsReconcileIsNotReported() {
        Status gone = new StatusBuilder().withCode(404).withReason("NotFound").withNewDetails().withKind("recommenders")
                .withName("movies").endDetails().build();
        Status jobGone = new StatusBuilder().withCode(404).withReason("NotFound").withNewDetails().withKind("jobs")
                .withName("movies-gate-1").endDetails().build();
        assertThat(Failures.recommenderGone(new KubernetesClientException("x", 404, gone))).isTrue();
        assertThat(Failures.recommenderGone(new KubernetesClientException("x", 404, jobGone))).isFalse();
    }
}
