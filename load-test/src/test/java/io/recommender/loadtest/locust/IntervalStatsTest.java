package io.recommender.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IntervalStatsTest {

    private static final long MS = 1_000_000;

    @Test
    void reportsAnIntervalAsLocustStatsEntriesAndStartsAfresh() {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        IntervalStats stats = new IntervalStats("POST", "/predict", clock::get);
        stats.onRequest(1, 0, 12 * MS, null);
        clock.addAndGet(1_500);
        stats.onRequest(2, 0, 145 * MS, "HTTP 500");
        stats.onRequest(3, 0, 3 * MS, "HTTP 500");

        Map<String, Object> data = stats.drain();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) data.get("stats");
        assertThat(entries).hasSize(1);
        Map<String, Object> entry = entries.get(0);
        assertThat(entry).containsEntry("name", "/predict").containsEntry("method", "POST")
            .containsEntry("num_requests", 3L).containsEntry("num_failures", 2L)
            .containsEntry("num_none_requests", 0L)
            .containsEntry("min_response_time", 3.0).containsEntry("max_response_time", 145.0)
            .containsEntry("total_response_time", 160.0)
            .containsEntry("start_time", 1_000_000_000.0)
            .containsEntry("last_request_timestamp", 1_000_000_001.5)
            .containsEntry("response_times", Map.of(12L, 1L, 140L, 1L, 3L, 1L))
            .containsEntry("num_reqs_per_sec", Map.of(1_000_000_000L, 1L, 1_000_000_001L, 2L))
            .containsEntry("num_fail_per_sec", Map.of(1_000_000_001L, 2L));
        @SuppressWarnings("unchecked")
        Map<String, Object> total = (Map<String, Object>) data.get("stats_total");
        assertThat(total).containsEntry("name", "Aggregated").containsEntry("num_requests", 3L);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> errors = (Map<String, Map<String, Object>>) data.get("errors");
        assertThat(errors).hasSize(1);
        assertThat(errors.values().iterator().next()).containsEntry("error", "HTTP 500")
            .containsEntry("occurrences", 2L).containsEntry("method", "POST").containsEntry("name", "/predict");

        Map<String, Object> next = stats.drain();
        assertThat((List<?>) next.get("stats")).isEmpty();
        assertThat((Map<?, ?>) next.get("errors")).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> emptyTotal = (Map<String, Object>) next.get("stats_total");
        assertThat(emptyTotal).containsEntry("num_requests", 0L).containsEntry("min_response_time", null)
            .containsEntry("last_request_timestamp", null);
    }

    @Test
    void theSameErrorHasTheSameKeyInEveryReport() {
        IntervalStats stats = new IntervalStats("GET", "/v1/recommendations/{userId}", () -> 0L);
        stats.onRequest(1, 0, MS, "timeout");
        Object first = ((Map<?, ?>) stats.drain().get("errors")).keySet().iterator().next();
        stats.onRequest(1, 0, MS, "timeout");
        Object second = ((Map<?, ?>) stats.drain().get("errors")).keySet().iterator().next();
        assertThat(first).isEqualTo(second).asString().hasSize(64);
    }
}
