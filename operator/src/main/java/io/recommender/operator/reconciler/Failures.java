package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.act.ChildFields;
import io.recommender.operator.status.InvalidSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * What a failed reconcile tells the user, and when it is tried again. A spec Kubernetes refuses (an owned object
 * refused with 400, 409 AlreadyExists or 422, or a collision found before writing) is {@code InvalidSpec}, anything
 * else {@code ReconcileError}; either way the message is one line, naming the Recommender's field where one maps,
 * without the API server's URL or an exception class. Attempts back off exponentially per Recommender, from
 * {@link #FIRST} doubling to {@link #MAX}, and start over after a reconcile that succeeds.
 */
final class Failures {
    static final String INVALID_SPEC = "InvalidSpec";
    static final String RECONCILE_ERROR = "ReconcileError";
    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration MAX = Duration.ofMinutes(5);
    static final int MAX_MESSAGE = 512;
    private static final Pattern URL = Pattern.compile("https?://\\S+");

    record Failure(String reason, String message) {}

    private record Attempts(int count, long lastNanos) {}

    private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    Failures() {
        this(System::nanoTime);
    }

    Failures(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The delay before the next attempt after this failure of {@code uid}; each failure doubles it, up to MAX. */
    Duration backoff(String uid) {
        long now = nanoTime.getAsLong();
        // A deleted Recommender gets no further reconcile to clear its count (the operator keeps no finalizer), so
        // counts not touched for twice the longest delay are dropped: a live one fails again well before that.
        attempts.values().removeIf(a -> now - a.lastNanos() > 2 * MAX.toNanos());
        int n = attempts.merge(uid, new Attempts(1, now), (a, b) -> new Attempts(a.count() + 1, now)).count();
        long seconds = FIRST.toSeconds() << Math.min(n - 1, 16);
        return seconds >= MAX.toSeconds() ? MAX : Duration.ofSeconds(seconds);
    }

    int attempt(String uid) {
        Attempts a = attempts.get(uid);
        return a == null ? 0 : a.count();
    }

    /** How many Recommenders have a failure count (for tests). */
    int tracked() {
        return attempts.size();
    }

    void succeeded(String uid) {
        attempts.remove(uid);
    }

    static Failure describe(Exception e, Recommender r) {
        List<Throwable> causes = new ArrayList<>();
        flatten(e, causes);
        // A refusal of the spec says more than whatever else failed beside it.
        for (Throwable t : causes) {
            if (t instanceof InvalidSpecException invalid) {
                return new Failure(INVALID_SPEC, oneLine(invalid.getMessage()));
            }
        }
        for (Throwable t : causes) {
            if (t instanceof KubernetesClientException k && refusal(k)) {
                return new Failure(INVALID_SPEC, oneLine(refused(k, r)));
            }
        }
        Throwable first = causes.isEmpty() ? e : causes.get(0);
        return new Failure(RECONCILE_ERROR, oneLine(plain(first)));
    }

    /** The causes worth reading: each dependent's failure of an aggregate, and each cause's root-most client error. */
    private static void flatten(Throwable t, List<Throwable> into) {
        if (t instanceof AggregatedOperatorException aggregate && aggregate.getAggregatedExceptions() != null
                && !aggregate.getAggregatedExceptions().isEmpty()) {
            // In the dependents' order by name, so that the same failures read the same on every attempt.
            new java.util.TreeMap<>(aggregate.getAggregatedExceptions()).values().forEach(x -> flatten(x, into));
            return;
        }
        Throwable useful = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InvalidSpecException || c instanceof KubernetesClientException) {
                useful = c;
                break;
            }
        }
        into.add(useful);
    }

    /**
     * An optimistic-lock conflict (409 other than AlreadyExists): someone else wrote first, the next reconcile is
     * imminent and sees the new version. Not the spec's fault, and not worth a status write or a backoff.
     */
    static boolean conflict(Exception e) {
        List<Throwable> causes = new ArrayList<>();
        flatten(e, causes);
        return !causes.isEmpty() && causes.stream().allMatch(t -> t instanceof KubernetesClientException k
                && k.getCode() == 409 && !refusal(k));
    }

    /** The Recommender itself is gone (deleted during the reconcile): nothing to report, its deletion follows. */
    static boolean recommenderGone(Exception e) {
        List<Throwable> causes = new ArrayList<>();
        flatten(e, causes);
        return causes.stream().anyMatch(t -> t instanceof KubernetesClientException k && k.getCode() == 404
                && k.getStatus() != null && k.getStatus().getDetails() != null
                && "recommenders".equals(k.getStatus().getDetails().getKind()));
    }

    static boolean refusal(KubernetesClientException k) {
        return k.getCode() == 400 || k.getCode() == 422
                || (k.getCode() == 409 && k.getStatus() != null && "AlreadyExists".equals(k.getStatus().getReason()));
    }

    /** "field: cause" for the Recommender's field where the object's field maps, else the object and the cause. */
    static String refused(KubernetesClientException k, Recommender r) {
        Status s = k.getStatus();
        String kind = s == null || s.getDetails() == null ? null : s.getDetails().getKind();
        String name = s == null || s.getDetails() == null ? null : s.getDetails().getName();
        String object = (kind == null ? "an owned object" : displayKind(kind)) + (name == null ? "" : " " + name);
        if (s != null && s.getDetails() != null && s.getDetails().getCauses() != null
                && !s.getDetails().getCauses().isEmpty()) {
            StatusCause cause = s.getDetails().getCauses().get(0);
            String field = ChildFields.map(displayKind(kind), name, r.getMetadata().getName(), cause.getField());
            String message = cause.getMessage() == null ? "refused" : cause.getMessage();
            int more = s.getDetails().getCauses().size() - 1;
            String suffix = more > 0 ? " (and " + more + " more)" : "";
            return field != null ? field + ": " + message + suffix
                    : "Kubernetes refused the " + object + ": " + (cause.getField() == null ? "" : cause.getField()
                    + ": ") + message + suffix;
        }
        String message = s != null && s.getMessage() != null ? s.getMessage() : k.getMessage();
        return "Kubernetes refused the " + object + ": " + message;
    }

    /** Kinds as the API server names them in details: plural lower case resources (e.g. "jobs", "services"). */
    private static String displayKind(String kind) {
        if (kind == null) {
            return null;
        }
        return switch (kind.toLowerCase()) {
            case "jobs", "job" -> "Job";
            case "deployments", "deployment" -> "Deployment";
            case "services", "service" -> "Service";
            case "configmaps", "configmap" -> "ConfigMap";
            case "serviceaccounts", "serviceaccount" -> "ServiceAccount";
            case "secrets", "secret" -> "Secret";
            case "horizontalpodautoscalers", "horizontalpodautoscaler" -> "HorizontalPodAutoscaler";
            case "poddisruptionbudgets", "poddisruptionbudget" -> "PodDisruptionBudget";
            default -> kind;
        };
    }

    private static String plain(Throwable t) {
        if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
                || root.getMessage().startsWith(root.getCause().getClass().getName()))) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The first line, without URLs or an exception class in front, at most MAX_MESSAGE characters. */
    static String oneLine(String message) {
        String line = message == null ? "" : message.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        line = line.replaceFirst("^([a-z0-9_$]+\\.)+[A-Za-z0-9_$]*(Exception|Error):\\s*", "");
        line = URL.matcher(line).replaceAll("the API server");
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 3) + "..." : line;
    }
}
