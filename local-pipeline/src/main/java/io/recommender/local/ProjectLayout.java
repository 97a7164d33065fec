package io.recommender.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the project's programs and data are in a checkout, once `mvn package` has built them. */
record ProjectLayout(Path root) {
    private static final String BUILD_HINT = "; build it with: mvn -B -ntp -pl local-pipeline -am package -DskipTests";

    Path trainingJar() {
        return jar("training-job/target/training-job.jar");
    }

    Path runtimeJar() {
        return jar("runtime-image/target/runtime-image.jar");
    }

    Path loadTestJar() {
        return jar("load-test/target/load-test.jar");
    }

    /** The datasets that `bundled:<name>` refers to: the project's copy under data/. */
    Path bundledDataset(String name) {
        return root.resolve("data").resolve(name);
    }

    /** The java launcher of this JVM, so every step runs on the same JDK. */
    static String java() {
        return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"))
                .filter(Files::isExecutable).map(Path::toString).orElse("java");
    }

    private Path jar(String relative) {
        Path jar = root.resolve(relative);
        if (!Files.isRegularFile(jar)) {
            throw new LocalPipelineException("no " + jar + BUILD_HINT);
        }
        return jar;
    }
}
