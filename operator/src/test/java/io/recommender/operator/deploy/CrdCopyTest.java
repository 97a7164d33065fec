package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kustomize loads no file outside operator/deploy, and Helm none outside its chart, so each installs a copy of the
 * committed CRD.
 */
class CrdCopyTest {
    @ParameterizedTest
    @ValueSource(strings = {"operator/deploy/crd", "charts/recommender-operator/files"})
    void copyOfTheCrdIsIdenticalToTheCommittedOne(String dir) throws IOException {
        Path committed = Repo.ROOT.resolve("crds/recommenders.recommender.io-v1.yml");
        Path copy = Repo.ROOT.resolve(dir).resolve("recommenders.recommender.io-v1.yml");

        assertThat(Files.mismatch(committed, copy))
                .as("%s differs from %s at this byte; after changing the CRD run: cp %s %s", copy, committed,
                        Repo.ROOT.relativize(committed), Repo.ROOT.relativize(copy))
                .isEqualTo(-1L);
    }
}
