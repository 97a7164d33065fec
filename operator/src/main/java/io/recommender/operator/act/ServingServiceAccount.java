package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;

/** The serving pods' ServiceAccount (no API token mounted), for as long as the Recommender exists. */
public final class ServingServiceAccount extends ServingObject<ServiceAccount> {
    public ServingServiceAccount() {
        super(ServiceAccount.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.serviceAccount(r);
    }

    @Override
    ServiceAccount desired(Recommender r, Plan plan) {
        return desired(r);
    }

    public static ServiceAccount desired(Recommender r) {
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(Names.serviceAccount(r)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER)).endMetadata()
                .withAutomountServiceAccountToken(false)
                .build();
    }
}
