package io.recommender.runtime.lifecycle;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** While draining, every answer tells the client to close the connection (HTTP/1.1 Connection: close). */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class DrainFilter {
    private final Drain drain;

    DrainFilter(Drain drain) {
        this.drain = drain;
    }

    @ResponseFilter
    public void closeWhileDraining(MutableHttpResponse<?> response) {
        if (drain.active()) {
            response.header(HttpHeaders.CONNECTION, "close");
        }
    }
}
