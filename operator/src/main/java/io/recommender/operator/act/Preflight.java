package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.status.InvalidSpecException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is checked before the workflow writes anything: owned objects named after another Recommender's, and the
 * serving objects still to be made, made on trial first (a server-side dry run). A
 * Recommender named {@code movies-candidate} beside {@code movies} would make objects of the names {@code movies}
 * uses for its candidate. Found in the informers' caches; the other Recommender's objects are never touched.
 * (Jobs are not checked: their names carry a hash.)
 */
public final class Preflight {
    private Preflight() {}

    /** The serving objects, whose names come from the Recommender's name alone (Jobs' names carry a hash). */
    private static final List<ServingObject<?>> SERVING = List.of(new ServingServiceAccount(),
            new ServingConfig.Stable(), new TfServingDeployment.Stable(), new TfServingService.Stable(),
            new RecommenderDeployment.Stable(), new RecommenderService.Stable(), new Autoscaler(),
            new DisruptionBudget(), new TfServingAutoscaler(), new TfServingDisruptionBudget(),
            new ServingConfig.Candidate(), new TfServingDeployment.Candidate(),
            new TfServingService.Candidate(), new RecommenderDeployment.Candidate(), new RecommenderService.Candidate());

    /**
     * @throws InvalidSpecException naming {@code metadata.name} when a needed object belongs to another Recommender
     */
    public static void check(Recommender r, Context<Recommender> context) {
        Plan plan = WorkflowContext.plan(context);
        String namespace = r.getMetadata().getNamespace();
        for (ServingObject<?> o : SERVING) {
            if (!o.needed(r, plan)) {
                continue;
            }
            String name = o.name(r, plan);
            Optional<? extends HasMetadata> existing = cached(context, o.resourceType(), new ResourceID(name, namespace));
            Optional<OwnerReference> other = existing.flatMap(e -> otherOwner(r, e));
            if (other.isPresent()) {
                throw new InvalidSpecException("metadata.name", "the " + o.resourceType().getSimpleName() + " " + name
                        + " it needs belongs to Recommender " + other.get().getName()
                        + " in the same namespace; choose a name that is not another Recommender's name followed by "
                        + "-candidate or -tfserving");
            }
        }
        // Each serving object still to be made is first made on trial (a server-side dry run: the API server's
        // validation and admission, nothing stored), so that a refused one stops the reconcile before any other is
        // written. Objects that exist are left to their update, which Kubernetes checks as it writes.
        for (ServingObject<?> o : SERVING) {
            if (!o.needed(r, plan) || cached(context, o.resourceType(),
                    new ResourceID(o.name(r, plan), namespace)).isPresent()) {
                continue;
            }
            try {
                context.getClient().resource(o.desired(r, plan)).inNamespace(namespace).dryRun().create();
            } catch (KubernetesClientException e) {
                // A refusal says what is wrong with the spec; anything else (the object made meanwhile, the API
                // server busy) is left to the write itself.
                if (e.getCode() == 400 || e.getCode() == 422) {
                    throw e;
                }
            }
        }
    }

    private static Optional<? extends HasMetadata> cached(Context<Recommender> context,
            Class<? extends HasMetadata> type, ResourceID id) {
        for (var source : context.eventSourceRetriever().getEventSourcesFor(type)) {
            if (source instanceof InformerEventSource<?, ?> informer) {
                Optional<? extends HasMetadata> found = informer.get(id);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The Recommender other than {@code r} that owns {@code existing}, if any. */
    static Optional<OwnerReference> otherOwner(Recommender r, HasMetadata existing) {
        List<OwnerReference> owners = existing.getMetadata().getOwnerReferences();
        if (owners == null) {
            return Optional.empty();
        }
        return owners.stream().filter(o -> "Recommender".equals(o.getKind()))
                .filter(o -> !Objects.equals(o.getUid(), r.getMetadata().getUid())).findFirst();
    }
}
