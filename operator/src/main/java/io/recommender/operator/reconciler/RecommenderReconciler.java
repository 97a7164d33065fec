package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.reconciler.JobDependents.GateJob;
import io.recommender.operator.reconciler.JobDependents.GateNeeded;
import io.recommender.operator.reconciler.JobDependents.TrainingJob;
import io.recommender.operator.reconciler.JobDependents.TrainingNeeded;
import io.recommender.operator.reconciler.ServingConditions.Autoscaled;
import io.recommender.operator.reconciler.ServingConditions.CandidateExists;
import io.recommender.operator.reconciler.ServingConditions.CandidateIsTwoPod;
import io.recommender.operator.reconciler.ServingConditions.NeedsDisruptionBudget;
import io.recommender.operator.reconciler.ServingConditions.StableExists;
import io.recommender.operator.reconciler.ServingConditions.StableIsTwoPod;
import io.recommender.operator.reconciler.ServingDependents.CandidateDeployment;
import io.recommender.operator.reconciler.ServingDependents.CandidateService;
import io.recommender.operator.reconciler.ServingDependents.CandidateServingConfig;
import io.recommender.operator.reconciler.ServingDependents.CandidateTfServingDeployment;
import io.recommender.operator.reconciler.ServingDependents.CandidateTfServingService;
import io.recommender.operator.reconciler.ServingDependents.DisruptionBudget;
import io.recommender.operator.reconciler.ServingDependents.ServingServiceAccount;
import io.recommender.operator.reconciler.ServingDependents.StableDeployment;
import io.recommender.operator.reconciler.ServingDependents.StableService;
import io.recommender.operator.reconciler.ServingDependents.StableServingConfig;
import io.recommender.operator.reconciler.ServingDependents.StableTfServingDeployment;
import io.recommender.operator.reconciler.ServingDependents.StableTfServingService;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import io.recommender.operator.status.Pipeline;
import io.fabric8.kubernetes.api.model.Secret;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.aws.EcrRegistry;
import io.recommender.operator.aws.EksNodeGroups;
import io.recommender.operator.gpu.ConfigMapScaledGroups;
import io.recommender.operator.gpu.GpuCapacity;
import io.recommender.operator.gpu.GpuPod;
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.status.Plan;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.RegistryAccess;
import io.recommender.operator.reconciler.RegistryDependents.RegistryCredentialsSecret;
import io.recommender.operator.reconciler.RegistryDependents.UsesEcr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one reconciler of Recommender. Each reconcile observes the owned objects, decides the next status
 * with {@link Pipeline}, applies the workflow below (which builds every owned object from that status),
 * and writes the status only when it changed. The workflow is invoked explicitly, after the decision,
 * because a status-only change does not trigger another reconcile.
 */
// Not generation-aware: the retry annotation changes no generation but must start a new attempt. Reconciles
// caused by the operator's own status writes are cheap no-ops, since the pipeline reaches a fixed point.
@ControllerConfiguration(name = RecommenderReconciler.NAME, generationAwareEventProcessing = false)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "registry-credentials", type = RegistryCredentialsSecret.class, reconcilePrecondition = UsesEcr.class, useEventSourceWithName = RecommenderReconciler.SECRETS),
    @Dependent(name = "serving-service-account", type = ServingServiceAccount.class, useEventSourceWithName = RecommenderReconciler.SERVICE_ACCOUNTS),
    @Dependent(name = "training-job", type = TrainingJob.class, reconcilePrecondition = TrainingNeeded.class, useEventSourceWithName = RecommenderReconciler.JOBS),
    @Dependent(name = "stable-serving-config", type = StableServingConfig.class, reconcilePrecondition = StableIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.CONFIG_MAPS),
    @Dependent(name = "stable-tfserving", type = StableTfServingDeployment.class, reconcilePrecondition = StableIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "stable-tfserving-service", type = StableTfServingService.class, reconcilePrecondition = StableIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "stable", type = StableDeployment.class, reconcilePrecondition = StableExists.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "stable-service", type = StableService.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "autoscaler", type = io.recommender.operator.reconciler.ServingDependents.Autoscaler.class, reconcilePrecondition = Autoscaled.class, useEventSourceWithName = RecommenderReconciler.AUTOSCALERS),
    @Dependent(name = "disruption-budget", type = DisruptionBudget.class, reconcilePrecondition = NeedsDisruptionBudget.class, useEventSourceWithName = RecommenderReconciler.DISRUPTION_BUDGETS),
    @Dependent(name = "candidate-serving-config", type = CandidateServingConfig.class, reconcilePrecondition = CandidateIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.CONFIG_MAPS),
    @Dependent(name = "candidate-tfserving", type = CandidateTfServingDeployment.class, reconcilePrecondition = CandidateIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "candidate-tfserving-service", type = CandidateTfServingService.class, reconcilePrecondition = CandidateIsTwoPod.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "candidate", type = CandidateDeployment.class, reconcilePrecondition = CandidateExists.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "candidate-service", type = CandidateService.class, reconcilePrecondition = CandidateExists.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "gate-job", type = GateJob.class, reconcilePrecondition = GateNeeded.class, useEventSourceWithName = RecommenderReconciler.JOBS),
})
public class RecommenderReconciler implements Reconciler<Recommender> {
    public static final String NAME = "recommender";
    /** Workflow context key: the Recommender as read, before this reconcile's status (see JobDependents). */
    static final String PERSISTED = "persisted";
    static final String DEPLOYMENTS = "deployments";
    static final String SERVICES = "services";
    static final String CONFIG_MAPS = "configmaps";
    static final String JOBS = "jobs";
    static final String SERVICE_ACCOUNTS = "serviceaccounts";
    static final String AUTOSCALERS = "autoscalers";
    static final String DISRUPTION_BUDGETS = "disruptionbudgets";
    static final String SECRETS = "secrets";
    /** Keys of what a reconcile hands its dependents: the registry's state, and a login fetched just now. */
    static final String REGISTRY = "registry";
    static final String LOGIN = "registry-login";
    /** Informers cache only what this operator manages. */
    static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.MANAGER;

    private final Observer observer;
    private final EventRecorder events;
    private final Clock clock;
    private final RegistryAccess registry;
    private final GpuCapacity gpuCapacity;

    /** With ECR and EKS reached through the operator's default AWS identity. */
    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock) {
        this(results, events, clock, new RegistryAccess(EcrRegistry.withDefaultCredentials(
                OperatorConfig.current().ecrEndpoint())), gpuCapacity(OperatorConfig.current().eks()));
    }

    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, RegistryAccess registry) {
        this(results, events, clock, registry, GpuCapacity.disabled());
    }

    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, RegistryAccess registry,
            GpuCapacity gpuCapacity) {
        this.observer = new Observer(results);
        this.events = events;
        this.clock = clock;
        this.registry = registry;
        this.gpuCapacity = gpuCapacity;
    }

    /** GPU node groups scaled from zero on EKS (RECOMMENDER_EKS_CLUSTER); elsewhere only reported. */
    public static GpuCapacity gpuCapacity(OperatorConfig.Eks eks) {
        return eks == null ? GpuCapacity.disabled() : new GpuCapacity(EksNodeGroups.withDefaultCredentials(
                eks.cluster(), eks.region(), eks.endpoint()), new ConfigMapScaledGroups(eks.namespace(), eks.cluster()));
    }

    @Override
    public List<EventSource<?, Recommender>> prepareEventSources(EventSourceContext<Recommender> context) {
        return List.of(
                informer(context, Deployment.class, DEPLOYMENTS),
                informer(context, Service.class, SERVICES),
                informer(context, ConfigMap.class, CONFIG_MAPS),
                informer(context, Job.class, JOBS),
                informer(context, ServiceAccount.class, SERVICE_ACCOUNTS),
                informer(context, HorizontalPodAutoscaler.class, AUTOSCALERS),
                informer(context, PodDisruptionBudget.class, DISRUPTION_BUDGETS),
                // Only the operator's own (labelled) Secrets are cached: the registry credentials.
                informer(context, Secret.class, SECRETS));
    }

    private static <R extends HasMetadata> InformerEventSource<R, Recommender> informer(
            EventSourceContext<Recommender> context, Class<R> type, String name) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, Recommender.class)
                .withName(name).withLabelSelector(MANAGED).build(), context);
    }

    /** The Recommender with the status it was read with: what a restarted operator would start from. */
    private static Recommender persisted(Recommender r, RecommenderStatus status) {
        Recommender copy = new Recommender();
        copy.setMetadata(r.getMetadata());
        copy.setSpec(r.getSpec());
        copy.setStatus(status);
        return copy;
    }

    @Override
    public UpdateControl<Recommender> reconcile(Recommender r, Context<Recommender> context) {
        Instant now = clock.instant();
        RecommenderStatus before = r.getStatus();
        String secretName = Names.registryCredentials(r);
        Secret cached = context.getSecondaryResourcesAsStream(Secret.class)
                .filter(s -> secretName.equals(s.getMetadata().getName())).findFirst().orElse(null);
        RegistryAccess.Outcome access = registry.check(r, cached, now);
        var dependents = context.managedWorkflowAndDependentResourceContext();
        dependents.put(REGISTRY, access.state());
        dependents.put(PERSISTED, persisted(r, before));
        if (access.freshLogin() != null) {
            dependents.put(LOGIN, new RegistryDependents.FreshLogin(access.freshLogin(), now));
        }
        List<GpuPod> gpuPods = activeGpuPods(context);
        GpuCapacity.Outcome gpu = gpuCapacity(r, context, gpuPods, now);
        Pipeline.Decision decision = Pipeline.decide(r, observer.observe(r, context, access.state(),
                gpu == null ? null : gpu.state()), now);
        RecommenderStatus next = decision.status();
        r.setStatus(next);
        dependents.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
        UpdateControl<Recommender> control;
        if (Objects.equals(before, next)) {
            control = UpdateControl.noUpdate();
        } else {
            events.recordTransitions(r, before == null ? null : before.conditions(), next.conditions());
            control = UpdateControl.patchStatus(r);
        }
        // GPU node groups the operator scaled go back once no training needs them, whichever Recommender ends last.
        Instant releaseRetry = gpuCapacity.enabled() ? gpuCapacity.release(context.getClient(), gpuPods, now) : null;
        // Credential refreshes, registry retries and GPU capacity looks happen on time, whether or not an event comes.
        Instant wakeUp = earliest(earliest(access.wakeUp(), decision.wakeUp()),
                earliest(gpu == null ? null : gpu.wakeUp(), releaseRetry));
        if (wakeUp != null) {
            control.rescheduleAfter(Duration.between(now, wakeUp).compareTo(MIN_WAKE_UP) < 0 ? MIN_WAKE_UP
                    : Duration.between(now, wakeUp));
        }
        return control;
    }

    static final Duration MIN_WAKE_UP = Duration.ofSeconds(1);
    /** The label the Job controller puts on a Job's pods. */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    /**
     * The GpuCapacity of a Recommender whose GPU training Job has not finished: Available once its pod has a node,
     * else what {@link GpuCapacity} makes of the wait; null for any other Recommender.
     */
    private GpuCapacity.Outcome gpuCapacity(Recommender r, Context<Recommender> context, List<GpuPod> active,
            Instant now) {
        var training = r.getSpec().model().training();
        if (training == null || training.gpus() == null || training.gpus() == 0 || !Plan.trainingNeeded(r)) {
            return null;
        }
        String name = Names.trainingJob(r, Plan.trainingHash(r));
        Optional<GpuPod> pod = context.getSecondaryResourcesAsStream(Job.class)
                .filter(j -> name.equals(j.getMetadata().getName())).findFirst().flatMap(GpuPod::of);
        if (pod.isEmpty()) {
            return null;
        }
        List<Pod> pods = context.getClient().pods().inNamespace(r.getMetadata().getNamespace())
                .withLabel(JOB_NAME_LABEL, name).list().getItems();
        String node = Observer.scheduledNode(pods);
        if (node != null) {
            return new GpuCapacity.Outcome(new GpuState("True", GpuState.AVAILABLE, "the training pod has node "
                    + node), null);
        }
        return gpuCapacity.check(context.getClient(), pod.get(), Observer.problem(pods), active, now);
    }

    /** Every unfinished GPU training Job the operator manages, whichever Recommender it belongs to. */
    @SuppressWarnings("unchecked")
    private List<GpuPod> activeGpuPods(Context<Recommender> context) {
        if (!gpuCapacity.enabled()) {
            return List.of();
        }
        var jobs = (InformerEventSource<Job, Recommender>) context.eventSourceRetriever()
                .getEventSourceFor(Job.class, JOBS);
        return jobs.list(j -> j.getMetadata().getLabels() != null
                        && Labels.TRAINING.equals(j.getMetadata().getLabels().get(Labels.COMPONENT)))
                .map(GpuPod::of).flatMap(Optional::stream).toList();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    /** A failure the reconcile could not handle becomes a Degraded condition; the SDK retries with backoff. */
    @Override
    public ErrorStatusUpdateControl<Recommender> updateErrorStatus(Recommender r, Context<Recommender> context,
            Exception e) {
        RecommenderStatus s = r.getStatus() == null ? new RecommenderStatus(null, null, null, null, null, null, null,
                null, null) : r.getStatus();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        List<io.fabric8.kubernetes.api.model.Condition> conditions = new Conditions(s.conditions(), clock.instant(),
                r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration())
                .setTrue(ConditionTypes.DEGRADED, "ReconcileError", message.length() > 512 ? message.substring(0, 512) : message)
                .list();
        r.setStatus(new RecommenderStatus(s.observedGeneration(), s.phase(), conditions, s.stable(), s.candidate(),
                s.lastLoadTest(), s.history(), s.rejectedSpecHash(), s.retryToken()));
        return ErrorStatusUpdateControl.patchStatus(r);
    }
}
