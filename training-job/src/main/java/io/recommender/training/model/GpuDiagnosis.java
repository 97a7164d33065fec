package io.recommender.training.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why TensorFlow sees no GPU, in the words of whoever runs the Job: the image, the pod's devices, the node's driver.
 * TensorFlow itself only logs "Cannot dlopen some GPU libraries" among its start-up lines, and a failed Job's status
 * shows one line; this names the first missing piece of the chain build -> device -> driver library -> driver
 * version, by looking at the container's files, never by loading anything.
 */
public record GpuDiagnosis(boolean gpuBuild, boolean deviceFiles, Optional<Path> driverLibrary,
        Optional<String> driverVersion) {
    /** The classifier whose library carries CUDA kernels (README "GPU"; the pom's {@code gpu} profile). */
    static final String GPU_NATIVE = "org/tensorflow/internal/c_api/linux-x86_64-gpu/libjnitensorflow.so";
    /** The oldest driver that runs CUDA 12 code (NVIDIA's minor-version compatibility for 12.x). */
    static final String MIN_DRIVER = "525.60.13";
    static final String CUDA = "12.5";
    /** Where container runtimes put the driver's user-space library (NVIDIA container toolkit, GKE, EKS AMIs). */
    static final List<String> DRIVER_DIRS = List.of("usr/lib/x86_64-linux-gnu", "usr/lib64", "lib/x86_64-linux-gnu",
            "usr/local/nvidia/lib64", "usr/local/nvidia/lib", "usr/lib");
    private static final Pattern VERSION = Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?(\\d+\\.\\d+(?:\\.\\d+)?)");

    /** Looks at this container: the class path for the native build, {@code root} for devices and the driver. */
    public static GpuDiagnosis of(boolean gpuBuild, Path root, String ldLibraryPath) {
        boolean devices = Files.exists(root.resolve("dev/nvidiactl")) || Files.exists(root.resolve("dev/nvidia0"));
        List<Path> dirs = new ArrayList<>();
        if (ldLibraryPath != null) {
            for (String d : ldLibraryPath.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(root.resolve(d.startsWith("/") ? d.substring(1) : d));
                }
            }
        }
        DRIVER_DIRS.forEach(d -> dirs.add(root.resolve(d)));
        Optional<Path> library = dirs.stream().map(d -> d.resolve("libcuda.so.1")).filter(Files::exists).findFirst();
        return new GpuDiagnosis(gpuBuild, devices, library, driverVersion(root.resolve("proc/driver/nvidia/version")));
    }

    /** This process's container. */
    public static GpuDiagnosis ofThisContainer() {
        boolean gpuBuild = GpuDiagnosis.class.getClassLoader().getResource(GPU_NATIVE) != null;
        return of(gpuBuild, Path.of("/"), System.getenv("LD_LIBRARY_PATH"));
    }

    static Optional<String> driverVersion(Path procFile) {
        try {
            Matcher m = VERSION.matcher(Files.readString(procFile));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The first missing piece, as one sentence; when nothing is missing, where else to look. */
    public String reason() {
        if (!gpuBuild) {
            return "this is TensorFlow's CPU build (tensorflow-core-native linux-x86_64), which has no GPU kernels:"
                    + " use the GPU training image (the operator's RECOMMENDER_TRAINING_GPU_IMAGE, or a build with"
                    + " -Pimage,gpu)";
        }
        if (!deviceFiles) {
            return "no NVIDIA device in this container (/dev/nvidiactl and /dev/nvidia0 are missing): the pod was given"
                    + " no GPU; it needs an nvidia.com/gpu limit on a node whose NVIDIA device plugin advertises one";
        }
        if (driverLibrary.isEmpty()) {
            return "the NVIDIA driver's library libcuda.so.1 is not in this container (looked in LD_LIBRARY_PATH and "
                    + String.join(", ", DRIVER_DIRS.stream().map(d -> "/" + d).toList()) + "): the node's container"
                    + " runtime did not mount the driver (NVIDIA container toolkit missing or not the default runtime)";
        }
        if (driverVersion.isPresent() && compareVersions(driverVersion.get(), MIN_DRIVER) < 0) {
            return "the node's NVIDIA driver " + driverVersion.get() + " is older than " + MIN_DRIVER + ", the oldest"
                    + " that runs CUDA 12; this image's TensorFlow (2.18) is built with CUDA " + CUDA + ": upgrade the"
                    + " node's driver or use a node group with a newer AMI";
        }
        return "TensorFlow found no usable GPU although the device, libcuda.so.1 (" + driverLibrary.get() + ") and "
                + driverVersion.map(v -> "driver " + v).orElse("a driver of unknown version") + " are present; the"
                + " lines TensorFlow logged above say which CUDA or cuDNN library it could not load";
    }

    /** Compares dotted numeric versions; a missing part counts as 0. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}
