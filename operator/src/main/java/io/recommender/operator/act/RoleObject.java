package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recommender.operator.naming.Role;

/** A serving object that exists once per role (stable, candidate): its subclasses' Stable and Candidate pick the role. */
public abstract class RoleObject<R extends HasMetadata> extends ServingObject<R> {
    protected final Role role;

    protected RoleObject(Class<R> type, Role role) {
        super(type);
        this.role = role;
    }
}
