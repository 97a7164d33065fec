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

    public static DeviceSpec resolve(Device requested) {
        if (requested == Device.CPU) {
            return cpu();
        }
        if (gpuAvailable()) {
            return DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build();
        }
        if (requested == Device.GPU) {
            throw new IllegalStateException("--device gpu: TensorFlow sees no GPU. A GPU needs the GPU build of the"
                    + " native library (build with -Pgpu, see README) and a visible NVIDIA device");
        }
        return cpu();
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
