package io.recommender.operator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import org.junit.jupiter.api.Test;

class GateJobsTest {
    @Test
    void loadTestsTheCandidateServiceWithTheSlo() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Job job = GateJobs.job(r, Plan.of(r), new OperatorConfig("t:1", "loadtest:1"));
        var c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("loadtest:1");
        assertThat(c.getArgs()).containsSequence("--target", "http://movies-candidate.shop.svc:8080")
                .containsSequence("--rps", "50").containsSequence("--users", "8").containsSequence("--duration", "30s")
                .containsSequence("--p99-ms", "25.0").containsSequence("--p95-ms", "12.5")
                .containsSequence("--max-error-rate", "0.01").containsSequence("--termination-log", "/dev/termination-log");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5 + 30 + GateJobs.GRACE_SECONDS);
    }
}
