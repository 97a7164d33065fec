package io.recommender.training.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.bundle.PackagedModel;
import io.recommender.training.TrainedBundle;
import io.recommender.training.model.Device;
import io.recommender.training.model.TrainingConfig;
import io.recommender.training.pipeline.TrainingPipeline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code training-job package} against a real registry process (Debian's docker-registry on loopback): base
 * images made here are pushed first, then real trained bundles are packaged, and the results are pulled back
 * over the registry's HTTP API and checked byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageCommandTest {
    private LocalRegistry registry;
    private RegistryClient client;
    private Path work;
    private String runtimeBase;
    private String tfServingBase;
    private Path bundleV1;

    @BeforeAll
    void startRegistryAndPushBases() throws Exception {
        work = Files.createTempDirectory("package-test-");
        registry = LocalRegistry.start();
        client = new RegistryClient(registry.host());
        runtimeBase = registry.host() + "/bases/runtime:1";
        tfServingBase = registry.host() + "/bases/tfserving:1";
        BaseImages.pushRuntimeBase(runtimeBase, null, work.resolve("bases"), 0);
        BaseImages.pushTfServingBase(tfServingBase, null, work.resolve("bases"), 0);
        bundleV1 = TrainedBundle.get().bundle();
    }

    @AfterAll
    void stopRegistry() throws IOException {
        if (registry != null) {
            registry.close();
        }
        delete(work);
    }

    @Test
    void pushesBothImagesAndTheBundlePulledBackIsIntact() throws Exception {
        Run run = pack(bundleV1, registry.host() + "/recs");
        assertThat(run.exit()).as(run.output()).isZero();
        PackagedModel result = PackagedModel.fromJson(run.result());
        Manifest source = ModelBundle.readManifest(bundleV1);
        assertThat(result.modelName()).isEqualTo("recommender");
        assertThat(result.modelVersion()).isEqualTo(1);
        assertThat(result.rmse()).isEqualTo(source.metrics().rmse());
        assertThat(result.recallAt10()).isEqualTo(source.metrics().recallAt10());
        assertThat(result.ndcgAt10()).isEqualTo(source.metrics().ndcgAt10());

        // Recommender image: tag and digest agree with the result, the registry and the bytes.
        RegistryClient.Manifest byTag = checkedManifest("recs", "1-recommender", result.image());
        RegistryClient.Manifest baseManifest = client.manifest("bases/runtime", "1");
        List<String> layers = BaseImages.layers(byTag);
        assertThat(layers).hasSize(BaseImages.layers(baseManifest).size() + 1)
                .startsWith(BaseImages.layers(baseManifest).toArray(String[]::new));
        JsonNode config = client.config("recs", byTag);
        assertThat(config.path("config").path("User").asText()).isEqualTo(BaseImages.USER);
        assertThat(env(config)).containsEntry("RECOMMENDER_BUNDLE_PATH", ImagePackager.BUNDLE_DIR);
        assertThat(config.path("config").path("Entrypoint").get(0).asText()).isEqualTo("/opt/java/bin/java");

        Map<String, Integer> dirs = new TreeMap<>();
        Map<String, TarFile> bundleLayer = untar(client.blob("recs", layers.get(layers.size() - 1)), dirs);
        Path unpacked = extract(bundleLayer, "opt/recommender/bundle/", work.resolve("pulled-bundle"));
        ModelBundle pulled = ModelBundle.open(unpacked);
        assertThat(pulled.manifest()).isEqualTo(source);
        assertThat(files(unpacked)).isEqualTo(files(bundleV1));
        assertThat(bundleLayer.values()).allSatisfy(f -> assertThat(f.mode() & 07777).as(f.name()).isEqualTo(0444));
        assertThat(dirs).containsKeys("opt/recommender/bundle", "opt/recommender/bundle/saved_model/recommender/1");
        dirs.forEach((d, mode) -> {
            if (d.startsWith("opt/recommender/bundle")) {
                assertThat(mode).as(d).isEqualTo(0555);
            }
        });

        // TF Serving image: the SavedModel at /models/<name>/<version>, MODEL_NAME set, the base's user kept.
        RegistryClient.Manifest tf = checkedManifest("recs", "1-tfserving", result.tfServingImage());
        List<String> tfLayers = BaseImages.layers(tf);
        assertThat(tfLayers).startsWith(BaseImages.layers(client.manifest("bases/tfserving", "1")).toArray(String[]::new));
        JsonNode tfConfig = client.config("recs", tf);
        assertThat(env(tfConfig)).containsEntry("MODEL_NAME", "recommender").containsEntry("MODEL_BASE_PATH", "/models");
        assertThat(tfConfig.path("config").path("User").asText()).isEqualTo(BaseImages.USER);
        Map<String, TarFile> savedModel = untar(client.blob("recs", tfLayers.get(tfLayers.size() - 1)));
        Path models = extract(savedModel, "models/recommender/1/", work.resolve("pulled-models"));
        assertThat(files(models)).isEqualTo(files(BundleLayout.savedModelDir(bundleV1, "recommender", 1)))
                .containsKey("saved_model.pb");
        assertThat(savedModel.keySet()).allMatch(p -> p.startsWith("models/recommender/1"), "only the SavedModel");
    }

    @Test
    void aSecondModelVersionUploadsOnlyTheModelLayersAndConfigs() throws Exception {
        String repo = registry.host() + "/layers";
        Run first = pack(bundleV1, repo);
        assertThat(first.exit()).as(first.output()).isZero();
        PackagedModel v1 = PackagedModel.fromJson(first.result());

        // A retry of the same version (a new Job pod, empty cache) yields the same digests and uploads nothing.
        int mark = registry.requests().size();
        Run retry = pack(bundleV1, repo);
        assertThat(retry.exit()).as(retry.output()).isZero();
        assertThat(PackagedModel.fromJson(retry.result())).isEqualTo(v1);
        assertThat(LocalRegistry.uploadedBlobs(since(mark), "layers")).isEmpty();
        assertThat(since(mark)).as("an immutable tag must not be pushed again").noneMatch(r -> r.method().equals("PUT"));
        assertThat(retry.output()).contains("already in the registry");

        Path bundleV2 = new TrainingPipeline(new PrintStream(new ByteArrayOutputStream())).run(
                new TrainingPipeline.Options(TrainedBundle.DATA, work.resolve("bundle-v2"), TrainingConfig.defaults(1, 32, 7,
                        Device.CPU), 0.2, 0.1, null,
                        "recommender", 2)).bundle();
        mark = registry.requests().size();
        Run second = pack(bundleV2, repo);
        assertThat(second.exit()).as(second.output()).isZero();
        PackagedModel v2 = PackagedModel.fromJson(second.result());
        List<LocalRegistry.Request> pushRequests = since(mark);

        RegistryClient.Manifest rec = checkedManifest("layers", "2-recommender", v2.image());
        RegistryClient.Manifest tf = checkedManifest("layers", "2-tfserving", v2.tfServingImage());
        List<String> expected = new ArrayList<>();
        for (RegistryClient.Manifest m : List.of(rec, tf)) {
            List<String> layers = BaseImages.layers(m);
            expected.add(layers.get(layers.size() - 1));
            expected.add(m.json().path("config").path("digest").asText());
        }
        assertThat(LocalRegistry.uploadedBlobs(pushRequests, "layers")).containsExactlyInAnyOrderElementsOf(expected);
        // Jib may try a cross-repository mount of a new blob first (it fails and the upload goes on); base layers
        // are only checked with HEAD: never mounted, never uploaded.
        assertThat(pushRequests).filteredOn(r -> r.query().contains("mount="))
                .allMatch(r -> expected.stream().anyMatch(d -> r.query().contains("mount=" + d)));
        assertThat(pushRequests).filteredOn(r -> r.method().equals("PUT") && r.path().contains("/manifests/"))
                .extracting(LocalRegistry.Request::path)
                .containsExactlyInAnyOrder("/v2/layers/manifests/2-recommender", "/v2/layers/manifests/2-tfserving");
        // Same bases, so every layer below the model's is shared with version 1.
        RegistryClient.Manifest recV1 = client.manifest("layers", "1-recommender");
        assertThat(BaseImages.layers(rec).subList(0, BaseImages.layers(rec).size() - 1))
                .isEqualTo(BaseImages.layers(recV1).subList(0, BaseImages.layers(recV1).size() - 1));
        assertThat(v2.image()).isNotEqualTo(v1.image());
    }

    @Test
    void aTamperedBundleIsRefusedBeforeAnyRequest() throws Exception {
        Path tampered = copy(bundleV1, work.resolve("tampered"));
        byte[] items = Files.readAllBytes(tampered.resolve(BundleLayout.ITEMS));
        items[items.length - 1] ^= 1;
        Files.write(tampered.resolve(BundleLayout.ITEMS), items);
        int mark = registry.requests().size();
        Run run = pack(tampered, registry.host() + "/tampered");
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.result()).contains("checksum mismatch for items.bin").contains("nothing pushed").doesNotContain("\n");
        assertThat(since(mark)).isEmpty();
    }

    @Test
    void aModelThatMissesTheQualityThresholdsIsNotPushedAndOneThatMeetsThemIs() throws Exception {
        Manifest.Metrics m = ModelBundle.readManifest(bundleV1).metrics();
        int mark = registry.requests().size();
        Run refused = pack(bundleV1, registry.host() + "/quality", "--min-recall-at-10", "0.99", "--max-rmse",
                Double.toString(m.rmse() + 0.1));
        assertThat(refused.exit()).as(refused.output()).isEqualTo(4);
        assertThat(refused.result()).startsWith("the model misses spec.quality: recall@10 ")
                .contains("< minRecallAt10 0.9900").doesNotContain("RMSE").endsWith("nothing pushed");
        assertThat(since(mark)).isEmpty();

        Run met = pack(bundleV1, registry.host() + "/quality", "--min-recall-at-10", Double.toString(m.recallAt10()),
                "--min-ndcg-at-10", "0.01");
        assertThat(met.exit()).as(met.output()).isZero();
        assertThat(met.output()).contains("quality met: recall@10 ");
        assertThat(PackagedModel.fromJson(met.result()).recallAt10()).isEqualTo(m.recallAt10());
    }

    @Test
    void maxRegressionRefusesACandidateWorseThanTheStableVersionOnItsSplitAndNeedsTheComparison() throws Exception {
        Manifest.Metrics m = ModelBundle.readManifest(bundleV1).metrics();
        Path comparedWithBetter = withStable(bundleV1, "better", new Manifest.Stable(20261201, "live",
                m.recallAt10() * 1.1, m.ndcgAt10(), 596, 0));
        Path comparedWithEqual = withStable(bundleV1, "equal", new Manifest.Stable(20261201, "bundle",
                m.recallAt10(), m.ndcgAt10(), 596, 0));
        int mark = registry.requests().size();

        Run refused = pack(comparedWithBetter, registry.host() + "/regression", "--max-regression", "0.05");
        Run uncompared = pack(bundleV1, registry.host() + "/regression", "--max-regression", "0.05");

        assertThat(refused.exit()).as(refused.output()).isEqualTo(4);
        assertThat(refused.result()).startsWith("the model misses spec.quality: recall@10 ")
                .contains("% below the stable version 20261201's ").contains("(maxRegression 0.0500 allows ")
                .doesNotContain("NDCG").endsWith("nothing pushed");
        assertThat(uncompared.exit()).as(uncompared.output()).isEqualTo(4);
        assertThat(uncompared.result()).contains("no stable version was scored on this model's split");
        assertThat(since(mark)).isEmpty();

        Run met = pack(comparedWithEqual, registry.host() + "/regression", "--max-regression", "0.0");
        assertThat(met.exit()).as(met.output()).isZero();
        assertThat(PackagedModel.fromJson(met.result()).stable())
                .isEqualTo(ModelBundle.readManifest(comparedWithEqual).metrics().stable());
    }

    /** A copy of the bundle whose manifest says the stable version scored {@code stable} on its split. */
    private Path withStable(Path bundle, String name, Manifest.Stable stable) throws IOException {
        Path copy = copy(bundle, work.resolve("stable-" + name));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(copy.resolve(BundleLayout.MANIFEST).toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("metrics")).set("stable",
                json.valueToTree(stable));
        json.writeValue(copy.resolve(BundleLayout.MANIFEST).toFile(), manifest);
        return copy;
    }

    @Test
    void anUnreachableRegistryIsARegistryErrorWithReason() throws Exception {
        String closed = "127.0.0.1:" + LocalRegistry.freePort();
        Run run = pack(bundleV1, closed + "/recs", "--push-attempts", "2", "--retry-backoff-ms", "10");
        assertThat(run.exit()).as(run.output()).isEqualTo(3);
        assertThat(run.result()).contains("registry unreachable").contains(closed).contains("after 2 attempts");
    }

    @Test
    void aMissingBaseImageIsNamed() throws Exception {
        String missing = registry.host() + "/bases/runtime:does-not-exist";
        Run run = pack(bundleV1, registry.host() + "/recs-missing", "--runtime-base", missing);
        assertThat(run.exit()).as(run.output()).isEqualTo(3);
        assertThat(run.result()).contains(missing.replace(":does-not-exist", "")).contains("does-not-exist")
                .contains("not found");
    }

    @Test
    void credentialsComeFromTheDockerConfigAndAWrongPasswordIsNeverPrinted() throws Exception {
        String password = "s3cret-Pa55word-" + System.nanoTime();
        try (LocalRegistry secured = LocalRegistry.start("pusher", password)) {
            BaseImages.Credentials right = new BaseImages.Credentials("pusher", password);
            String base = secured.host() + "/bases/runtime:1";
            String tfBase = secured.host() + "/bases/tfserving:1";
            BaseImages.pushRuntimeBase(base, right, work.resolve("secured-bases"), 0);
            BaseImages.pushTfServingBase(tfBase, right, work.resolve("secured-bases"), 0);

            String wrongPassword = "wrong-" + password;
            Path wrong = dockerConfig(secured.host(), "pusher", wrongPassword);
            Run denied = pack(bundleV1, secured.host() + "/recs", "--runtime-base", base, "--tfserving-base", tfBase,
                    "--docker-config", wrong.toString());
            assertThat(denied.exit()).as(denied.output()).isEqualTo(3);
            assertThat(denied.result()).containsIgnoringCase("authentication");
            assertThat(denied.output() + denied.result()).doesNotContain(wrongPassword)
                    .doesNotContain(Base64.getEncoder().encodeToString(("pusher:" + wrongPassword).getBytes()));

            Run ok = pack(bundleV1, secured.host() + "/recs", "--runtime-base", base, "--tfserving-base", tfBase,
                    "--docker-config", dockerConfig(secured.host(), "pusher", password).toString());
            assertThat(ok.exit()).as(ok.output()).isZero();
            assertThat(ok.output()).doesNotContain(password);
            PackagedModel result = PackagedModel.fromJson(ok.result());
            RegistryClient.Manifest m = new RegistryClient(secured.host(), "pusher", password)
                    .manifest("recs", "1-recommender");
            assertThat(result.image()).isEqualTo(secured.host() + "/recs@" + m.contentDigest());
        }
    }

    @Test
    void badArgumentsExitWithTwoAndTheReasonInTheResultFile() throws Exception {
        Path resultFile = work.resolve("bad-args-result");
        Run missing = run("package", "--repository", registry.host() + "/recs", "--runtime-base", runtimeBase,
                "--tfserving-base", tfServingBase, "--result-file", resultFile.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(Files.readString(resultFile)).contains("--bundle");

        Run tagged = pack(bundleV1, registry.host() + "/recs:latest");
        assertThat(tagged.exit()).isEqualTo(2);
        assertThat(tagged.result()).contains("without a tag");

        Path notJson = Files.writeString(work.resolve("not-json"), "{auths");
        Run badConfig = pack(bundleV1, registry.host() + "/recs", "--docker-config", notJson.toString());
        assertThat(badConfig.exit()).isEqualTo(2);
        assertThat(badConfig.result()).contains("--docker-config").contains("not valid JSON");

        Path noAuth = Files.writeString(work.resolve("no-auth"),
                "{\"auths\":{\"" + registry.host() + "\":{\"username\":\"u\",\"password\":\"p4ssw0rd-x\"}}}");
        Run withoutAuth = pack(bundleV1, registry.host() + "/recs", "--docker-config", noAuth.toString());
        assertThat(withoutAuth.exit()).isEqualTo(2);
        assertThat(withoutAuth.result()).contains("has no \"auth\"").doesNotContain("p4ssw0rd-x");
    }

    // ---- helpers

    private record Run(int exit, String output, String result) {}

    private record TarFile(String name, int mode, byte[] bytes) {}

    /** Runs {@code package} with this class's bases, a fresh cache (as a new Job pod has) and a result file. */
    private Run pack(Path bundle, String repository, String... extra) throws IOException {
        Path dir = Files.createTempDirectory(work, "run-");
        List<String> args = new ArrayList<>(List.of("package", "--bundle", bundle.toString(), "--repository",
                repository, "--insecure-registry", "--cache-dir", dir.resolve("cache").toString(),
                "--result-file", dir.resolve("result").toString()));
        List<String> extras = List.of(extra);
        if (!extras.contains("--runtime-base")) {
            args.addAll(List.of("--runtime-base", runtimeBase));
        }
        if (!extras.contains("--tfserving-base")) {
            args.addAll(List.of("--tfserving-base", tfServingBase));
        }
        args.addAll(extras);
        return run(args.toArray(String[]::new));
    }

    /** The command in this JVM, as {@code java -jar training-job.jar ...} runs it, with its output captured. */
    private static Run run(String... args) throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        int exit;
        try (PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(both);
            System.setErr(both);
            exit = io.recommender.training.cli.TrainingJobCommandAccess.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        out.print(output);
        int i = Arrays.asList(args).indexOf("--result-file");
        Path result = Path.of(args[i + 1]);
        return new Run(exit, output, Files.exists(result) ? Files.readString(result).strip() : null);
    }

    /** The manifest by tag and by the digest in {@code reference}: same bytes, digest = sha256 = header. */
    private RegistryClient.Manifest checkedManifest(String repository, String tag, String reference) throws Exception {
        RegistryClient.Manifest byTag = client.manifest(repository, tag);
        String digest = reference.substring(reference.indexOf('@') + 1);
        assertThat(reference).isEqualTo(registry.host() + "/" + repository + "@" + digest);
        assertThat(byTag.contentDigest()).isEqualTo(digest);
        assertThat(byTag.computedDigest()).isEqualTo(digest);
        assertThat(byTag.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        RegistryClient.Manifest byDigest = client.manifest(repository, digest);
        assertThat(byDigest.bytes()).isEqualTo(byTag.bytes());
        for (JsonNode d : byTag.json().path("layers")) {
            byte[] blob = client.blob(repository, d.path("digest").asText());
            assertThat(RegistryClient.sha256(blob)).isEqualTo(d.path("digest").asText());
            assertThat((long) blob.length).isEqualTo(d.path("size").asLong());
        }
        String configDigest = byTag.json().path("config").path("digest").asText();
        assertThat(RegistryClient.sha256(client.blob(repository, configDigest))).isEqualTo(configDigest);
        return byTag;
    }

    private List<LocalRegistry.Request> since(int mark) throws IOException {
        List<LocalRegistry.Request> all = registry.requests();
        return all.subList(mark, all.size());
    }

    private static Map<String, String> env(JsonNode config) {
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : config.path("config").path("Env")) {
            String kv = e.asText();
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return env;
    }

    private static Map<String, TarFile> untar(byte[] gzippedTar) throws IOException {
        return untar(gzippedTar, new TreeMap<>());
    }

    private static Map<String, TarFile> untar(byte[] gzippedTar, Map<String, Integer> directories) throws IOException {
        Map<String, TarFile> files = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new ByteArrayInputStream(gzippedTar)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                if (e.isFile()) {
                    files.put(name, new TarFile(name, e.getMode(), tar.readAllBytes()));
                } else if (e.isDirectory()) {
                    directories.put(name.replaceFirst("/$", ""), e.getMode() & 07777);
                }
            }
        }
        return files;
    }

    private static Path extract(Map<String, TarFile> files, String prefix, Path dir) throws IOException {
        for (TarFile f : files.values()) {
            assertThat(f.name()).startsWith(prefix);
            Path out = dir.resolve(f.name().substring(prefix.length()));
            Files.createDirectories(out.getParent());
            Files.write(out, f.bytes());
        }
        return dir;
    }

    /** Every regular file under {@code dir}: relative path -> content, as text for a readable diff. */
    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), RegistryClient.sha256(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private Path dockerConfig(String registry, String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path f = Files.createTempFile(work, "dockerconfig-", ".json");
        return Files.writeString(f, "{\"auths\":{\"" + registry + "\":{\"username\":\"" + user + "\",\"password\":\""
                + password + "\",\"auth\":\"" + auth + "\"}}}");
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }
}
