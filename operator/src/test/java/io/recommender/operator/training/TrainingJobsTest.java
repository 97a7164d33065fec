package io.recommender.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.status.Plan;
import org.junit.jupiter.api.Test;

class TrainingJobsTest {
    static final OperatorConfig CONFIG = new OperatorConfig("trainer:1", "loadtest:1");

    @Test
    void cpuJobRunsTheTrainingCommandWithTheSpecsSettings() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        Job job = TrainingJobs.job(r, CONFIG);

        assertThat(job.getMetadata().getName()).isEqualTo("movies-train-" + Plan.trainingHash(r));
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isPositive();
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("trainer:1");
        assertThat(c.getArgs()).containsSequence("--data", "bundled:ml-latest-small").containsSequence("--epochs", "5")
                .containsSequence("--device", "cpu").containsSequence("--result-file", "/dev/termination-log");
        assertThat(c.getResources().getLimits()).doesNotContainKey(TrainingJobs.GPU_RESOURCE);
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void gpuJobRequestsGpusAndToleratesGpuNodes() {
        Job job = TrainingJobs.job(Fixtures.training("movies", Topology.OnePod, 2), CONFIG);
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsEntry(TrainingJobs.GPU_RESOURCE, new Quantity("2"));
        assertThat(c.getArgs()).containsSequence("--device", "gpu");
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations())
                .anyMatch(t -> t.getKey().equals(TrainingJobs.GPU_RESOURCE) && t.getEffect().equals("NoSchedule"));
    }

    @Test
    void nameDependsOnTheTrainingSpecOnly() {
        Recommender onePod = Fixtures.training("movies", Topology.OnePod, 0);
        Recommender twoPod = Fixtures.training("movies", Topology.TwoPod, 0);
        assertThat(TrainingJobs.job(onePod, CONFIG).getMetadata().getName())
                .isEqualTo(TrainingJobs.job(twoPod, CONFIG).getMetadata().getName());
        assertThat(TrainingJobs.job(Fixtures.training("movies", Topology.OnePod, 1), CONFIG).getMetadata().getName())
                .isNotEqualTo(TrainingJobs.job(onePod, CONFIG).getMetadata().getName());
    }
}
