package io.recommender.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's entry point says where lib/ must be when the jar is alone. */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void aJarWithoutItsLibFolderSaysWhereLibMustBe() throws IOException, InterruptedException {
        // The launcher alone in a jar, as training-job.jar is when copied without lib/.
        Path jar = tmp.resolve("training-job.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/picocli-4.7.7.jar");
        String entry = Launcher.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Launcher.class.getClassLoader().getResourceAsStream(entry).readAllBytes());
        }

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "import", "--help"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out.strip()).startsWith("error: training-job.jar needs its libraries: the lib/ folder")
                .contains("missing from " + tmp.toAbsolutePath()).doesNotContain("NoClassDefFoundError", "\tat ");
    }

    @Test
    void tensorFlowsInfoAndWarningLinesAreDroppedErrorsAndTheCommandsOwnAreKept() {
        assertThat(Launcher.TF_LOG_LINE.matcher("I0000 00:00:1796598708.725355    7557 "
                + "mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled").matches()).isTrue();
        assertThat(Launcher.TF_LOG_LINE.matcher("W0000 00:00:1796598708.725355    7557 cpu_allocator_impl.cc:83] "
                + "Allocation exceeds 10% of free system memory.").matches()).isTrue();
        assertThat(Launcher.TF_LOG_LINE.matcher("WARNING: All log messages before absl::InitializeLog() is called are "
                + "written to STDERR").matches()).isTrue();
        assertThat(Launcher.TF_LOG_LINE.matcher("E0000 00:00:1796598708.725355    7557 saved_model.cc:12] "
                + "could not read").matches()).isFalse();
        assertThat(Launcher.TF_LOG_LINE.matcher("error: data/ratings.csv:3: rating 'great' is not a number").matches())
                .isFalse();
    }
}
