package io.recommender.training.cli;

import io.recommender.training.model.ModelImporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Build a model bundle from an externally trained two-tower model: a user-tower SavedModel "
                + "(serving_default signature, any input width), per-user input rows and item embeddings as CSV.")
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--saved-model", required = true, description = "user tower SavedModel directory (saved_model.pb, variables/)")
    Path savedModel;

    @Option(names = "--user-inputs", required = true, description = "CSV: header, then userId,<input values...> per user")
    Path userInputs;

    @Option(names = "--item-embeddings", required = true, description = "CSV: header, then movieId,<embedding values...> per movie")
    Path itemEmbeddings;

    @Option(names = "--movies", description = "MovieLens movies.csv for titles")
    Path movies;

    @Option(names = "--ratings", description = "MovieLens ratings.csv: items each user has seen, and popularity")
    Path ratings;

    @Option(names = "--out", required = true, description = "bundle directory to write (replaced atomically)")
    Path out;

    @Option(names = "--model-name", defaultValue = "recommender", description = "TensorFlow Serving model name (${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--model-version", required = true, description = "positive model version")
    long modelVersion;

    @Override
    public Integer call() throws Exception {
        var manifest = new ModelImporter(System.out).importModel(new ModelImporter.Inputs(savedModel, userInputs,
                itemEmbeddings, movies, ratings), out, modelName, modelVersion);
        System.out.printf("bundle: %s (model %s version %d, %d-dimensional embeddings, user input width %d)%n", out,
                manifest.modelName(), manifest.modelVersion(), manifest.embedding().dimension(),
                manifest.embedding().userInputWidth());
        return 0;
    }
}
