package io.recommender.runtime.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /predict} answer of the reference service: {@code {"Recommended": [<movie ids>]}}. */
@Serdeable
public record PredictResponse(@JsonProperty("Recommended") int[] recommended) {}
