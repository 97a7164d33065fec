package io.recommender.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.bundle.FloatTable;
import io.recommender.bundle.ModelBundle;
import io.recommender.bundle.PackagedModel;
import io.recommender.training.TinyData;
import io.recommender.training.TrainedBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainingJobCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TrainingJobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void unknownDeviceIsAUsageError() throws IOException {
        int code = run("train", "--data", TinyData.write(tmp.resolve("d")).toString(), "--out", tmp.resolve("o").toString(),
                "--device", "quantum");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--device").contains("quantum").contains("expected one of [CPU, GPU, AUTO]");
    }

    @Test
    void badDataFailsWithOneLineAndLeavesNoBundle() throws IOException {
        Path data = TinyData.write(tmp.resolve("d"), TinyData.MOVIES, "userId,movieId,rating\n1,10,4\n1,20,great\n");
        int code = run("train", "--data", data.toString(), "--out", tmp.resolve("out").toString(), "--device", "cpu");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: " + data.resolve("ratings.csv") + ":3: rating 'great' is not a number"
                + System.lineSeparator());
        assertThat(names(tmp)).containsExactly("d");
    }

    /** This machine has TensorFlow's CPU build and no GPU: the run ends before reading data, naming that. */
    @Test
    void aGpuRequestWithoutAGpuFailsWithOneLineNamingTheCauseAndLeavesNoBundle() throws IOException {
        int code = run("train", "--data", TrainedBundle.DATA.toString(), "--out", tmp.resolve("out").toString(),
                "--device", "gpu");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --device gpu: TensorFlow sees no GPU: "
                + io.recommender.training.model.GpuDiagnosis.ofThisContainer().reason() + System.lineSeparator());
        assertThat(err.toString()).contains("CPU build");
        assertThat(names(tmp)).isEmpty();
    }

    @Test
    void trainWritesTheBundleAndTheResultForTheOperator() throws IOException {
        Path out = tmp.resolve("bundle");
        Path result = tmp.resolve("result.json");
        int code = run("train", "--data", TrainedBundle.DATA.toString(), "--out", out.toString(), "--epochs", "1",
                "--device", "cpu", "--model-version", "42", "--result-file", result.toString());
        assertThat(code).as(err.toString()).isZero();
        PackagedModel m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(result.toFile(), PackagedModel.class);
        assertThat(m.modelVersion()).isEqualTo(42);
        assertThat(m.modelName()).isEqualTo("recommender");
        assertThat(m.rmse()).isEqualTo(ModelBundle.open(out).manifest().metrics().rmse());
        assertThat(Files.size(result)).isLessThan(4096);
    }

    @Test
    void tooLittleDataToEvaluateIsRefusedClearly() throws IOException {
        Path data = TinyData.write(tmp.resolve("d"));
        int code = run("train", "--data", data.toString(), "--out", tmp.resolve("out").toString(), "--device", "cpu");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: too few ratings to hold out validation and test ratings");
        assertThat(names(tmp)).containsExactly("d");
    }

    @Test
    void importBuildsAnEquivalentBundleFromCsvAndSavedModel() throws IOException {
        ModelBundle trained = ModelBundle.open(TrainedBundle.get().bundle());
        Path users = writeCsv(tmp.resolve("users.csv"), "userId", trained.userInputs(), 0);
        Path items = writeCsv(tmp.resolve("items.csv"), "movieId", trained.items(), 0);
        Path out = tmp.resolve("imported");

        int code = run("import", "--saved-model", trained.savedModelDir().toString(), "--user-inputs", users.toString(),
                "--item-embeddings", items.toString(), "--movies", TrainedBundle.DATA.resolve("movies.csv").toString(),
                "--ratings", TrainedBundle.DATA.resolve("ratings.csv").toString(), "--out", out.toString(),
                "--model-version", "7");

        assertThat(code).as(err.toString()).isZero();
        ModelBundle imported = ModelBundle.open(out);
        assertThat(imported.manifest().source()).isEqualTo("imported");
        assertThat(imported.manifest().modelVersion()).isEqualTo(7);
        assertThat(imported.manifest().embedding()).isEqualTo(trained.manifest().embedding());
        assertThat(imported.items().ids()).containsExactly(trained.items().ids());
        assertThat(imported.items().values()).containsExactly(trained.items().values());
        assertThat(imported.titles()).containsEntry(1, "Toy Story (1995)");
        // Seen items come from all of ratings.csv here: user 1 rated 232 movies.
        assertThat(imported.seen().seenBy(1)).hasSize(232);
    }

    @Test
    void importRejectsInputRowsOfTheWrongWidth() throws IOException {
        ModelBundle trained = ModelBundle.open(TrainedBundle.get().bundle());
        Path users = writeCsv(tmp.resolve("users.csv"), "userId", trained.userInputs(), 1);
        Path items = writeCsv(tmp.resolve("items.csv"), "movieId", trained.items(), 0);

        int code = run("import", "--saved-model", trained.savedModelDir().toString(), "--user-inputs", users.toString(),
                "--item-embeddings", items.toString(), "--out", tmp.resolve("x").toString(), "--model-version", "1");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("does not accept user input rows of width " + (trained.userInputs().cols() - 1));
        assertThat(Files.exists(tmp.resolve("x"))).isFalse();
    }

    @Test
    void importRejectsItemEmbeddingsOfTheWrongDimension() throws IOException {
        ModelBundle trained = ModelBundle.open(TrainedBundle.get().bundle());
        Path users = writeCsv(tmp.resolve("users.csv"), "userId", trained.userInputs(), 0);
        Path items = writeCsv(tmp.resolve("items.csv"), "movieId", trained.items(), 2);

        int code = run("import", "--saved-model", trained.savedModelDir().toString(), "--user-inputs", users.toString(),
                "--item-embeddings", items.toString(), "--out", tmp.resolve("x").toString(), "--model-version", "1");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("item embeddings have dimension " + (trained.items().cols() - 2));
    }

    /** Writes a table as "id,c0,c1,..." dropping its last {@code dropColumns} columns. */
    private static Path writeCsv(Path file, String idColumn, FloatTable t, int dropColumns) throws IOException {
        int cols = t.cols() - dropColumns;
        StringBuilder sb = new StringBuilder(idColumn);
        for (int c = 0; c < cols; c++) {
            sb.append(",c").append(c);
        }
        sb.append('\n');
        for (int r = 0; r < t.rows(); r++) {
            sb.append(t.ids()[r]);
            for (int c = 0; c < cols; c++) {
                sb.append(',').append(t.get(r, c));
            }
            sb.append('\n');
        }
        Files.writeString(file, sb);
        return file;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
