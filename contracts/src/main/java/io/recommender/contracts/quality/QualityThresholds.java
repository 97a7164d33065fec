package io.recommender.contracts.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The held-out quality a trained model must reach before its images are pushed, as a Recommender's
 * {@code spec.quality} states it: the training Job's package step checks it (and exits with {@link #REFUSED_EXIT}
 * when it is not met, before pushing anything), the operator reports the same verdict. A null threshold is not
 * checked; a threshold on a metric the model does not have (an imported bundle) is not met.
 *
 * @param minRecallAt10 lowest acceptable recall@10 on the held-out test split, in [0, 1]
 * @param minNdcgAt10 lowest acceptable NDCG@10, in [0, 1]
 * @param maxRmse highest acceptable rating RMSE, positive
 * @param maxRegression how much worse than the stable version, as a fraction of its figure, the candidate's recall@10
 *     and NDCG@10 may be on the candidate's own held-out split, in [0, 1]: 0.02 = at least 98 % of the stable
 *     version's. Checked only against a stable version scored on that split ({@link Stable}).
 */
public record QualityThresholds(Double minRecallAt10, Double minNdcgAt10, Double maxRmse, Double maxRegression) {
    /** The package command's exit code when the model misses a threshold (the contract with the operator). */
    public static final int REFUSED_EXIT = 4;
    public static final String MIN_RECALL = "--min-recall-at-10";
    public static final String MIN_NDCG = "--min-ndcg-at-10";
    public static final String MAX_RMSE = "--max-rmse";
    public static final String MAX_REGRESSION = "--max-regression";

    /**
     * The stable (serving) version's ranking on the candidate's held-out split, for {@link #maxRegression}.
     *
     * @param modelVersion the stable version
     */
    public record Stable(String modelVersion, double recallAt10, double ndcgAt10) {}

    public QualityThresholds(Double minRecallAt10, Double minNdcgAt10, Double maxRmse) {
        this(minRecallAt10, minNdcgAt10, maxRmse, null);
    }

    public QualityThresholds {
        requireFraction("minRecallAt10", minRecallAt10);
        requireFraction("minNdcgAt10", minNdcgAt10);
        requireFraction("maxRegression", maxRegression);
        if (maxRmse != null && !(maxRmse > 0 && !maxRmse.isInfinite())) {
            throw new IllegalArgumentException("maxRmse must be a positive number: " + maxRmse);
        }
    }

    /** What was found: passed or not, and the figures next to the thresholds, in one line. */
    public record Verdict(boolean passed, String message) {}

    public boolean any() {
        return minRecallAt10 != null || minNdcgAt10 != null || maxRmse != null || maxRegression != null;
    }

    /** The same thresholds without the relative one: for a candidate with no stable version to compare with. */
    public QualityThresholds withoutRegression() {
        return new QualityThresholds(minRecallAt10, minNdcgAt10, maxRmse, null);
    }

    /** The package command's options for these thresholds. */
    public List<String> args() {
        List<String> args = new ArrayList<>();
        if (minRecallAt10 != null) {
            args.addAll(List.of(MIN_RECALL, Double.toString(minRecallAt10)));
        }
        if (minNdcgAt10 != null) {
            args.addAll(List.of(MIN_NDCG, Double.toString(minNdcgAt10)));
        }
        if (maxRmse != null) {
            args.addAll(List.of(MAX_RMSE, Double.toString(maxRmse)));
        }
        if (maxRegression != null) {
            args.addAll(List.of(MAX_REGRESSION, Double.toString(maxRegression)));
        }
        return args;
    }

    /** The absolute thresholds only; with {@link #maxRegression} set this is not met (there is nothing to compare). */
    public Verdict check(Double rmse, Double recallAt10, Double ndcgAt10) {
        return check(rmse, recallAt10, ndcgAt10, null);
    }

    /**
     * Every threshold; {@link #maxRegression} against {@code stable}, which must then be given: a candidate is never
     * let through because the comparison is missing. Equal to the allowed figure passes.
     */
    public Verdict check(Double rmse, Double recallAt10, Double ndcgAt10, Stable stable) {
        List<String> missed = new ArrayList<>();
        List<String> met = new ArrayList<>();
        atLeast("recall@10", recallAt10, "minRecallAt10", minRecallAt10, missed, met);
        atLeast("NDCG@10", ndcgAt10, "minNdcgAt10", minNdcgAt10, missed, met);
        if (maxRmse != null) {
            if (rmse == null || rmse.isNaN()) {
                missed.add("the model has no held-out RMSE to compare with maxRmse " + fmt(maxRmse));
            } else if (rmse > maxRmse) {
                missed.add("RMSE " + fmt(rmse) + " > maxRmse " + fmt(maxRmse));
            } else {
                met.add("RMSE " + fmt(rmse) + " <= " + fmt(maxRmse));
            }
        }
        if (maxRegression != null) {
            if (stable == null) {
                missed.add("no stable version was scored on this model's split to compare with maxRegression "
                        + fmt(maxRegression));
            } else {
                notWorse("recall@10", recallAt10, stable.recallAt10(), stable.modelVersion(), missed, met);
                notWorse("NDCG@10", ndcgAt10, stable.ndcgAt10(), stable.modelVersion(), missed, met);
            }
        }
        return missed.isEmpty() ? new Verdict(true, String.join(", ", met))
                : new Verdict(false, String.join("; ", missed));
    }

    private static void atLeast(String metric, Double value, String name, Double min, List<String> missed,
            List<String> met) {
        if (min == null) {
            return;
        }
        if (value == null || value.isNaN()) {
            missed.add("the model has no held-out " + metric + " to compare with " + name + " " + fmt(min));
        } else if (value < min) {
            missed.add(metric + " " + fmt(value) + " < " + name + " " + fmt(min));
        } else {
            met.add(metric + " " + fmt(value) + " >= " + fmt(min));
        }
    }

    private void notWorse(String metric, Double value, double stableValue, String stableVersion, List<String> missed,
            List<String> met) {
        // Products of decimals: 0.98 * 0.25 is not exactly 0.245, so equality is judged to 1e-12.
        double allowed = stableValue * (1 - maxRegression);
        String versus = " the stable version " + stableVersion + "'s " + fmt(stableValue) + " on the same split";
        if (value == null || value.isNaN()) {
            missed.add("the model has no held-out " + metric + " to compare with" + versus);
        } else if (value < allowed - 1e-12) {
            missed.add(String.format(Locale.ROOT, "%s %s is %.1f %% below%s (maxRegression %s allows %s)", metric,
                    fmt(value), 100 * (stableValue - value) / stableValue, versus, fmt(maxRegression), fmt(allowed)));
        } else {
            met.add(metric + " " + fmt(value) + " >= " + fmt(allowed) + " (" + fmt(1 - maxRegression) + " x" + versus
                    + ")");
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static void requireFraction(String name, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + value);
        }
    }
}
