package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recommender.testsupport.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of hand-written Recommenders, one mistake (or one edge case) per file under
 * src/test/resources/crd-corpus, applied to the real API server with the committed CRD as kubectl applies them
 * (server-side dry run, strict field validation). Each file under invalid/ is refused with every "# expect:" line
 * in the message (the field's path and what is wrong, in words); each file under valid/ is accepted. Each file under
 * operator/ is accepted too, although nothing can run it: Kubernetes refuses an object the operator builds from it
 * (a request above the default limit the operator adds, say) or it collides with another Recommender's objects.
 * No schema rule can see that; the operator makes the first kind runnable (its defaults follow what the spec gives)
 * and refuses the second in the Recommender's status as InvalidSpec (issue #21, part 2).
 *
 * <p>Kubernetes stops its CEL rules when a type, required-field, enum or size error is found and then adds "some
 * validation rules were not checked because the object was invalid" to the message. The schema avoids that where it
 * can (enums are CEL rules); a file whose mistake cannot avoid it says so with a "# noise:" line.
 */
class CrdCorpusIT {
    static final Path CORPUS = Path.of("src", "test", "resources", "crd-corpus");
    static final String NAMESPACE = "crd-corpus-" + UUID.randomUUID().toString().substring(0, 8);
    static final String EXPECT = "# expect: ";
    static final String NOISE = "some validation rules were not checked";
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

    static Stream<Path> invalid() throws IOException {
        return ControlPlane.yamlFiles(CORPUS.resolve("invalid"));
    }

    static Stream<Path> valid() throws IOException {
        return ControlPlane.yamlFiles(CORPUS.resolve("valid"));
    }

    @Test
    void theCorpusIsLargeEnough() throws IOException {
        assertThat(invalid().count()).isGreaterThanOrEqualTo(60);
        assertThat(valid().count()).isGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void mistakeIsRefusedNamingTheFieldInWords(Path spec) throws IOException {
        List<String> lines = Files.readAllLines(spec);
        List<String> expected = lines.stream().filter(l -> l.startsWith(EXPECT))
                .map(l -> l.substring(EXPECT.length()).strip()).toList();
        assertThat(expected).as("%s says what the refusal names", spec).isNotEmpty();
        assertThat(expected.get(0)).as("the first expect line of %s is the field's path", spec)
                .matches("(spec|metadata)[.\\w\\[\\]]*( must.*)?");

        KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
                () -> ControlPlane.dryRunCreate(client, NAMESPACE, spec));

        assertThat(refused).as("%s is refused", spec).isNotNull();
        // 422 for a schema or rule violation; 400 for a field the schema does not know.
        assertThat(refused.getCode()).isIn(400, 422);
        String message = refused.getMessage();
        for (String e : expected) {
            assertThat(message).as("the refusal of %s", spec).contains(e);
        }
        assertThat(message).as("the refusal of %s shows no regular expression", spec).doesNotContain("should match '");
        if (lines.stream().noneMatch(l -> l.startsWith("# noise:"))) {
            assertThat(message).as("the refusal of %s", spec).doesNotContain(NOISE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void edgeCaseIsAccepted(Path spec) throws IOException {
        GenericKubernetesResource created = ControlPlane.dryRunCreate(client, NAMESPACE, spec);

        assertThat(created.getMetadata().getUid()).as("the server's dry run fills in a uid").isNotBlank();
    }

    static Stream<Path> onlyTheOperatorCanRefuse() throws IOException {
        return ControlPlane.yamlFiles(CORPUS.resolve("operator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onlyTheOperatorCanRefuse")
    void unrunnableSpecTheSchemaCannotSeeIsAccepted(Path spec) throws IOException {
        GenericKubernetesResource created = ControlPlane.dryRunCreate(client, NAMESPACE, spec);

        assertThat(created.getMetadata().getUid()).isNotBlank();
    }
}
