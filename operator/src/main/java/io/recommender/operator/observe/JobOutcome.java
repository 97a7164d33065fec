package io.recommender.operator.observe;

import java.time.Instant;

/** What became of a Job the pipeline waits for. */
public sealed interface JobOutcome {
    JobOutcome ABSENT = new Absent();
    JobOutcome RUNNING = new Running();
    JobOutcome PACKAGING = new Packaging();

    /** Not created yet, or already cleaned up. */
    record Absent() implements JobOutcome {}

    record Running() implements JobOutcome {}

    /** The training Job's model is trained and its packaging container runs (the pod turned ready). */
    record Packaging() implements JobOutcome {}

    /** Finished; {@code result} is the container's termination message, null when it left none. */
    record Succeeded(String result) implements JobOutcome {}

    /**
     * Failed; a Job whose program exits non-zero on purpose (a failed verdict) may still leave its {@code result}.
     *
     * @param container the container that failed, when known
     * @param exitCode its exit code, when known
     * @param at when the Job failed, when known
     */
    record Failed(String reason, String result, String container, Integer exitCode, Instant at) implements JobOutcome {
        public Failed(String reason, String result) {
            this(reason, result, null, null, null);
        }
    }
}
