package io.recommender.e2e.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The commands in the docs name images and image tarballs the build produces: every {@code .../recommender-*}
 * image a code block names is one of the image modules' names (their {@code image.repository}), every
 * {@code <module>/target/*-image.tar} one a module writes, and the base's placeholder images
 * ({@code ghcr.io/recommender-operator/*}, which nothing publishes) appear in a command only as the name a kustomize
 * images entry replaces.
 */
class ImageNamesInDocsTest {
    static final Pattern IMAGE = Pattern.compile("[a-z0-9.:<>-]+(?:/[a-z0-9._<>-]+)*/(recommender-[a-z0-9-]+)(?=[:@\\s\"'`]|$)");
    static final Pattern TARBALL = Pattern.compile("([a-z-]+)/target/([a-z0-9-]+\\.tar)");
    static final Pattern POM_NAME = Pattern.compile("<image\\.repository>([a-z0-9-]+)</image\\.repository>");
    static final Pattern POM_TAR = Pattern.compile("<tar>\\$\\{project\\.build\\.directory}/([a-z0-9-]+\\.tar)</tar>");
    static final String PLACEHOLDER = "ghcr.io/recommender-operator/";

    /** The images the build makes, and the tarballs, as {@code module/target/file}. */
    record Built(Set<String> names, Set<String> tarballs) {
        static Built read() throws IOException {
            Set<String> names = new TreeSet<>();
            Set<String> tarballs = new TreeSet<>();
            try (Stream<Path> poms = Files.list(Repo.ROOT)) {
                for (Path pom : poms.map(d -> d.resolve("pom.xml")).filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(pom);
                    POM_NAME.matcher(text).results().forEach(m -> names.add(m.group(1)));
                    String module = pom.getParent().getFileName().toString();
                    POM_TAR.matcher(text).results().forEach(m -> tarballs.add(module + "/target/" + m.group(1)));
                }
            }
            return new Built(names, tarballs);
        }
    }

    static List<Path> docs() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.ROOT, 3)) {
            return files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> Repo.ROOT.relativize(f).getNameCount() == 1
                            || !Repo.ROOT.relativize(f).toString().contains("target/"))
                    .filter(f -> !Repo.ROOT.relativize(f).startsWith("data"))
                    .sorted().toList();
        }
    }

    /** The lines of a document's fenced code blocks, each prefixed with where it is. */
    static List<String[]> codeLines(Path doc) throws IOException {
        List<String[]> lines = new ArrayList<>();
        boolean in = false;
        int n = 0;
        for (String line : Files.readAllLines(doc)) {
            n++;
            if (line.strip().startsWith("```")) {
                in = !in;
            } else if (in) {
                lines.add(new String[] {Repo.ROOT.relativize(doc) + ":" + n, line});
            }
        }
        return lines;
    }

    @Test
    void theBuildMakesTheImagesPublishShIsAbout() throws IOException {
        assertThat(Built.read().names()).containsExactlyInAnyOrder("recommender-operator", "recommender-runtime",
                "recommender-training-job", "recommender-load-test", "recommender-tfserving-standin");
        assertThat(Built.read().tarballs()).contains("operator/target/operator-image.tar",
                "runtime-image/target/runtime-image.tar");
    }

    @Test
    void commandsInTheDocsNameWhatTheBuildMakes() throws IOException {
        Built built = Built.read();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs()) {
            for (String[] at : codeLines(doc)) {
                String line = at[1];
                Matcher image = IMAGE.matcher(line);
                while (image.find()) {
                    checked++;
                    String ref = image.group();
                    // Kubernetes object references (deployment/recommender-operator) name objects, not images.
                    boolean object = ref.matches("(deployment|deployments|serviceaccount|lease|leases\\.[a-z.]+)/.*");
                    if (!object && !built.names().contains(image.group(1))) {
                        wrong.add(at[0] + ": image " + ref + " (the build makes " + built.names() + ")");
                    }
                }
                Matcher tar = TARBALL.matcher(line);
                while (tar.find()) {
                    checked++;
                    if (!built.tarballs().contains(tar.group())) {
                        wrong.add(at[0] + ": tarball " + tar.group() + " (the build writes " + built.tarballs() + ")");
                    }
                }
                int p = line.indexOf(PLACEHOLDER);
                if (p >= 0 && !line.substring(0, p).strip().endsWith("name:")) {
                    wrong.add(at[0] + ": " + line.strip() + " (" + PLACEHOLDER + "* is a placeholder nothing publishes)");
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).as("image references checked").isGreaterThan(5);
    }
}
