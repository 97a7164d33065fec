package io.recommender.training.packaging;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small base images made here with Jib from scratch and pushed to a test registry, since no public registry is
 * reachable: a runtime base (OCI, like runtime-image's) and a TensorFlow Serving stand-in (Docker v2.2, like
 * Docker Hub's), each with a tiny rootfs (passwd, group, a marker file), a non-root user and the entrypoint
 * and environment of the image it stands for.
 */
public final class BaseImages {
    public static final String USER = "65532:65532";
    public static final String RUNTIME_MARKER = "/opt/runtime/BASE";
    public static final String TFSERVING_MARKER = "/usr/bin/tf_serving_entrypoint.sh";

    private BaseImages() {}

    public record Credentials(String user, String password) {}

    /** Pushes the runtime base to {@code reference}; {@code payloadBytes} adds a layer of that many random bytes. */
    public static String pushRuntimeBase(String reference, Credentials credentials, Path work, long payloadBytes)
            throws Exception {
        JibContainerBuilder b = Jib.fromScratch()
                .addFileEntriesLayer(rootfs(work.resolve("runtime-rootfs"), RUNTIME_MARKER, "runtime base\n"))
                .setEntrypoint("/opt/java/bin/java", "-jar", "/opt/app/recommender.jar")
                .setEnvironment(Map.of("RECOMMENDER_BUNDLE_PATH", ImagePackager.BUNDLE_DIR))
                .setUser(USER)
                .setFormat(ImageFormat.OCI);
        return push(withPayload(b, work.resolve("runtime-payload"), "/opt/java/lib/modules", payloadBytes),
                reference, credentials, work);
    }

    /** Pushes the TensorFlow Serving stand-in; its {@code MODEL_NAME=model} is the real image's default. */
    public static String pushTfServingBase(String reference, Credentials credentials, Path work, long payloadBytes)
            throws Exception {
        JibContainerBuilder b = Jib.fromScratch()
                .addFileEntriesLayer(rootfs(work.resolve("tfserving-rootfs"), TFSERVING_MARKER,
                        "#!/bin/sh\nexec tensorflow_model_server --model_name=${MODEL_NAME}"
                                + " --model_base_path=${MODEL_BASE_PATH}/${MODEL_NAME} \"$@\"\n"))
                .setEntrypoint(TFSERVING_MARKER)
                .setEnvironment(Map.of("MODEL_NAME", "model", "MODEL_BASE_PATH", "/models"))
                .setUser(USER)
                .setFormat(ImageFormat.Docker);
        return push(withPayload(b, work.resolve("tfserving-payload"), "/usr/bin/tensorflow_model_server",
                payloadBytes), reference, credentials, work);
    }

    private static FileEntriesLayer rootfs(Path dir, String marker, String markerText) throws Exception {
        Files.createDirectories(dir);
        Path passwd = Files.writeString(dir.resolve("passwd"),
                "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
        Path group = Files.writeString(dir.resolve("group"), "root:x:0:\nnonroot:x:65532:\n");
        Path mark = Files.writeString(dir.resolve("marker"), markerText);
        return FileEntriesLayer.builder().setName("rootfs")
                .addEntry(passwd, AbsoluteUnixPath.get("/etc/passwd"))
                .addEntry(group, AbsoluteUnixPath.get("/etc/group"))
                .addEntry(mark, AbsoluteUnixPath.get(marker))
                .build();
    }

    /** Random bytes do not compress: the layer's pushed size is about {@code bytes}, like a real binary. */
    private static JibContainerBuilder withPayload(JibContainerBuilder b, Path dir, String target, long bytes)
            throws Exception {
        if (bytes <= 0) {
            return b;
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("payload");
        Random random = new Random(bytes);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return b.addFileEntriesLayer(FileEntriesLayer.builder().setName("payload")
                .addEntry(file, AbsoluteUnixPath.get(target)).build());
    }

    private static String push(JibContainerBuilder b, String reference, Credentials credentials, Path work)
            throws Exception {
        RegistryImage target = RegistryImage.named(reference);
        if (credentials != null) {
            System.setProperty("sendCredentialsOverHttp", "true");
            target.addCredential(credentials.user(), credentials.password());
        }
        Files.createDirectories(work);
        return b.containerize(Containerizer.to(target).setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(work.resolve("jib-base-cache"))
                .setApplicationLayersCache(work.resolve("jib-app-cache"))).getDigest().toString();
    }

    /** The layer digests of an image's manifest, in order. */
    public static List<String> layers(RegistryClient.Manifest manifest) {
        return manifest.json().path("layers").findValuesAsText("digest");
    }
}
