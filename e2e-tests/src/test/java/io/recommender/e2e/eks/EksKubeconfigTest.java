package io.recommender.e2e.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.recommender.testsupport.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;

/** The kubeconfig command against moto's DescribeCluster: what `aws eks update-kubeconfig` would write. */
class EksKubeconfigTest {
    /** Moto checks no credentials until IAM is enforced. */
    static final StaticCredentialsProvider ANY = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "not-checked-until-iam-is-enforced"));
    static MotoServer moto;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    int run(String... args) {
        return EksKubeconfig.run(args, Map.of(), ANY, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesEndpointCaAndTheAwsCliExecPlugin(@TempDir Path dir) throws Exception {
        String name = "recs-" + UUID.randomUUID().toString().substring(0, 8);
        Cluster created;
        try (EksClient eks = EksClient.builder().region(Region.of("eu-west-1")).credentialsProvider(ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build()) {
            eks.createCluster(r -> r.name(name).roleArn("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/eks")
                    .resourcesVpcConfig(v -> v.subnetIds("subnet-1", "subnet-2")));
            created = eks.describeCluster(r -> r.name(name)).cluster();
        }
        Path file = dir.resolve("kube/config");

        assertThat(run("--cluster", name, "--region", "eu-west-1", "--out", file.toString(), "--profile", "e2e",
                "--endpoint", moto.endpoint().toString())).as(err.toString()).isZero();

        Config c = new KubernetesSerialization().unmarshal(Files.readString(file), Config.class);
        assertThat(c.getKind()).isEqualTo("Config");
        assertThat(c.getCurrentContext()).isEqualTo(created.arn()).startsWith("arn:aws:eks:eu-west-1:" + MotoServer.ACCOUNT
                + ":cluster/" + name);
        assertThat(c.getClusters()).singleElement().satisfies(x -> {
            assertThat(x.getName()).isEqualTo(created.arn());
            assertThat(x.getCluster().getServer()).isEqualTo(created.endpoint()).startsWith("https://");
            assertThat(x.getCluster().getCertificateAuthorityData()).isEqualTo(created.certificateAuthority().data())
                    .isNotBlank();
        });
        assertThat(c.getContexts()).singleElement().satisfies(x -> {
            assertThat(x.getContext().getCluster()).isEqualTo(created.arn());
            assertThat(x.getContext().getUser()).isEqualTo(created.arn());
        });
        var exec = c.getUsers().get(0).getUser().getExec();
        assertThat(exec.getApiVersion()).isEqualTo("client.authentication.k8s.io/v1beta1");
        assertThat(exec.getCommand()).isEqualTo("aws");
        assertThat(exec.getArgs()).containsExactly("--region", "eu-west-1", "eks", "get-token", "--cluster-name", name,
                "--output", "json");
        assertThat(exec.getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("AWS_PROFILE");
            assertThat(e.getValue()).isEqualTo("e2e");
        });
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void anUnknownClusterIsAnErrorAndNothingIsWritten(@TempDir Path dir) {
        Path file = dir.resolve("config");
        assertThat(run("--cluster", "no-such-cluster", "--region", "eu-west-1", "--out", file.toString(), "--endpoint",
                moto.endpoint().toString())).isEqualTo(3);
        assertThat(err.toString()).contains("eks:DescribeCluster", "no-such-cluster", "ResourceNotFoundException");
        assertThat(file).doesNotExist();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("--region", "eu-west-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--cluster is required");
        assertThat(run("--cluster", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("no region");
        assertThat(run("--cluster", "x", "--bogus", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown option --bogus");
    }
}
