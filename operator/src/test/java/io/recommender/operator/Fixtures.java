package io.recommender.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recommender.api.v1alpha1.ArtifactSpec;
import io.recommender.api.v1alpha1.ModelSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.bundle.PackagedModel;
import java.util.List;

/** Recommender objects for tests, as a user would write them. */
public final class Fixtures {
    public static final String IMAGE = "registry.example.com/recs/movies@sha256:" + "a".repeat(64);
    public static final String TF_IMAGE = "registry.example.com/recs/movies-tfserving@sha256:" + "b".repeat(64);
    /** The repository of {@link #training}, and what its packaging step pushes there: both images, by digest. */
    public static final String REPOSITORY = "registry.example.com/recs/movies";
    public static final String PUSHED_IMAGE = REPOSITORY + "@sha256:" + "c".repeat(64);
    public static final String PUSHED_TF_IMAGE = REPOSITORY + "@sha256:" + "d".repeat(64);

    private Fixtures() {}

    public static SloSpec slo(double p99Ms) {
        return new SloSpec(List.of(new SloSpec.LatencyTarget(99.0, p99Ms), new SloSpec.LatencyTarget(95.0, p99Ms / 2)),
                0.01, 50, 8, "30s", null);
    }

    public static Recommender artifact(String name, Topology topology) {
        return recommender(name, new RecommenderSpec(new ModelSource(null, new ArtifactSpec(IMAGE, TF_IMAGE, "movies")),
                null, topology, new ServingSpec(2, null, null, null, null, null, 8080), slo(25), null));
    }

    public static Recommender training(String name, Topology topology, int gpus) {
        TrainingSpec t = new TrainingSpec("bundled:ml-latest-small", 5, 32, 42L, gpus, null, null, null, null);
        return recommender(name, new RecommenderSpec(new ModelSource(t, null), null, topology,
                new ServingSpec(1, null, null, null, null, null, 8080), slo(25),
                new RegistrySpec(null, new RegistrySpec.Oci(REPOSITORY, "push-secret", false))));
    }

    /** A training Job's result as the packaging step writes it. */
    public static String packaged(long modelVersion) {
        return new PackagedModel("recommender", modelVersion, PUSHED_IMAGE, PUSHED_TF_IMAGE, 0.835, 0.124, 0.18).toJson();
    }

    public static Recommender recommender(String name, RecommenderSpec spec) {
        Recommender r = new Recommender();
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").withGeneration(1L).withUid("uid-" + name)
                .build());
        r.setSpec(spec);
        return r;
    }
}
