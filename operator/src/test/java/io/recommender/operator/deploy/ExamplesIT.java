package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recommender.testsupport.ControlPlane;
import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples users copy are accepted by the real API server with the committed CRD (server-side dry run,
 * strict field validation as kubectl applies them), and each mistake in examples/invalid is refused with a
 * message naming the field, as its "# expect:" line says.
 */
class ExamplesIT {
    static final Path EXAMPLES = Repo.ROOT.resolve("examples");
    /** A namespace of each run's own: the last run's may still be terminating, refusing even dry runs. */
    static final String NAMESPACE = "examples-it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String EXPECT = "# expect: ";
    static KubernetesClient client;

    @BeforeAll
    static void installCrd() {
        client = ControlPlane.clientWithCrd(NAMESPACE);
    }

    @AfterAll
    static void close() {
        client.namespaces().withName(NAMESPACE).delete();
        client.close();
    }

    static Stream<Path> examples() throws IOException {
        return ControlPlane.yamlFiles(EXAMPLES);
    }

    static Stream<Path> invalidExamples() throws IOException {
        return ControlPlane.yamlFiles(EXAMPLES.resolve("invalid"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleIsAccepted(Path example) throws IOException {
        GenericKubernetesResource created = ControlPlane.dryRunCreate(client, NAMESPACE, example);

        assertThat(created.getKind()).isEqualTo("Recommender");
        assertThat(created.getMetadata().getUid()).as("the server's dry run fills in a uid").isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void mistakeIsRefusedNamingTheField(Path example) throws IOException {
        List<String> expected = Files.readAllLines(example).stream().filter(l -> l.startsWith(EXPECT))
                .map(l -> l.substring(EXPECT.length()).strip()).toList();
        assertThat(expected).as("%s says what the refusal names in one \"%s\" line", example, EXPECT.strip())
                .singleElement().asString().isNotBlank();

        KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
                () -> ControlPlane.dryRunCreate(client, NAMESPACE, example));

        assertThat(refused).as("%s is refused", example).isNotNull();
        // 422 for a schema or rule violation; 400 for a field the schema does not know.
        assertThat(refused.getCode()).isIn(400, 422);
        assertThat(refused.getMessage()).contains(expected.get(0));
    }
}
