package io.recommender.training.data;

import io.recommender.testsupport.MotoServer;
import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 on moto (the shared {@link MotoServer}; S3 cannot run here otherwise): the region and credentials a training
 * pod would be given, and a client as a test injects it; {@link #close()} stops moto.
 */
public final class MotoS3 implements AutoCloseable {
    public static final String REGION = "eu-west-1";
    public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET_KEY = "not-checked-by-moto";

    private final MotoServer moto;

    private MotoS3(MotoServer moto) {
        this.moto = moto;
    }

    public static MotoS3 start() throws IOException, InterruptedException {
        return new MotoS3(MotoServer.start());
    }

    public URI endpoint() {
        return moto.endpoint();
    }

    /** A client for moto, as a test injects it (the training pod's own takes its endpoint from the SDK's env vars). */
    public S3Client client() {
        return S3Client.builder().region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build();
    }

    /** From now on moto checks signatures and IAM policies ({@code false}: never, its default). */
    public void enforceAuth(boolean enforce) throws IOException, InterruptedException {
        moto.enforceIamAfter(enforce ? 0 : Double.POSITIVE_INFINITY);
    }

    @Override
    public void close() {
        moto.close();
    }
}
