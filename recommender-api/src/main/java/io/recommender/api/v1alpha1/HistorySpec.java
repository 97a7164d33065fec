package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How many promoted versions status.history keeps: the versions a pin or an undone edit can serve again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistorySpec(
        @Default("10") @Min(1) @Max(100)
        @JsonPropertyDescription("Promoted versions kept in status.history (newest first), 1..100, default 10. "
                + "A version dropped from history can no longer be pinned. With an ECR registry, its "
                + "keepVersions must be at least this: the repository keeps keepVersions + 1 promoted versions (tagged "
                + "as such by the operator), however many candidates were refused since.")
        Integer limit) {

    public static final int DEFAULT_LIMIT = 10;

    /** The limit of {@code h}, or the default when there is no history spec. */
    public static int limitOf(HistorySpec h) {
        return h == null || h.limit() == null ? DEFAULT_LIMIT : h.limit();
    }
}
