package io.recommender.contracts.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reports to test the format with. */
final class ReportFixtures {

    private ReportFixtures() {
    }

    static LoadTestReport report(Verdict verdict, int errorKinds, int errorLength, int seconds, int buckets) {
        List<LoadTestReport.ErrorCount> errors = new ArrayList<>();
        for (int i = 0; i < errorKinds; i++) {
            errors.add(new LoadTestReport.ErrorCount(i + ":" + "e".repeat(errorLength), errorKinds - i));
        }
        List<LoadTestReport.Second> timeline = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            timeline.add(new LoadTestReport.Second(i, 1000 + i, i % 3));
        }
        Map<String, Long> histogram = new LinkedHashMap<>();
        for (int i = 0; i < buckets; i++) {
            histogram.put(Integer.toString(i * 10), (long) i + 1);
        }
        return new LoadTestReport(LoadTestReport.SCHEMA_VERSION, "http://recommender-candidate:8080", "predict",
            "2026-11-27T10:00:00Z", 60.012,
            new LoadTestReport.LoadProfile(1000, 50, 60, 10, "1-610", 0.1, 5000),
            60_000, 1_200, 999.8, 0.02,
            new LoadTestReport.Latency(12, 30, 41, 88, 512.25, 14.5),
            new LoadTestReport.Latency(11.9, 30.2, 41.3, 87.6, 512.25, 14.5),
            new SloThresholds(null, null, 25.0, 50.0, 0.01, null), verdict, errors, histogram, timeline, null,
            new LoadTestReport.CacheSplit(40_000, 18_800, 1_200, 0.68,
                new LoadTestReport.Latency(1.2, 2.1, 2.6, 4.4, 30.5, 1.4),
                new LoadTestReport.Latency(31.5, 52.4, 60.1, 120.3, 512.25, 35.0)));
    }
}
