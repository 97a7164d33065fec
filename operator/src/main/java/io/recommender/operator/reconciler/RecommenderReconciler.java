package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
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
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.act.Autoscaler;
import io.recommender.operator.act.DisruptionBudget;
import io.recommender.operator.act.FeatureLoadJob;
import io.recommender.operator.act.TfServingAutoscaler;
import io.recommender.operator.act.TfServingDisruptionBudget;
import io.recommender.operator.act.GateJob;
import io.recommender.operator.act.RecommenderDeployment;
import io.recommender.operator.act.RecommenderService;
import io.recommender.operator.act.RegistryCredentialsSecret;
import io.recommender.operator.act.ServingConfig;
import io.recommender.operator.act.ServingServiceAccount;
import io.recommender.operator.act.TfServingDeployment;
import io.recommender.operator.act.TfServingService;
import io.recommender.operator.act.TrainingJob;
import io.recommender.operator.act.WhenNeeded;
import io.recommender.operator.act.WorkflowContext;
import io.recommender.operator.act.Preflight;
import io.recommender.operator.aws.EcrRegistry;
import io.recommender.operator.aws.EksNodeGroups;
import io.recommender.operator.decide.Flow;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.events.DomainMetrics;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.gpu.ConfigMapScaledGroups;
import io.recommender.operator.gpu.GpuCapacity;
import io.recommender.operator.gpu.GpuPod;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.observe.JobResults;
import io.recommender.operator.observe.LiveMetrics;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.observe.Observer;
import io.recommender.operator.registry.RegistryAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reconciler of Recommender: observe ({@link Observer}, registry and GPU capacity), decide ({@link Flow},
 * which also gives the {@link Plan} of the decided status), act (the workflow below, one dependent per owned
 * object, each reading that plan from the context), and write the status only when it changed. The workflow is
 * invoked explicitly, after the decision, because a status-only change does not trigger another reconcile.
 */
// Not generation-aware: the retry annotation changes no generation but must start a new attempt. Reconciles
// caused by the operator's own status writes are cheap no-ops, since the pipeline reaches a fixed point.
// A recommender Deployment depends on its Service (needed under the same condition, so never deleted by the
// Service's absence): when Kubernetes refuses the Service, the Deployment is not made either. The gate Job waits
// for the candidate's Service in its own precondition (GateJob), since depending on it would delete a finished
// gate Job before its result is recorded.
@ControllerConfiguration(name = RecommenderReconciler.NAME, generationAwareEventProcessing = false)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "registry-credentials", type = RegistryCredentialsSecret.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SECRETS),
    @Dependent(name = "serving-service-account", type = ServingServiceAccount.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SERVICE_ACCOUNTS),
    @Dependent(name = "training-job", type = TrainingJob.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.JOBS),
    @Dependent(name = "feature-load-job", type = FeatureLoadJob.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.JOBS),
    @Dependent(name = "stable-serving-config", type = ServingConfig.Stable.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.CONFIG_MAPS),
    @Dependent(name = "stable-tfserving", type = TfServingDeployment.Stable.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "stable-tfserving-service", type = TfServingService.Stable.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "stable", type = RecommenderDeployment.Stable.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS, dependsOn = "stable-service"),
    @Dependent(name = "stable-service", type = RecommenderService.Stable.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "autoscaler", type = Autoscaler.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.AUTOSCALERS),
    @Dependent(name = "disruption-budget", type = DisruptionBudget.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DISRUPTION_BUDGETS),
    @Dependent(name = "tfserving-autoscaler", type = TfServingAutoscaler.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.AUTOSCALERS),
    @Dependent(name = "tfserving-disruption-budget", type = TfServingDisruptionBudget.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DISRUPTION_BUDGETS),
    @Dependent(name = "candidate-serving-config", type = ServingConfig.Candidate.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.CONFIG_MAPS),
    @Dependent(name = "candidate-tfserving", type = TfServingDeployment.Candidate.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS),
    @Dependent(name = "candidate-tfserving-service", type = TfServingService.Candidate.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "candidate", type = RecommenderDeployment.Candidate.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.DEPLOYMENTS, dependsOn = "candidate-service"),
    @Dependent(name = "candidate-service", type = RecommenderService.Candidate.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.SERVICES),
    @Dependent(name = "gate-job", type = GateJob.class, reconcilePrecondition = WhenNeeded.class, useEventSourceWithName = RecommenderReconciler.JOBS),
})
public class RecommenderReconciler implements Reconciler<Recommender> {
    public static final String NAME = "recommender";
    static final String DEPLOYMENTS = "deployments";
    static final String SERVICES = "services";
    static final String CONFIG_MAPS = "configmaps";
    static final String JOBS = "jobs";
    static final String SERVICE_ACCOUNTS = "serviceaccounts";
    static final String AUTOSCALERS = "autoscalers";
    static final String DISRUPTION_BUDGETS = "disruptionbudgets";
    static final String SECRETS = "secrets";
    /** Informers cache only what this operator manages. */
    static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.MANAGER;
    static final Duration MIN_WAKE_UP = Duration.ofSeconds(1);
    /** The status as read, kept for {@link #updateErrorStatus} (the reconcile replaces the resource's status). */
    private static final String STATUS_READ = "status-read";
    private static final Logger log = LoggerFactory.getLogger(RecommenderReconciler.class);
    private final Failures failures = new Failures();
    private DueReads dueReads = new DueReads(new LiveMetrics());

    private final Observer observer;
    private final EventRecorder events;
    private final Clock clock;
    private final RegistryAccess registry;
    private final GpuTraining gpu;
    private final DomainMetrics metrics;

    /** With ECR and EKS reached through the operator's default AWS identity. */
    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock) {
        this(results, events, clock, DomainMetrics.none());
    }

    /** With ECR and EKS reached through the operator's default AWS identity, and the operator's own metrics. */
    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, DomainMetrics metrics) {
        this(results, events, clock, new RegistryAccess(EcrRegistry.withDefaultCredentials(
                OperatorConfig.current().ecrEndpoint())), gpuCapacity(OperatorConfig.current().eks()), metrics);
    }

    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, RegistryAccess registry) {
        this(results, events, clock, registry, GpuCapacity.disabled());
    }

    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, RegistryAccess registry,
            GpuCapacity gpuCapacity) {
        this(results, events, clock, registry, gpuCapacity, DomainMetrics.none());
    }

    public RecommenderReconciler(JobResults results, EventRecorder events, Clock clock, RegistryAccess registry,
            GpuCapacity gpuCapacity, DomainMetrics metrics) {
        this.observer = new Observer(results);
        this.events = events;
        this.clock = clock;
        this.registry = registry;
        this.gpu = new GpuTraining(gpuCapacity);
        this.metrics = metrics;
    }

    /** Reads the stable pods' metrics for live analysis with {@code live} (by default at each pod's address). */
    public RecommenderReconciler readingPodMetricsWith(LiveMetrics live) {
        this.dueReads = new DueReads(live);
        return this;
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

    @Override
    public UpdateControl<Recommender> reconcile(Recommender r, Context<Recommender> context) {
        Instant now = clock.instant();
        metrics.countFrom(context.getPrimaryCache());
        RecommenderStatus before = r.getStatus();
        if (before != null) {
            context.managedWorkflowAndDependentResourceContext().put(STATUS_READ, before);
        }
        Plan plan = Plan.of(r);

        // Observe: the registry (an ECR login when one is due), GPU capacity, the owned objects, and what is due
        // outside them (a schedule tick's dataset fingerprint, an analysis interval's pod metrics).
        String secretName = Names.registryCredentials(r);
        Secret cached = context.getSecondaryResourcesAsStream(Secret.class)
                .filter(s -> secretName.equals(s.getMetadata().getName())).findFirst().orElse(null);
        RegistryAccess.Outcome access = registry.check(r, cached, now);
        List<GpuPod> gpuPods = gpu.active(context);
        GpuCapacity.Outcome capacity = gpu.check(r, plan, context, gpuPods, now);
        Observation seen = observer.observe(r, plan, context, access.state(), capacity == null ? null : capacity.state());
        seen = dueReads.add(r, plan, context, seen, now);

        // Decide, then act on the decided plan.
        Flow.Decision decision = Flow.decide(r, plan, seen, now);
        RecommenderStatus next = decision.status();
        r.setStatus(next);
        WorkflowContext.put(context, plan, decision.plan(), access.state(), access.freshLogin() == null ? null
                : new WorkflowContext.FreshLogin(access.freshLogin(), now));
        // Nothing is written for a Recommender whose objects would be another's or would be refused.
        Preflight.check(r, context);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
                .throwAggregateExceptionIfErrorsPresent();
        failures.succeeded(r.getMetadata().getUid());
        registry.protect(r, next.stable());

        if (!Objects.equals(before, next)) {
            StatusWrites.write(r, next, context);
            events.recordTransitions(r, before == null ? null : before.conditions(), next.conditions());
            metrics.record(before, next);
        }
        UpdateControl<Recommender> control = UpdateControl.noUpdate();
        Instant releaseRetry = gpu.release(context, gpuPods, now);
        // Credential refreshes, registry retries and GPU capacity looks happen on time, whether or not an event comes.
        Instant wakeUp = earliest(earliest(access.wakeUp(), decision.wakeUp()),
                earliest(capacity == null ? null : capacity.wakeUp(), releaseRetry));
        if (wakeUp != null) {
            control.rescheduleAfter(Duration.between(now, wakeUp).compareTo(MIN_WAKE_UP) < 0 ? MIN_WAKE_UP
                    : Duration.between(now, wakeUp));
        }
        return control;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    /**
     * A failure the reconcile could not handle becomes a Degraded condition (reason {@code InvalidSpec} for a spec
     * Kubernetes refuses, else {@code ReconcileError}), written only when it changes the status, and the next
     * attempt follows an exponential backoff (5 s doubling to 5 min). The log gets one line per attempt; the stack
     * trace is at debug level. The SDK's own retry is not used, since it logs every attempt's stack trace; only an
     * optimistic-lock conflict is left to the SDK, which retries it at once with one INFO line.
     */
    @Override
    public ErrorStatusUpdateControl<Recommender> updateErrorStatus(Recommender r, Context<Recommender> context,
            Exception e) {
        if (Failures.conflict(e)) {
            // The SDK's own handling: one line at INFO, the next reconcile at once on the newer version.
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        if (Failures.recommenderGone(e)) {
            log.debug("Recommender {}/{} was deleted during its reconcile", r.getMetadata().getNamespace(),
                    r.getMetadata().getName(), e);
            return ErrorStatusUpdateControl.<Recommender>noStatusUpdate().withNoRetry();
        }
        RecommenderStatus read = context.managedWorkflowAndDependentResourceContext()
                .get(STATUS_READ, RecommenderStatus.class).orElse(null);
        Failures.Failure failure = Failures.describe(e, r);
        String uid = r.getMetadata().getUid();
        Duration delay = failures.backoff(uid);
        log.info("Recommender {}/{}: {}: {} (attempt {}, next in {}s)", r.getMetadata().getNamespace(),
                r.getMetadata().getName(), failure.reason(), failure.message(), failures.attempt(uid),
                delay.toSeconds());
        log.debug("Recommender {}/{} failed", r.getMetadata().getNamespace(), r.getMetadata().getName(), e);

        // r's status is the decided one when the reconcile got that far, else still the status as read.
        RecommenderStatus next = StatusWrites.failed(read, r.getStatus(), failure, clock.instant(),
                r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration());
        if (!Objects.equals(read, next)) {
            try {
                StatusWrites.write(r, next, context);
                events.recordTransitions(r, read == null ? null : read.conditions(), next.conditions());
                metrics.record(read, next);
            } catch (KubernetesClientException | OperatorException writeFailed) {
                // The next attempt (below) writes it again; the failure itself is already in the log line above.
                log.info("Recommender {}/{}: could not record the failure in status: {}",
                        r.getMetadata().getNamespace(), r.getMetadata().getName(), writeFailed.getMessage());
            }
        }
        return ErrorStatusUpdateControl.<Recommender>noStatusUpdate().withNoRetry().rescheduleAfter(delay);
    }
}
