package io.recommender.operator.status;

/** What became of a Job the pipeline waits for. */
public sealed interface JobOutcome {
    JobOutcome ABSENT = new Absent();
    JobOutcome RUNNING = new Running();

    /** Not created yet, or already cleaned up. */
    record Absent() implements JobOutcome {}

    record Running() implements JobOutcome {}

    /** Finished; {@code result} is the container's termination message, null when it left none. */
    record Succeeded(String result) implements JobOutcome {}

    /** Failed; a Job whose program exits non-zero on purpose (a failed verdict) may still leave its {@code result}. */
    record Failed(String reason, String result) implements JobOutcome {}
}
