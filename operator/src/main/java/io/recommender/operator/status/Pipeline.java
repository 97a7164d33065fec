package io.recommender.operator.status;

import io.recommender.api.v1alpha1.ArtifactSpec;
import io.recommender.api.v1alpha1.LoadTestSummary;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.PackagedModel;
import io.recommender.loadtest.report.LoadTestReport;
import io.recommender.loadtest.report.ReportJson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pipeline as a pure function: from a Recommender (spec and the status last recorded) and what the
 * reconciler observed of its Jobs and Deployments, the next status. train -> deploy candidate -> load test ->
 * promote or reject. Everything the next reconcile needs is in the result, so a restarted operator resumes.
 */
public final class Pipeline {
    static final RecommenderStatus EMPTY = new RecommenderStatus(null, null, null, null, null, null, null, null, null);
    /** Promoted versions kept for rollback. */
    public static final int HISTORY = 10;

    private Pipeline() {}

    public static RecommenderStatus next(Recommender r, Observation seen, Instant now) {
        RecommenderStatus prev = Plan.status(r);
        long generation = r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
        Conditions c = new Conditions(prev.conditions(), now, generation);
        String hash = Plan.versionHash(r);
        String token = Plan.retryToken(r);

        ModelVersion stable = prev.stable();
        List<ModelVersion> history = prev.history() == null ? List.of() : prev.history();
        LoadTestSummary lastLoadTest = prev.lastLoadTest();
        String rejected = prev.rejectedSpecHash();
        String retryToken = prev.retryToken();
        ModelVersion candidate = Plan.candidate(r);
        Phase busy = null;

        if (Plan.serving(r)) {
            candidate = null;
        } else if (!Plan.blocked(r)) {
            if (candidate == null) {
                candidate = modelFor(r, hash, generation, stable);
                if (candidate == null) {
                    Trained t = training(r, seen.training(), hash, generation, c);
                    candidate = t.version;
                    busy = t.busy;
                    if (t.failed) {
                        rejected = hash;
                        retryToken = token;
                    }
                }
            }
            if (candidate != null) {
                markModelReady(r, candidate, stable, c);
                if (!seen.candidateReady() && seen.candidateProblem() != null) {
                    // Kubernetes keeps retrying (a pull may succeed once the image is pushed); say why it waits.
                    c.setFalse(ConditionTypes.DEPLOYED, "CandidateFailing", seen.candidateProblem());
                    c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingCandidate", "the candidate is not available yet");
                    busy = Phase.Deploying;
                } else if (!seen.candidateReady()) {
                    c.setFalse(ConditionTypes.DEPLOYED, "CandidateRollingOut",
                            "waiting for the candidate Deployment of version " + candidate.modelVersion() + " to be available");
                    c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingCandidate", "the candidate is not available yet");
                    busy = Phase.Deploying;
                } else {
                    c.setTrue(ConditionTypes.DEPLOYED, "CandidateAvailable",
                            "candidate version " + candidate.modelVersion() + " is available");
                    Gate g = gate(r, seen.gate(), candidate, now);
                    if (g.summary != null) {
                        lastLoadTest = g.summary;
                    }
                    if (g.passed) {
                        c.setTrue(ConditionTypes.LATENCY_VERIFIED, "SloMet", g.message);
                        history = prepend(stable, history);
                        stable = promoted(candidate, now);
                        candidate = null;
                    } else if (g.failed) {
                        c.setFalse(ConditionTypes.LATENCY_VERIFIED, g.reason, g.message);
                        rejected = hash;
                        retryToken = token;
                        candidate = null;
                    } else {
                        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "LoadTestRunning", g.message);
                        busy = Phase.Verifying;
                    }
                }
            }
        }

        boolean blockedNow = hash.equals(rejected) && java.util.Objects.equals(retryToken, token);
        if (stable != null && seen.stableReady()) {
            c.setTrue(ConditionTypes.READY, "Serving", "version " + stable.modelVersion() + " serves traffic");
        } else if (stable != null) {
            c.setFalse(ConditionTypes.READY, "StableUnavailable",
                    "version " + stable.modelVersion() + " has no available pods");
        } else {
            c.setFalse(ConditionTypes.READY, "NoVersionPromoted", "no version has passed the latency gate yet");
        }
        if (busy != null) {
            c.setTrue(ConditionTypes.PROGRESSING, busy.name(), progressMessage(busy, candidate));
        } else {
            c.setFalse(ConditionTypes.PROGRESSING, blockedNow ? "VersionRejected" : "Idle",
                    blockedNow ? "the current spec's version was rejected; edit the spec or set the "
                            + Plan.RETRY_ANNOTATION + " annotation to try again" : "nothing to do");
        }
        if (blockedNow) {
            c.setTrue(ConditionTypes.DEGRADED, "VersionRejected", rejectionMessage(c));
        } else if (candidate != null && !seen.candidateReady() && seen.candidateProblem() != null) {
            c.setTrue(ConditionTypes.DEGRADED, "CandidateFailing", seen.candidateProblem());
        } else {
            c.setFalse(ConditionTypes.DEGRADED, "AsExpected", "no failure");
        }

        Phase phase = busy != null ? busy
                : stable != null && seen.stableReady() ? Phase.Ready
                : blockedNow ? Phase.Failed
                : Phase.Pending;
        return new RecommenderStatus(generation, phase, c.list(), stable, candidate, lastLoadTest,
                history.isEmpty() ? null : history, rejected, retryToken);
    }

    /** A model that needs no training: the artifact, or the stable version's model under a new serving spec. */
    private static ModelVersion modelFor(Recommender r, String hash, long generation, ModelVersion stable) {
        ArtifactSpec a = r.getSpec().model().artifact();
        if (a != null) {
            return new ModelVersion(artifactVersion(a.image(), hash), generation, hash, null, r.getSpec().topology(),
                    a.modelName() == null ? "recommender" : a.modelName(), a.image(), a.tfServingImage(), null, null);
        }
        String t = Plan.trainingHash(r);
        if (stable != null && t.equals(stable.trainingHash())) {
            return new ModelVersion(stable.modelVersion(), generation, hash, t, r.getSpec().topology(), stable.modelName(),
                    stable.image(), stable.tfServingImage(), stable.metrics(), null);
        }
        return null;
    }

    /** A readable version for an artifact: its digest's first hex digits, else its tag, else the spec hash. */
    static String artifactVersion(String image, String hash) {
        int at = image.indexOf("@sha256:");
        if (at >= 0) {
            return "sha256-" + image.substring(at + 8, at + 20);
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "artifact-" + hash;
    }

    private record Trained(ModelVersion version, Phase busy, boolean failed) {}

    private static Trained training(Recommender r, JobOutcome job, String hash, long generation, Conditions c) {
        String t = Plan.trainingHash(r);
        if (job instanceof JobOutcome.Failed f) {
            c.setFalse(ConditionTypes.TRAINED, "TrainingFailed", f.reason());
            return new Trained(null, null, true);
        }
        if (job instanceof JobOutcome.Succeeded s) {
            if (s.result() == null) {
                c.setFalse(ConditionTypes.TRAINED, "TrainingResultMissing",
                        "the training Job succeeded but left no result in its termination message");
                return new Trained(null, null, true);
            }
            try {
                PackagedModel m = PackagedModel.fromJson(s.result());
                return new Trained(new ModelVersion(Long.toString(m.modelVersion()), generation, hash, t,
                        r.getSpec().topology(), m.modelName(), m.image(), m.tfServingImage(),
                        new ModelVersion.ModelMetrics(m.rmse(), m.recallAt10(), m.ndcgAt10()), null), null, false);
            } catch (BundleException e) {
                c.setFalse(ConditionTypes.TRAINED, "InvalidTrainingResult", e.getMessage());
                return new Trained(null, null, true);
            }
        }
        c.setFalse(ConditionTypes.TRAINED, "TrainingInProgress", job instanceof JobOutcome.Running
                ? "the training Job is running" : "starting the training Job");
        c.setUnknown(ConditionTypes.DEPLOYED, "AwaitingModel", "no model to deploy yet");
        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingModel", "no model to test yet");
        return new Trained(null, Phase.Training, false);
    }

    private static void markModelReady(Recommender r, ModelVersion candidate, ModelVersion stable, Conditions c) {
        if (r.getSpec().model().artifact() != null) {
            c.remove(ConditionTypes.TRAINED);
        } else if (stable != null && candidate.modelVersion().equals(stable.modelVersion())) {
            c.setTrue(ConditionTypes.TRAINED, "ModelReused", "the stable version's model " + candidate.modelVersion()
                    + " already matches the training spec");
        } else {
            ModelVersion.ModelMetrics m = candidate.metrics();
            c.setTrue(ConditionTypes.TRAINED, "Trained", "model " + candidate.modelVersion()
                    + (m == null || m.rmse() == null ? "" : String.format(Locale.ROOT, " (test RMSE %.4f, recall@10 %.4f)",
                            m.rmse(), m.recallAt10() == null ? Double.NaN : m.recallAt10())));
        }
    }

    private record Gate(boolean passed, boolean failed, String reason, String message, LoadTestSummary summary) {}

    private static Gate gate(Recommender r, JobOutcome job, ModelVersion candidate, Instant now) {
        if (job instanceof JobOutcome.Succeeded || job instanceof JobOutcome.Failed) {
            String report = job instanceof JobOutcome.Succeeded s ? s.result() : ((JobOutcome.Failed) job).result();
            if (report == null) {
                return new Gate(false, true, "LoadTestFailed", "the load test ended without a report: "
                        + (job instanceof JobOutcome.Failed f ? f.reason() : "no termination message"), null);
            }
            LoadTestReport rep;
            try {
                rep = ReportJson.read(report);
            } catch (IOException | RuntimeException e) {
                return new Gate(false, true, "LoadTestFailed", "the load test's report is unreadable: " + e.getMessage(), null);
            }
            LoadTestSummary summary = summary(rep, candidate, sloP99(r.getSpec().slo()), now);
            String figures = String.format(Locale.ROOT, "%s (p95 %.1f ms, p99 %.1f ms, error rate %.4f, %.0f rps)",
                    rep.verdict().reason(), rep.latencyMs() == null ? Double.NaN : rep.latencyMs().p95(),
                    rep.latencyMs() == null ? Double.NaN : rep.latencyMs().p99(), rep.errorRate(), rep.rps());
            return rep.verdict().passed() ? new Gate(true, false, "SloMet", figures, summary)
                    : new Gate(false, true, "SloNotMet", figures, summary);
        }
        return new Gate(false, false, null, job instanceof JobOutcome.Running ? "the load test is running"
                : "starting the load test of version " + candidate.modelVersion(), null);
    }

    private static LoadTestSummary summary(LoadTestReport rep, ModelVersion candidate, Double sloP99, Instant now) {
        LoadTestReport.Latency l = rep.latencyMs();
        return new LoadTestSummary(candidate.modelVersion(), rep.verdict().passed() ? "Passed" : "Failed",
                rep.verdict().reason(), rep.requests(), rep.failures(), rep.rps(),
                l == null ? null : l.p50(), l == null ? null : l.p95(), l == null ? null : l.p99(),
                l == null ? null : l.max(), rep.errorRate(), sloP99, now.toString());
    }

    static Double sloP99(SloSpec slo) {
        return slo.latency().stream().filter(t -> t.percentile() == 99.0).map(SloSpec.LatencyTarget::maxMs)
                .findFirst().orElse(null);
    }

    private static ModelVersion promoted(ModelVersion v, Instant now) {
        return new ModelVersion(v.modelVersion(), v.generation(), v.specHash(), v.trainingHash(), v.topology(),
                v.modelName(), v.image(), v.tfServingImage(), v.metrics(), now.toString());
    }

    private static List<ModelVersion> prepend(ModelVersion v, List<ModelVersion> history) {
        if (v == null) {
            return history;
        }
        List<ModelVersion> h = new ArrayList<>();
        h.add(v);
        h.addAll(history.subList(0, Math.min(history.size(), HISTORY - 1)));
        return List.copyOf(h);
    }

    private static String progressMessage(Phase busy, ModelVersion candidate) {
        return switch (busy) {
            case Training -> "training a model";
            case Deploying -> "rolling out candidate version " + candidate.modelVersion();
            case Verifying -> "load-testing candidate version " + candidate.modelVersion();
            default -> busy.name();
        };
    }

    private static String rejectionMessage(Conditions c) {
        for (String type : new String[] {ConditionTypes.LATENCY_VERIFIED, ConditionTypes.TRAINED}) {
            var cond = Conditions.find(c.list(), type);
            if (cond.isPresent() && "False".equals(cond.get().getStatus())) {
                return cond.get().getReason() + ": " + cond.get().getMessage();
            }
        }
        return "the current version was rejected";
    }
}
