package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.ModelSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.Fixtures;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.status.ConditionTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A training schedule on the real API server: the operator's clock is moved past a tick (no real waiting), the
 * dataset is served over HTTP by the test so its ETag can change.
 */
class ScheduledRetrainingIT {
    static final Duration WAIT = RecommenderOperatorIT.WAIT;

    OperatorHarness h;
    HttpServer data;
    volatile String etag = "\"v1\"";

    @BeforeEach
    void start() throws IOException {
        data = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        data.createContext("/ml.zip", exchange -> {
            exchange.getResponseHeaders().add("ETag", etag);
            exchange.getResponseHeaders().add("Content-Range", "bytes 0-0/1000");
            exchange.sendResponseHeaders(206, 1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('P');
            }
        });
        data.start();
        h = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        h.close();
        data.stop(0);
    }

    Recommender get() {
        return h.get("movies");
    }

    List<String> trainingJobs() {
        return h.client.batch().v1().jobs().inNamespace(h.namespace).withLabel(Labels.COMPONENT, Labels.TRAINING)
                .list().getItems().stream().map(j -> j.getMetadata().getName()).toList();
    }

    /** Trains (the plan's training Job reports model {@code version}), gates and promotes; waits for it. */
    void trainAndPromote(long version) {
        await().atMost(WAIT).until(() -> {
            Recommender r = get();
            String job = Names.trainingJob(r, Plan.of(r).trainingHash());
            return h.client.batch().v1().jobs().inNamespace(h.namespace).withName(job).get() != null;
        });
        Recommender r = get();
        Plan plan = Plan.of(r);
        h.results.set(Names.trainingJob(r, plan.trainingHash()), Fixtures.packaged(version));
        h.results.set(Names.gateJob(r, plan.identity(), plan.retryToken()), RecommenderOperatorIT.PASS);
        await().atMost(WAIT).until(() -> get().getStatus().stable() != null
                && Long.toString(version).equals(get().getStatus().stable().modelVersion())
                && get().getStatus().phase() == RecommenderStatus.Phase.Ready);
    }

    /** Moves the operator's clock past the next tick and makes it reconcile (as its own wake-up at the tick would). */
    Instant tick() {
        Instant next = Instant.parse(get().getStatus().schedule().nextTick());
        h.clock.advance(Duration.between(h.clock.instant(), next).plusSeconds(30));
        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies")
                .edit(r -> {
                    r.getMetadata().setAnnotations(Map.of("test/tick", next.toString()));
                    return r;
                });
        return next;
    }

    @Test
    void unchangedDataCostsNoJobAndNewDataTrainsTheSameSpecAgain() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RecommenderSpec s = r.getSpec();
        String url = "http://127.0.0.1:" + data.getAddress().getPort() + "/ml.zip";
        r.setSpec(new RecommenderSpec(new ModelSource(new TrainingSpec(url, 5, 32, 42L, 0, null, null, null, null,
                "0 3 * * 1", "Europe/Paris", null), null), s.features(), s.topology(), s.serving(), s.slo(),
                s.registry()));
        h.create(r);
        trainAndPromote(1);
        await().atMost(WAIT).until(() -> "etag \"v1\"".equals(get().getStatus().schedule().dataFingerprint()));
        await().atMost(WAIT).until(() -> trainingJobs().isEmpty());

        // A tick, the data unchanged: one status write, no Job.
        h.statusWrites.clear();
        Instant first = tick();
        await().atMost(WAIT).until(() -> first.toString().equals(get().getStatus().schedule().lastTick()));
        RecommenderStatus st = get().getStatus();
        assertThat(st.schedule().skipped()).contains("the data did not change (etag \"v1\")");
        assertThat(h.condition("movies", ConditionTypes.SCHEDULED)).isEqualTo("True/DataUnchanged");
        assertThat(trainingJobs()).isEmpty();
        assertThat(st.stable().modelVersion()).isEqualTo("1");
        int writes = h.statusWrites.getOrDefault("movies", new java.util.concurrent.atomic.AtomicInteger()).get();
        long events = h.client.v1().events().inNamespace(h.namespace).list().getItems().stream()
                .filter(e -> "DataUnchanged".equals(e.getReason())).count();
        System.out.printf("a tick with unchanged data: %d status write(s), %d Event(s), no Job%n", writes, events);
        assertThat(writes + events).isLessThanOrEqualTo(2);

        // New data at the same URL: the next tick trains the same spec again, in a Job of its own, and promotes it.
        etag = "\"v2\"";
        Instant second = tick();
        await().atMost(WAIT).until(() -> second.toString().equals(get().getStatus().schedule().run()));
        trainAndPromote(2);
        st = get().getStatus();
        assertThat(st.history().get(0).modelVersion()).isEqualTo("1");
        assertThat(st.schedule().dataFingerprint()).isEqualTo("etag \"v2\"");
        assertThat(h.condition("movies", ConditionTypes.SCHEDULED)).isEqualTo("True/RunStarted");
        await().atMost(WAIT).until(() -> trainingJobs().isEmpty());
    }
}
