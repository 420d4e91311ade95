package io.atlasj.trainer.model;

import io.atlasj.trainer.data.PreparedData;
import io.atlasj.workspec.ModelSpec;

/**
 * Trains one ModelSpec on one prepared fold, or a pack of compatible ones together. The only place a deep-learning
 * library is used.
 */
public interface ModelTrainer {
    /** Receives progress; called on the training thread. */
    interface Listener {
        default void epoch(TrainingResult.Epoch e) {
        }

        /**
         * Asked after each epoch (after {@link #epoch}) unless training ends there anyway: null to go on, or why it
         * stops now (the run's search stopped the trial). A stopped model keeps its best epoch's weights so far, as
         * early stopping does, and its predictions are made with them.
         */
        default String stop(TrainingResult.Epoch e) {
            return null;
        }

        /**
         * Told when training goes on from a checkpoint taken after the run's search stopped this model ({@link #stop}
         * gave {@code reason} then and is not asked again): the model is stopped, as it was before the cut.
         */
        default void stoppedBefore(String reason) {
        }

        /**
         * How often a long model is checkpointed for a resume: after the first epoch that ends this long after the
         * last checkpoint (or the start); 0: after every epoch.
         */
        default long checkpointEveryMillis() {
            return io.atlasj.workspec.Execution.CHECKPOINT_EVERY.toMillis();
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

    /** Whether this trainer trains packs ({@link #trainPack}); otherwise every model is trained alone. */
    default boolean packs() {
        return false;
    }

    /**
     * Trains packable models of one pack ({@link io.atlasj.trainer.engine.Packs}) together on one fold; one result per
     * spec, in order. {@code modelFiles.get(k)}, when not null, receives model k.
     */
    default java.util.List<TrainingResult> trainPack(java.util.List<ModelSpec> specs, PreparedData data,
                                                     java.util.List<Listener> listeners,
                                                     java.util.List<java.nio.file.Path> modelFiles) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not train packs");
    }
}
