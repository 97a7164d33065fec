package io.recommender.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.TrainingSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Tick arithmetic of a training schedule: cron fields, time zones and daylight saving. */
class ScheduleTest {
    static TrainingSpec schedule(String cron, String zone, String retrain) {
        return new TrainingSpec("bundled:ml-latest-small", 5, 32, 42L, 0, null, null, null, null, cron, zone, retrain);
    }

    static Schedule.Ticks ticks(String cron, String zone, String now) {
        return Schedule.ticks(schedule(cron, zone, null), Instant.parse(now));
    }

    @Test
    void mondaysAtThreeInUtc() {
        Schedule.Ticks t = ticks("0 3 * * 1", null, "2026-12-09T12:00:00Z");
        assertThat(t.problem()).isNull();
        assertThat(t.key()).isEqualTo("0 3 * * 1 UTC");
        assertThat(t.last()).isEqualTo(Instant.parse("2026-12-07T03:00:00Z"));
        assertThat(t.next()).isEqualTo(Instant.parse("2026-12-14T03:00:00Z"));
    }

    @Test
    void aTickExactlyAtNowIsTheLatestOne() {
        Schedule.Ticks t = ticks("0 3 * * 1", null, "2026-12-07T03:00:00Z");
        assertThat(t.last()).isEqualTo(Instant.parse("2026-12-07T03:00:00Z"));
        assertThat(t.next()).isEqualTo(Instant.parse("2026-12-14T03:00:00Z"));
    }

    @Test
    void aTimeZoneMovesTheTicksWithDaylightSaving() {
        // 03:00 in Paris is 02:00 UTC in winter (CET) and 01:00 UTC in summer (CEST).
        Schedule.Ticks winter = ticks("0 3 * * *", "Europe/Paris", "2026-12-07T12:00:00Z");
        assertThat(winter.last()).isEqualTo(Instant.parse("2026-12-07T02:00:00Z"));
        Schedule.Ticks summer = ticks("0 3 * * *", "Europe/Paris", "2026-07-01T12:00:00Z");
        assertThat(summer.last()).isEqualTo(Instant.parse("2026-07-01T01:00:00Z"));
        // The spring-forward night (29 March 2026): 02:30 does not exist in Paris; the tick is not lost twice.
        Schedule.Ticks spring = ticks("30 2 * * *", "Europe/Paris", "2026-03-29T12:00:00Z");
        assertThat(spring.next()).isAfter(Instant.parse("2026-03-29T12:00:00Z"));
        assertThat(spring.next()).isBefore(Instant.parse("2026-03-31T00:00:00Z"));
        // The fall-back night (25 October 2026): 02:30 happens twice; the next tick after the first is a day later
        // at most, never a minute later.
        Schedule.Ticks fall = ticks("30 2 * * *", "Europe/Paris", "2026-10-25T00:31:00Z");
        assertThat(fall.next()).isAfter(Instant.parse("2026-10-25T00:31:00Z"));
    }

    @Test
    void anExpressionOrTimeZoneThatDoesNotParseIsNamed() {
        assertThat(ticks("0 3 * * 8", null, "2026-12-07T12:00:00Z").problem())
                .startsWith("schedule \"0 3 * * 8\" is not a cron expression");
        assertThat(ticks("61 3 * * 1", null, "2026-12-07T12:00:00Z").problem())
                .startsWith("schedule \"61 3 * * 1\" is not a cron expression");
        assertThat(ticks("0 3 * * 1", "Mars/Olympus", "2026-12-07T12:00:00Z").problem())
                .isEqualTo("timeZone \"Mars/Olympus\" is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)");
    }

    @Test
    void noScheduleNoTicks() {
        assertThat(Schedule.ticks(schedule(null, null, null), Instant.parse("2026-12-07T12:00:00Z"))).isNull();
        assertThat(Schedule.ticks(null, Instant.parse("2026-12-07T12:00:00Z"))).isNull();
    }

    @Test
    void extraSpacesDoNotMakeANewSchedule() {
        assertThat(ticks(" 0  3 * * 1 ", null, "2026-12-09T12:00:00Z").key()).isEqualTo("0 3 * * 1 UTC");
    }
}
