package io.recommender.operator.serving;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** The restricted pod security profile every pod the operator creates runs with. */
public final class PodSecurity {
    public static final long USER = 65532;
    /** Writable scratch space; the root filesystem is read-only (JavaCPP unpacks TensorFlow here). */
    public static final String TMP = "/tmp";

    private PodSecurity() {}

    public static PodSecurityContext pod() {
        return new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(USER).withRunAsGroup(USER)
                .withFsGroup(USER).withSeccompProfile(new SeccompProfile(null, "RuntimeDefault")).build();
    }

    public static SecurityContext container() {
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true).withCapabilities(new Capabilities(null, java.util.List.of("ALL"))).build();
    }

    public static Volume tmpVolume() {
        return new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build();
    }

    public static VolumeMount tmpMount() {
        return new VolumeMountBuilder().withName("tmp").withMountPath(TMP).build();
    }
}
