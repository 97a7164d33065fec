package io.recommender.runtime.features;

import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /v1/events}'s answer: how many events were stored. */
@Serdeable
public record EventsAccepted(int accepted) {}
