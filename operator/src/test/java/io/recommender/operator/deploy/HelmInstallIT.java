package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.testsupport.ControlPlane;
import io.recommender.testsupport.Helm;
import io.recommender.testsupport.Kubectl;
import io.recommender.testsupport.Repo;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `helm install`, `helm upgrade` and `helm uninstall` of charts/recommender-operator on the real API server (kwok
 * runs the operator's pods as far as Ready; the operator itself is exercised by OperatorDeploymentIT): the release's
 * objects come and go with it, while the CRD, and with it a Recommender, outlives an upgrade and the uninstall.
 */
class HelmInstallIT {
    static final String CHART = "charts/recommender-operator";
    static KubernetesClient admin;
    static Helm helm;
    static Kubectl kubectl;
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** The release's name is also the cluster-scoped objects' name: its own, beside operator/deploy's. */
    static final String RELEASE = "helm-it-" + RUN;
    static final String NAMESPACE = "helm-it-" + RUN;
    static final String USERS = "helm-it-users-" + RUN;

    @BeforeAll
    static void cluster() {
        admin = ControlPlane.clientWithCrd(USERS);
        helm = new Helm(ControlPlane.kubeconfig());
        kubectl = Kubectl.ofProject(ControlPlane.kubeconfig());
    }

    @AfterAll
    static void cleanUp() {
        helm.run("uninstall", RELEASE, "-n", NAMESPACE, "--ignore-not-found");
        admin.namespaces().withName(NAMESPACE).delete();
        admin.namespaces().withName(USERS).delete();
        admin.close();
    }

    static Deployment operator() {
        return admin.apps().deployments().inNamespace(NAMESPACE).withName("recommender-operator").get();
    }

    static CustomResourceDefinition crd() {
        return admin.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME).get();
    }

    @Test
    void installUpgradeAndUninstallKeepTheCrdAndTheRecommenders() throws Exception {
        // A value that makes no sense installs nothing.
        Kubectl.Result refused = helm.run("install", RELEASE, CHART, "-n", NAMESPACE, "--create-namespace",
                "--set", "replicas=0");
        assertThat(refused.exit()).as(refused.describe()).isNotZero();
        assertThat(refused.err()).contains("replicas: 0 runs no operator");
        assertThat(helm.run("status", RELEASE, "-n", NAMESPACE).exit()).isNotZero();
        assertThat(operator()).isNull();

        // This control plane has the CRD from other tests (as a cluster has it from `kubectl apply -k`): Helm takes
        // over an object only with its release's marks, and, applying server-side, fields another manager set only
        // with --force-conflicts: the way README's "Install" gives for moving an install to Helm.
        kubectl.ok("annotate", "--overwrite", "crd/" + Repo.CRD_NAME, "meta.helm.sh/release-name=" + RELEASE,
                "meta.helm.sh/release-namespace=" + NAMESPACE);
        kubectl.ok("label", "--overwrite", "crd/" + Repo.CRD_NAME, "app.kubernetes.io/managed-by=Helm");
        String crdUid = crd().getMetadata().getUid();

        helm.ok("install", RELEASE, CHART, "-n", NAMESPACE, "--create-namespace", "--force-conflicts", "--wait",
                "--timeout", "2m");
        assertThat(operator().getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(admin.rbac().clusterRoles().withName(RELEASE).get()).isNotNull();
        assertThat(admin.rbac().clusterRoleBindings().withName(RELEASE).get().getSubjects().get(0).getNamespace())
                .isEqualTo(NAMESPACE);
        assertThat(crd().getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");

        Recommender recommender;
        try (InputStream example = Files.newInputStream(Repo.EXAMPLES.resolve("onepod-artifact.yaml"))) {
            recommender = admin.resources(Recommender.class).inNamespace(USERS).load(example).create();
        }

        helm.ok("upgrade", RELEASE, CHART, "-n", NAMESPACE, "--set", "replicas=1", "--set", "image.tag=0.1.1",
                "--wait", "--timeout", "2m");
        assertThat(operator().getSpec().getReplicas()).isEqualTo(1);
        assertThat(operator().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/recommender-operator/operator:0.1.1");
        assertThat(crd().getMetadata().getUid()).isEqualTo(crdUid);
        assertThat(admin.resources(Recommender.class).inNamespace(USERS).withName(recommender.getMetadata().getName())
                .get().getMetadata().getUid()).isEqualTo(recommender.getMetadata().getUid());

        helm.ok("uninstall", RELEASE, "-n", NAMESPACE, "--wait", "--timeout", "2m");
        assertThat(operator()).isNull();
        assertThat(admin.rbac().clusterRoles().withName(RELEASE).get()).isNull();
        assertThat(crd().getMetadata().getUid()).as("the CRD outlives the release").isEqualTo(crdUid);
        assertThat(admin.resources(Recommender.class).inNamespace(USERS).withName(recommender.getMetadata().getName())
                .get()).isNotNull();
    }
}
