package io.atlasj.trainer.model;

import java.util.Map;

/**
 * How a SameDiff network's weights are stepped: the optimizer a model was trained with ({@code adam}, {@code adamw}
 * or {@code sgd} with Nesterov momentum), its weight decay (decoupled under AdamW, added to the gradient otherwise),
 * the global gradient-norm clip (0: none) and the {@code l2} penalty on weight matrices. Training and the live
 * runner's fine-tuning read it from the same settings, so a fine-tuned network keeps its training's regularisation.
 */
public record Optimizer(String kind, double momentum, double weightDecay, double clip, double l2) {
    public Optimizer {
        if (!kind.equals("adam") && !kind.equals("adamw") && !kind.equals("sgd")) {
            throw new IllegalArgumentException("optimizer '" + kind + "' is none of adam, adamw, sgd");
        }
    }

    /** Plain Adam, nothing else: a model whose settings are not known. */
    public static final Optimizer ADAM = new Optimizer("adam", 0, 0, 0, 0);

    /**
     * From a model's {@code training} settings and hyperparameters (a {@code ModelSpec}'s, or the {@code training}
     * and {@code hyperparameters} of a result's spec); absent settings count as their defaults' "none".
     */
    public static Optimizer of(Map<String, ?> training, Map<String, ?> hyper) {
        return new Optimizer(String.valueOf(training.containsKey("optimizer") ? training.get("optimizer") : "adam"),
                number(training, "momentum"), number(training, "weightDecay"), number(training, "clip"),
                number(hyper, "l2"));
    }

    private static double number(Map<String, ?> m, String key) {
        return m != null && m.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    boolean adamw() {
        return kind.equals("adamw");
    }

    /** The ND4J updater configuration at learning rate {@code lr}. */
    org.nd4j.linalg.learning.config.IUpdater updater(double lr) {
        return kind.equals("sgd") ? new org.nd4j.linalg.learning.config.Nesterovs(lr, momentum)
                : new org.nd4j.linalg.learning.config.Adam(lr);
    }
}
