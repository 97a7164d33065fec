package io.recommender.operator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.api.v1alpha1.TrafficSpec;
import io.recommender.bundle.BundleLayout;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateJobsTest {
    static final String CANDIDATE_IMAGE = "registry.example.com/recs/movies@sha256:" + "c".repeat(64);

    static Plan withCandidate(Recommender r) {
        Plan read = Plan.of(r);
        ModelVersion candidate = new ModelVersion("8", 2L, read.versionHash(), null, Topology.OnePod, "movies",
                CANDIDATE_IMAGE, Fixtures.TF_IMAGE, null, null);
        return read.with(new RecommenderStatus(1L, null, null, null, candidate, null, null, null, null));
    }

    @Test
    void loadTestsTheCandidateServiceWithTheSlo() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Job job = GateJobs.job(r, withCandidate(r), new OperatorConfig("t:1", "loadtest:1"));
        var c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("loadtest:1");
        assertThat(c.getArgs()).containsSequence("--target", "http://movies-candidate.shop.svc:8080")
                .containsSequence("--rps", "50").containsSequence("--users", "8").containsSequence("--duration", "30s")
                .containsSequence("--p99-ms", "25.0").containsSequence("--p95-ms", "12.5")
                .containsSequence("--max-error-rate", "0.01").containsSequence("--termination-log", "/dev/termination-log");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5 + 30 + GateJobs.GRACE_SECONDS);
    }

    @Test
    void theLoadAsksAboutTheCandidatesOwnUsersWrittenFromItsImage() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        var pod = GateJobs.job(r, withCandidate(r), new OperatorConfig("t:1", "loadtest:1")).getSpec().getTemplate()
                .getSpec();
        var init = pod.getInitContainers();
        assertThat(init).hasSize(1);
        assertThat(init.get(0).getImage()).as("the candidate's own image: its bundle").isEqualTo(CANDIDATE_IMAGE);
        assertThat(init.get(0).getCommand()).containsSequence(GateJobs.IMAGE_CLASSPATH, GateJobs.POPULATION_MAIN,
                BundleLayout.IMAGE_DIR, GateJobs.POPULATION_FILE);
        // The class it names is the one that writes the file the load test reads.
        assertThat(GateJobs.POPULATION_MAIN).isEqualTo(io.recommender.bundle.UserPopulation.class.getName());
        var loadTest = pod.getContainers().get(0);
        assertThat(loadTest.getArgs()).containsSequence("--users-from", GateJobs.POPULATION_FILE)
                .containsSequence("--user-sampling", "activity").containsSequence("--unknown-fraction", "0.1")
                .doesNotContain("--known-users");
        assertThat(init.get(0).getVolumeMounts()).anyMatch(m -> m.getName().equals(GateJobs.POPULATION_VOLUME));
        assertThat(loadTest.getVolumeMounts()).anyMatch(m -> m.getName().equals(GateJobs.POPULATION_VOLUME)
                && m.getMountPath().equals(GateJobs.POPULATION_DIR));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getName().equals(GateJobs.POPULATION_VOLUME)
                && v.getEmptyDir() != null);
    }

    @Test
    void theSlosTrafficMixReachesTheLoadTest() {
        RecommenderSpec s = Fixtures.artifact("movies", Topology.OnePod).getSpec();
        SloSpec slo = s.slo();
        Recommender r = Fixtures.recommender("movies", new RecommenderSpec(s.model(), s.features(), s.topology(),
                s.serving(), new SloSpec(slo.latency(), slo.maxErrorRate(), slo.requestsPerSecond(), slo.concurrency(),
                slo.duration(), slo.warmup(), new TrafficSpec(TrafficSpec.UNIFORM, 0.25)), s.registry()));
        var args = GateJobs.job(r, withCandidate(r), new OperatorConfig("t:1", "loadtest:1")).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getArgs();
        assertThat(args).containsSequence("--user-sampling", "uniform").containsSequence("--unknown-fraction", "0.25");
    }

    @Test
    void withoutACandidateThereIsNothingToLoad() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        assertThatThrownBy(() -> GateJobs.job(r, Plan.of(r), new OperatorConfig("t:1", "loadtest:1")))
                .hasMessageContaining("has none");
    }
}
