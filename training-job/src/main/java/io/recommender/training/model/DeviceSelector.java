package io.recommender.training.model;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Decides the device TensorFlow trains on. A GPU is "seen" when an op pinned to {@code /device:GPU:0}
 * runs with soft placement off: that needs both the GPU build of the native library and a visible device.
 */
public final class DeviceSelector {
    private DeviceSelector() {}

    /** The device training runs on, and a sentence for the log that says why. */
    public record Choice(DeviceSpec spec, String description) {}

    public static DeviceSpec resolve(Device requested) {
        return choose(requested).spec();
    }

    /**
     * @throws IllegalStateException for {@code gpu} when TensorFlow sees no GPU, with the first missing piece
     *     ({@link GpuDiagnosis}) as the message: the Job's termination message and so the Recommender's status
     */
    public static Choice choose(Device requested) {
        if (requested == Device.CPU) {
            return new Choice(cpu(), "CPU (--device cpu)");
        }
        if (gpuAvailable()) {
            GpuDiagnosis d = GpuDiagnosis.ofThisContainer();
            return new Choice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build(),
                    "GPU:0 (--device " + requested.name().toLowerCase(java.util.Locale.ROOT) + "; NVIDIA driver "
                            + d.driverVersion().orElse("of unknown version") + ")");
        }
        String reason = GpuDiagnosis.ofThisContainer().reason();
        if (requested == Device.GPU) {
            throw new IllegalStateException("--device gpu: TensorFlow sees no GPU: " + reason);
        }
        return new Choice(cpu(), "CPU (--device auto; no GPU: " + reason + ")");
    }

    public static boolean gpuAvailable() {
        try (Graph g = new Graph();
                Session s = new Session(g, ConfigProto.newBuilder().setAllowSoftPlacement(false).build())) {
            Ops tf = Ops.create(g).withDevice(
                    DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
            var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
            try (TFloat32 ignored = (TFloat32) s.runner().fetch(probe).run().get(0)) {
                return true;
            }
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static DeviceSpec cpu() {
        return DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();
    }
}
