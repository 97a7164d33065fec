package io.recommender.contracts.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TerminationMessageTest {

    private static final int LIMIT = TerminationMessage.KUBERNETES_LIMIT_BYTES;

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aSmallReportIsWrittenWhole() throws IOException {
        LoadTestReport report = ReportFixtures.report(Verdict.pass("SLO met"), 2, 20, 5, 5);
        String message = TerminationMessage.fit(report, "/reports/full.json");
        assertThat(ReportJson.read(message)).isEqualTo(report);
        assertThat(message).doesNotContain("truncated");
    }

    @Test
    void aLongRunDropsItsTimelineFirstAndSaysSo() throws IOException {
        LoadTestReport report = ReportFixtures.report(Verdict.fail("p99 88 ms > SLO 50 ms"), 2, 20, 600, 5);
        String message = TerminationMessage.fit(report, "/reports/full.json");

        assertThat(bytes(message)).isLessThanOrEqualTo(LIMIT);
        LoadTestReport read = ReportJson.read(message);
        assertThat(read.timeline()).isNull();
        assertThat(read.errors()).isEqualTo(report.errors());
        assertThat(read.responseTimesMs()).isEqualTo(report.responseTimesMs());
        assertThat(read.truncated().omitted()).containsExactly("timeline");
        assertThat(read.truncated().note()).contains("/reports/full.json");
        assertThat(read.verdict()).isEqualTo(report.verdict());
    }

    @Test
    void manyLongErrorsAreCutToTheCommonest() throws IOException {
        LoadTestReport report = ReportFixtures.report(Verdict.fail("error rate 2% > SLO 1%"), 500, 400, 60, 300);
        LoadTestReport read = ReportJson.read(TerminationMessage.fit(report, null));

        assertThat(read.errors()).hasSizeLessThanOrEqualTo(3);
        read.errors().forEach(e -> assertThat(e.error()).hasSizeLessThanOrEqualTo(200).endsWith("..."));
        assertThat(read.errors().get(0).occurrences()).isEqualTo(500);
        assertThat(read.truncated().omitted()).contains("timeline", "responseTimesMs");
        assertThat(read.requests()).isEqualTo(report.requests());
        assertThat(read.latencyMs()).isEqualTo(report.latencyMs());
        assertThat(read.verdict()).isEqualTo(report.verdict());
    }

    @Test
    void aHugeReasonAndTargetStillFitAndKeepThePassFlag() throws IOException {
        String reason = "p99 51 ms > SLO 50 ms; " + "\u00e9\ud83d\ude00\u0001".repeat(5_000);
        LoadTestReport report = ReportFixtures.report(Verdict.pass(reason), 50, 1000, 3600, 400)
            .withText("http://" + "h".repeat(10_000), "predict", Verdict.pass(reason));
        String message = TerminationMessage.fit(report, "/x/" + "y".repeat(5_000));

        assertThat(bytes(message)).isLessThanOrEqualTo(LIMIT);
        LoadTestReport read = ReportJson.read(message);
        assertThat(read.verdict().passed()).isTrue();
        assertThat(read.verdict().reason()).startsWith("p99 51 ms > SLO 50 ms");
        assertThat(read.truncated()).isNotNull();
        assertThat(read.requests()).isEqualTo(report.requests());
    }

    @Test
    void randomReportsAlwaysFitAsValidJson() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100; i++) {
            boolean passed = random.nextBoolean();
            String reason = "r".repeat(random.nextInt(20_000));
            LoadTestReport report = ReportFixtures.report(new Verdict(passed, reason), random.nextInt(300),
                random.nextInt(3_000), random.nextInt(4_000), random.nextInt(400));
            String message = TerminationMessage.fit(report, "/reports/full.json");

            assertThat(bytes(message)).isLessThanOrEqualTo(LIMIT);
            LoadTestReport read = ReportJson.read(message);
            assertThat(read.verdict().passed()).isEqualTo(passed);
            assertThat(read.failures()).isEqualTo(report.failures());
            assertThat(read.truncated() == null).isEqualTo(read.equals(report));
        }
    }

    @Test
    void shorteningNeverSplitsACharacter() {
        String emoji = "abc\ud83d\ude00defg";
        assertThat(TerminationMessage.shorten(emoji, 7)).isEqualTo("abc...");
        assertThat(TerminationMessage.shorten(emoji, 8)).isEqualTo("abc\ud83d\ude00...");
        assertThat(TerminationMessage.shorten(emoji, 9)).isEqualTo(emoji);
        assertThat(TerminationMessage.shorten("abcdef", 2)).isEqualTo("..");
    }

    @Test
    void refusesALimitTooSmallForTheHeadline() {
        LoadTestReport report = ReportFixtures.report(Verdict.pass("ok"), 0, 0, 0, 0);
        assertThatThrownBy(() -> TerminationMessage.fit(report, 100, null))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
