package io.recommender.runtime.embedding;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks TensorFlow Serving's host name up in the background every few seconds, so the JVM's address cache (30 s)
 * always holds it. The HTTP client resolves a name when it opens a connection, on the event loop that also
 * answers requests; a lookup that waits for the resolver's retry (a lost UDP packet waits 5 s) would stall every
 * request on that loop. With the cache kept warm, no lookup happens on a request's path.
 */
@Singleton
@Requires(property = "recommender.embedding-source", pattern = "(?i)tfserving")
public class TfServingAddressRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(TfServingAddressRefresher.class);

    /** Looks a host name up; {@link InetAddress#getAllByName} but for tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final String host;
    private final Resolver resolver;
    private volatile boolean failing;
    private final java.util.concurrent.atomic.AtomicLong lookups = new java.util.concurrent.atomic.AtomicLong();

    public TfServingAddressRefresher(@Value("${micronaut.http.services.tfserving.url}") String url) {
        this(url, InetAddress::getAllByName);
    }

    TfServingAddressRefresher(String url, Resolver resolver) {
        String h = URI.create(url).getHost();
        // An address or localhost (TensorFlow Serving in the same pod) needs no lookup.
        this.host = h == null || h.equals("localhost") || h.matches("[0-9.]+") || h.startsWith("[") ? null : h;
        this.resolver = resolver;
    }

    /** Lookups made so far. */
    long lookups() {
        return lookups.get();
    }

    /** The name kept warm, or null when there is none to look up. */
    String host() {
        return host;
    }

    @Scheduled(fixedDelay = "10s", initialDelay = "0s")
    void refresh() {
        if (host == null) {
            return;
        }
        lookups.incrementAndGet();
        try {
            resolver.resolve(host);
            if (failing) {
                LOG.info("TensorFlow Serving's host {} resolves again", host);
                failing = false;
            }
        } catch (UnknownHostException e) {
            if (!failing) {
                LOG.warn("TensorFlow Serving's host {} does not resolve: {}", host, e.getMessage());
                failing = true;
            }
        }
    }
}
