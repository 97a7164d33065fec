package io.recommender.runtime.embedding;

import io.micronaut.context.annotation.Requires;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.model.RecommenderConfig;
import io.recommender.tfserving.model.SavedModelException;
import io.recommender.tfserving.model.SavedModelRunner;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The bundle's SavedModel run in-process through TensorFlow Java. A run of the small user tower takes tens of
 * microseconds, so it runs on the calling (event loop) thread rather than paying for a thread hand-off.
 */
@Singleton
@Requires(property = "recommender.embedding-source", pattern = "(?i)embedded")
public class EmbeddedEmbeddingSource implements EmbeddingSource {
    private final int tfThreads;
    private volatile SavedModelRunner runner;
    private volatile int dimension;

    public EmbeddedEmbeddingSource(RecommenderConfig config) {
        this.tfThreads = config.tfThreads();
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public synchronized void prepare(ModelBundle bundle) {
        Manifest.Embedding e = bundle.manifest().embedding();
        SavedModelRunner loaded;
        try {
            loaded = SavedModelRunner.load(bundle.savedModelDir(), e.signature(), tfThreads);
        } catch (SavedModelException ex) {
            throw new IncompatibleBundleException(ex.getMessage(), ex);
        }
        try {
            checkPort("input", loaded.inputs(), e.inputName(), e.userInputWidth());
            checkPort("output", loaded.outputs(), e.outputName(), e.dimension());
        } catch (IncompatibleBundleException ex) {
            loaded.close();
            throw ex;
        }
        SavedModelRunner previous = runner;
        runner = loaded;
        dimension = e.dimension();
        if (previous != null) {
            previous.close();
        }
    }

    private static void checkPort(String kind, Map<String, SavedModelRunner.Port> ports, String name,
            int width) {
        SavedModelRunner.Port port = ports.get(name);
        if (ports.size() != 1 || port == null || port.width() != width) {
            throw new IncompatibleBundleException("the SavedModel's " + kind + "s are " + ports.values()
                    + " but the manifest expects exactly '" + name + "' of width " + width);
        }
    }

    @Override
    public Mono<float[]> embed(float[] input) {
        return Mono.fromCallable(() -> {
            SavedModelRunner r = runner;
            float[] out = new float[dimension];
            r.runOne(input, out);
            return out;
        });
    }

    @Override
    public Mono<Optional<String>> unreadyReason() {
        return Mono.just(runner == null ? Optional.of("the SavedModel is not loaded") : Optional.empty());
    }

    @PreDestroy
    synchronized void close() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }
}
