package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;

/**
 * fabric8's CRUD mock server, except that a server-side dry run stores nothing (the stock dispatcher stores it, so
 * the operator's trial of an object before writing it would make the object). The real API server tests check
 * what a dry run validates; this one only has to leave the store alone.
 */
final class CrudMockServer implements AutoCloseable {
    final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new DryRunAwareDispatcher(), false);
    final KubernetesClient client;

    CrudMockServer() {
        server.init();
        client = server.createClient();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    static final class DryRunAwareDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath() != null && request.getPath().contains("dryRun=All")) {
                return new MockResponse().setResponseCode(201).setBody(request.getUtf8Body());
            }
            return super.handleCreate(request);
        }
    }
}
