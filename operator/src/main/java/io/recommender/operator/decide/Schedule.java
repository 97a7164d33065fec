package io.recommender.operator.decide;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus.ScheduleStatus;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.observe.DatasetFingerprint;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A training schedule's next step, a pure function of the spec, the schedule's status, now, whether a run is in
 * progress and (for retrain OnNewData) the dataset's fingerprint. Ticks are computed from the cron expression in
 * the time zone (daylight saving included). Only the latest tick at or before now counts, so an operator that was
 * down over several ticks makes up one run, not all of them; a tick while a run is in progress is skipped, never
 * queued; the ticks before the schedule was set are not made up.
 *
 * @param status the schedule's next status (null when the spec has no schedule and no run applies)
 * @param wakeUp when the next tick is due, or null
 * @param runStarted a tick started a run: the spec's version trains again, on the data as it is now
 */
public record Schedule(ScheduleStatus status, Instant wakeUp, boolean runStarted) {
    static final String WAITING = "Waiting";
    static final String RUN_STARTED = "RunStarted";
    static final String DATA_UNCHANGED = "DataUnchanged";
    static final String RUN_IN_PROGRESS = "RunInProgress";
    static final String INVALID_SCHEDULE = "InvalidSchedule";
    static final String FINGERPRINT_UNREADABLE = "FingerprintUnreadable";

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** A schedule's ticks around now, or why the expression or time zone cannot be used. */
    record Ticks(String key, Instant last, Instant next, String problem) {}

    /** The ticks of the spec's schedule; null when it has none. */
    static Ticks ticks(TrainingSpec t, Instant now) {
        if (t == null || t.schedule() == null) {
            return null;
        }
        String expression = t.schedule().trim().replaceAll("\\s+", " ");
        String zoneName = t.timeZone() == null ? "UTC" : t.timeZone();
        String key = expression + " " + zoneName;
        ZoneId zone;
        try {
            zone = t.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(t.timeZone());
        } catch (DateTimeException e) {
            return new Ticks(key, null, null, "timeZone \"" + t.timeZone() + "\" is not an IANA time zone "
                    + "(e.g. Europe/Paris, America/New_York, UTC)");
        }
        ExecutionTime times;
        try {
            Cron cron = CRON.parse(expression);
            cron.validate();
            times = ExecutionTime.forCron(cron);
        } catch (IllegalArgumentException e) {
            return new Ticks(key, null, null, "schedule \"" + t.schedule() + "\" is not a cron expression: "
                    + e.getMessage());
        }
        ZonedDateTime at = now.atZone(zone);
        // A tick exactly at now counts as the latest one.
        Optional<ZonedDateTime> last = times.lastExecution(at.plusNanos(1));
        Optional<ZonedDateTime> next = times.nextExecution(at);
        if (next.isEmpty()) {
            return new Ticks(key, null, null, "schedule \"" + t.schedule() + "\" never fires");
        }
        return new Ticks(key, last.map(ZonedDateTime::toInstant).orElse(null), next.get().toInstant(), null);
    }

    /** Whether the next decision needs the dataset's fingerprint: a tick is due (or the schedule is new) under OnNewData. */
    public static boolean fingerprintWanted(RecommenderSpec spec, ScheduleStatus prev, Instant now) {
        TrainingSpec t = spec.model().training();
        Ticks ticks = ticks(t, now);
        if (ticks == null || ticks.problem() != null || t.retrainAlways()) {
            return false;
        }
        return prev == null || !ticks.key().equals(prev.schedule()) || due(ticks, prev);
    }

    private static boolean due(Ticks ticks, ScheduleStatus prev) {
        return ticks.last() != null && (prev.lastTick() == null || ticks.last().isAfter(Instant.parse(prev.lastTick())));
    }

    /**
     * The schedule's step. {@code runInProgress}: the spec's version is training or being load-tested.
     * {@code fingerprint}: read when {@link #fingerprintWanted} said so, else null.
     */
    static Schedule decide(RecommenderSpec spec, String versionHash, ScheduleStatus prev, Instant now,
            boolean runInProgress, DatasetFingerprint fingerprint, Conditions c) {
        TrainingSpec t = spec.model().training();
        Ticks ticks = ticks(t, now);
        if (ticks == null) {
            c.remove(ConditionTypes.SCHEDULED);
            // The run the stable version came from still names its training: without it, that version would look
            // out of date and the spec's version would train again.
            return new Schedule(prev == null || prev.run() == null ? null
                    : new ScheduleStatus(null, null, null, prev.run(), prev.runVersion(), null, null), null, false);
        }
        if (ticks.problem() != null) {
            c.setFalse(ConditionTypes.SCHEDULED, INVALID_SCHEDULE, ticks.problem() + "; nothing is scheduled");
            return new Schedule(prev, null, false);
        }
        String next = ticks.next().toString();
        if (prev == null || !ticks.key().equals(prev.schedule())) {
            // A new schedule: the ticks before it are not made up; the data as it is now is the reference.
            String fp = fingerprint == null || fingerprint.value() == null
                    ? prev == null ? null : prev.dataFingerprint() : fingerprint.value();
            c.setTrue(ConditionTypes.SCHEDULED, WAITING, "next run at " + next + " (" + ticks.key() + ")");
            return new Schedule(new ScheduleStatus(ticks.key(), ticks.last() == null ? null : ticks.last().toString(),
                    next, prev == null ? null : prev.run(), prev == null ? null : prev.runVersion(), fp, null),
                    ticks.next(), false);
        }
        if (!due(ticks, prev)) {
            return new Schedule(new ScheduleStatus(prev.schedule(), prev.lastTick(), next, prev.run(), prev.runVersion(),
                    prev.dataFingerprint(), prev.skipped()), ticks.next(), false);
        }
        String tick = ticks.last().toString();
        String skipped = null;
        String reason;
        String message;
        if (runInProgress) {
            reason = RUN_IN_PROGRESS;
            skipped = "the tick of " + tick + " was skipped: a run was still in progress";
            message = skipped + "; next run at " + next;
        } else if (!t.retrainAlways() && (fingerprint == null || fingerprint.value() == null)) {
            String why = fingerprint == null ? "it was not read" : fingerprint.problem();
            skipped = "the tick of " + tick + " trained nothing: the dataset's fingerprint cannot be read (" + why
                    + "); set retrain: Always to train at every tick";
            c.setFalse(ConditionTypes.SCHEDULED, FINGERPRINT_UNREADABLE, skipped);
            return new Schedule(new ScheduleStatus(prev.schedule(), tick, next, prev.run(), prev.runVersion(),
                    prev.dataFingerprint(), skipped), ticks.next(), false);
        } else if (!t.retrainAlways() && fingerprint.value().equals(prev.dataFingerprint())) {
            reason = DATA_UNCHANGED;
            skipped = "the tick of " + tick + " trained nothing: the data did not change (" + fingerprint.value() + ")";
            message = skipped + "; next run at " + next;
        } else {
            String fp = t.retrainAlways() ? prev.dataFingerprint() : fingerprint.value();
            c.setTrue(ConditionTypes.SCHEDULED, RUN_STARTED, "the tick of " + tick + " started a run: "
                    + (t.retrainAlways() ? "retrain: Always" : "the data changed (" + fp + ")") + "; next run at " + next);
            return new Schedule(new ScheduleStatus(prev.schedule(), tick, next, tick, versionHash, fp, null),
                    ticks.next(), true);
        }
        c.setTrue(ConditionTypes.SCHEDULED, reason, message);
        return new Schedule(new ScheduleStatus(prev.schedule(), tick, next, prev.run(), prev.runVersion(),
                prev.dataFingerprint(), skipped), ticks.next(), false);
    }
}
