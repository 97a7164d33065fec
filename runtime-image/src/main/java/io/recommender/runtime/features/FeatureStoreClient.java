package io.recommender.runtime.features;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserStateStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's connection to the feature store, made on first use and again after a failed attempt (at most
 * one attempt a second), so the service starts, and recovers, whether or not Redis is up. Also keeps the
 * movie catalog (movie id -> genres) the initial load wrote: read in the background as soon as a connection is
 * made, so that events do not wait for it, and read again when a movie is missing from it.
 */
@Context
@Requires(property = "recommender.features.source", value = "redis")
public class FeatureStoreClient {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreClient.class);
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    private final RedisSettings settings;
    private volatile LettuceUserStateStore store;
    private volatile Map<Integer, Integer> catalog = Map.of();
    private long lastAttempt;
    private long lastCatalogRead;
    private volatile FeatureStoreException lastFailure;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private boolean closed;

    public FeatureStoreClient(FeatureSourceConfig config) {
        this.settings = new RedisSettings(config.redisUrl(), config.redisPrefix(), config.redisTimeout(),
                Duration.ofSeconds(1), config.maxHistory(), config.streamMaxLength(),
                config.redisPassword() == null || config.redisPassword().isEmpty() ? null : config.redisPassword());
    }

    public String address() {
        return settings.safeUrl();
    }

    /** The store, connecting first when needed; throws {@link FeatureStoreException} while it cannot. */
    public UserStateStore store() {
        LettuceUserStateStore s = store;
        return s != null ? s : connect();
    }

    /**
     * The store if connected, without waiting for a connection: for callers on an event loop, which a connect
     * (up to the connect timeout against an unreachable host) must not block. While there is none, a connection
     * is attempted in the background (at most one a second) and this throws {@link FeatureStoreException}.
     */
    public UserStateStore connectedStore() {
        LettuceUserStateStore s = store;
        if (s != null) {
            return s;
        }
        if (connecting.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> {
                try {
                    connect();
                } catch (FeatureStoreException e) {
                    // Logged by connect; the next caller tries again.
                } finally {
                    connecting.set(false);
                }
            });
        }
        FeatureStoreException last = lastFailure;
        throw new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE, "not connected to the feature store at "
                + settings.safeUrl() + (last == null ? " yet" : ": " + last.getMessage()), null);
    }

    /** Starts connecting when the service starts, so the first requests find the store ready. */
    @PostConstruct
    void connectInBackground() {
        try {
            connectedStore();
        } catch (FeatureStoreException e) {
            // Expected: the connection is being made.
        }
    }

    private synchronized UserStateStore connect() {
        if (store != null) {
            return store;
        }
        if (closed) {
            throw new FeatureStoreException(FeatureStoreException.Kind.UNAVAILABLE, "the service is stopping", null);
        }
        long now = System.nanoTime();
        if (lastFailure != null && now - lastAttempt < RETRY_NANOS) {
            throw lastFailure;
        }
        lastAttempt = now;
        try {
            store = LettuceUserStateStore.connect(settings);
            lastFailure = null;
            LOG.info("feature store: connected to {}{}", settings.safeUrl(), store.isCluster() ? " (Redis Cluster)" : "");
            CompletableFuture.runAsync(this::readCatalogAhead);
            return store;
        } catch (FeatureStoreException e) {
            lastFailure = e;
            LOG.warn("feature store: {}", e.getMessage());
            throw e;
        }
    }

    /**
     * The genre mask of {@code movieId} from the catalog, or -1 when the catalog does not have it even after
     * reading it again (at most once a second).
     */
    public int genres(int movieId) {
        Integer mask = catalog.get(movieId);
        if (mask != null) {
            return mask;
        }
        synchronized (this) {
            mask = catalog.get(movieId);
            long now = System.nanoTime();
            if (mask == null && (lastCatalogRead == 0 || now - lastCatalogRead >= RETRY_NANOS)) {
                lastCatalogRead = now;
                catalog = Map.copyOf(store().readCatalog());
                mask = catalog.get(movieId);
            }
        }
        return mask == null ? -1 : mask;
    }

    private void readCatalogAhead() {
        try {
            synchronized (this) {
                // Leaves lastCatalogRead alone: the first missing movie always reads the catalog again, in case the
                // initial load wrote it after this read.
                if (catalog.isEmpty() && store != null) {
                    catalog = Map.copyOf(store.readCatalog());
                    LOG.info("feature store: movie catalog read, {} movies", catalog.size());
                }
            }
        } catch (FeatureStoreException e) {
            // The first event's lookup reads it again.
            LOG.warn("feature store: {}", e.getMessage());
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
