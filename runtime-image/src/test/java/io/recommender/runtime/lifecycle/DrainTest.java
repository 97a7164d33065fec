package io.recommender.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A draining replica answers, closing each connection after its answer, and reports itself not ready. */
class DrainTest {
    private static final String BODY = "{\"uid\": 3}";

    /** One POST /predict on an open connection: the status line and headers (lower case) of the answer. */
    private static List<String> predict(Socket socket, BufferedReader in) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<String> head = new ArrayList<>();
        int length = 0;
        for (String line; !(line = in.readLine()).isEmpty(); ) {
            head.add(line.toLowerCase(Locale.ROOT));
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        in.skip(length);
        return head;
    }

    @Test
    void drainingClosesEachConnectionAfterItsAnswerAndTurnsReadinessDown() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1,
                "recommender.bundle-path", TestBundles.standard().toString(), "recommender.kernel", "scalar"))) {
            Http http = new Http(URI.create(server.getURL().toString()));
            assertThat(http.get("/health/readiness").status()).isEqualTo(200);
            try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                List<String> before = predict(socket, in);
                assertThat(before.get(0)).startsWith("http/1.1 200");
                assertThat(before).doesNotContain("connection: close");

                server.getApplicationContext().getBean(Drain.class).start();

                // Same connection, kept alive from before: answered, then closed by the server.
                List<String> during = predict(socket, in);
                assertThat(during.get(0)).startsWith("http/1.1 200");
                assertThat(during).contains("connection: close");
                assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
            }
            Http.Answer readiness = http.get("/health/readiness");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.json().at("/details/drain/details/reason").asText()).contains("draining");
            assertThat(http.post("/predict", BODY).status()).isEqualTo(200);
        }
    }
}
