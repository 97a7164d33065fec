package io.recommender.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.registry.RegistryState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the owned objects in the informer caches into an {@link Observation}: the objects the plan of the status
 * as read names. Writes nothing.
 */
public final class Observer {
    private final JobResults results;

    public Observer(JobResults results) {
        this.results = results;
    }

    public Observation observe(Recommender r, Plan plan, Context<Recommender> context, RegistryState registry,
            GpuState gpu) {
        String training = plan.trainingHash() == null ? null : Names.trainingJob(r, plan.trainingHash());
        String gate = Names.gateJob(r, plan.identity(), plan.retryToken());
        ModelVersion candidate = plan.candidate();
        ModelVersion stable = plan.stable();
        String load = plan.featureStore() == null || plan.featureStore().loadHash() == null ? null
                : Names.featureLoadJob(r, plan.featureStore().loadHash());
        JobOutcome loadOutcome = load == null ? JobOutcome.ABSENT : outcome(job(context, load));
        boolean candidateReady = candidate != null
                && rolledOut(deployment(context, Names.recommender(r, Role.CANDIDATE)), candidate);
        return new Observation(
                training == null ? JobOutcome.ABSENT : outcome(job(context, training)),
                candidateReady,
                stable != null && available(deployment(context, Names.recommender(r, Role.STABLE))),
                candidate == null ? JobOutcome.ABSENT : outcome(job(context, gate)),
                candidate == null || candidateReady ? null : problem(context.getClient().pods()
                        .inNamespace(r.getMetadata().getNamespace())
                        .withLabel(Labels.INSTANCE, r.getMetadata().getName())
                        .withLabel(Labels.ROLE, Role.CANDIDATE.label()).list().getItems()),
                registry, gpu, loadOutcome,
                // A pod that cannot start (a missing password Secret or key) leaves its Job running for ever.
                !(loadOutcome instanceof JobOutcome.Running) ? null : problem(context.getClient().pods()
                        .inNamespace(r.getMetadata().getNamespace())
                        .withLabel("batch.kubernetes.io/job-name", load).list().getItems()),
                passwordProblem(r, plan, context));
    }

    /**
     * Whether the password Secret the spec names exists and holds its key, as the kubelet will require; null when
     * it does (or when there is none). Listed by name (the operator lists Secrets anyway; it is granted no get), and
     * only the key's presence is looked at: the value is neither kept nor shown.
     */
    static String passwordProblem(Recommender r, Plan plan, Context<Recommender> context) {
        var store = plan.featureStore();
        if (store == null || store.password() == null) {
            return null;
        }
        String name = store.password().name();
        var found = context.getClient().secrets().inNamespace(r.getMetadata().getNamespace())
                .withField("metadata.name", name).list().getItems();
        if (found.isEmpty()) {
            return "Secret " + name + " (features.redis.passwordSecretRef.name) does not exist in namespace "
                    + r.getMetadata().getNamespace();
        }
        var secret = found.get(0);
        String key = store.password().key();
        boolean hasKey = secret.getData() != null && secret.getData().containsKey(key)
                || secret.getStringData() != null && secret.getStringData().containsKey(key);
        return hasKey ? null : "Secret " + name + " has no key " + key + " (features.redis.passwordSecretRef.key)";
    }

    /** Waiting reasons that need a person: the pod will not start by itself (listed only while not ready). */
    static final Set<String> STUCK = Set.of("ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CrashLoopBackOff");

    /**
     * The first pod no node can take, as "pod: Unschedulable: the scheduler's message", or the first stuck
     * container, as "pod/container: reason: message"; null when nothing is stuck. Candidate and training pods alike.
     */
    public static String problem(List<Pod> pods) {
        for (Pod p : pods) {
            if (p.getStatus() == null) {
                continue;
            }
            if (p.getStatus().getConditions() != null) {
                for (var c : p.getStatus().getConditions()) {
                    if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                            && UNSCHEDULABLE.equals(c.getReason())) {
                        return p.getMetadata().getName() + ": " + UNSCHEDULABLE
                                + (c.getMessage() == null ? "" : ": " + c.getMessage());
                    }
                }
            }
            List<ContainerStatus> statuses = new ArrayList<>();
            if (p.getStatus().getInitContainerStatuses() != null) {
                statuses.addAll(p.getStatus().getInitContainerStatuses());
            }
            if (p.getStatus().getContainerStatuses() != null) {
                statuses.addAll(p.getStatus().getContainerStatuses());
            }
            for (ContainerStatus cs : statuses) {
                var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
                if (waiting != null && STUCK.contains(waiting.getReason())) {
                    return p.getMetadata().getName() + "/" + cs.getName() + ": " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
                }
            }
        }
        return null;
    }

    static final String UNSCHEDULABLE = "Unschedulable";

    /** The node a pod that has not finished was scheduled to, or null when none is. */
    public static String scheduledNode(List<Pod> pods) {
        return pods.stream().filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null
                        && (p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase())
                                && !"Failed".equals(p.getStatus().getPhase())))
                .map(p -> p.getSpec().getNodeName()).findFirst().orElse(null);
    }

    private JobOutcome outcome(Optional<Job> job) {
        if (job.isEmpty()) {
            return JobOutcome.ABSENT;
        }
        Job j = job.get();
        if (hasCondition(j, "Complete")) {
            return new JobOutcome.Succeeded(results.resultOf(j).map(JobResults.Termination::message).orElse(null));
        }
        if (hasCondition(j, "Failed")) {
            JobCondition failed = j.getStatus().getConditions().stream().filter(c -> "Failed".equals(c.getType()))
                    .findFirst().orElseThrow();
            Optional<JobResults.Termination> t = results.resultOf(j);
            return new JobOutcome.Failed("Job " + j.getMetadata().getName() + " failed: " + failed.getReason()
                    + (failed.getMessage() == null ? "" : " (" + failed.getMessage() + ")"),
                    t.map(JobResults.Termination::message).orElse(null),
                    t.map(JobResults.Termination::container).orElse(null),
                    t.map(JobResults.Termination::exitCode).orElse(null),
                    failed.getLastTransitionTime() == null ? null : Instant.parse(failed.getLastTransitionTime()));
        }
        // The training pod turns ready only once its init container (train) is done: packaging runs.
        if (j.getSpec().getTemplate().getSpec().getInitContainers() != null
                && !j.getSpec().getTemplate().getSpec().getInitContainers().isEmpty()
                && j.getStatus() != null && j.getStatus().getReady() != null && j.getStatus().getReady() > 0) {
            return JobOutcome.PACKAGING;
        }
        return JobOutcome.RUNNING;
    }

    private static boolean hasCondition(Job j, String type) {
        return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Every replica runs this version's pod template and is available. */
    private static boolean rolledOut(Optional<Deployment> d, ModelVersion v) {
        return d.filter(x -> Objects.equals(x.getSpec().getTemplate().getMetadata().getLabels().get(Labels.SPEC_HASH),
                        v.specHash()))
                .filter(x -> x.getStatus() != null && x.getMetadata().getGeneration() != null
                        && Objects.equals(x.getStatus().getObservedGeneration(), x.getMetadata().getGeneration()))
                .filter(x -> {
                    int want = x.getSpec().getReplicas() == null ? 1 : x.getSpec().getReplicas();
                    return count(x.getStatus().getUpdatedReplicas()) >= want
                            && count(x.getStatus().getAvailableReplicas()) >= want;
                })
                .isPresent();
    }

    private static boolean available(Optional<Deployment> d) {
        return d.filter(x -> x.getStatus() != null && count(x.getStatus().getAvailableReplicas()) >= 1).isPresent();
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    private static Optional<Job> job(Context<Recommender> c, String name) {
        return c.getSecondaryResourcesAsStream(Job.class).filter(j -> name.equals(j.getMetadata().getName())).findFirst();
    }

    private static Optional<Deployment> deployment(Context<Recommender> c, String name) {
        return c.getSecondaryResourcesAsStream(Deployment.class).filter(d -> name.equals(d.getMetadata().getName()))
                .findFirst();
    }
}
