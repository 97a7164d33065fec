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
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.registry.RegistryState;
import java.time.Duration;
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

    /** Shortest and longest wait before retrying a registry: the wait doubles with each failed attempt. */
    static final Duration MIN_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    /**
     * The next status, and when the reconciler should look again though no event comes (a retry that is due
     * later), or null.
     */
    public record Decision(RecommenderStatus status, Instant wakeUp) {}

    public static RecommenderStatus next(Recommender r, Observation seen, Instant now) {
        return decide(r, seen, now).status();
    }

    public static Decision decide(Recommender r, Observation seen, Instant now) {
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
        Instant wakeUp = null;
        String registryProblem = null;

        if (Plan.serving(r)) {
            candidate = null;
        } else if (!Plan.blocked(r)) {
            if (candidate == null) {
                candidate = modelFor(r, hash, generation, stable);
                if (candidate == null) {
                    Trained t = training(r, seen, generation, c, now);
                    candidate = t.version;
                    busy = t.busy;
                    wakeUp = t.wakeUp;
                    registryProblem = t.registryProblem;
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
        GpuState gpu = seen.gpu();
        if (gpu != null) {
            c.set(ConditionTypes.GPU_CAPACITY, gpu.status(), gpu.reason(), gpu.message());
        } else {
            c.remove(ConditionTypes.GPU_CAPACITY);
        }
        if (stable != null && seen.stableReady()) {
            c.setTrue(ConditionTypes.READY, "Serving", "version " + stable.modelVersion() + " serves traffic");
        } else if (stable != null) {
            c.setFalse(ConditionTypes.READY, "StableUnavailable",
                    "version " + stable.modelVersion() + " has no available pods");
        } else {
            c.setFalse(ConditionTypes.READY, "NoVersionPromoted", "no version has passed the latency gate yet");
        }
        if (registryProblem == null && seen.registry() instanceof RegistryState.Unavailable u) {
            // The serving pods' pull credentials cannot be renewed either.
            registryProblem = u.reason();
            c.setFalse(ConditionTypes.IMAGES_READY, u.reason(), u.message());
        }
        if (registryProblem != null && wakeUp == null) {
            wakeUp = now.plus(backoff(c, now));
        }
        if (busy != null) {
            c.setTrue(ConditionTypes.PROGRESSING, busy.name(), progressMessage(busy, candidate));
        } else if (registryProblem != null && !blockedNow) {
            c.setFalse(ConditionTypes.PROGRESSING, registryProblem, "waiting for the registry; retrying with backoff");
        } else {
            c.setFalse(ConditionTypes.PROGRESSING, blockedNow ? "VersionRejected" : "Idle",
                    blockedNow ? "the current spec's version was rejected; edit the spec or set the "
                            + Plan.RETRY_ANNOTATION + " annotation to try again" : "nothing to do");
        }
        if (blockedNow) {
            c.setTrue(ConditionTypes.DEGRADED, "VersionRejected", rejectionMessage(c));
        } else if (registryProblem != null) {
            c.setTrue(ConditionTypes.DEGRADED, registryProblem,
                    Conditions.find(c.list(), ConditionTypes.IMAGES_READY).map(x -> x.getMessage()).orElse(registryProblem));
        } else if (gpu != null && gpu.needsAction()) {
            c.setTrue(ConditionTypes.DEGRADED, gpu.reason(), gpu.message());
        } else if (candidate != null && !seen.candidateReady() && seen.candidateProblem() != null) {
            c.setTrue(ConditionTypes.DEGRADED, "CandidateFailing", seen.candidateProblem());
        } else {
            c.setFalse(ConditionTypes.DEGRADED, "AsExpected", "no failure");
        }

        Phase phase = busy != null ? busy
                : stable != null && seen.stableReady() ? Phase.Ready
                : blockedNow ? Phase.Failed
                : Phase.Pending;
        return new Decision(new RecommenderStatus(generation, phase, c.list(), stable, candidate, lastLoadTest,
                history.isEmpty() ? null : history, rejected, retryToken), wakeUp);
    }

    /** How long a registry has been failing (since ImagesReady turned False), clamped: the wait doubles. */
    static Duration backoff(Instant since, Instant failedAt) {
        Duration failing = Duration.between(since, failedAt);
        return failing.compareTo(MIN_BACKOFF) < 0 ? MIN_BACKOFF : failing.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : failing;
    }

    private static Duration backoff(Conditions c, Instant now) {
        return backoff(falseSince(c.list(), now), now);
    }

    private static Instant falseSince(List<io.fabric8.kubernetes.api.model.Condition> conditions, Instant now) {
        return Conditions.find(conditions, ConditionTypes.IMAGES_READY)
                .filter(x -> "False".equals(x.getStatus()) && x.getLastTransitionTime() != null)
                .map(x -> Instant.parse(x.getLastTransitionTime())).orElse(now);
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

    private record Trained(ModelVersion version, Phase busy, boolean failed, Instant wakeUp, String registryProblem) {
        Trained(ModelVersion version, Phase busy, boolean failed) {
            this(version, busy, failed, null, null);
        }
    }

    /** Exit code of the package command when the registry refused or could not be reached (the contract). */
    static final int REGISTRY_EXIT = 3;
    static final String PACKAGE_CONTAINER = "package";
    /** ImagesReady reasons of a training Job whose push failed: waiting for the retry, and retrying now. */
    public static final String PUSH_FAILED = "RegistryPushFailed";
    public static final String RETRYING_PUSH = "RetryingPush";
    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("@sha256:[0-9a-f]{64}$");

    private static Trained training(Recommender r, Observation seen, long generation, Conditions c, Instant now) {
        String hash = Plan.versionHash(r);
        String t = Plan.trainingHash(r);
        JobOutcome job = seen.training();
        PushTarget target = seen.registry() instanceof RegistryState.Ready ready ? ready.target() : null;
        if (job instanceof JobOutcome.Absent && seen.registry() instanceof RegistryState.Unavailable u) {
            c.setFalse(ConditionTypes.IMAGES_READY, u.reason(), u.message());
            c.setUnknown(ConditionTypes.TRAINED, "AwaitingRegistry", "training starts once the registry can take the "
                    + "model's images");
            awaitModel(c);
            return new Trained(null, null, false, null, u.reason());
        }
        if (job instanceof JobOutcome.Failed f) {
            if (PACKAGE_CONTAINER.equals(f.container()) && Integer.valueOf(REGISTRY_EXIT).equals(f.exitCode())) {
                c.setTrue(ConditionTypes.TRAINED, "Trained", "the model was trained; its images were not pushed");
                Instant failedAt = f.at() == null ? now : f.at();
                Instant due = failedAt.plus(backoff(falseSince(c.list(), failedAt), failedAt));
                String why = f.result() == null ? f.reason() : f.result();
                if (now.isBefore(due)) {
                    c.setFalse(ConditionTypes.IMAGES_READY, PUSH_FAILED, why + "; next attempt at " + due);
                    return new Trained(null, null, false, due, PUSH_FAILED);
                }
                // The failed Job is deleted (Plan.trainingNeeded) and made again under the same name.
                c.setFalse(ConditionTypes.IMAGES_READY, RETRYING_PUSH, "retrying after: " + why);
                return new Trained(null, null, false, null, PUSH_FAILED);
            }
            if (PACKAGE_CONTAINER.equals(f.container())) {
                c.setTrue(ConditionTypes.TRAINED, "Trained", "the model was trained; packaging failed");
                c.setFalse(ConditionTypes.IMAGES_READY, "PackagingFailed", f.result() == null ? f.reason() : f.result());
                return new Trained(null, null, true);
            }
            c.setFalse(ConditionTypes.TRAINED, "TrainingFailed", f.result() == null ? f.reason() : f.reason() + ": " + f.result());
            return new Trained(null, null, true);
        }
        if (job instanceof JobOutcome.Succeeded s) {
            if (s.result() == null) {
                c.setFalse(ConditionTypes.TRAINED, "TrainingResultMissing",
                        "the training Job succeeded but left no result in its termination message");
                return new Trained(null, null, true);
            }
            PackagedModel m;
            try {
                m = PackagedModel.fromJson(s.result());
            } catch (BundleException e) {
                c.setFalse(ConditionTypes.TRAINED, "InvalidTrainingResult", e.getMessage());
                return new Trained(null, null, true);
            }
            String problem = imageProblem(m.image(), target);
            problem = problem != null ? problem : imageProblem(m.tfServingImage(), target);
            if (problem != null) {
                c.setTrue(ConditionTypes.TRAINED, "Trained", "model " + m.modelVersion() + " was trained");
                c.setFalse(ConditionTypes.IMAGES_READY, "InvalidPackagingResult", problem);
                return new Trained(null, null, true);
            }
            return new Trained(new ModelVersion(Long.toString(m.modelVersion()), generation, hash, t,
                    r.getSpec().topology(), m.modelName(), m.image(), m.tfServingImage(),
                    new ModelVersion.ModelMetrics(m.rmse(), m.recallAt10(), m.ndcgAt10()), null), null, false);
        }
        if (job instanceof JobOutcome.Packaging) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "the model is trained; packaging it");
            c.setFalse(ConditionTypes.IMAGES_READY, "Packaging", "pushing the model's images"
                    + (target == null ? "" : " to " + target.repository()));
            awaitModel(c);
            return new Trained(null, Phase.Packaging, false);
        }
        c.setFalse(ConditionTypes.TRAINED, "TrainingInProgress", !(job instanceof JobOutcome.Running)
                ? "starting the training Job" : seen.gpu() != null && !"True".equals(seen.gpu().status())
                ? "the training Job waits for a GPU node (" + seen.gpu().reason() + ")" : "the training Job is running");
        var images = Conditions.find(c.list(), ConditionTypes.IMAGES_READY);
        if (images.isPresent() && (PUSH_FAILED.equals(images.get().getReason())
                || RETRYING_PUSH.equals(images.get().getReason()))) {
            // Still False since the first failure: the backoff keeps doubling across attempts.
            c.setFalse(ConditionTypes.IMAGES_READY, PUSH_FAILED, images.get().getMessage());
        } else {
            c.setUnknown(ConditionTypes.IMAGES_READY, "AwaitingModel", "the images are built once training finishes");
        }
        awaitModel(c);
        return new Trained(null, Phase.Training, false);
    }

    private static void awaitModel(Conditions c) {
        c.setUnknown(ConditionTypes.DEPLOYED, "AwaitingModel", "no model to deploy yet");
        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingModel", "no model to test yet");
    }

    /** The operator rolls out exactly what was pushed: images by digest, in the repository it pushed to. */
    static String imageProblem(String image, PushTarget target) {
        if (!DIGEST.matcher(image).find()) {
            return "the packaging step reported " + image + ", not an image by digest (REPOSITORY@sha256:...)";
        }
        if (target != null && !image.startsWith(target.repository() + "@")) {
            return "the packaging step reported " + image + ", outside repository " + target.repository();
        }
        return null;
    }

    private static void markModelReady(Recommender r, ModelVersion candidate, ModelVersion stable, Conditions c) {
        if (r.getSpec().model().artifact() != null) {
            c.remove(ConditionTypes.TRAINED);
            c.remove(ConditionTypes.IMAGES_READY);
        } else if (stable != null && candidate.modelVersion().equals(stable.modelVersion())) {
            c.setTrue(ConditionTypes.TRAINED, "ModelReused", "the stable version's model " + candidate.modelVersion()
                    + " already matches the training spec");
            c.setTrue(ConditionTypes.IMAGES_READY, "ImagesReused", candidate.image() + ", " + candidate.tfServingImage());
        } else {
            c.setTrue(ConditionTypes.IMAGES_READY, "Pushed", candidate.image() + ", " + candidate.tfServingImage());
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
            case Packaging -> "pushing the trained model's images";
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
