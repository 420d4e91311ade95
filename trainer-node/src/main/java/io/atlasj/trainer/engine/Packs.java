package io.atlasj.trainer.engine;

import io.atlasj.workspec.ModelSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which keys may share an assignment: those of one unit (so one featureset), one model type and one network shape.
 * Keys of a pack differ only in what training can vary per model (seed, learning rate, penalties, dropout, epochs,
 * ...), which is what packed training of many tiny models needs; an assignment never mixes packs.
 */
public final class Packs {
    /** Hyperparameters that decide the shape of a network's weights. */
    static final Set<String> SHAPE = Set.of("hidden", "activation", "layerNorm", "sequenceLength", "dModel", "heads",
            "layers", "ffDim", "timeframes", "windowLength");

    private Packs() {
    }

    /** The pack of a ModelSpec: unit, type and its shape hyperparameters in name order. */
    public static String of(ModelSpec m) {
        Map<String, Object> shape = new TreeMap<>();
        m.hyper().forEach((k, v) -> {
            if (SHAPE.contains(k)) {
                shape.put(k, v);
            }
        });
        return m.unit() + "|" + m.type().id() + "|" + shape;
    }
}
