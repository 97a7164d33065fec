package io.recommender.training.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import io.recommender.training.packaging.BaseImages;
import io.recommender.training.packaging.CountingProxy;
import io.recommender.training.packaging.LocalRegistry;
import io.recommender.training.packaging.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code training-job package} (the real jar, a new JVM and an empty layer cache per run, as in a Job pod)
 * against a loopback docker-registry: first push of a model version, a retry of it, and the next model version
 * on the same bases. The bases live in "another registry" (the same process, reached as localhost:port, so
 * Jib cannot mount blobs across) and the target is reached through a counting relay: bytes pushed are bytes
 * on the wire to the target registry, bytes pulled are bytes read from the base registry.
 *
 * <p>Arguments: jar, bundle v1, bundle v2, runtime base (an OCI-layout tar such as runtime-image's
 * {@code runtime-image.tar}, or a docker-save tar such as build-base-image.sh's), TF Serving stand-in payload
 * MiB, work directory.
 */
public final class PackageBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path v1 = Path.of(args[1]);
        Path v2 = Path.of(args[2]);
        Path runtimeTar = Path.of(args[3]);
        long tfPayload = Long.parseLong(args[4]) << 20;
        Path work = Files.createDirectories(Path.of(args[5]));
        try (LocalRegistry registry = LocalRegistry.start();
                CountingProxy bases = new CountingProxy(registry.port());
                CountingProxy target = new CountingProxy(registry.port())) {
            String basesHost = "localhost:" + bases.host().substring(bases.host().indexOf(':') + 1);
            String runtimeBase = basesHost + "/bases/runtime:1";
            String tfBase = basesHost + "/bases/tfserving:1";
            pushRuntimeBase(runtimeTar, registry.host(), work);
            BaseImages.pushTfServingBase(registry.host() + "/bases/tfserving:1", null, work.resolve("bases"), tfPayload);
            RegistryClient client = new RegistryClient(registry.host());
            System.out.printf(Locale.ROOT, "bases: runtime %s (%s), tfserving stand-in (%s)%n", runtimeTar.getFileName(),
                    describe(client, "bases/runtime"), describe(client, "bases/tfserving"));
            System.out.println();
            System.out.println("run                          wall s   pushed MB   pulled MB   blobs uploaded   manifests put");
            String repo = target.host() + "/recs";
            run("v" + version(v1) + " first push", jar, v1, repo, runtimeBase, tfBase, registry, bases, target, work);
            run("v" + version(v1) + " retry (same bundle)", jar, v1, repo, runtimeBase, tfBase, registry, bases, target,
                    work);
            run("v" + version(v2) + " next version, same bases", jar, v2, repo, runtimeBase, tfBase, registry, bases,
                    target, work);
        }
    }

    private static long version(Path bundle) throws IOException {
        return JSON.readTree(bundle.resolve("manifest.json").toFile()).path("modelVersion").asLong();
    }

    private static void run(String name, Path jar, Path bundle, String repo, String runtimeBase, String tfBase,
            LocalRegistry registry, CountingProxy bases, CountingProxy target, Path work) throws Exception {
        Path dir = Files.createTempDirectory(work, "run-");
        int mark = registry.requests().size();
        long sent0 = target.sent();
        long pulled0 = bases.received();
        List<String> cmd = List.of("java", "-jar", jar.toString(), "package", "--bundle", bundle.toString(),
                "--repository", repo, "--runtime-base", runtimeBase, "--tfserving-base", tfBase, "--insecure-registry",
                "--cache-dir", dir.resolve("cache").toString(), "--result-file", dir.resolve("result").toString());
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(name + ": exit " + exit + ": " + Files.readString(dir.resolve("log")));
        }
        List<LocalRegistry.Request> requests = registry.requests();
        requests = requests.subList(mark, requests.size());
        String targetRepo = repo.substring(repo.indexOf('/') + 1);
        long manifests = requests.stream().filter(r -> r.method().equals("PUT") && r.path().contains("/manifests/"))
                .count();
        System.out.printf(Locale.ROOT, "%-28s %6.1f   %9.2f   %9.2f   %14d   %13d%n", name, seconds,
                (target.sent() - sent0) / 1e6, (bases.received() - pulled0) / 1e6,
                LocalRegistry.uploadedBlobs(requests, targetRepo).size(), manifests);
    }

    private static String describe(RegistryClient client, String repo) throws Exception {
        RegistryClient.Manifest m = client.manifest(repo, "1");
        long bytes = 0;
        for (JsonNode l : m.json().path("layers")) {
            bytes += l.path("size").asLong();
        }
        return String.format(Locale.ROOT, "%d layers, %.1f MB compressed", m.json().path("layers").size(), bytes / 1e6);
    }

    /** A docker-save tar goes through Jib; an OCI-layout tar (Jib cannot read those) is uploaded blob by blob. */
    private static void pushRuntimeBase(Path tar, String registry, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("runtime-base"));
        untar(tar, dir);
        if (!Files.exists(dir.resolve("index.json"))) {
            Jib.from(TarImage.at(tar)).containerize(Containerizer.to(RegistryImage.named(registry + "/bases/runtime:1"))
                    .setAllowInsecureRegistries(true).setBaseImageLayersCache(work.resolve("jib-cache"))
                    .setApplicationLayersCache(work.resolve("jib-app-cache")));
            return;
        }
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        JsonNode manifestDescriptor = index.path("manifests").get(0);
        Path manifest = blob(dir, manifestDescriptor.path("digest").asText());
        JsonNode m = JSON.readTree(manifest.toFile());
        List<String> digests = new ArrayList<>(m.path("layers").findValuesAsText("digest"));
        digests.add(m.path("config").path("digest").asText());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://" + registry + "/v2/bases/runtime";
        for (String d : digests) {
            HttpResponse<Void> start = http.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            String location = start.headers().firstValue("Location").orElseThrow();
            URI put = URI.create(location.startsWith("http") ? location : "http://" + registry + location);
            put = URI.create(put + (put.getQuery() == null ? "?" : "&") + "digest=" + d);
            check(http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofFile(blob(dir, d))).build(),
                    HttpResponse.BodyHandlers.ofString()), 201);
        }
        check(http.send(HttpRequest.newBuilder(URI.create(base + "/manifests/1"))
                .header("Content-Type", manifestDescriptor.path("mediaType").asText())
                .PUT(HttpRequest.BodyPublishers.ofFile(manifest)).build(), HttpResponse.BodyHandlers.ofString()), 201);
    }

    private static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.uri() + ": HTTP " + r.statusCode() + " "
                    + r.body());
        }
    }

    private static Path blob(Path dir, String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static void untar(Path tar, Path dir) throws IOException {
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                Path out = dir.resolve(e.getName()).normalize();
                if (!out.startsWith(dir)) {
                    throw new IOException("tar entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(t, out);
                }
            }
        }
    }
}
