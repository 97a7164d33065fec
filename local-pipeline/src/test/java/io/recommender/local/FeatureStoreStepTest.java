package io.recommender.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.Recommender;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which manifests get a local Redis, and under which prefix: the operator's, so keys look the same. */
class FeatureStoreStepTest {
    @Test
    void theRedisExampleGetsALocalStoreUnderTheOperatorsDefaultPrefix() {
        Recommender r = RecommenderFile.read(Path.of("../examples/training-redis.yaml"));

        assertThat(FeatureStoreStep.wanted(r)).isTrue();
        // No namespace in the file: "default", as kubectl apply without -n.
        assertThat(FeatureStoreStep.prefix(r)).isEqualTo("default:movies-live:");
        r.getMetadata().setNamespace("shop");
        assertThat(FeatureStoreStep.prefix(r)).isEqualTo("shop:movies-live:");
    }

    @Test
    void bundleManifestsGetNone() {
        assertThat(FeatureStoreStep.wanted(RecommenderFile.read(Path.of("../examples/training-cpu-oci.yaml"))))
                .isFalse();
    }
}
