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

    TrainingResult train(ModelSpec spec, PreparedData data, Listener listener);
}
