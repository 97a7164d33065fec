package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.bundle.Checksums;
import io.recommender.training.TrainedBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3:// datasets against moto in server mode: objects put with the SDK, then resolved through the same
 * downloader the training pod uses (the client injected, pointing at moto); missing objects and buckets,
 * refused credentials and the size limit.
 */
class S3DatasetTest {
    static MotoS3 moto;
    static S3Client admin;

    @TempDir
    Path tmp;

    String bucket;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoS3.start();
        admin = moto.client();
    }

    @AfterAll
    static void stopMoto() {
        if (admin != null) {
            admin.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void bucket() {
        bucket = "datasets-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(MotoS3.REGION)));
    }

    private void put(String key, byte[] body) {
        admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    }

    private DatasetSource source(DatasetLimits limits) {
        return new DatasetSource(Map.of(), HttpDownloader.standard(), moto::client, limits, new PrintStream(log, true));
    }

    private ResolvedDataset resolve(String dataset) throws IOException {
        return source(DatasetLimits.DEFAULT).resolve(dataset, tmp.resolve("downloads"));
    }

    @Test
    void theTwoCsvsUnderAPrefix() throws IOException {
        put("movielens/small/movies.csv", MovieLensZips.csv("movies.csv"));
        put("movielens/small/ratings.csv", MovieLensZips.csv("ratings.csv"));

        for (String prefix : List.of("movielens/small", "movielens/small/")) {
            Path dir;
            try (ResolvedDataset d = resolve("s3://" + bucket + "/" + prefix)) {
                dir = d.directory();
                assertThat(d.downloaded()).isTrue();
                assertThat(dir.resolve("ratings.csv")).hasSameBinaryContentAs(TrainedBundle.DATA.resolve("ratings.csv"));
                assertThat(fingerprint(dir)).isEqualTo(fingerprint(TrainedBundle.DATA));
            }
            assertThat(dir).doesNotExist();
        }
        assertThat(log.toString()).contains("data: downloading s3://" + bucket + "/movielens/small/ratings.csv");
    }

    @Test
    void theCsvsAtTheBucketsTop() throws IOException {
        put("movies.csv", MovieLensZips.csv("movies.csv"));
        put("ratings.csv", MovieLensZips.csv("ratings.csv"));
        try (ResolvedDataset d = resolve("s3://" + bucket)) {
            assertThat(fingerprint(d.directory())).isEqualTo(fingerprint(TrainedBundle.DATA));
        }
    }

    @Test
    void aZipKey() throws IOException {
        put("releases/ml-latest-small.zip", MovieLensZips.mlLatestSmall());
        try (ResolvedDataset d = resolve("s3://" + bucket + "/releases/ml-latest-small.zip")) {
            assertThat(HttpDatasetTest.names(d.directory())).containsExactly("movies.csv", "ratings.csv");
            assertThat(fingerprint(d.directory())).isEqualTo(fingerprint(TrainedBundle.DATA));
            assertThat(HttpDatasetTest.names(d.directory().getParent())).containsExactly("data");
        }
    }

    @Test
    void aMissingObjectIsNamed() {
        put("ml/movies.csv", MovieLensZips.csv("movies.csv"));
        assertThatThrownBy(() -> resolve("s3://" + bucket + "/ml")).isInstanceOf(DatasetException.class)
                .hasMessage("s3://" + bucket + "/ml/ratings.csv: no such object");
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void noSuchBucket() {
        assertThatThrownBy(() -> resolve("s3://no-such-bucket-" + bucket + "/ml"))
                .hasMessage("s3://no-such-bucket-" + bucket + ": no such bucket");
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void refusedCredentialsSayAccessDenied() throws Exception {
        put("ml/movies.csv", MovieLensZips.csv("movies.csv"));
        moto.enforceAuth(true);
        try {
            assertThatThrownBy(() -> resolve("s3://" + bucket + "/ml"))
                    .hasMessageStartingWith("s3://" + bucket + "/ml/movies.csv: access denied (")
                    .hasMessageEndingWith("the training pod's AWS identity needs s3:GetObject on it")
                    .hasMessageNotContaining(MotoS3.SECRET_KEY);
        } finally {
            moto.enforceAuth(false);
        }
    }

    @Test
    void anObjectOverTheLimitIsRefused() {
        put("ml/movies.csv", MovieLensZips.csv("movies.csv"));
        DatasetLimits limits = new DatasetLimits(1000, 100, 1L << 30);
        assertThatThrownBy(() -> source(limits).resolve("s3://" + bucket + "/ml", tmp.resolve("downloads")))
                .hasMessage("s3://" + bucket + "/ml/movies.csv: " + MovieLensZips.csv("movies.csv").length
                        + " bytes, more than the limit of 1000");
    }

    private static String fingerprint(Path dir) throws IOException {
        return Checksums.fingerprint(List.of(dir.resolve("movies.csv"), dir.resolve("ratings.csv")));
    }
}
