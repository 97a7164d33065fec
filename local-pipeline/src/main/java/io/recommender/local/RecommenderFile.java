package io.recommender.local;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Recommender manifest, as users write it for the cluster. Locally there is no API server to check it against
 * the CRD's schema, so the parts the local run needs are checked here, each with a message naming the field.
 */
final class RecommenderFile {
    private RecommenderFile() {}

    static Recommender read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LocalPipelineException(file + ": no such file");
        }
        Recommender r;
        try (InputStream in = Files.newInputStream(file)) {
            KubernetesSerialization serialization = new KubernetesSerialization();
            serialization.registerKubernetesResource(Recommender.class);
            Object parsed = serialization.unmarshal(in);
            if (!(parsed instanceof Recommender rec)) {
                throw new LocalPipelineException(file + ": not a Recommender (kind Recommender, apiVersion "
                        + "recommender.io/v1alpha1) but " + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
            }
            r = rec;
        } catch (IOException | RuntimeException e) {
            if (e instanceof LocalPipelineException lpe) {
                throw lpe;
            }
            throw new LocalPipelineException(file + ": not a readable Recommender manifest: " + e.getMessage(), e);
        }
        check(file, r);
        return r;
    }

    private static void check(Path file, Recommender r) {
        RecommenderSpec spec = r.getSpec();
        if (spec == null || spec.model() == null) {
            throw new LocalPipelineException(file + ": spec.model is required");
        }
        if ((spec.model().training() == null) == (spec.model().artifact() == null)) {
            throw new LocalPipelineException(file + ": set exactly one of spec.model.training and spec.model.artifact");
        }
        if (spec.slo() == null || spec.slo().latency() == null || spec.slo().latency().isEmpty()) {
            throw new LocalPipelineException(file + ": spec.slo.latency needs at least one target");
        }
        for (var t : spec.slo().latency()) {
            if (t.percentile() == null || t.maxMs() == null || t.maxMs() <= 0) {
                throw new LocalPipelineException(file + ": each spec.slo.latency entry needs a percentile and a "
                        + "positive maxMs");
            }
        }
    }
}
