package io.recommender.contracts.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    @Test
    void roundTripsEveryField() throws IOException {
        LoadTestReport report = ReportFixtures.report(Verdict.fail("p99 88 ms > SLO 50 ms"), 4, 10, 60, 30);
        assertThat(ReportJson.read(ReportJson.write(report))).isEqualTo(report);
        assertThat(ReportJson.read(ReportJson.writePretty(report))).isEqualTo(report);
    }

    @Test
    void leavesOutAbsentFieldsAndIgnoresUnknownOnes() throws IOException {
        LoadTestReport report = ReportFixtures.report(Verdict.pass("SLO met"), 0, 0, 0, 0).withTimeline(null);
        String json = ReportJson.write(report);
        assertThat(json).doesNotContain("timeline").doesNotContain("truncated").doesNotContain("p50Ms");
        String fromANewerWriter = json.replaceFirst("\\{", "{\"someFutureField\":{\"x\":1},");
        assertThat(ReportJson.read(fromANewerWriter)).isEqualTo(report);
    }

    @Test
    void aReportWithoutVerdictIsRejected() {
        assertThatThrownBy(() -> ReportJson.read("{\"schemaVersion\":1,\"requests\":3}"))
            .isInstanceOf(IOException.class);
    }
}
