package io.recommender.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading pods: why a candidate cannot start, and a finished Job's termination message. */
class PodProblemsTest {
    static Pod pod(String name, String container, String waitingReason, String terminatedMessage) {
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container);
        if (waitingReason != null) {
            cs.withNewState().withNewWaiting().withReason(waitingReason).withMessage("Back-off pulling image \"x\"")
                    .endWaiting().endState();
        } else if (terminatedMessage != null) {
            cs.withNewState().withNewTerminated().withExitCode(0).withMessage(terminatedMessage).endTerminated().endState();
        }
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withContainerStatuses(cs.build()).endStatus().build();
    }

    @Test
    void anImageThatCannotBePulledIsNamedWithItsPodAndContainer() {
        assertThat(Observer.problem(List.of(pod("movies-candidate-1", "recommender", "ContainerCreating", null),
                pod("movies-candidate-2", "tfserving", "ImagePullBackOff", null))))
                .isEqualTo("movies-candidate-2/tfserving: ImagePullBackOff: Back-off pulling image \"x\"");
    }

    @Test
    void startingPodsAreNoProblem() {
        assertThat(Observer.problem(List.of(pod("a", "recommender", "ContainerCreating", null), pod("b", "r", null, null))))
                .isNull();
        assertThat(Observer.problem(List.of(new PodBuilder().withNewMetadata().withName("c").endMetadata().build())))
                .isNull();
    }

    @Test
    void aPodNoNodeCanTakeIsNamedWithTheSchedulersReasonAndOnlyAScheduledPodHasANode() {
        Pod pending = new PodBuilder().withNewMetadata().withName("movies-train-x").endMetadata()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu")
                .endCondition().endStatus().build();
        assertThat(Observer.problem(List.of(pending)))
                .isEqualTo("movies-train-x: Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu");
        assertThat(Observer.scheduledNode(List.of(pending))).isNull();

        Pod running = new PodBuilder().withNewMetadata().withName("movies-train-y").endMetadata()
                .withNewSpec().withNodeName("ip-10-0-1-5").endSpec().withNewStatus().withPhase("Pending").endStatus().build();
        Pod failed = new PodBuilder(running).editSpec().withNodeName("ip-10-0-1-6").endSpec().editStatus()
                .withPhase("Failed").endStatus().build();
        assertThat(Observer.scheduledNode(List.of(failed, pending, running))).isEqualTo("ip-10-0-1-5");
        assertThat(Observer.scheduledNode(List.of(failed))).isNull();
    }

    @Test
    void terminationOfTheTerminatedContainer() {
        assertThat(TerminationMessages.termination(pod("train-1", "package", null, "{\"modelVersion\":1}")))
                .contains(new JobResults.Termination("package", 0, "{\"modelVersion\":1}"));
        assertThat(TerminationMessages.termination(pod("train-2", "package", null, " ")))
                .contains(new JobResults.Termination("package", 0, null));
        assertThat(TerminationMessages.termination(pod("train-3", "package", "ErrImagePull", null))).isEmpty();
    }

    @Test
    void aFailedInitContainerIsTheTerminationWhenTheMainOneNeverRan() {
        Pod failedTraining = new PodBuilder().withNewMetadata().withName("train-4").endMetadata().withNewStatus()
                .addNewInitContainerStatus().withName("train").withNewState().withNewTerminated().withExitCode(1)
                .withMessage("ratings.csv line 7: rating is not a number\n").endTerminated().endState()
                .endInitContainerStatus()
                .addNewContainerStatus().withName("package").withNewState().withNewWaiting().withReason("PodInitializing")
                .endWaiting().endState().endContainerStatus()
                .endStatus().build();
        assertThat(TerminationMessages.termination(failedTraining))
                .contains(new JobResults.Termination("train", 1, "ratings.csv line 7: rating is not a number"));
    }
}
