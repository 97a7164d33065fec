package io.recommender.operator.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a training dataset's fingerprint for a schedule's retrain OnNewData, without downloading the data: an
 * HTTP(S) dataset's ETag, else its Last-Modified and length, from a one-byte ranged GET (a HEAD would fail on a
 * pre-signed GET URL); a bundled dataset's name (it changes only with the training image). The operator cannot
 * read an s3:// dataset (it has no S3 access) nor a path on the training pod's volume: those say so. Messages
 * name the URL without its query, which may hold a signature.
 */
public final class DatasetFingerprints {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http;

    public DatasetFingerprints() {
        this(HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    DatasetFingerprints(HttpClient http) {
        this.http = http;
    }

    public DatasetFingerprint read(String dataset) {
        if (dataset.startsWith("bundled:")) {
            return DatasetFingerprint.of(dataset);
        }
        if (dataset.startsWith("s3://")) {
            return DatasetFingerprint.unreadable("the operator does not read s3:// datasets");
        }
        if (!dataset.startsWith("http://") && !dataset.startsWith("https://")) {
            return DatasetFingerprint.unreadable("a path on the training pod's volume is not visible to the operator");
        }
        String shown = withoutQuery(dataset);
        HttpResponse<Void> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(dataset)).timeout(TIMEOUT)
                    .header("Range", "bytes=0-0").GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | IllegalArgumentException e) {
            return DatasetFingerprint.unreadable(shown + " could not be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + withoutQuery(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DatasetFingerprint.unreadable("interrupted while reading " + shown);
        }
        int status = response.statusCode();
        if (status != 200 && status != 206) {
            return DatasetFingerprint.unreadable(shown + " answered HTTP " + status);
        }
        Optional<String> etag = response.headers().firstValue("ETag");
        if (etag.isPresent() && !etag.get().isBlank()) {
            return DatasetFingerprint.of("etag " + etag.get());
        }
        Optional<String> modified = response.headers().firstValue("Last-Modified");
        Optional<String> length = status == 206
                ? response.headers().firstValue("Content-Range").map(r -> r.substring(r.lastIndexOf('/') + 1))
                : response.headers().firstValue("Content-Length");
        if (modified.isEmpty() && (length.isEmpty() || "*".equals(length.get()))) {
            return DatasetFingerprint.unreadable(shown + " sends no ETag, Last-Modified or length");
        }
        return DatasetFingerprint.of("modified " + modified.orElse("-") + ", length " + length.orElse("-"));
    }

    private static String withoutQuery(String s) {
        return s.replaceAll("\\?\\S*", "?...");
    }
}
