package io.recommender.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.bundle.Checksums;
import io.recommender.bundle.ModelBundle;
import io.recommender.training.TinyData;
import io.recommender.training.TrainedBundle;
import io.recommender.training.data.DatasetHttpServer;
import io.recommender.training.data.MotoS3;
import io.recommender.training.data.MovieLensZips;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code train --data} with remote datasets, end to end: a bundle trained from a zip on a loopback HTTP
 * server; a failed download leaving neither bundle nor result file; and, in a separate JVM with the
 * environment a pod would have, an s3:// dataset reached through the SDK's own AWS_ENDPOINT_URL_S3.
 */
class TrainDatasetsTest {
    static DatasetHttpServer server;
    static MotoS3 moto;

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        server = new DatasetHttpServer();
        server.put("/ml-latest-small.zip", DatasetHttpServer.ok(MovieLensZips.mlLatestSmall()));
        moto = MotoS3.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private int run(String... args) {
        CommandLine cli = TrainingJobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void trainsFromAZipOnAnHttpServer() throws IOException {
        Path out = tmp.resolve("bundle");
        Path downloads = tmp.resolve("downloads");
        Path result = tmp.resolve("result.json");
        int code = run("train", "--data", server.uri("/ml-latest-small.zip").toString(), "--out", out.toString(),
                "--epochs", "1", "--device", "cpu", "--model-version", "3", "--download-dir", downloads.toString(),
                "--result-file", result.toString());

        assertThat(code).as(err.toString()).isZero();
        ModelBundle bundle = ModelBundle.open(out);
        assertThat(bundle.manifest().modelVersion()).isEqualTo(3);
        // The fingerprint is of the two CSVs as read: the same as the project's copy they were zipped from.
        assertThat(bundle.manifest().dataFingerprint()).isEqualTo(Checksums.fingerprint(List.of(
                TrainedBundle.DATA.resolve("movies.csv"), TrainedBundle.DATA.resolve("ratings.csv"))));
        assertThat(result).exists();
        assertThat(downloads).isEmptyDirectory();
    }

    @Test
    void aFailedDownloadEndsWithOneLineAndWritesNothing() throws IOException {
        Path result = tmp.resolve("result.json");
        String url = server.uri("/missing/ml-latest-small.zip").toString();
        int code = run("train", "--data", url, "--out", tmp.resolve("bundle").toString(), "--device", "cpu",
                "--download-dir", tmp.resolve("downloads").toString(), "--result-file", result.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: " + url + ": not found (HTTP 404)" + System.lineSeparator());
        assertThat(names(tmp)).containsExactly("downloads");
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void s3InAPodLikeEnvironmentUsesTheSdksEndpointVariable() throws Exception {
        String bucket = "datasets-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = moto.client()) {
            s3.createBucket(b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(MotoS3.REGION)));
            s3.putObject(b -> b.bucket(bucket).key("tiny/movies.csv"), RequestBody.fromString(TinyData.MOVIES));
            s3.putObject(b -> b.bucket(bucket).key("tiny/ratings.csv"), RequestBody.fromString(TinyData.RATINGS));
        }
        Map<String, String> pod = Map.of("AWS_REGION", MotoS3.REGION, "AWS_ACCESS_KEY_ID", MotoS3.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", MotoS3.SECRET_KEY, "AWS_ENDPOINT_URL_S3", moto.endpoint().toString());

        // Downloaded and read: TinyData is then too small to split, which is the training's own refusal.
        Process ok = train(pod, "s3://" + bucket + "/tiny");
        assertThat(ok.exitValue()).isEqualTo(1);
        assertThat(stdout(ok)).contains("data: downloading s3://" + bucket + "/tiny/ratings.csv");
        assertThat(stderr(ok)).contains("error: too few ratings to hold out validation and test ratings");

        Process missing = train(pod, "s3://" + bucket + "/other");
        assertThat(stderr(missing)).contains("error: s3://" + bucket + "/other/movies.csv: no such object");

        Map<String, String> noRegion = new java.util.HashMap<>(pod);
        noRegion.remove("AWS_REGION");
        Process regionless = train(noRegion, "s3://" + bucket + "/tiny");
        assertThat(regionless.exitValue()).isEqualTo(1);
        assertThat(stderr(regionless)).contains("error: s3:// datasets need an AWS region: set AWS_REGION");
        assertThat(names(tmp.resolve("downloads"))).isEmpty();
    }

    /** {@code training-job train} in its own JVM with only the given AWS environment (no profile files, no IMDS). */
    private Process train(Map<String, String> aws, String data) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrainingJobCommand.class.getName(), "train", "--data",
                data, "--out", tmp.resolve("bundle").toString(), "--device", "cpu", "--download-dir",
                tmp.resolve("downloads").toString()));
        String name = UUID.randomUUID().toString();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(aws);
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("AWS_CONFIG_FILE", tmp.resolve("no-config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("train did not end within 120 s");
        }
        outputs.put(p, name);
        return p;
    }

    private final Map<Process, String> outputs = new java.util.HashMap<>();

    private String stdout(Process p) throws IOException {
        return Files.readString(tmp.resolve(outputs.get(p) + ".out"), StandardCharsets.UTF_8);
    }

    private String stderr(Process p) throws IOException {
        return Files.readString(tmp.resolve(outputs.get(p) + ".err"), StandardCharsets.UTF_8);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".out") && !n.endsWith(".err"))
                    .sorted().toList();
        }
    }
}
