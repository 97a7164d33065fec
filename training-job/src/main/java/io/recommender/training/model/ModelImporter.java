package io.recommender.training.model;

import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.BundleWriter;
import io.recommender.bundle.Checksums;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.SeenItems;
import io.recommender.training.data.CsvRows;
import io.recommender.training.data.DataFormatException;
import io.recommender.training.data.Movie;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Builds a bundle from a two-tower model trained elsewhere. The user tower's {@code serving_default}
 * signature must have one float input of shape [batch, width] and one output of [batch, dimension]; the
 * per-user input rows must have that width and the item embeddings that dimension. Shapes are checked by
 * running the SavedModel, not just by reading its signature.
 */
public final class ModelImporter {
    /** User rows run through the model to check its output shape; enough to catch a mismatch. */
    static final int PROBE_ROWS = 64;

    /** @param movies and ratings are optional (null): titles, seen items and popularity come from them */
    public record Inputs(Path savedModel, Path userInputs, Path itemEmbeddings, Path movies, Path ratings) {}

    private final PrintStream log;

    public ModelImporter(PrintStream log) {
        this.log = log;
    }

    public Manifest importModel(Inputs in, Path out, String modelName, long modelVersion) throws IOException {
        if (!Files.isRegularFile(in.savedModel().resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(in.savedModel() + ": no saved_model.pb; not a SavedModel directory");
        }
        if (in.ratings() != null && in.movies() == null) {
            throw new IllegalArgumentException("--ratings needs --movies, to check the rated movie ids");
        }
        FloatTable users = readIdTable(in.userInputs(), "userId");
        FloatTable items = readIdTable(in.itemEmbeddings(), "movieId");
        Manifest.Embedding embedding = checkModel(in.savedModel(), users, items);
        log.printf("user tower: input '%s' width %d, output '%s' dimension %d%n", embedding.inputName(),
                embedding.userInputWidth(), embedding.outputName(), embedding.dimension());

        Map<Integer, String> titles = new HashMap<>();
        float[] popularity = new float[items.rows()];
        SeenItems seen = SeenItems.of(new int[0], new int[0][]);
        if (in.movies() != null) {
            Movie[] movies = MovieLensReader.readMovies(in.movies());
            for (Movie m : movies) {
                titles.put(m.movieId(), m.title());
            }
            if (in.ratings() != null) {
                Ratings ratings = MovieLensReader.readRatings(in.ratings(), movies);
                seen = seenAndPopularity(ratings, items.ids(), popularity);
            }
        }
        if (in.ratings() == null) {
            log.println("warning: no --ratings: no item has a popularity, so the service answers 404 for users the "
                    + "model does not know (it has no most rated items to offer them), and nothing a user has seen "
                    + "is left out of their recommendations; pass --movies and --ratings to have both");
        }

        try (BundleWriter writer = BundleWriter.create(out, modelName, modelVersion)) {
            copyTree(in.savedModel(), writer.savedModelDir());
            writer.writeUserInputs(users);
            writer.writeItems(items);
            writer.writeItemPopularity(new FloatTable(items.ids(), 1, popularity));
            writer.writeSeen(seen);
            writer.writeTitles(titles);
            return writer.commit(new Manifest(BundleLayout.FORMAT_VERSION, modelName, modelVersion,
                    Instant.now().toString(), "imported", fingerprint(in), embedding, Map.of(), null,
                    Map.of("users", (long) users.rows(), "items", (long) items.rows()), new TreeMap<>()));
        }
    }

    private static Manifest.Embedding checkModel(Path dir, FloatTable users, FloatTable items) {
        try (SavedModelBundle model = SavedModelBundle.load(dir.toString(), "serve")) {
            Signature sig = model.signatures().stream().filter(s -> s.key().equals(BundleLayout.SIGNATURE))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(dir + ": the SavedModel has no '"
                            + BundleLayout.SIGNATURE + "' signature"));
            if (sig.inputNames().size() != 1 || sig.outputNames().size() != 1) {
                throw new IllegalArgumentException(dir + ": the '" + BundleLayout.SIGNATURE + "' signature must have"
                        + " one input and one output, it has inputs " + sig.inputNames() + " and outputs "
                        + sig.outputNames());
            }
            String input = sig.inputNames().iterator().next();
            String output = sig.outputNames().iterator().next();
            int rows = Math.min(PROBE_ROWS, users.rows());
            float[] probe = Arrays.copyOf(users.values(), rows * users.cols());
            long[] shape;
            try (TFloat32 t = Tensors.matrix(probe, rows, users.cols());
                    Result r = model.function(BundleLayout.SIGNATURE).call(Map.<String, Tensor>of(input, t))) {
                shape = r.get(output).orElseThrow().shape().asArray();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(dir + ": the user tower does not accept user input rows of width "
                        + users.cols() + ": " + e.getMessage(), e);
            }
            if (shape.length != 2 || shape[0] != rows || shape[1] != items.cols()) {
                throw new IllegalArgumentException(dir + ": the user tower outputs shape " + Arrays.toString(shape)
                        + " for " + rows + " rows, but item embeddings have dimension " + items.cols());
            }
            return new Manifest.Embedding(items.cols(), users.cols(), BundleLayout.SIGNATURE, input, output);
        }
    }

    /** Reads "id,v1,v2,..." rows after a header; every row must have the header's width. */
    static FloatTable readIdTable(Path file, String idColumn) throws IOException {
        try (CsvRows rows = CsvRows.open(file, idColumn)) {
            if (rows.column(0) != 0 || rows.header().length < 2) {
                throw new DataFormatException(file, 1, "expected header '" + idColumn + ",<value columns...>'");
            }
            int width = rows.header().length - 1;
            int[] ids = new int[1024];
            float[] values = new float[1024 * width];
            Set<Integer> seen = new HashSet<>();
            int n = 0;
            for (String[] row; (row = rows.next()) != null; ) {
                if (row.length != width + 1) {
                    throw rows.error("expected " + (width + 1) + " columns, found " + row.length);
                }
                int id = rows.parseInt(row[0], idColumn);
                if (!seen.add(id)) {
                    throw rows.error(idColumn + " " + id + " appears twice");
                }
                if ((n + 1) * width > values.length) {
                    values = Arrays.copyOf(values, values.length * 2);
                }
                for (int c = 0; c < width; c++) {
                    double v = rows.parseDouble(row[c + 1], rows.header()[c + 1]);
                    if (!Double.isFinite(v)) {
                        throw rows.error(rows.header()[c + 1] + " is not finite");
                    }
                    values[n * width + c] = (float) v;
                }
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                }
                ids[n] = id;
                n++;
            }
            if (n == 0) {
                throw new DataFormatException(file, 0, "no rows after the header");
            }
            return new FloatTable(Arrays.copyOf(ids, n), width, Arrays.copyOf(values, n * width));
        }
    }

    private static SeenItems seenAndPopularity(Ratings ratings, int[] itemIds, float[] popularity) {
        Map<Integer, Integer> row = new HashMap<>();
        for (int k = 0; k < itemIds.length; k++) {
            row.put(itemIds[k], k);
        }
        Map<Integer, Set<Integer>> perUser = new TreeMap<>();
        for (int r = 0; r < ratings.size(); r++) {
            int movieId = ratings.movie(ratings.item(r)).movieId();
            perUser.computeIfAbsent(ratings.userId(ratings.user(r)), u -> new HashSet<>()).add(movieId);
            Integer k = row.get(movieId);
            if (k != null) {
                popularity[k]++;
            }
        }
        int[] users = perUser.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[][] movies = perUser.values().stream().map(s -> s.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        return SeenItems.of(users, movies);
    }

    private static String fingerprint(Inputs in) throws IOException {
        MessageDigest digest = Checksums.sha256();
        for (Path p : new Path[] {in.savedModel().resolve("saved_model.pb"), in.userInputs(), in.itemEmbeddings(),
                in.movies(), in.ratings()}) {
            if (p != null) {
                Checksums.update(digest, p);
            }
        }
        return "sha256:" + java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
