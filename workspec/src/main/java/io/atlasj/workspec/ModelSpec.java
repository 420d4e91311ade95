package io.atlasj.workspec;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model to train: everything needed to reproduce its result, and its content {@link #key()}: a hash of
 * everything that affects the result (featureset canonical ids and range, dataset options, split, model type,
 * hyperparameters, training settings, seed), not of names. The key is the system's idempotency key: a rerun skips
 * keys that already have results.
 *
 * @param name       the entry's name plus its index in the expansion, e.g. {@code dnn#3}
 * @param memberKeys for ensembles: the keys of the member models (part of the ensemble's key); empty otherwise
 */
public record ModelSpec(String key, String workspec, String unit, String name, FeatureLabelSet featureset, long from,
                        long to, DatasetOptions dataset, SplitPolicy split, ModelType type, Map<String, Object> hyper,
                        Map<String, Object> training, long seed, java.util.List<String> memberKeys) {
    public ModelSpec {
        hyper = Collections.unmodifiableMap(new TreeMap<>(hyper));
        training = Collections.unmodifiableMap(new TreeMap<>(training));
        memberKeys = memberKeys == null ? java.util.List.of() : java.util.List.copyOf(memberKeys);
    }

    /** The label learned: the dataset's label, or the featureset's first. */
    public io.atlasj.features.Label label() {
        return featureset.labels().stream().filter(l -> dataset.label() == null || l.id().equals(dataset.label()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no label " + dataset.label()));
    }

    /**
     * The purge length of the splits, in base bars: the label's horizon (a label on a coarser timeframe: its horizon
     * in those bars, as base bars); for a multi-task network the longest of the featureset's labels, which its other
     * heads learn from as well.
     */
    public int labelHorizon() {
        java.util.List<io.atlasj.features.Label> learned = type == ModelType.MULTI_TASK ? featureset.labels()
                : java.util.List.of(label());
        long base = featureset.baseTimeframe().millis();
        int max = 0;
        for (io.atlasj.features.Label l : learned) {
            long own = l.feature() != null ? io.atlasj.features.eval.Evaluator.homeMillis(l.feature())
                    : l.timeframe() != null ? l.timeframe().millis() : base;
            max = Math.max(max, (int) (l.horizon() * Math.max(1, (own + base - 1) / base)));
        }
        return max;
    }
}
