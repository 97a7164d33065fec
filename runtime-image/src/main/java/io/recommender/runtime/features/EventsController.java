package io.recommender.runtime.features;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.runtime.api.ErrorBody;
import io.recommender.runtime.api.JsonValues;
import io.recommender.runtime.model.LoadedModel;
import io.recommender.runtime.model.ModelService;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: a user rated a movie. {@code {"userId": 42, "movieId": 318, "rating": 4.5}} or
 * {@code {"events": [...]}} (at most {@value #MAX_BATCH}); an optional {@code "timestamp"} (epoch seconds)
 * says when, otherwise now. Each event updates the user's state in the feature store atomically (a re-rating
 * replaces the old rating) and is appended to the events stream. 202 {@code {"accepted": n}} only once every
 * event is stored; 4xx for input the service cannot accept, naming the field; 503 with {@code Retry-After}
 * when Redis cannot take the events (none is acknowledged, and sending them again is safe).
 */
@Controller
@Requires(property = "recommender.features.source", value = "redis")
public class EventsController {
    static final int MAX_BATCH = 100;
    static final String RETRY_AFTER_SECONDS = "1";
    private static final Logger LOG = LoggerFactory.getLogger(EventsController.class);
    /** Events may be a little ahead of this clock (another machine's), not more. */
    private static final long MAX_CLOCK_SKEW_SECONDS = 300;

    private final FeatureStoreClient features;
    private final ModelService models;
    private final JsonMapper json;
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile MovieIds movieIds;

    public EventsController(FeatureStoreClient features, ModelService models, JsonMapper json) {
        this.features = features;
        this.models = models;
        this.json = json;
    }

    @Post(uri = "/v1/events", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> events(@Body @Nullable String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            return bad(HttpStatus.BAD_REQUEST, null, "malformed JSON: the body must be an event like "
                    + "{\"userId\": 1, \"movieId\": 1, \"rating\": 4.5} or {\"events\": [...]}");
        }
        if (root == null || !root.isObject()) {
            return bad(HttpStatus.BAD_REQUEST, null, "the body must be a JSON object: an event like "
                    + "{\"userId\": 1, \"movieId\": 1, \"rating\": 4.5} or {\"events\": [...]}");
        }
        LoadedModel model = models.require();
        long now = System.currentTimeMillis() / 1000;
        List<Event> events = new ArrayList<>();
        try {
            JsonNode batch = root.get("events");
            if (batch != null) {
                if (root.size() != 1) {
                    throw new Invalid(HttpStatus.BAD_REQUEST, "events",
                            "a batch is {\"events\": [...]} with nothing beside the list");
                }
                if (!batch.isArray() || batch.size() == 0) {
                    throw new Invalid(HttpStatus.BAD_REQUEST, "events", "events must be a non-empty list of events");
                }
                if (batch.size() > MAX_BATCH) {
                    throw new Invalid(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "events",
                            "a batch holds at most " + MAX_BATCH + " events, this one has " + batch.size()
                                    + ": send it in parts");
                }
                for (int i = 0; i < batch.size(); i++) {
                    events.add(event(batch.get(i), "events[" + i + "].", model, now));
                }
            } else {
                events.add(event(root, "", model, now));
            }
        } catch (Invalid e) {
            return bad(e.status, e.field, e.getMessage());
        } catch (Unavailable e) {
            return unavailable(e.cause);
        }
        try {
            features.store().record(events);
            return HttpResponse.accepted().body(new EventsAccepted(events.size()));
        } catch (FeatureStoreException e) {
            return unavailable(e);
        }
    }

    private HttpResponse<ErrorBody> unavailable(FeatureStoreException e) {
        log(e);
        return HttpResponse.<ErrorBody>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", RETRY_AFTER_SECONDS)
                .body(new ErrorBody("the feature store could not store every event, so none is acknowledged; "
                        + "sending them again later is safe (" + reason(e) + ")", null));
    }

    private Event event(JsonNode node, String path, LoadedModel model, long now) throws Invalid {
        if (node == null || !node.isObject()) {
            throw new Invalid(HttpStatus.BAD_REQUEST, path.isEmpty() ? null : path.substring(0, path.length() - 1),
                    "an event is an object like {\"userId\": 1, \"movieId\": 1, \"rating\": 4.5}");
        }
        long userId = integer(node, path, "userId", 0, Integer.MAX_VALUE, true);
        long movieId = integer(node, path, "movieId", Integer.MIN_VALUE, Integer.MAX_VALUE, true);
        JsonNode r = node.get("rating");
        if (r == null || r.isNull()) {
            throw new Invalid(HttpStatus.BAD_REQUEST, path + "rating", "rating is required (0.5 to 5 in steps of 0.5)");
        }
        if (!r.isNumber()) {
            throw new Invalid(HttpStatus.BAD_REQUEST, path + "rating", "rating must be a number, got " + JsonValues.describe(r));
        }
        double rating = r.getNumberValue().doubleValue();
        int halfStars = Event.halfStarsOf(rating);
        if (halfStars < 0) {
            throw new Invalid(HttpStatus.BAD_REQUEST, path + "rating",
                    "rating " + r.getNumberValue() + " is not one of 0.5, 1.0, 1.5, ... 5.0");
        }
        long time = node.get("timestamp") == null ? now
                : integer(node, path, "timestamp", 0, now + MAX_CLOCK_SKEW_SECONDS, false);
        if (!movieIds(model).contains((int) movieId)) {
            throw new Invalid(HttpStatus.UNPROCESSABLE_ENTITY, path + "movieId",
                    "movie " + movieId + " is not one the model knows");
        }
        int genres;
        try {
            genres = features.genres((int) movieId);
        } catch (FeatureStoreException e) {
            throw new Unavailable(e);
        }
        if (genres < 0) {
            throw new Unavailable(new FeatureStoreException(FeatureStoreException.Kind.CONFIGURATION,
                    "the feature store's movie catalog at " + features.address() + " has no movie " + movieId
                            + ": run training-job materialize on this model's data", null));
        }
        return new Event((int) userId, (int) movieId, halfStars, time, genres);
    }

    private static long integer(JsonNode node, String path, String name, long min, long max, boolean required)
            throws Invalid {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new Invalid(HttpStatus.BAD_REQUEST, path + name, name + " is required");
            }
            return min;
        }
        if (!v.isNumber() || !JsonValues.isIntegral(v.getNumberValue())) {
            throw new Invalid(HttpStatus.BAD_REQUEST, path + name, name + " must be a whole number, got " + JsonValues.describe(v));
        }
        Number n = v.getNumberValue();
        BigInteger big = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
        if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
            String range = name.equals("timestamp") ? " (epoch seconds, not in the future)" : " (" + min + ".." + max + ")";
            throw new Invalid(HttpStatus.BAD_REQUEST, path + name, name + " " + n + " is out of range" + range);
        }
        return big.longValue();
    }

    /** The bundle's movie ids, computed once per loaded model. */
    private Set<Integer> movieIds(LoadedModel model) {
        MovieIds ids = movieIds;
        if (ids == null || ids.model != model) {
            Set<Integer> set = new HashSet<>(model.itemCount() * 2);
            for (int row = 0; row < model.itemCount(); row++) {
                set.add(model.movieId(row));
            }
            ids = new MovieIds(model, set);
            movieIds = ids;
        }
        return ids.ids;
    }

    private record MovieIds(LoadedModel model, Set<Integer> ids) {}

    private static String reason(FeatureStoreException e) {
        return e.getMessage();
    }

    /** Problems an operator must fix at ERROR; Redis being away at WARN, at most once a second. */
    private void log(FeatureStoreException e) {
        if (e.kind() == FeatureStoreException.Kind.UNAVAILABLE) {
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last > 1_000_000_000L && lastWarning.compareAndSet(last, now)) {
                LOG.warn("events refused with 503: {}", reason(e));
            }
        } else {
            LOG.error("events refused with 503: {}", reason(e));
        }
    }

    private static HttpResponse<ErrorBody> bad(HttpStatus status, @Nullable String field, String message) {
        return HttpResponse.<ErrorBody>status(status).body(new ErrorBody(message, field));
    }

    /** Input the service cannot accept. */
    private static class Invalid extends Exception {
        final HttpStatus status;
        final String field;

        Invalid(HttpStatus status, String field, String message) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }
    }

    /** Redis could not be asked about an event: carried out of the validation as a 503. */
    private static final class Unavailable extends RuntimeException {
        final FeatureStoreException cause;

        Unavailable(FeatureStoreException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }
}
