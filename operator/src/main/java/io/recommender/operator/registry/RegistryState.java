package io.recommender.operator.registry;

/** What the reconciler found of a Recommender's registry before deciding its status. */
public sealed interface RegistryState {
    RegistryState NONE = new None();

    /** No registry in the spec. */
    record None() implements RegistryState {}

    /** Pushes may go to {@code target}; serving pods pull with its Secret. */
    record Ready(PushTarget target) implements RegistryState {}

    /** No usable credentials: {@code reason} is one of {@link RegistryException}'s. */
    record Unavailable(String reason, String message) implements RegistryState {}
}
