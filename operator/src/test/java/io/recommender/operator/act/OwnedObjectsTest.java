package io.recommender.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.decide.Plan;
import org.junit.jupiter.api.Test;

/** Which owned objects a plan needs, and their names: stable and candidate differ only in their role. */
class OwnedObjectsTest {
    static ModelVersion version(String specHash, Topology t) {
        return new ModelVersion("7", 1L, specHash, null, t, "movies", Fixtures.IMAGE, Fixtures.TF_IMAGE, null, null);
    }

    static Plan plan(Recommender r, ModelVersion stable, ModelVersion candidate) {
        return Plan.of(r).with(new RecommenderStatus(1L, null, null, stable, candidate, null, null, null, null));
    }

    @Test
    void nothingServedYetLeavesOnlyTheStableServiceAndTheServiceAccount() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Plan p = plan(r, null, null);
        assertThat(new RecommenderService.Stable().needed(r, p)).isTrue();
        assertThat(new ServingServiceAccount().needed(r, p)).isTrue();
        assertThat(new RecommenderService.Candidate().needed(r, p)).isFalse();
        assertThat(new RecommenderDeployment.Stable().needed(r, p)).isFalse();
        assertThat(new RecommenderDeployment.Candidate().needed(r, p)).isFalse();
        assertThat(new DisruptionBudget().needed(r, p)).isFalse();
    }

    @Test
    void eachRoleGetsTheObjectsOfItsOwnTopology() {
        Recommender r = Fixtures.artifact("movies", Topology.TwoPod);
        Plan p = plan(r, version("old", Topology.OnePod), version(Plan.of(r).versionHash(), Topology.TwoPod));
        assertThat(new RecommenderDeployment.Stable().needed(r, p)).isTrue();
        assertThat(new RecommenderDeployment.Candidate().needed(r, p)).isTrue();
        assertThat(new RecommenderService.Candidate().needed(r, p)).isTrue();
        assertThat(new DisruptionBudget().needed(r, p)).as("two replicas").isTrue();
        assertThat(new Autoscaler().needed(r, p)).as("no autoscaling in the spec").isFalse();
        for (ServingObject<?> stableOnly : new ServingObject<?>[] {new TfServingDeployment.Stable(),
                new TfServingService.Stable(), new ServingConfig.Stable()}) {
            assertThat(stableOnly.needed(r, p)).as(stableOnly.getClass().getName()).isFalse();
        }
        for (ServingObject<?> candidate : new ServingObject<?>[] {new TfServingDeployment.Candidate(),
                new TfServingService.Candidate(), new ServingConfig.Candidate()}) {
            assertThat(candidate.needed(r, p)).as(candidate.getClass().getName()).isTrue();
        }
        assertThat(new RecommenderDeployment.Stable().name(r, p)).isEqualTo("movies");
        assertThat(new RecommenderDeployment.Candidate().name(r, p)).isEqualTo("movies-candidate");
        assertThat(new TfServingService.Candidate().name(r, p)).isEqualTo("movies-candidate-tfserving");
        assertThat(new ServingConfig.Candidate().name(r, p)).isEqualTo("movies-candidate-serving");
    }

    @Test
    void aCandidateOfAnotherSpecIsNotDeployed() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Plan p = plan(r, null, version("an-earlier-spec", Topology.OnePod));
        assertThat(p.candidate()).isNull();
        assertThat(new RecommenderDeployment.Candidate().needed(r, p)).isFalse();
        assertThat(new RecommenderService.Candidate().needed(r, p)).isFalse();
    }
}
