package io.recommender.runtime.embedding;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.embedding.TfServingMessages.ErrorBody;
import io.recommender.runtime.embedding.TfServingMessages.ModelStatus;
import io.recommender.runtime.embedding.TfServingMessages.PredictRequest;
import io.recommender.runtime.embedding.TfServingMessages.PredictResponse;
import io.recommender.runtime.embedding.TfServingMessages.VersionStatus;
import io.recommender.runtime.model.LoadedModel;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * User embeddings from TensorFlow Serving's REST API. Requests name the bundle's model version explicitly
 * ({@code /v1/models/{name}/versions/{v}:predict}), so the user vectors always come from the same training run
 * as the item vectors in the bundle, even while the server loads a newer version. Connection pooling and
 * timeouts are the Micronaut HTTP client's ({@code micronaut.http.services.tfserving}); transient failures are
 * retried a bounded number of times, and what is left becomes a 503 that says what went wrong.
 */
@Singleton
@Requires(property = "recommender.embedding-source", pattern = "(?i)tfserving")
public class TfServingEmbeddingSource implements EmbeddingSource {
    private static final Set<Integer> TRANSIENT_STATUS = Set.of(429, 500, 502, 503, 504);

    /** The served model this bundle needs. */
    private record Target(String model, long version, String signature, int dimension) {
        String versionPath() {
            return "/v1/models/" + model + "/versions/" + version;
        }
    }

    private final HttpClient client;
    private final TfServingConfig config;
    private final String url;
    private volatile Target target;

    public TfServingEmbeddingSource(@Client(id = "tfserving") HttpClient client, TfServingConfig config,
            @Value("${micronaut.http.services.tfserving.url}") String url) {
        this.client = client;
        this.config = config;
        this.url = url;
    }

    @Override
    public String name() {
        return "tfserving";
    }

    @Override
    public void prepare(ModelBundle bundle, LoadedModel loaded) {
        Manifest m = bundle.manifest();
        String model = config.modelName() == null || config.modelName().isBlank() ? m.modelName() : config.modelName();
        if (!model.matches("[A-Za-z0-9_.-]+")) {
            throw new IncompatibleBundleException("model name '" + model + "' cannot be used in a TensorFlow Serving URL");
        }
        target = new Target(model, m.modelVersion(), m.embedding().signature(), m.embedding().dimension());
    }

    @Override
    public Mono<float[]> embed(int user, float[] input) {
        Target t = target;
        HttpRequest<PredictRequest> request = HttpRequest.POST(t.versionPath() + ":predict",
                        new PredictRequest(t.signature(), new float[][] {input}))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(MediaType.APPLICATION_JSON_TYPE);
        // Deferred: each retry must send a new request, not re-read the first one's outcome.
        return Mono.defer(() -> Mono.from(
                        client.retrieve(request, Argument.of(PredictResponse.class), Argument.of(ErrorBody.class))))
                .retryWhen(Retry.backoff(config.maxRetries(), config.retryBackoff())
                        .filter(TfServingEmbeddingSource::isTransient)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorMap(e -> !(e instanceof EmbeddingUnavailableException),
                        e -> new EmbeddingUnavailableException(describe(t, e)))
                .map(response -> single(t, response));
    }

    private float[] single(Target t, PredictResponse response) {
        float[][] p = response.predictions();
        if (p == null || p.length != 1 || p[0] == null || p[0].length != t.dimension()) {
            throw new EmbeddingUnavailableException("TensorFlow Serving at " + url + " answered "
                    + (p == null || p.length == 0 || p[0] == null ? "no predictions" : p.length + " x " + p[0].length + " values")
                    + " for model " + t.model() + " version " + t.version() + "; the bundle needs 1 x " + t.dimension());
        }
        return p[0];
    }

    @Override
    public Mono<Optional<String>> unreadyReason() {
        Target t = target;
        if (t == null) {
            return Mono.just(Optional.of("no bundle bound to the TensorFlow Serving source yet"));
        }
        return Mono.from(client.retrieve(HttpRequest.GET(t.versionPath()), Argument.of(ModelStatus.class),
                        Argument.of(ErrorBody.class)))
                .timeout(config.statusTimeout())
                .map(status -> availability(t, status))
                .onErrorResume(e -> Mono.just(Optional.of(describe(t, e))));
    }

    private Optional<String> availability(Target t, ModelStatus status) {
        String expected = Long.toString(t.version());
        Optional<VersionStatus> version = status.versions() == null ? Optional.empty()
                : status.versions().stream().filter(v -> expected.equals(v.version())).findFirst();
        if (version.isEmpty()) {
            return Optional.of("TensorFlow Serving at " + url + " does not list version " + expected + " of model "
                    + t.model());
        }
        return "AVAILABLE".equals(version.get().state()) ? Optional.empty()
                : Optional.of("TensorFlow Serving at " + url + " has model " + t.model() + " version " + expected
                        + " in state " + version.get().state());
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof HttpClientResponseException r) {
            return TRANSIENT_STATUS.contains(r.getStatus().getCode());
        }
        return e instanceof HttpClientException || e instanceof TimeoutException;
    }

    private String describe(Target t, Throwable e) {
        String what = "model " + t.model() + " version " + t.version();
        if (e instanceof HttpClientResponseException r) {
            String detail = r.getResponse().getBody(ErrorBody.class).map(ErrorBody::error).orElse(r.getMessage());
            return "TensorFlow Serving at " + url + " answered " + r.getStatus().getCode() + " for " + what
                    + (r.getStatus() == HttpStatus.NOT_FOUND ? " (model or version not served)" : "") + ": " + detail;
        }
        if (e instanceof ReadTimeoutException || e instanceof TimeoutException) {
            return "TensorFlow Serving at " + url + " did not answer in time for " + what;
        }
        if (e instanceof HttpClientException) {
            return "cannot reach TensorFlow Serving at " + url + " for " + what + ": " + e.getMessage();
        }
        return "TensorFlow Serving at " + url + " failed for " + what + ": " + e;
    }
}
