package io.recommender.operator.cluster;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.operator.observe.JobResults;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** kwok completes Job pods without running them, so a test says what each Job would have reported. */
final class SimulatedJobResults implements JobResults {
    private final Map<String, Termination> byJobName = new ConcurrentHashMap<>();

    /** What the Job's last container (a training Job's "package") leaves when it succeeds. */
    void set(String jobName, String result) {
        byJobName.put(jobName, new Termination("last", 0, result));
    }

    void set(String jobName, Termination termination) {
        byJobName.put(jobName, termination);
    }

    @Override
    public Optional<Termination> resultOf(Job job) {
        return Optional.ofNullable(byJobName.get(job.getMetadata().getName()));
    }
}
