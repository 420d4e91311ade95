package io.atlasj.trainer.engine;

import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
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

    /** Models trained together at most: beyond this a pack gains little (HFTA-style fusion saturates). */
    public static final int MAX_WIDTH = 128;
    /** Weights a packed wave holds at most (width x weights per model). */
    static final long WAVE_WEIGHTS = 250_000;

    /**
     * Whether {@code m} can train in a pack with others of its shape: linear, logistic and dense models (any hidden
     * activation) without layer norm or a warm start (those train alone).
     */
    public static boolean packable(ModelSpec m) {
        ModelType t = m.type();
        if (t != ModelType.LINEAR && t != ModelType.LOGISTIC && t != ModelType.DNN) {
            return false;
        }
        Object warm = m.training().get("warmStart");
        if (warm != null && !String.valueOf(warm).isEmpty()) {
            return false;
        }
        return t != ModelType.DNN || !Boolean.TRUE.equals(m.hyper().get("layerNorm"));
    }

    /**
     * How many models like {@code m} train together: 1 for a model that is not packable, otherwise as many as keep a
     * wave under {@link #WAVE_WEIGHTS} weights (a 30-8-3 network: 128; 30-64-64-3: 39; [512, 512]: 1).
     */
    public static int width(ModelSpec m) {
        if (!packable(m)) {
            return 1;
        }
        long in = Math.max(1, m.featureset().features().size());
        long weights = 0;
        if (m.type() == ModelType.DNN) {
            for (Object h : (java.util.List<?>) m.hyper().get("hidden")) {
                long units = ((Number) h).longValue();
                weights += in * units + units;
                in = units;
            }
        }
        weights += in * 4 + 4; // the output layer: a few classes or one value
        return (int) Math.max(1, Math.min(MAX_WIDTH, WAVE_WEIGHTS / weights));
    }

    /** The pack of a ModelSpec: unit, type and its shape hyperparameters in name order. */
    public static String of(ModelSpec m) {
        Map<String, Object> shape = new TreeMap<>();
        m.hyper().forEach((k, v) -> {
            if (SHAPE.contains(k)) {
                shape.put(k, v);
            }
        });
        // models trained together also share the batch size and the optimizer's family (one loop)
        return m.unit() + "|" + m.type().id() + "|" + shape + (packable(m) ? "|" + loop(m) : "");
    }

    /** What a packed loop's models share besides the shape: the batch size and adam (adam, adamw) or sgd. */
    public static String loop(ModelSpec m) {
        return m.training().get("batchSize") + "|" + ("sgd".equals(m.training().get("optimizer")) ? "sgd" : "adam");
    }
}
