package io.recommender.training.pipeline;

import io.recommender.bundle.Manifest;
import io.recommender.training.model.TrainedModel;
import java.nio.file.Path;

/** What a training run produced: the committed bundle's manifest, where it is, and the model itself. */
public record TrainingResult(Manifest manifest, Path bundle, TrainedModel model, double seconds) {}
