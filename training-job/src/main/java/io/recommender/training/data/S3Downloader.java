package io.recommender.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Downloads S3 objects with the AWS SDK v2. The SDK retries throttling, 5xx and connection failures,
 * including a stream broken while the object is written to disk; what still fails becomes a one-line
 * {@link DatasetException} naming the object.
 */
public final class S3Downloader {
    private final S3Client s3;

    public S3Downloader(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * The training pod's client: the default credentials chain (environment, web identity as IRSA on EKS
     * provides it, profile, container, instance), the region from AWS_REGION (or the chain's other sources),
     * the endpoint from the SDK's own AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL when set, and the JDK-based
     * HTTP client. A bucket in another region is followed rather than refused.
     */
    public static S3Client standardClient() throws DatasetException {
        Region region;
        try {
            region = new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new DatasetException("s3:// datasets need an AWS region: set AWS_REGION (IRSA on EKS sets it)");
        }
        return S3Client.builder().region(region).crossRegionAccessEnabled(true)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy()))
                .build();
    }

    public static String display(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** Writes the object to {@code file}, refusing one larger than {@code maxBytes}. */
    public void download(String bucket, String key, Path file, long maxBytes) throws DatasetException {
        String where = display(bucket, key);
        try {
            s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(), (response, in) -> {
                Long length = response.contentLength();
                if (length != null && length > maxBytes) {
                    throw new TooLarge(where + ": " + length + " bytes, more than the limit of " + maxBytes);
                }
                copy(in, file, maxBytes, where);
                return response;
            });
        } catch (NoSuchKeyException e) {
            throw new DatasetException(where + ": no such object");
        } catch (NoSuchBucketException e) {
            throw new DatasetException("s3://" + bucket + ": no such bucket");
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 403) {
                throw new DatasetException(where + ": access denied (" + code + "): the training pod's AWS identity "
                        + "needs s3:GetObject on it");
            }
            throw new DatasetException(where + ": " + e.statusCode() + " " + code + ": " + firstLine(
                    e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()));
        } catch (TooLarge e) {
            throw new DatasetException(e.getMessage());
        } catch (SdkException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof TooLarge t) {
                    throw new DatasetException(t.getMessage());
                }
            }
            throw new DatasetException(where + ": " + clientProblem(e));
        }
    }

    private static void copy(InputStream in, Path file, long maxBytes, String where) {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) {
                    throw new TooLarge(where + ": more than the limit of " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The SDK retries a transformer's RetryableException from the start, as its own toFile() does.
            throw RetryableException.builder().message("reading " + where + " broke after " + total + " bytes")
                    .cause(new UncheckedIOException(e)).build();
        }
    }

    /** The SDK's client-side messages list every provider in a chain; one line says what to fix. */
    private static String clientProblem(SdkException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.startsWith("Unable to load credentials")) {
            return "no AWS credentials (environment, web identity/IRSA, profile, container or instance role)";
        }
        return firstLine(m);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Not worth another try: the object is over the limit. */
    private static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }
}
