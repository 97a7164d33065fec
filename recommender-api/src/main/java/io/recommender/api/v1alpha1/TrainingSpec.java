package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** A training run of the two-tower model (the training-job image). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSpec(
        @Required @Size(min = 1, max = 2048) @Pattern("^(bundled:[a-z0-9-]+|s3://\\S+|https?://\\S+|/\\S*)$")
        @JsonPropertyDescription("MovieLens-layout data (movies.csv, ratings.csv): bundled:ml-latest-small (inside "
                + "the training image), an s3:// or http(s):// URL, or an absolute path on a mounted volume.")
        String dataset,
        @Default("20") @Min(1) @Max(1000) @JsonPropertyDescription("Most epochs; early stopping usually ends sooner.")
        Integer epochs,
        @Default("32") @Min(1) @Max(1024) @JsonPropertyDescription("Size of the towers' embeddings.")
        Integer embeddingSize,
        @Default("42") @Min(0) @JsonPropertyDescription("Seed of the split, initial weights and batch order.")
        Long seed,
        @Default("0") @Min(0) @Max(16) @JsonPropertyDescription("NVIDIA GPUs for the training pod (nvidia.com/gpu).")
        Integer gpus,
        @JsonPropertyDescription("CPU and memory of the training pod.")
        ComputeResources resources,
        @JsonPropertyDescription("Node selector of the training pod, e.g. a GPU node group's label.")
        Map<String, String> nodeSelector,
        @JsonPropertyDescription("Tolerations of the training pod; GPU requests add the usual nvidia.com/gpu one.")
        List<Toleration> tolerations,
        @Size(max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("Training image; the operator's default when unset.")
        String image) {}
