package io.recommender.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each link of build -> device -> driver library -> driver version, missing in a container laid out under a temp root. */
class GpuDiagnosisTest {
    @TempDir
    Path root;

    private static final String PROC_VERSION = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  %s  Wed Jul 12 20:53:57 UTC 2023\n"
            + "GCC version:  gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)\n";

    private void file(String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private void gpuNode(String driver) throws IOException {
        file("dev/nvidiactl", "");
        file("dev/nvidia0", "");
        file("usr/lib/x86_64-linux-gnu/libcuda.so.1", "");
        file("proc/driver/nvidia/version", PROC_VERSION.formatted(driver));
    }

    @Test
    void theCpuBuildIsNamedFirstWhateverTheNodeHas() throws IOException {
        gpuNode("535.104.05");
        GpuDiagnosis d = GpuDiagnosis.of(false, root, null);
        assertThat(d.reason()).contains("CPU build").contains("RECOMMENDER_TRAINING_GPU_IMAGE");
    }

    @Test
    void aPodWithoutTheDeviceIsToldItGotNoGpu() throws IOException {
        file("usr/lib/x86_64-linux-gnu/libcuda.so.1", "");
        GpuDiagnosis d = GpuDiagnosis.of(true, root, null);
        assertThat(d.deviceFiles()).isFalse();
        assertThat(d.reason()).contains("no NVIDIA device").contains("nvidia.com/gpu");
    }

    @Test
    void aMissingDriverLibraryIsNamedWithWhereItWasLookedFor() throws IOException {
        file("dev/nvidiactl", "");
        file("proc/driver/nvidia/version", PROC_VERSION.formatted("535.104.05"));
        GpuDiagnosis d = GpuDiagnosis.of(true, root, "/opt/nvidia/lib");
        assertThat(d.driverLibrary()).isEmpty();
        assertThat(d.reason()).contains("libcuda.so.1 is not in this container").contains("/usr/local/nvidia/lib64");
    }

    @Test
    void theDriverLibraryIsFoundOnLdLibraryPathToo() throws IOException {
        file("dev/nvidia0", "");
        file("drivers/here/libcuda.so.1", "");
        GpuDiagnosis d = GpuDiagnosis.of(true, root, ":/drivers/here:");
        assertThat(d.driverLibrary()).contains(root.resolve("drivers/here/libcuda.so.1"));
    }

    @Test
    void aDriverTooOldForCuda12IsNamedWithBothVersions() throws IOException {
        gpuNode("470.199.02");
        GpuDiagnosis d = GpuDiagnosis.of(true, root, null);
        assertThat(d.driverVersion()).contains("470.199.02");
        assertThat(d.reason()).contains("470.199.02 is older than 525.60.13").contains("CUDA 12.5");
    }

    @Test
    void withEverythingPresentTheReasonPointsAtTensorFlowsOwnLines() throws IOException {
        gpuNode("550.54.15");
        GpuDiagnosis d = GpuDiagnosis.of(true, root, null);
        assertThat(d.reason()).contains("driver 550.54.15").contains("cuDNN");
    }

    @Test
    void anUnreadableVersionFileIsNoVersionNotAFailure() throws IOException {
        file("proc/driver/nvidia/version", "garbage\n");
        assertThat(GpuDiagnosis.driverVersion(root.resolve("proc/driver/nvidia/version"))).isEmpty();
        assertThat(GpuDiagnosis.driverVersion(root.resolve("nowhere"))).isEmpty();
        // The open kernel module's wording.
        file("v2", "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  560.35.03  Release Build\n");
        assertThat(GpuDiagnosis.driverVersion(root.resolve("v2"))).contains("560.35.03");
    }

    @Test
    void versionsCompareNumericallyPartByPart() {
        assertThat(GpuDiagnosis.compareVersions("525.60.13", "525.60.13")).isZero();
        assertThat(GpuDiagnosis.compareVersions("525.105.17", "525.60.13")).isPositive();
        assertThat(GpuDiagnosis.compareVersions("525.60", "525.60.13")).isNegative();
        assertThat(GpuDiagnosis.compareVersions("1000.1", "525.60.13")).isPositive();
    }

    /** This machine: TensorFlow's CPU build and no GPU; a GPU request fails before any data is read, saying so. */
    @Test
    void aGpuRequestOnThisMachineFailsWithTheReasonAndAutoFallsBackSayingWhy() {
        GpuDiagnosis here = GpuDiagnosis.ofThisContainer();
        assertThatThrownBy(() -> DeviceSelector.choose(Device.GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("--device gpu: TensorFlow sees no GPU: " + here.reason());
        DeviceSelector.Choice auto = DeviceSelector.choose(Device.AUTO);
        assertThat(auto.spec().deviceType().name()).isEqualTo("CPU");
        assertThat(auto.description()).startsWith("CPU (--device auto; no GPU: ").contains(here.reason());
        assertThat(DeviceSelector.choose(Device.CPU).description()).isEqualTo("CPU (--device cpu)");
        assertThat(here.driverVersion()).isEqualTo(Optional.empty());
    }
}
