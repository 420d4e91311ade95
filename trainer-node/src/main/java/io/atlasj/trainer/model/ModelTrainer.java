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
    default TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, java.nio.file.Path modelFile) {
        return train(spec, data, listener, modelFile, null);
    }

    /**
     * As {@link #train(ModelSpec, PreparedData, Listener, java.nio.file.Path)}, starting from the weights in
     * {@code warmStart} (a model file this trainer wrote for a model of the same architecture) when it is not null.
     * An unfinished checkpoint beside {@code modelFile} takes precedence: training resumes from it.
     */
    TrainingResult train(ModelSpec spec, PreparedData data, Listener listener, java.nio.file.Path modelFile,
                         java.nio.file.Path warmStart);
}
