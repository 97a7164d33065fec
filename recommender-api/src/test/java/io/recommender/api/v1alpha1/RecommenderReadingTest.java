package io.recommender.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** What the schema accepts, the Java types read: the operator sees the spec the API server let in. */
class RecommenderReadingTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void quantitiesWrittenAsYamlNumbersAreReadAsTheirText() {
        Recommender r = SERIALIZATION.unmarshal("""
                apiVersion: recommender.io/v1alpha1
                kind: Recommender
                metadata: {name: movies}
                spec:
                  model:
                    training:
                      dataset: bundled:ml-latest-small
                      resources: {requests: {cpu: 2, memory: 4294967296}, limits: {cpu: "2.5", memory: 8Gi}}
                      nodeSelector: {eks.amazonaws.com/nodegroup: gpu}
                      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
                  topology: TwoPod
                  features: {source: Bundle}
                  slo: {latency: [{percentile: 99, maxMs: 25}], duration: 1h, warmup: 2m0s}
                """, Recommender.class);

        ComputeResources resources = r.getSpec().model().training().resources();
        assertThat(resources.requests().cpu()).isEqualTo("2");
        assertThat(resources.requests().memory()).isEqualTo("4294967296");
        assertThat(resources.limits().cpu()).isEqualTo("2.5");
        assertThat(r.getSpec().model().training().tolerations()).singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(r.getSpec().model().training().nodeSelector()).containsEntry("eks.amazonaws.com/nodegroup", "gpu");
        assertThat(r.getSpec().topology()).isEqualTo(Topology.TwoPod);
        assertThat(r.getSpec().features().source()).isEqualTo(FeaturesSpec.FeatureSource.Bundle);
    }
}
