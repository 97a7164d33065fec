package io.recommender.runtime.embedding;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** TensorFlow Serving REST API bodies, as far as this client reads and writes them. */
final class TfServingMessages {
    private TfServingMessages() {}

    /** Row-format predict request: one instance, the user tower's input row. */
    @Serdeable
    record PredictRequest(@JsonProperty("signature_name") String signatureName, float[][] instances) {}

    @Serdeable
    record PredictResponse(@Nullable float[][] predictions) {}

    @Serdeable
    record ErrorBody(@Nullable String error) {}

    @Serdeable
    record ModelStatus(@JsonProperty("model_version_status") @Nullable List<VersionStatus> versions) {}

    @Serdeable
    record VersionStatus(@Nullable String version, @Nullable String state) {}
}
