package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.RecommenderStatus.FeatureStoreStatus;
import io.recommender.contracts.features.MaterializeResult;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;

/**
 * The feature store's side of a Recommender: with source Redis, what became of its initial load, as the
 * FeaturesReady condition and the status's {@code features}; with Bundle, nothing (no condition, no status).
 *
 * @param ready the candidate may be load-tested: Bundle, or Redis with its initial load done
 * @param status the status's {@code features}, null for Bundle
 * @param problem FeaturesReady's reason while a failure needs attention (Degraded says so), else null
 * @param loading the initial load runs or waits to start
 * @param wakeUp when a failed load is due for another attempt, else null
 */
record FeaturesOutcome(boolean ready, FeatureStoreStatus status, String problem, boolean loading, Instant wakeUp) {
    static final String LOADED = "Loaded";
    static final String LOADING = "Loading";
    static final String NO_INITIAL_LOAD = "NoInitialLoad";
    static final String LOAD_FAILED = "InitialLoadFailed";
    static final String LOAD_STUCK = "InitialLoadStuck";
    static final String PASSWORD_MISSING = "PasswordSecretMissing";
    /** How often a missing password Secret is looked for again (no event announces a user's Secret). */
    static final Duration SECRET_LOOK_AGAIN = Duration.ofSeconds(30);
    static final String RETRYING_LOAD = "RetryingInitialLoad";
    static final String AWAITING_RETRY = "AwaitingRetry";
    /** Shortest and longest wait before a failed load runs again; doubling while it keeps failing. */
    static final Duration MIN_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private static final FeaturesOutcome BUNDLE = new FeaturesOutcome(true, null, null, false, null);

    static FeaturesOutcome of(Plan plan, Observation seen, Conditions c, Instant now) {
        FeatureStore store = plan.featureStore();
        if (store == null) {
            c.remove(ConditionTypes.FEATURES_READY);
            return BUNDLE;
        }
        FeaturesOutcome load = load(plan, store, seen, c, now);
        if (seen.passwordProblem() != null) {
            // Without the Secret no pod reaches Redis (the kubelet does not start them), whatever was loaded before;
            // a load's result is still recorded. No event announces a user's Secret, so it is looked for again.
            c.setFalse(ConditionTypes.FEATURES_READY, PASSWORD_MISSING, seen.passwordProblem());
            return new FeaturesOutcome(false, load.status(), PASSWORD_MISSING, false, now.plus(SECRET_LOOK_AGAIN));
        }
        return load;
    }

    private static FeaturesOutcome load(Plan plan, FeatureStore store, Observation seen, Conditions c, Instant now) {
        String where = store.url() + ", prefix '" + store.prefix() + "'";
        FeatureStoreStatus before = plan.status().features();
        if (store.loadHash() == null) {
            // An artifact names no data: the store is read as it is (filled by materialize, or by events alone).
            c.setTrue(ConditionTypes.FEATURES_READY, NO_INITIAL_LOAD, "model.artifact names no training data to load; "
                    + "the recommender reads " + where + " as it is");
            return new FeaturesOutcome(true, new FeatureStoreStatus(store.url(), store.prefix(), null, null, null, null),
                    null, false, null);
        }
        if (plan.featuresLoaded()) {
            c.setTrue(ConditionTypes.FEATURES_READY, LOADED, loadedMessage(before, where));
            return new FeaturesOutcome(true, before, null, false, null);
        }
        // Until this data is loaded, the status keeps describing what the store holds now (an older load or none).
        JobOutcome job = seen.featureLoad();
        if (job instanceof JobOutcome.Succeeded s) {
            Long users = null;
            Long ratings = null;
            if (s.result() != null) {
                try {
                    MaterializeResult m = MaterializeResult.fromJson(s.result());
                    users = m.users();
                    ratings = m.ratings();
                } catch (IllegalArgumentException e) {
                    // The load is done; only its figures are unknown.
                }
            }
            FeatureStoreStatus loaded = new FeatureStoreStatus(store.url(), store.prefix(), store.loadHash(), users,
                    ratings, now.toString());
            c.setTrue(ConditionTypes.FEATURES_READY, LOADED, loadedMessage(loaded, where));
            return new FeaturesOutcome(true, loaded, null, false, null);
        }
        if (job instanceof JobOutcome.Failed f) {
            String why = FeatureStore.masked(f.result() == null ? f.reason() : f.reason() + ": " + f.result());
            Instant failedAt = f.at() == null ? now : f.at();
            Instant since = falseSince(c, null);
            if (since == null) {
                // The first failure: the condition's time restarts here (not at the start of loading), so the
                // backoff, worked out again by every reconcile, measures the failing only.
                c.remove(ConditionTypes.FEATURES_READY);
                since = failedAt;
            }
            Instant due = failedAt.plus(backoff(since, failedAt));
            if (now.isBefore(due)) {
                c.setFalse(ConditionTypes.FEATURES_READY, LOAD_FAILED, "the initial load into " + where
                        + " failed: " + why + "; next attempt at " + due);
                return new FeaturesOutcome(false, before, LOAD_FAILED, false, due);
            }
            // The failed Job is deleted (Plan.featureLoadNeeded) and made again under the same name.
            c.setFalse(ConditionTypes.FEATURES_READY, RETRYING_LOAD, "retrying the initial load into " + where
                    + " after: " + why);
            return new FeaturesOutcome(false, before, LOAD_FAILED, true, null);
        }
        if (seen.featureLoadProblem() != null) {
            c.setFalse(ConditionTypes.FEATURES_READY, LOAD_STUCK, "the initial load into " + where
                    + " cannot start: " + FeatureStore.masked(seen.featureLoadProblem()));
            return new FeaturesOutcome(false, before, LOAD_STUCK, false, null);
        }
        if (plan.blocked()) {
            c.setUnknown(ConditionTypes.FEATURES_READY, AWAITING_RETRY, "the current version was rejected; the "
                    + "initial load runs with the next attempt");
            return new FeaturesOutcome(false, before, null, false, null);
        }
        var previous = Conditions.find(c.list(), ConditionTypes.FEATURES_READY);
        if (previous.isPresent() && LOAD_FAILED.equals(previous.get().getReason()) || previous.isPresent()
                && RETRYING_LOAD.equals(previous.get().getReason())) {
            // Still False since the first failure, so the backoff keeps doubling across attempts; no longer
            // RETRYING_LOAD, so the Job is made again.
            c.setFalse(ConditionTypes.FEATURES_READY, LOAD_FAILED, previous.get().getMessage());
            return new FeaturesOutcome(false, before, LOAD_FAILED, true, null);
        }
        c.setFalse(ConditionTypes.FEATURES_READY, LOADING, job instanceof JobOutcome.Running
                ? "loading the users' state from " + store.dataset() + " into " + where
                : "starting the initial load from " + store.dataset() + " into " + where);
        return new FeaturesOutcome(false, before, null, true, null);
    }

    private static String loadedMessage(FeatureStoreStatus s, String where) {
        return s.users() == null ? "the initial load into " + where + " is done"
                : s.users() + " users' state (" + s.ratings() + " ratings) loaded into " + where;
    }

    /** As long as the load has been failing, within bounds: the wait doubles with each attempt. */
    static Duration backoff(Instant since, Instant failedAt) {
        Duration failing = Duration.between(since, failedAt);
        return failing.compareTo(MIN_BACKOFF) < 0 ? MIN_BACKOFF
                : failing.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : failing;
    }

    private static Instant falseSince(Conditions c, Instant otherwise) {
        return Conditions.find(c.list(), ConditionTypes.FEATURES_READY)
                .filter(x -> "False".equals(x.getStatus()) && x.getLastTransitionTime() != null
                        && (LOAD_FAILED.equals(x.getReason()) || RETRYING_LOAD.equals(x.getReason())))
                .map(x -> Instant.parse(x.getLastTransitionTime())).orElse(otherwise);
    }
}
