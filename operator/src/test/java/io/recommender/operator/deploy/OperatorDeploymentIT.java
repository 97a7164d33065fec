package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.operator.OperatorMain;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.decide.Plan;
import io.recommender.testsupport.ControlPlane;
import io.recommender.testsupport.Kubectl;
import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `kubectl apply -k operator/deploy` on the real control plane; then what the installed ServiceAccount may and
 * may not do, and the operator itself run under that ServiceAccount's token: two replicas elect one leader,
 * which takes a Recommender through the pipeline, and the other takes over when the leader dies.
 */
class OperatorDeploymentIT {
    static final String SYSTEM = "recommender-system";
    static final String ACCOUNT = "recommender-operator";
    static final String AS = "system:serviceaccount:" + SYSTEM + ":" + ACCOUNT;
    static final String LEASE = "recommender-operator";
    static final Duration WAIT = Duration.ofMinutes(2);
    static final Path LOGS = Path.of("target", "deploy-it");
    static Path kubeconfig;
    static KubernetesClient admin;
    static final List<Process> operators = new ArrayList<>();

    @BeforeAll
    static void install() {
        kubeconfig = ControlPlane.kubeconfig();
        admin = ControlPlane.client();
        Kubectl.Result applied = kubectl("apply", "-k", "operator/deploy");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.err()).as("warnings of kubectl apply").doesNotContain("PodSecurity");
    }

    @AfterAll
    static void stop() {
        operators.forEach(Process::destroyForcibly);
        admin.close();
    }

    static Kubectl.Result kubectl(String... args) {
        return Kubectl.ofProject(kubeconfig).run(args);
    }

    @Test
    void operatorPodIsAdmittedUnderTheRestrictedPodSecurityStandard() {
        // The namespace enforces the standard: a privileged pod is refused there.
        Pod privileged = new PodBuilder().withNewMetadata().withName("privileged").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").withNewSecurityContext().withPrivileged(true)
                .endSecurityContext().endContainer().endSpec().build();
        KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
                () -> admin.pods().inNamespace(SYSTEM).resource(privileged).dryRun().create());
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("violates PodSecurity \"restricted");

        // The pod the Deployment's ReplicaSet would create passes the same admission.
        PodTemplateSpec template = admin.apps().deployments().inNamespace(SYSTEM).withName(ACCOUNT).get().getSpec()
                .getTemplate();
        Pod pod = new PodBuilder().withMetadata(template.getMetadata()).editMetadata().withName("operator-admission")
                .endMetadata().withSpec(template.getSpec()).build();
        assertThat(admin.pods().inNamespace(SYSTEM).resource(pod).dryRun().create().getMetadata().getUid())
                .isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "list recommenders.recommender.io -A",
        "watch recommenders.recommender.io -A",
        "patch recommenders.recommender.io --subresource=status -n team-a",
        "list deployments.apps -A",
        "create deployments.apps -n team-a",
        "patch deployments.apps -n team-a",
        "delete deployments.apps -n team-a",
        "create services -n team-a",
        "create serviceaccounts -n team-a",
        "create configmaps -n team-a",
        "update configmaps -n team-a",
        "create jobs.batch -n team-a",
        "delete jobs.batch -n team-a",
        "create horizontalpodautoscalers.autoscaling -n team-a",
        "create poddisruptionbudgets.policy -n team-a",
        "list pods -n team-a",
        "create events -n team-a",
        "list secrets -A",
        "watch secrets -A",
        "create secrets -n team-a",
        "update secrets -n team-a",
        "delete secrets -n team-a",
        "create leases.coordination.k8s.io -n recommender-system",
        "get leases.coordination.k8s.io/recommender-operator -n recommender-system",
        "update leases.coordination.k8s.io/recommender-operator -n recommender-system",
        "patch leases.coordination.k8s.io/recommender-operator -n recommender-system",
    })
    void serviceAccountMay(String request) {
        assertThat(canI(request)).as(request).isEqualTo("yes");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "get secrets -n team-a",
        "patch secrets -n team-a",
        "get secrets -n recommender-system",
        "update recommenders.recommender.io -n team-a",
        "delete recommenders.recommender.io -n team-a",
        "create pods -n team-a",
        "create pods --subresource=exec -n team-a",
        "create serviceaccounts --subresource=token -n team-a",
        "create rolebindings.rbac.authorization.k8s.io -n team-a",
        "create leases.coordination.k8s.io -n team-a",
        "update leases.coordination.k8s.io/kube-scheduler -n recommender-system",
        "* * -A",
    })
    void serviceAccountMayNot(String request) {
        assertThat(canI(request)).as(request).isEqualTo("no");
    }

    private static String canI(String request) {
        List<String> args = new ArrayList<>(List.of("auth", "can-i"));
        args.addAll(Arrays.asList(request.split(" ")));
        args.add("--as=" + AS);
        Kubectl.Result r = kubectl(args.toArray(String[]::new));
        return r.out().strip();
    }

    /**
     * Two operator processes with the ServiceAccount's token, as the Deployment's two replicas would run. The
     * Recommender ends Failed: kwok marks the gate Job's pod Succeeded without running the load test, so there is
     * no report. Getting there takes every permission of the ClusterRole but "update" on ConfigMaps.
     */
    @Test
    void operatorUnderItsServiceAccountElectsALeaderThatReconcilesAndHandsOver() throws Exception {
        Path token = serviceAccountKubeconfig();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String namespace = "deploy-it-" + run;
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        try {
            // Identities of this run only, as pod names are: the control plane keeps its etcd between runs, and a
            // replica that finds its own name on an expired Lease takes it for its own while the other acquires it.
            Replica a = Replica.start("deploy-it-a-" + run, token, namespace);
            Replica b = Replica.start("deploy-it-b-" + run, token, namespace);
            List<Replica> replicas = List.of(a, b);
            awaitReplicas(replicas, "both replicas ready", () -> a.ok("/readyz") && b.ok("/readyz"));
            awaitReplicas(replicas, "one replica holds the Lease",
                    () -> Stream.of(a.name, b.name).anyMatch(n -> n.equals(holder())));
            // The standby's caches are started too: it is healthy, ready to take over.
            assertThat(a.ok("/healthz") && b.ok("/healthz")).isTrue();

            try (InputStream example = Files.newInputStream(Repo.ROOT.resolve("examples/twopod-artifact.yaml"))) {
                admin.resources(Recommender.class).inNamespace(namespace).load(example).create();
            }
            awaitReplicas(replicas, "the leader takes the Recommender to Failed", () -> {
                RecommenderStatus s = recommender(namespace).getStatus();
                return s != null && s.phase() == RecommenderStatus.Phase.Failed
                        && "True/CandidateAvailable".equals(condition(s, ConditionTypes.DEPLOYED))
                        && "False/LoadTestFailed".equals(condition(s, ConditionTypes.LATENCY_VERIFIED));
            });
            assertThat(admin.v1().events().inNamespace(namespace).list().getItems())
                    .anyMatch(e -> "recommender-operator".equals(e.getReportingComponent()));

            Replica leader = holder().equals(a.name) ? a : b;
            Replica standby = leader == a ? b : a;
            assertThat(standby.process.isAlive()).as("the standby %s is still running before the leader dies\n%s",
                    standby.name, describe(replicas)).isTrue();
            leader.process.destroyForcibly().waitFor();
            awaitReplicas(replicas, "the standby " + standby.name + " takes the Lease",
                    () -> standby.name.equals(holder()));

            admin.resources(Recommender.class).inNamespace(namespace).withName(recommender(namespace).getMetadata()
                    .getName()).edit(r -> {
                        Map<String, String> annotations = new HashMap<>(r.getMetadata().getAnnotations());
                        annotations.put(Plan.RETRY_ANNOTATION, "after-handover");
                        r.getMetadata().setAnnotations(annotations);
                        return r;
                    });
            awaitReplicas(replicas, "the new leader retries the Recommender",
                    () -> "after-handover".equals(recommender(namespace).getStatus().retryToken())
                            && recommender(namespace).getStatus().phase() == RecommenderStatus.Phase.Failed);

            for (Replica r : List.of(a, b)) {
                assertThat(Files.readString(r.log)).as("log of %s", r.name).doesNotContainIgnoringCase("forbidden");
            }
        } finally {
            admin.namespaces().withName(namespace).delete();
        }
    }

    /** Waits like {@code await().until}, and on timeout says what each replica did (CI keeps only the output). */
    private static void awaitReplicas(List<Replica> replicas, String what, Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + WAIT + ": " + what + "; Lease holder " + holder() + "\n"
                    + describe(replicas), e);
        }
    }

    private static String describe(List<Replica> replicas) {
        StringBuilder b = new StringBuilder();
        for (Replica r : replicas) {
            b.append("--- ").append(r.name).append(r.process.isAlive() ? " (running)" : " (exited "
                    + r.process.exitValue() + ")").append(", last lines of its log:\n");
            try {
                List<String> lines = Files.readAllLines(r.log);
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> b.append(l, 0, Math.min(l.length(), 300)).append('\n'));
            } catch (IOException e) {
                b.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return b.toString();
    }

    private static Recommender recommender(String namespace) {
        return admin.resources(Recommender.class).inNamespace(namespace).withName("movies-twopod").get();
    }

    private static String condition(RecommenderStatus s, String type) {
        return s.conditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .map((Condition c) -> c.getStatus() + "/" + c.getReason()).orElse(null);
    }

    private static String holder() {
        Lease lease = admin.leases().inNamespace(SYSTEM).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** A kubeconfig whose user is the ServiceAccount, by a token from the TokenRequest API. */
    private static Path serviceAccountKubeconfig() throws IOException {
        Kubectl.Result token = kubectl("create", "token", ACCOUNT, "-n", SYSTEM, "--duration=1h");
        assertThat(token.exit()).as(token.err()).isZero();
        var config = admin.getConfiguration();
        Files.createDirectories(LOGS);
        Path file = LOGS.resolve("operator.kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: operator
                  user:
                    token: %s
                contexts:
                - name: local
                  context: {cluster: local, user: operator}
                current-context: local
                """.formatted(config.getMasterUrl(), config.getCaCertData(), token.out().strip()));
        return file;
    }

    /** One operator replica: OperatorMain in a JVM of its own, its identity in the election its HOSTNAME. */
    record Replica(String name, Process process, int port, Path log) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        static Replica start(String name, Path kubeconfig, String watched) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = LOGS.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:MaxRAMPercentage=10",
                    // Times, and the Lease's renewals, in the log a failed run prints.
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                    "-Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.extended.leaderelection=debug", "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
            env.put("POD_NAMESPACE", SYSTEM);
            env.put("WATCH_NAMESPACES", watched);
            env.put("HEALTH_PORT", Integer.toString(port));
            env.put("HOSTNAME", name);
            Process p = pb.start();
            operators.add(p);
            return new Replica(name, p, port, log);
        }

        boolean ok(String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
