package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** A training run of the two-tower model (the training-job image). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.dataset.matches('^(bundled:|s3://|https?://|/)')", fieldPath = ".dataset",
        message = "dataset must be bundled:<name> (a dataset inside the training image, e.g. bundled:ml-latest-small), "
                + "s3://<bucket>/<prefix>, an http(s):// URL or an absolute path")
@ValidationRule(value = "!self.dataset.startsWith('bundled:') || self.dataset.matches('^bundled:[a-z0-9-]+$')",
        fieldPath = ".dataset", message = "a bundled dataset's name is lower-case letters, digits and '-', "
                + "e.g. bundled:ml-latest-small")
@ValidationRule(value = "!self.dataset.startsWith('s3://') "
        + "|| self.dataset.matches('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\\\\s]*)?$')",
        fieldPath = ".dataset", message = "an s3:// dataset is s3://<bucket>/<prefix> (or a .zip key), the bucket "
                + "3 to 63 lower-case letters, digits, '.' and '-', and no spaces")
@ValidationRule(value = "!self.dataset.matches('^https?://') || (self.dataset.matches('^https?://[^\\\\s]+$') "
        + "&& isURL(self.dataset) && url(self.dataset).getHostname() != '' "
        + "&& !self.dataset.matches('^https?://[^/?#]*@'))",
        fieldPath = ".dataset", message = "an http(s):// dataset is a URL with a host, without spaces and without "
                + "user:password@ (credentials would show in the Job; use a pre-signed URL or s3://)")
@ValidationRule(value = "!has(self.nodeSelector) || self.nodeSelector.all(k, "
        + "!format.qualifiedName().validate(k).hasValue())", fieldPath = ".nodeSelector",
        message = "nodeSelector keys must be label keys: an optional DNS prefix and '/', then at most 63 letters, "
                + "digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. eks.amazonaws.com/nodegroup)")
@ValidationRule(value = "!has(self.nodeSelector) || self.nodeSelector.all(k, "
        + "!format.labelValue().validate(self.nodeSelector[k]).hasValue())", fieldPath = ".nodeSelector",
        message = "nodeSelector values must be label values: at most 63 letters, digits, '-', '_' or '.', starting "
                + "and ending with a letter or digit (write \"true\" for true)")
@ValidationRule(value = "!has(self.image) || " + ImageReference.RULE_IMAGE, fieldPath = ".image",
        message = "image " + ImageReference.MESSAGE)
// Five fields, as a CronJob's schedule; the operator parses the rest and names what it cannot read.
@ValidationRule(value = "!has(self.schedule) || self.schedule.matches('^\\\\s*\\\\S+(\\\\s+\\\\S+){4}\\\\s*$')",
        fieldPath = ".schedule", message = "schedule is a cron expression of five fields (minute hour day-of-month "
                + "month day-of-week), e.g. \"0 3 * * 1\" for Mondays at 03:00")
@ValidationRule(value = "!has(self.timeZone) || has(self.schedule)", fieldPath = ".timeZone",
        message = "timeZone applies to a schedule: set schedule too")
@ValidationRule(value = "!has(self.retrain) || has(self.schedule)", fieldPath = ".retrain",
        message = "retrain applies to a schedule: set schedule too")
@ValidationRule(value = "!has(self.retrain) || self.retrain in ['Always', 'OnNewData']", fieldPath = ".retrain",
        messageExpression = "'retrain \"' + self.retrain + '\" is not Always or OnNewData'")
public record TrainingSpec(
        @Required @Size(max = 2048)
        @JsonPropertyDescription("MovieLens-layout data (movies.csv, ratings.csv): bundled:ml-latest-small (inside "
                + "the training image), an s3:// or http(s):// URL, or an absolute path on a mounted volume.")
        String dataset,
        @Default("" + DEFAULT_EPOCHS) @Min(1) @Max(1000) @JsonPropertyDescription("Most epochs; each head of the"
                + " model stops sooner once its validation figure has not improved for its patience.")
        Integer epochs,
        @Default("" + DEFAULT_EMBEDDING_SIZE) @Min(1) @Max(1024) @JsonPropertyDescription("Size of the retrieval"
                + " towers' vectors: the served user embedding is one wider.")
        Integer embeddingSize,
        @Default("42") @Min(0) @JsonPropertyDescription("Seed of the split, initial weights and batch order.")
        Long seed,
        @Default("0") @Min(0) @Max(16) @JsonPropertyDescription("NVIDIA GPUs for the training pod (nvidia.com/gpu).")
        Integer gpus,
        @JsonPropertyDescription("CPU and memory of the training pod.")
        ComputeResources resources,
        @SchemaFrom(type = NodeSelectorSchema.class) @Size(max = 32)
        @JsonPropertyDescription("Node selector of the training pod, e.g. a GPU node group's label.")
        Map<String, String> nodeSelector,
        @SchemaFrom(type = TolerationSchema[].class) @Size(max = 32)
        @JsonPropertyDescription("Tolerations of the training pod; GPU requests add the usual nvidia.com/gpu one.")
        List<Toleration> tolerations,
        @Size(max = 512)
        @JsonPropertyDescription("Training image; when unset, the operator's default: its GPU image (TensorFlow's GPU build, CUDA, cuDNN) when gpus > 0, else its CPU image.")
        String image,
        @Size(max = 128)
        @JsonPropertyDescription("Retrain on this cron schedule (five fields, as a CronJob's), e.g. \"0 3 * * 1\". "
                + "A tick while a run is in progress is skipped; after the operator was down, at most one missed "
                + "tick is made up. Editing it retrains nothing.")
        String schedule,
        @Size(max = 64)
        @JsonPropertyDescription("IANA time zone of the schedule, e.g. Europe/Paris; UTC when unset.")
        String timeZone,
        @Size(max = 16)
        @JsonPropertyDescription("At a tick: OnNewData (default) trains only when the dataset's fingerprint (HTTP "
                + "ETag, else Last-Modified and length) differs from the last run's; Always trains at every tick.")
        String retrain,
        @JsonPropertyDescription("With features.source Redis: also learn from the ratings users gave the running "
                + "service (the feature store's events stream), merged into the dataset as the store replays them. "
                + "The events keep coming while the dataset may not change: pair it with retrain: Always.")
        Boolean includeLiveEvents) {

    public static final String RETRAIN_ALWAYS = "Always";
    /** The training job's own defaults (training-job's TrainingConfig; TrainingDefaultsTest checks they agree). */
    public static final int DEFAULT_EPOCHS = 150;
    public static final int DEFAULT_EMBEDDING_SIZE = 200;

    public TrainingSpec(String dataset, Integer epochs, Integer embeddingSize, Long seed, Integer gpus,
            ComputeResources resources, Map<String, String> nodeSelector, List<Toleration> tolerations, String image) {
        this(dataset, epochs, embeddingSize, seed, gpus, resources, nodeSelector, tolerations, image, null, null, null,
                null);
    }

    public TrainingSpec(String dataset, Integer epochs, Integer embeddingSize, Long seed, Integer gpus,
            ComputeResources resources, Map<String, String> nodeSelector, List<Toleration> tolerations, String image,
            String schedule, String timeZone, String retrain) {
        this(dataset, epochs, embeddingSize, seed, gpus, resources, nodeSelector, tolerations, image, schedule,
                timeZone, retrain, null);
    }

    /** The spec without its schedule: what a trained model depends on (a schedule edit retrains nothing). */
    public TrainingSpec withoutSchedule() {
        return schedule == null && timeZone == null && retrain == null ? this
                : new TrainingSpec(dataset, epochs, embeddingSize, seed, gpus, resources, nodeSelector, tolerations, image,
                        null, null, null, includeLiveEvents);
    }

    public boolean learnsFromLiveEvents() {
        return Boolean.TRUE.equals(includeLiveEvents);
    }

    /** {@link #retrain()} with its default. */
    public boolean retrainAlways() {
        return RETRAIN_ALWAYS.equals(retrain);
    }
}
