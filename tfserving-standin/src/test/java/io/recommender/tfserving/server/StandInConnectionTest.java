package io.recommender.tfserving.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.bundle.BundleLayout;
import io.recommender.savedmodel.SavedModelFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP server adds around the API: connections kept open, answers in order, the body limit. */
class StandInConnectionTest {
    @TempDir
    static Path tmp;
    static ServedModel model;
    static StandInServer server;

    record Raw(int status, String headers, String body) {}

    @BeforeAll
    static void start() throws IOException {
        Path base = tmp.resolve("movies");
        SavedModelFixtures.export(SavedModelFixtures.randomTower(3, 3, 6, 2), base.resolve("1"));
        model = ServedModel.loadLatest("movies", base, BundleLayout.SIGNATURE, 1);
        server = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), model, 4, Faults.NONE);
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @Test
    void keepsTheConnectionOpenAndAnswersPipelinedRequestsInOrder() throws Exception {
        String predict = "{\"instances\": [[1, 2, 3]]}";
        // Three requests in one write: the slow predict first, so an unordered server would answer it last.
        String requests = post("/v1/models/movies:predict", predict)
                + "GET /v1/models/other HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1/models/movies HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            List<Raw> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(read(in));
            }
            assertThat(answers).extracting(Raw::status).containsExactly(200, 404, 200);
            assertThat(answers.get(0).body()).startsWith("{\"predictions\":");
            assertThat(answers.get(1).body()).contains("Could not find any versions of model other");
            assertThat(answers.get(2).body()).contains("AVAILABLE");
            assertThat(answers.get(0).headers().toLowerCase()).contains("connection: keep-alive");

            // Still the same connection after all three.
            out.write("GET /v1/models/movies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(US_ASCII));
            out.flush();
            Raw last = read(in);
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.headers().toLowerCase()).contains("connection: close");
            assertThat(in.read()).as("closed after Connection: close").isEqualTo(-1);
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithAnErrorBody() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write(("POST /v1/models/movies:predict HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + (RestApi.MAX_BODY_BYTES + 1)
                    + "\r\n\r\n{").getBytes(US_ASCII));
            Raw answer = read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).isEqualTo("{\"error\":\"request body exceeds " + RestApi.MAX_BODY_BYTES + " bytes\"}");
        }
    }

    @Test
    void garbageIs400NotASilentClose() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("NOT HTTP AT ALL\r\n\r\n".getBytes(US_ASCII));
            Raw answer = read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains("\"error\"");
        }
    }

    private static String post(String path, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length() + "\r\n\r\n" + json;
    }

    /** One response with a Content-Length body, read byte by byte so the next one stays in the stream. */
    private static Raw read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head.toString(US_ASCII));
            }
            head.write(b);
        }
        String headers = head.toString(US_ASCII);
        int status = Integer.parseInt(headers.substring(9, 12));
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElseThrow();
        String body = new String(in.readNBytes(length), US_ASCII);
        return new Raw(status, headers, body);
    }
}
