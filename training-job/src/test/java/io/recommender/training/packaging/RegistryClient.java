package io.recommender.training.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recommender.bundle.Checksums;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads images back over the registry's HTTP API (distribution spec), independently of Jib: manifests with
 * both OCI and Docker v2 media types accepted (registry 2.8 does not convert), and blobs.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(",", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String host;
    private final String authorization;

    public RegistryClient(String host) {
        this(host, null, null);
    }

    public RegistryClient(String host, String user, String password) {
        this.host = host;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A manifest as served: its bytes, the registry's Docker-Content-Digest and Content-Type. */
    public record Manifest(byte[] bytes, String contentDigest, String mediaType, JsonNode json) {
        /** sha256 of the bytes, what a digest reference must match. */
        public String computedDigest() {
            return sha256(bytes);
        }
    }

    public Manifest manifest(String repository, String reference) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get("/v2/" + repository + "/manifests/" + reference, ACCEPT);
        return new Manifest(r.body(), r.headers().firstValue("Docker-Content-Digest").orElse(null),
                r.headers().firstValue("Content-Type").orElse(null), JSON.readTree(r.body()));
    }

    public byte[] blob(String repository, String digest) throws IOException, InterruptedException {
        return get("/v2/" + repository + "/blobs/" + digest, "*/*").body();
    }

    public JsonNode config(String repository, Manifest manifest) throws IOException, InterruptedException {
        return JSON.readTree(blob(repository, manifest.json().path("config").path("digest").asText()));
    }

    private HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + path)).header("Accept", accept);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r;
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(Checksums.sha256().digest(bytes));
    }
}
