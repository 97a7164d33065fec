package io.recommender.e2e.eks;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.EksClientBuilder;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * Writes a kubeconfig for an EKS cluster from DescribeCluster, the shape {@code aws eks update-kubeconfig} writes:
 * the API endpoint, its CA, and the exec credential plugin {@code aws eks get-token}, so the AWS CLI must be on
 * the PATH of whoever uses it. For the e2e suite on EKS (test tooling, so it lives here, not in the operator), where KUBECONFIG names the cluster to test. Needs
 * {@code eks:DescribeCluster} (the caller's identity, not the operator's).
 *
 * <pre>
 * mvn -B -q install -DskipTests -pl e2e-tests -am && mvn -B -q -pl e2e-tests exec:java -Dexec.mainClass=io.recommender.e2e.eks.EksKubeconfig \
 *     -Dexec.args="--cluster recommenders --region eu-west-1 --out /tmp/eks.kubeconfig"
 * </pre>
 *
 * Options: --cluster (required), --region (else AWS_REGION / AWS_DEFAULT_REGION), --out (default: standard
 * output), --profile (an AWS CLI profile the exec plugin uses, as AWS_PROFILE), --endpoint (an EKS API endpoint
 * override, for emulators). Exit 0: written; 2: bad arguments; 3: EKS answered with an error or the cluster is not
 * ACTIVE.
 */
public final class EksKubeconfig {
    static final String EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

    private EksKubeconfig() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), DefaultCredentialsProvider.builder().build(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, AwsCredentialsProvider credentials, PrintStream out,
            PrintStream err) {
        String cluster = null;
        String region = null;
        String file = null;
        String profile = null;
        URI endpoint = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println("usage: EksKubeconfig --cluster NAME [--region REGION] [--out FILE] [--profile PROFILE] "
                        + "[--endpoint URL]");
                return 0;
            }
            if (i + 1 >= args.length || !a.startsWith("--")) {
                err.println("error: " + (a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a));
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--cluster" -> cluster = v;
                case "--region" -> region = v;
                case "--out" -> file = v;
                case "--profile" -> profile = v;
                case "--endpoint" -> endpoint = URI.create(v);
                default -> {
                    err.println("error: unknown option " + a);
                    return 2;
                }
            }
        }
        region = region != null ? region : env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (cluster == null || region == null) {
            err.println("error: " + (cluster == null ? "--cluster is required" : "no region: pass --region or set "
                    + "AWS_REGION"));
            return 2;
        }
        Cluster c;
        try (EksClient eks = client(region, credentials, endpoint)) {
            String name = cluster;
            c = eks.describeCluster(r -> r.name(name)).cluster();
        } catch (SdkException e) {
            err.println("error: eks:DescribeCluster on cluster " + cluster + ": " + describe(e)
                    + (isAccessDenied(e) ? " (your AWS identity needs eks:DescribeCluster)" : ""));
            return 3;
        }
        if (!"ACTIVE".equals(c.statusAsString()) || c.endpoint() == null || c.certificateAuthority() == null) {
            err.println("error: EKS cluster " + cluster + " in " + region + " is " + c.statusAsString()
                    + "; a kubeconfig needs an ACTIVE cluster with an endpoint");
            return 3;
        }
        String yaml = new KubernetesSerialization().asYaml(kubeconfig(c, region, profile));
        try {
            if (file == null) {
                out.print(yaml);
            } else {
                write(Path.of(file), yaml);
                err.println("kubeconfig for EKS cluster " + cluster + " (" + c.endpoint() + ") written to " + file);
            }
        } catch (IOException e) {
            err.println("error: cannot write " + file + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }

    /** Named by the cluster's ARN, as the AWS CLI names them. */
    static Config kubeconfig(Cluster c, String region, String profile) {
        String name = c.arn();
        List<String> args = List.of("--region", region, "eks", "get-token", "--cluster-name", c.name(), "--output",
                "json");
        return new ConfigBuilder().withApiVersion("v1").withKind("Config")
                .addNewCluster().withName(name).withNewCluster().withServer(c.endpoint())
                .withCertificateAuthorityData(c.certificateAuthority().data()).endCluster().endCluster()
                .addNewContext().withName(name).withNewContext().withCluster(name).withUser(name).endContext().endContext()
                .withCurrentContext(name)
                .addNewUser().withName(name).withNewUser().withNewExec().withApiVersion(EXEC_API_VERSION)
                .withCommand("aws").withArgs(args)
                .withEnv(profile == null ? List.of() : List.of(new io.fabric8.kubernetes.api.model.ExecEnvVar(
                        "AWS_PROFILE", profile)))
                .endExec().endUser().endUser()
                .build();
    }

    /** Whole or not at all: a half-written kubeconfig would point the suite nowhere. */
    private static void write(Path file, String yaml) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".kubeconfig", ".tmp");
        try {
            Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static EksClient client(String region, AwsCredentialsProvider credentials, URI endpoint) {
        EksClientBuilder b = EksClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                        .apiCallTimeout(Duration.ofSeconds(60)).apiCallAttemptTimeout(Duration.ofSeconds(5)));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    /** The service's error code and message, or the client-side reason (no credentials, unreachable). */
    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String message = s.awsErrorDetails().errorMessage();
            return (code == null ? "HTTP " + s.statusCode() : code) + ": " + (message == null ? s.getMessage() : message);
        }
        return e.getMessage();
    }

    private static boolean isAccessDenied(SdkException e) {
        return e instanceof AwsServiceException s && (s.statusCode() == 403 || s.awsErrorDetails() != null
                && s.awsErrorDetails().errorCode() != null && s.awsErrorDetails().errorCode().contains("AccessDenied"));
    }
}
