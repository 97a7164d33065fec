package io.recommender.runtime.model;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.features.FeatureSourceConfig;
import io.recommender.runtime.embedding.EmbeddingSource;
import io.recommender.runtime.embedding.IncompatibleBundleException;
import jakarta.annotation.PostConstruct;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the model bundle once at startup: verifies it (manifest, checksums, shapes), builds the retrieval
 * structures and binds the embedding source to it. A corrupt or incompatible bundle is refused: the reason is
 * logged, the service stays alive but never becomes ready, and requests get a 503 naming the reason. A loaded model
 * is then warmed up ({@link Warmup}) before readiness says UP.
 */
@Context
public class ModelService {
    private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);

    private final RecommenderConfig config;
    private final EmbeddingSource source;
    private final FeatureSourceConfig features;
    private final Warmup warmup;
    private volatile LoadedModel model;
    private volatile String notReadyReason = "the model bundle is not loaded yet";

    public ModelService(RecommenderConfig config, EmbeddingSource source, MeterRegistry registry,
            FeatureSourceConfig features) {
        this.config = config;
        this.features = features;
        this.source = source;
        this.warmup = new Warmup(source, config.warmupRuns(), config.warmupMaxDuration());
        Gauge.builder("recommender.warmup.runs", this, s -> s.warmup.completed())
                .description("Uncached recommendations computed at start-up, before the service became ready")
                .register(registry);
        Gauge.builder("recommender.model.version", this, s -> s.model == null ? Double.NaN : s.model.version())
                .description("Version of the served model; NaN while none is loaded")
                .register(registry);
        Gauge.builder("recommender.model.loaded", this, s -> s.model == null ? 0 : 1)
                .description("1 when a verified bundle is loaded")
                .register(registry);
    }

    @PostConstruct
    void load() {
        long start = System.nanoTime();
        try {
            ModelBundle bundle = ModelBundle.open(config.bundlePath());
            LoadedModel loaded = LoadedModel.from(bundle, config.kernel(),
                    config.resultCache() ? config.resultCacheSize() : 0);
            if (features.source() == FeatureSourceConfig.Source.REDIS) {
                requireUserFeatures(bundle, loaded);
            }
            source.prepare(bundle, loaded);
            model = loaded;
            LOG.info("serving model {} version {} from {} ({} items x {}, {} users, kernel {}, embeddings {}, "
                            + "result cache {}), loaded in {} ms", loaded.manifest().modelName(), loaded.version(),
                    config.bundlePath(), loaded.itemCount(), loaded.kernel().dimension(), loaded.userCount(),
                    loaded.kernel().name(), source.name(),
                    loaded.results() == null ? "off" : loaded.results().slots() + " users",
                    (System.nanoTime() - start) / 1_000_000);
            // After the model is published and its load logged (the warm-up logs its own time); a warm-up that
            // waits for TensorFlow Serving runs on a thread of its own, not holding start-up.
            warmup.start(loaded);
        } catch (BundleException | IncompatibleBundleException e) {
            notReadyReason = "model bundle " + config.bundlePath() + " refused: " + e.getMessage();
            LOG.error("{}; the service will not become ready", notReadyReason);
        }
    }

    /** Redis mode builds rows from users' states, so the bundle must say how (its manifest's userFeatures). */
    private void requireUserFeatures(ModelBundle bundle, LoadedModel loaded) {
        Manifest.UserFeatures uf = bundle.manifest().userFeatures();
        if (uf == null) {
            throw new BundleException("RECOMMENDER_FEATURE_SOURCE=redis needs the user feature parameters in "
                    + "the manifest (userFeatures), which this bundle lacks: it was trained before the feature "
                    + "store or imported. Retrain it, or serve it with RECOMMENDER_FEATURE_SOURCE=bundle");
        }
        if (loaded.userFeatures() == null) {
            throw new BundleException(loaded.userFeaturesProblem());
        }
        if (uf.maxHistory() != features.maxHistory()) {
            LOG.warn("the model was trained on states keeping {} rated movies per user but the feature store "
                    + "keeps {} (RECOMMENDER_REDIS_MAX_HISTORY): users with more ratings get rows training "
                    + "never made", uf.maxHistory(), features.maxHistory());
        }
    }

    /** The served model, or a 503 saying why there is none. */
    public LoadedModel require() {
        LoadedModel m = model;
        if (m == null) {
            throw new ServiceNotReadyException(notReadyReason);
        }
        return m;
    }

    public Optional<LoadedModel> current() {
        return Optional.ofNullable(model);
    }

    /** Why the service is not ready yet although its model is loaded and its source answers; empty when it is. */
    public Optional<String> warmingUp() {
        return warmup.done() ? Optional.empty() : Optional.of(warmup.progress());
    }

    public String notReadyReason() {
        return notReadyReason;
    }

    public EmbeddingSource source() {
        return source;
    }
}
