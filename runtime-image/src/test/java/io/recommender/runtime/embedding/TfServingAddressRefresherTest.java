package io.recommender.runtime.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TensorFlow Serving's name is looked up off the request path; addresses and localhost need no lookup. */
class TfServingAddressRefresherTest {
    @Test
    void aServiceNameIsLookedUpAtEachRefreshAndAFailureDoesNotStopTheNext() throws Exception {
        List<String> asked = new ArrayList<>();
        boolean[] down = {false};
        TfServingAddressRefresher r = new TfServingAddressRefresher("http://movies-tfserving:8501", host -> {
            asked.add(host);
            if (down[0]) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})};
        });
        assertThat(r.host()).isEqualTo("movies-tfserving");
        r.refresh();
        down[0] = true;
        r.refresh();
        down[0] = false;
        r.refresh();
        assertThat(asked).containsExactly("movies-tfserving", "movies-tfserving", "movies-tfserving");
    }

    @Test
    void theServiceSchedulesItWithTheTensorFlowServingSourceOnly() throws Exception {
        java.util.Map<String, Object> props = new java.util.HashMap<>();
        props.put("recommender.bundle-path", io.recommender.runtime.TestBundles.standard().toString());
        props.put("recommender.embedding-source", "tfserving");
        // A name that resolves on any machine, not a literal address.
        props.put("micronaut.http.services.tfserving.url", "http://localhost.:8501");
        try (io.micronaut.context.ApplicationContext ctx = io.micronaut.context.ApplicationContext.run(props)) {
            TfServingAddressRefresher r = ctx.getBean(TfServingAddressRefresher.class);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (r.lookups() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(r.lookups()).isPositive();
        }
        try (io.micronaut.context.ApplicationContext ctx = io.micronaut.context.ApplicationContext.run(
                java.util.Map.of("recommender.bundle-path", io.recommender.runtime.TestBundles.standard().toString(),
                        "recommender.embedding-source", "embedded"))) {
            assertThat(ctx.containsBean(TfServingAddressRefresher.class)).isFalse();
        }
    }

    @Test
    void localhostAndAddressesAreNotLookedUp() {
        for (String url : new String[] {"http://localhost:8501", "http://10.0.0.7:8501", "http://[::1]:8501"}) {
            TfServingAddressRefresher r = new TfServingAddressRefresher(url, host -> {
                throw new AssertionError("looked up " + host);
            });
            assertThat(r.host()).isNull();
            r.refresh();
        }
    }
}
