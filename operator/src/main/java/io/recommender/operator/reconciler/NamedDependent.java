package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recommender.api.v1alpha1.Recommender;
import java.util.function.Function;

/**
 * A dependent found by name in an informer shared with the other dependents of its kind. The name is
 * known without building the desired object, which may not be buildable while the dependent is inactive.
 */
public abstract class NamedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, Recommender> {
    private final Function<Recommender, String> name;
    private final Function<Recommender, R> desired;

    NamedDependent(Class<R> type, Function<Recommender, String> name, Function<Recommender, R> desired) {
        super(type);
        this.name = name;
        this.desired = desired;
    }

    @Override
    protected R desired(Recommender r, Context<Recommender> context) {
        return desired.apply(r);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Recommender r, Context<Recommender> context) {
        return new ResourceID(name.apply(r), r.getMetadata().getNamespace());
    }
}
