package io.recommender.runtime.embedding;

import io.micronaut.context.annotation.Requires;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.model.LoadedModel;
import io.recommender.runtime.model.RecommenderConfig;
import io.recommender.savedmodel.SavedModelException;
import io.recommender.savedmodel.SavedModelRunner;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The bundle's SavedModel run in-process through TensorFlow Java.
 *
 * <p>A known user's tower input is fixed by the bundle, so the user's embedding is too: with
 * {@code recommender.precompute-embeddings} (the default) the tower runs once per user at load time, row by
 * row exactly as a request would run it (bit-identical results; the rows on all cores), and a request only looks
 * the vector up.
 * TensorFlow's per-run overhead (about 60 us for the trained tower, several times the top-K search) then
 * leaves the request path. Otherwise each request runs the tower on the calling (event loop) thread, which is
 * cheaper than a thread hand-off for a run this short.
 */
@Singleton
@Requires(property = "recommender.embedding-source", pattern = "(?i)embedded")
public class EmbeddedEmbeddingSource implements EmbeddingSource {
    private final int tfThreads;
    private final boolean precompute;
    private volatile SavedModelRunner runner;
    private volatile int dimension;
    private volatile float[][] precomputed;

    public EmbeddedEmbeddingSource(RecommenderConfig config) {
        this.tfThreads = config.tfThreads();
        this.precompute = config.precomputeEmbeddings();
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public synchronized void prepare(ModelBundle bundle, LoadedModel model) {
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
        float[][] vectors = null;
        if (precompute) {
            // One row a run (a batched run differs in the last bits), on every core: at ml-25m size these 162 k
            // runs are most of the start-up. A session takes concurrent runs.
            float[][] out = new float[model.userCount()][e.dimension()];
            SavedModelRunner tower = loaded;
            java.util.stream.IntStream.range(0, out.length).parallel()
                    .forEach(user -> tower.runOne(model.userInput(user), out[user]));
            vectors = out;
        }
        SavedModelRunner previous = runner;
        runner = loaded;
        dimension = e.dimension();
        precomputed = vectors;
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
    public Mono<float[]> embed(int user, float[] input) {
        float[][] vectors = precomputed;
        if (vectors != null) {
            return Mono.just(vectors[user]);
        }
        return Mono.fromCallable(() -> {
            SavedModelRunner r = runner;
            float[] out = new float[dimension];
            r.runOne(input, out);
            return out;
        });
    }

    @Override
    public Mono<float[]> embedRow(float[] input) {
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
