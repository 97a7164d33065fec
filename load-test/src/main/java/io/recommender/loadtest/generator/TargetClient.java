package io.recommender.loadtest.generator;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import io.recommender.loadtest.stats.CacheAnswer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.Timeout;

/**
 * Blocking, keep-alive HTTP/1.1 calls to the service under test (Apache HttpClient 5 classic: a locust4j task is a
 * thread that blocks on its request, so a blocking client costs no hand-off between threads). One pooled connection
 * per user; no retries, redirects, cookies or compression, which would blur what is measured.
 */
final class TargetClient implements Closeable {

    private final URI base;
    /** Request URIs of the endpoints whose path is the same for every user, parsed once, not on every request. */
    private final Map<Endpoint, URI> fixedUris = new EnumMap<>(Endpoint.class);
    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;
    private final long requestTimeoutMs;

    /**
     * @param base           e.g. http://recommender:8080 (a path prefix is kept)
     * @param users          concurrent users, one connection each
     * @param requestTimeout how long to wait to connect, and then for each read of the answer
     */
    TargetClient(URI base, int users, Duration requestTimeout) {
        this.base = base;
        this.requestTimeoutMs = requestTimeout.toMillis();
        for (Endpoint endpoint : Endpoint.values()) {
            if (!endpoint.pathNamesTheUser()) {
                fixedUris.put(endpoint, resolve(endpoint.path(0)));
            }
        }
        Timeout timeout = Timeout.of(requestTimeout);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(users)
            .setMaxConnPerRoute(users)
            .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
            .setConnPoolPolicy(PoolReusePolicy.LIFO)
            .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(timeout).build())
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(timeout)
                .setSocketTimeout(timeout)
                .build())
            .build();
        this.client = HttpClients.custom()
            .setConnectionManager(connections)
            // The read timeout is the connections' socket timeout, set once when each connects: a per-request
            // response timeout would cost a setsockopt call on every request.
            .setDefaultRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeout)
                .build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableConnectionState()
            .build();
    }

    /** The answer's status code, body and where it came from (its {@link CacheAnswer#HEADER}). */
    record Answer(int status, byte[] body, CacheAnswer cache) {
    }

    Answer call(Endpoint endpoint, long userId) throws IOException {
        URI uri = endpoint.pathNamesTheUser() ? resolve(endpoint.path(userId)) : fixedUris.get(endpoint);
        HttpUriRequestBase request = new HttpUriRequestBase(endpoint.method(), uri);
        byte[] body = endpoint.body(userId);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        }
        return client.execute(request, response -> {
            Header cache = response.getFirstHeader(CacheAnswer.HEADER);
            return new Answer(response.getCode(),
                response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity()),
                CacheAnswer.fromHeader(cache == null ? null : cache.getValue()));
        });
    }

    /** A short, stable description of a failed call, so that equal failures are counted together. */
    String describe(IOException failure) {
        if (isUnreachable(failure)) {
            return "connection failed: " + failure.getMessage();
        }
        if (failure instanceof InterruptedIOException) {
            return "timeout: no answer within " + requestTimeoutMs + " ms";
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** Whether the failure means no connection could be made at all. */
    static boolean isUnreachable(IOException failure) {
        return failure instanceof ConnectException
            || failure instanceof ConnectTimeoutException
            || failure instanceof UnknownHostException
            || failure instanceof NoRouteToHostException;
    }

    private URI resolve(String pathAndQuery) {
        String prefix = base.toString();
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return URI.create(prefix + pathAndQuery);
    }

    /** Closes every connection at once, failing the calls still waiting on them. */
    void abort() {
        connections.close(CloseMode.IMMEDIATE);
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }
}
