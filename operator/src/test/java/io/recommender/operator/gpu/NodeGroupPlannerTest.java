package io.recommender.operator.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which node group takes a GPU training pod, and when to scale it: no AWS involved. */
class NodeGroupPlannerTest {
    static final Toleration GPU = new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
            .withEffect("NoSchedule").build();
    static final NodeGroup.Taint GPU_TAINT = new NodeGroup.Taint("nvidia.com/gpu", "true", "NoSchedule");

    static NodeGroup group(String name, String type, int min, int max, int desired, List<NodeGroup.Taint> taints) {
        return new NodeGroup(name, "ACTIVE", List.of(type), "AL2023_x86_64_STANDARD", "ON_DEMAND",
                Map.of("recommender.io/workload", "training"), taints, min, max, desired);
    }

    static GpuPod pod(String job, Map<String, String> selector) {
        return new GpuPod("shop/" + job, selector, List.of(GPU));
    }

    @Test
    void gpuGroupsAreKnownByInstanceTypeAmiOrTaint() {
        assertThat(NodeGroupPlanner.gpuCapable(group("a", "g5.xlarge", 0, 1, 0, List.of()))).isTrue();
        assertThat(NodeGroupPlanner.gpuCapable(group("b", "p4d.24xlarge", 0, 1, 0, List.of()))).isTrue();
        assertThat(NodeGroupPlanner.gpuCapable(group("c", "m5.xlarge", 0, 1, 0, List.of()))).isFalse();
        assertThat(NodeGroupPlanner.gpuCapable(group("d", "g4ad.xlarge", 0, 1, 0, List.of()))).as("AMD").isFalse();
        assertThat(NodeGroupPlanner.gpuCapable(group("e", "c5.xlarge", 0, 1, 0, List.of(GPU_TAINT)))).isTrue();
        assertThat(NodeGroupPlanner.gpuCapable(new NodeGroup("f", "ACTIVE", List.of("x1.large"), "AL2023_x86_64_NVIDIA",
                null, null, null, 0, 1, 0))).isTrue();
    }

    @Test
    void aPodFitsByLabelsEksAddsAndItsTolerations() {
        NodeGroup gpu = group("gpu", "g5.xlarge", 0, 2, 0, List.of(GPU_TAINT));
        assertThat(NodeGroupPlanner.fits(pod("t", Map.of("eks.amazonaws.com/nodegroup", "gpu")), gpu)).isTrue();
        assertThat(NodeGroupPlanner.fits(pod("t", Map.of("node.kubernetes.io/instance-type", "g5.xlarge",
                "eks.amazonaws.com/capacityType", "ON_DEMAND", "recommender.io/workload", "training")), gpu)).isTrue();
        assertThat(NodeGroupPlanner.fits(pod("t", Map.of("eks.amazonaws.com/nodegroup", "gpu-big")), gpu)).isFalse();
        assertThat(NodeGroupPlanner.fits(new GpuPod("shop/t", Map.of(), List.of()), gpu)).as("untolerated").isFalse();
        Toleration exact = new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Equal").withValue("true")
                .build();
        assertThat(NodeGroupPlanner.fits(new GpuPod("shop/t", Map.of(), List.of(exact)), gpu)).isTrue();
        // A soft taint does not keep a pod away.
        assertThat(NodeGroupPlanner.fits(new GpuPod("shop/t", Map.of(), List.of()), group("soft", "g5.xlarge", 0, 1, 0,
                List.of(new NodeGroup.Taint("spot", "true", "PreferNoSchedule"))))).isTrue();
        NodeGroup deleting = new NodeGroup("gpu", "DELETING", List.of("g5.xlarge"), null, null, null, null, 0, 2, 0);
        assertThat(NodeGroupPlanner.fits(pod("t", Map.of()), deleting)).isFalse();
    }

    @Test
    void fromZeroToWhatTheWaitingPodsNeedWithinMaxSize() {
        NodeGroup gpu = group("gpu", "g5.xlarge", 0, 2, 0, List.of(GPU_TAINT));
        List<GpuPod> three = List.of(pod("a", Map.of()), pod("b", Map.of()), pod("c", Map.of()));
        var d = NodeGroupPlanner.scaleUp("recs", pod("a", Map.of()), List.of(gpu), List.of(), Set.of());
        assertThat(d).isInstanceOfSatisfying(NodeGroupPlanner.ScaleUp.class, s -> assertThat(s.to()).isEqualTo(1));
        d = NodeGroupPlanner.scaleUp("recs", pod("a", Map.of()), List.of(gpu), three, Set.of());
        assertThat(d).isInstanceOfSatisfying(NodeGroupPlanner.ScaleUp.class, s -> assertThat(s.to()).isEqualTo(2));
        // Scaled by the operator to its maximum, a third pod waits: at maximum.
        d = NodeGroupPlanner.scaleUp("recs", pod("c", Map.of()), List.of(gpu.withDesiredSize(2)), three, Set.of("gpu"));
        assertThat(d).isInstanceOf(NodeGroupPlanner.AtMaximum.class);
        // Enough nodes on their way for both pods: wait for them.
        d = NodeGroupPlanner.scaleUp("recs", pod("b", Map.of()), List.of(gpu.withDesiredSize(2)), three.subList(0, 2),
                Set.of("gpu"));
        assertThat(d).isInstanceOf(NodeGroupPlanner.Waiting.class);
        // Sized by someone else, with room: theirs to size.
        d = NodeGroupPlanner.scaleUp("recs", pod("b", Map.of()), List.of(gpu.withDesiredSize(1)), three, Set.of());
        assertThat(d).isInstanceOf(NodeGroupPlanner.Available.class);
    }

    @Test
    void aGroupWithNodesIsPreferredAndNoGroupNamesWhatEachLacks() {
        NodeGroup empty = group("a-gpu", "g5.xlarge", 0, 2, 0, List.of(GPU_TAINT));
        NodeGroup running = group("b-gpu", "g5.xlarge", 0, 2, 1, List.of(GPU_TAINT));
        var d = NodeGroupPlanner.scaleUp("recs", pod("a", Map.of()), List.of(empty, running), List.of(), Set.of());
        assertThat(d).isInstanceOfSatisfying(NodeGroupPlanner.Available.class,
                a -> assertThat(a.group().name()).isEqualTo("b-gpu"));

        NodeGroup cpu = group("cpu", "m5.xlarge", 2, 6, 2, List.of());
        NodeGroup other = new NodeGroup("gpu-x", "ACTIVE", List.of("g5.xlarge"), null, null, Map.of(),
                List.of(new NodeGroup.Taint("team", "ml", "NoSchedule")), 0, 1, 0);
        d = NodeGroupPlanner.scaleUp("recs", pod("a", Map.of("recommender.io/workload", "training")),
                List.of(cpu, other), List.of(), Set.of());
        assertThat(d).isInstanceOf(NodeGroupPlanner.NoGroup.class);
        assertThat(d.message()).contains("recs", "{recommender.io/workload=training}", "cpu: no GPU (m5.xlarge)",
                "gpu-x: labels lack recommender.io/workload=training");
        d = NodeGroupPlanner.scaleUp("recs", pod("a", Map.of()), List.of(other), List.of(), Set.of());
        assertThat(d.message()).contains("gpu-x: taint not tolerated (team=ml:NoSchedule)");
        assertThat(NodeGroupPlanner.scaleUp("recs", pod("a", Map.of()), List.of(), List.of(), Set.of()).message())
                .contains("no managed node groups");
    }

    @Test
    void scaledBackOnlyWhenNoUnfinishedPodFits() {
        NodeGroup gpu = group("gpu", "g5.xlarge", 0, 2, 1, List.of(GPU_TAINT));
        NodeGroup big = group("gpu-big", "p4d.24xlarge", 0, 1, 1, List.of(GPU_TAINT));
        var scaled = List.of(new NodeGroupPlanner.ScaledGroup(gpu, 0, 1), new NodeGroupPlanner.ScaledGroup(big, 0, 1));
        GpuPod onGpu = pod("a", Map.of("eks.amazonaws.com/nodegroup", "gpu"));
        assertThat(NodeGroupPlanner.scaleDown(scaled, List.of(onGpu))).extracting(s -> s.group().name())
                .containsExactly("gpu-big");
        assertThat(NodeGroupPlanner.scaleDown(scaled, List.of(pod("b", Map.of())))).isEmpty();
        assertThat(NodeGroupPlanner.scaleDown(scaled, List.of())).hasSize(2);
    }

    @Test
    void backoffDoublesFrom15SecondsTo10Minutes() {
        assertThat(GpuCapacity.backoff(1)).hasSeconds(15);
        assertThat(GpuCapacity.backoff(2)).hasSeconds(30);
        assertThat(GpuCapacity.backoff(3)).hasSeconds(60);
        assertThat(GpuCapacity.backoff(7)).hasSeconds(600);
        assertThat(GpuCapacity.backoff(40)).hasSeconds(600);
    }
}
