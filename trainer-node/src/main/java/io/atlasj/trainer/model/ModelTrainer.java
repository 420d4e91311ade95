package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.ModelSpec;

/** Trains one ModelSpec on one prepared fold. The only place a deep-learning library is used. */
public interface ModelTrainer {
    /** Receives progress; called on the training thread. */
    interface Listener {
        default void epoch(TrainingResult.Epoch e) {
        }

        Listener NONE = new Listener() {
        };
    }

    /** Trains without keeping the model. */
    default TrainingResult train(ModelSpec spec, PreparedData data, Listener listener) {
        return train(spec, data, listener, null);
    }

    /** Trains and, when it succeeds and {@code modelFile} is not null, saves the model (with its optimizer state). */
    TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, java.nio.file.Path modelFile);
}
