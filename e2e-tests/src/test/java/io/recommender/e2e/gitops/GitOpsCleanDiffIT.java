package io.recommender.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.recommender.e2e.Waits;
import io.recommender.testsupport.ControlPlane;
import io.recommender.testsupport.Kubectl;
import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Argo CD's view of the operator, on the project's control plane with the operator running as a process of its
 * own: every valid example applied with server-side apply under Argo CD's field manager (argocd-controller),
 * reconciled to the end, then applied again, which must change nothing (same resourceVersion and generation, an
 * empty server-side dry-run diff): no defaults written into spec, no field of the manifest taken over, so
 * Argo CD never sees the Recommender OutOfSync and needs no ignoreDifferences. The health check
 * (gitops/recommender-health.lua) is run on each live object.
 *
 * <p>kwok runs no containers: {@link JobResultSimulator} writes the results the training and load-test
 * containers would have written. With GITOPS_FIXTURES_OUT set, the objects the health-check test uses are
 * written there (see src/test/resources/gitops/fixtures/README.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitOpsCleanDiffIT {
    static final String MANAGER = "argocd-controller";
    static final Duration SETTLE = Duration.ofMinutes(3);
    static final ResourceDefinitionContext RECOMMENDERS = new ResourceDefinitionContext.Builder()
            .withGroup("recommender.io").withVersion("v1alpha1").withKind("Recommender").withPlural("recommenders")
            .withNamespaced(true).build();
    static final String PASS = report(3.9, 25.0, true);
    static final String TIGHT_FAIL = report(3.9, 0.1, false);
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> EXAMPLES = List.of("onepod-artifact.yaml", "twopod-artifact.yaml", "tight-slo.yaml",
            "training-cpu-oci.yaml", "training-gpu-ecr.yaml");

    final String namespace = "gitops-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, String> captured = new ConcurrentHashMap<>();
    final ArgoHealth health = ArgoHealth.load();
    Path kubeconfig;
    KubernetesClient client;
    Kubectl kubectl;
    OperatorProcess operator;
    JobResultSimulator results;
    io.fabric8.kubernetes.client.Watch watch;
    Path work;

    /** A load-test report as the load-test container writes it (the fields the operator reads). */
    static String report(double p99, double sloP99, boolean passed) {
        return String.format(java.util.Locale.ROOT, "{\"schemaVersion\":1,\"requests\":1500,\"failures\":0,\"rps\":50.0,"
                + "\"errorRate\":0.0,\"latencyMs\":{\"p50\":2.0,\"p90\":3.0,\"p95\":3.5,\"p99\":%.1f,\"max\":9.0,"
                + "\"mean\":2.2},\"verdict\":{\"passed\":%b,\"reason\":\"p99 %.1f ms %s SLO %.1f ms\"}}",
                p99, passed, p99, passed ? "<=" : ">", sloP99);
    }

    /**
     * A training Job's result as the training and packaging containers write it: the model and its two images, both
     * in the Recommender's repository (the operator rolls out nothing else).
     */
    static String trained(String repository) {
        return "{\"modelName\":\"movies\",\"modelVersion\":1,\"image\":\"" + repository + "@sha256:" + "1a".repeat(32)
                + "\",\"tfServingImage\":\"" + repository + "@sha256:" + "2b".repeat(32)
                + "\",\"rmse\":0.87,\"recallAt10\":0.11,\"ndcgAt10\":0.12}";
    }

    @BeforeAll
    void start() throws IOException {
        kubeconfig = ControlPlane.kubeconfig();
        client = ControlPlane.client(kubeconfig);
        kubectl = new Kubectl(Kubectl.find(), kubeconfig);
        work = Path.of("target", "gitops-it", namespace).toAbsolutePath();
        Files.createDirectories(work);
        // The CRD as users install it; other tests apply it too, so take its fields over.
        kubectl.ok("apply", "--server-side", "--force-conflicts", "--field-manager=e2e-tests", "-f", Repo.CRD.toString());
        kubectl.ok("wait", "--for=condition=Established", "--timeout=60s", "crd/recommenders.recommender.io");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        // training-cpu-oci.yaml's push credentials, created as its comment says (a made-up password).
        kubectl.ok("create", "secret", "docker-registry", "registry-push", "-n", namespace,
                "--docker-server=registry.example.com:5000", "--docker-username=e2e",
                "--docker-password=" + UUID.randomUUID());

        results = new JobResultSimulator(client, namespace);
        results.result("movies", JobResultSimulator.GATE, PASS);
        results.result("movies-twopod", JobResultSimulator.GATE, PASS);
        results.result("movies-tight-slo", JobResultSimulator.GATE, TIGHT_FAIL);
        results.result("movies-cpu", JobResultSimulator.TRAINING, trained("registry.example.com:5000/recommenders/movies"));
        results.result("movies-cpu", JobResultSimulator.GATE, PASS);
        results.result("movies-gpu", JobResultSimulator.TRAINING,
                trained("123456789012.dkr.ecr.eu-west-1.amazonaws.com/recommenders/movies"));
        results.result("movies-gpu", JobResultSimulator.GATE, PASS);

        // A training Job lasts about a second under kwok: catch the status written meanwhile from the watch.
        watch = client.genericKubernetesResources(RECOMMENDERS).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource r) {
                Object status = r.getAdditionalProperties().get("status");
                if (status instanceof Map<?, ?> s && "Training".equals(s.get("phase"))
                        && r.getMetadata().getGeneration().equals(((Number) s.get("observedGeneration")).longValue())) {
                    captured.putIfAbsent("training-in-progress", client.getKubernetesSerialization().asJson(r));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // The test ends it.
            }
        });
        operator = OperatorProcess.start(kubeconfig, namespace, work.resolve("operator.log"));
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (operator != null && operator.alive() && kubectl != null) {
                // While the operator runs, so that it removes its finalizers.
                kubectl.run("delete", "recommenders", "--all", "-n", namespace, "--timeout=60s");
            }
        } finally {
            if (watch != null) {
                watch.close();
            }
            if (results != null) {
                results.close();
            }
            if (operator != null) {
                operator.close();
            }
            if (client != null) {
                client.namespaces().withName(namespace).delete();
                client.close();
            }
        }
        if (results != null) {
            Files.write(work.resolve("job-results.log"), results.timeline);
        }
        writeFixtures();
    }

    @Test
    @Order(1)
    void everyExampleReconcilesAndReappliesWithoutAChange() throws IOException {
        // The ECR example's operator has no AWS identity here: it says so (Degraded) and waits, spec untouched.
        Map<String, String> expected = Map.of("onepod-artifact.yaml", "Healthy", "twopod-artifact.yaml", "Healthy",
                "tight-slo.yaml", "Degraded", "training-cpu-oci.yaml", "Healthy", "training-gpu-ecr.yaml", "Degraded");
        List<String> failures = new ArrayList<>();
        // One at a time: the control plane's two kwok CPU nodes hold 8 CPUs, fewer than all examples together ask.
        for (String example : EXAMPLES) {
            Path manifest = Repo.EXAMPLES.resolve(example);
            String name = read(apply(manifest)).at("/metadata/name").asText();
            settled(name);
            JsonNode before = read(get(name));
            JsonNode after = read(apply(manifest));
            if (!before.at("/metadata/resourceVersion").equals(after.at("/metadata/resourceVersion"))
                    || !before.at("/metadata/generation").equals(after.at("/metadata/generation"))) {
                failures.add(example + ": re-applying changed the object: resourceVersion "
                        + before.at("/metadata/resourceVersion") + " -> " + after.at("/metadata/resourceVersion")
                        + ", generation " + before.at("/metadata/generation") + " -> " + after.at("/metadata/generation"));
            }
            Kubectl.Result diff = kubectl.run("diff", "--server-side", "--field-manager=" + MANAGER, "-n", namespace,
                    "-f", manifest.toString());
            if (diff.exit() != 0 || !diff.out().isBlank()) {
                failures.add(example + ": kubectl diff --server-side is not empty: " + diff.describe());
            }
            failures.addAll(fieldOwnership(name));
            ArgoHealth.Result h = health.of(after);
            if (!expected.get(example).equals(h.status())) {
                failures.add(example + ": health " + h + ", expected " + expected.get(example));
            }
            if (example.equals("training-gpu-ecr.yaml") && !h.message().contains("credentials")) {
                failures.add(example + ": Degraded for another reason than the missing AWS credentials: " + h);
            }
            switch (name) {
                case "movies" -> captured.put("ready", after.toString());
                case "movies-tight-slo" -> captured.put("failed-gate-rejected", after.toString());
                default -> { }
            }
            if (!name.equals("movies")) {
                delete(name);
            }
        }
        assertThat(failures).as("GitOps problems").isEmpty();
        assertThat(results.problems).isEmpty();
        assertThat(health.of(captured.get("failed-gate-rejected")).message()).contains("SloNotMet", "p99 3.9 ms > SLO 0.1 ms");
    }

    /** Deletes a Recommender and waits until its pods are gone, which frees the nodes for the next one. */
    void delete(String name) {
        kubectl.ok("delete", "recommender", name, "-n", namespace, "--timeout=60s");
        Waits.until(Duration.ofSeconds(90), "the pods of " + name + " to go",
                () -> client.pods().inNamespace(namespace).withLabel(JobResultSimulator.INSTANCE, name).list().getItems().size(),
                n -> n == 0);
    }

    @Test
    @Order(2)
    void aNewVersionInGitIsProgressingUntilReconciledThenDegradedWhenRefusedWhileTheOldOneServes() throws IOException {
        results.result("movies", JobResultSimulator.GATE, report(41.0, 25.0, false));
        String v2 = Files.readString(Repo.EXAMPLES.resolve("onepod-artifact.yaml"))
                .replace("recommenders/movies:1", "recommenders/movies:2")
                .replace("recommenders/movies-tfserving:1", "recommenders/movies-tfserving:2");
        Path manifest = work.resolve("onepod-artifact-v2.yaml");
        Files.writeString(manifest, v2);

        // The object as the apply left it: the new generation, which the operator has not acted on yet.
        String applied = apply(manifest);
        JsonNode stale = JSON.readTree(applied);
        assertThat(stale.at("/metadata/generation").asLong()).isEqualTo(2);
        assertThat(stale.at("/status/observedGeneration").asLong()).isEqualTo(1);
        assertThat(health.of(stale).status()).isEqualTo("Progressing");
        captured.put("stale-generation", applied);

        settled("movies");
        JsonNode refused = read(get("movies"));
        captured.put("rejected-while-serving", refused.toString());
        assertThat(condition(refused, "Ready").path("status").asText()).isEqualTo("True");
        assertThat(condition(refused, "Degraded").path("reason").asText()).isEqualTo("VersionRejected");
        assertThat(refused.at("/status/stable/image").asText()).endsWith("recommenders/movies:1");
        assertThat(health.of(refused)).isEqualTo(new ArgoHealth.Result("Degraded",
                condition(refused, "Degraded").path("message").asText()));
        assertThat(client.apps().deployments().inNamespace(namespace).withName("movies").get().getSpec().getTemplate()
                .getSpec().getContainers()).anyMatch(c -> c.getImage().endsWith("recommenders/movies:1"));

        // The refused version's manifest is still in Git: applying it again changes nothing either.
        JsonNode again = JSON.readTree(apply(manifest));
        assertThat(again.at("/metadata/resourceVersion")).isEqualTo(refused.at("/metadata/resourceVersion"));
        assertThat(kubectl.run("diff", "--server-side", "--field-manager=" + MANAGER, "-n", namespace, "-f",
                manifest.toString()).exit()).isZero();
        assertThat(fieldOwnership("movies")).isEmpty();
        assertThat(results.problems).isEmpty();
        assertThat(captured).containsKey("training-in-progress");
        assertThat(health.of(captured.get("training-in-progress")).status()).isEqualTo("Progressing");
    }

    String apply(Path manifest) {
        return kubectl.ok("apply", "--server-side", "--field-manager=" + MANAGER, "-n", namespace, "-o", "json",
                "-f", manifest.toString());
    }

    String get(String name) {
        return kubectl.ok("get", "recommender", name, "-n", namespace, "-o", "json");
    }

    /** The operator has acted on the current generation and has nothing left to do (Progressing=False). */
    void settled(String name) {
        try {
            Waits.until(SETTLE, name + " to settle (operator log " + operator.log + ")", () -> get(name), json -> {
                JsonNode n = read(json);
                return n.at("/status/observedGeneration").asLong(-1) == n.at("/metadata/generation").asLong()
                        && "False".equals(condition(n, "Progressing").path("status").asText())
                        && n.at("/status/candidate").isMissingNode();
            });
            // And quiet: the last status writes of a step (owned objects turning available) come in bursts.
            String[] last = {""};
            long[] since = {System.nanoTime()};
            Waits.until(SETTLE, name + " to stop changing", () -> read(get(name)).at("/metadata/resourceVersion").asText(),
                    rv -> {
                        if (!rv.equals(last[0])) {
                            last[0] = rv;
                            since[0] = System.nanoTime();
                        }
                        return System.nanoTime() - since[0] > Duration.ofSeconds(3).toNanos();
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nJobs, pods and events in " + namespace + ":\n"
                    + kubectl.run("get", "jobs,pods,events", "-n", namespace, "-o", "wide").out(), e);
        }
    }

    /**
     * Who owns which fields: Argo CD's manager must own everything it applied, and every other manager (the
     * operator) may own status, through the status subresource, and the finalizers it must add, nothing else.
     */
    List<String> fieldOwnership(String name) {
        List<String> problems = new ArrayList<>();
        List<ManagedFieldsEntry> entries = client.genericKubernetesResources(RECOMMENDERS).inNamespace(namespace)
                .withName(name).get().getMetadata().getManagedFields();
        boolean argo = false;
        for (ManagedFieldsEntry e : entries) {
            JsonNode fields = JSON.valueToTree(e.getFieldsV1() == null ? Map.of() : e.getFieldsV1().getAdditionalProperties());
            if (MANAGER.equals(e.getManager())) {
                argo = "Apply".equals(e.getOperation()) && fields.has("f:spec");
                continue;
            }
            List<String> owned = new ArrayList<>();
            paths("", fields, owned);
            List<String> allowed = "status".equals(e.getSubresource())
                    ? owned.stream().filter(p -> !p.startsWith(".status")).toList()
                    : owned.stream().filter(p -> !p.startsWith(".metadata.finalizers")).toList();
            if (!allowed.isEmpty()) {
                problems.add(name + ": manager " + e.getManager() + " (" + e.getOperation()
                        + (e.getSubresource() == null ? "" : ", subresource " + e.getSubresource()) + ") owns " + allowed);
            }
        }
        if (!argo) {
            problems.add(name + ": " + MANAGER + " does not own the spec it applied: " + entries);
        }
        return problems;
    }

    /** Leaf paths of a managedFields tree: f:spec -> {f:model: {...}} becomes .spec.model... */
    static void paths(String prefix, JsonNode node, List<String> out) {
        if (!node.isObject() || node.isEmpty()) {
            out.add(prefix);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(".")) {
                continue;
            }
            String key = f.getKey().startsWith("f:") ? f.getKey().substring(2) : f.getKey();
            paths(prefix + "." + key, f.getValue(), out);
        }
    }

    static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return JSON.missingNode();
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** With GITOPS_FIXTURES_OUT set, the captured objects, managedFields left out (noise for a health check). */
    void writeFixtures() throws IOException {
        String out = System.getenv("GITOPS_FIXTURES_OUT");
        if (out == null || out.isBlank()) {
            return;
        }
        Files.createDirectories(Path.of(out));
        for (Map.Entry<String, String> e : captured.entrySet()) {
            ObjectNode n = (ObjectNode) read(e.getValue());
            ((ObjectNode) n.path("metadata")).remove("managedFields");
            Files.writeString(Path.of(out, e.getKey() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        }
    }

}
