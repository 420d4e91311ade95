package io.atlasj.workspec;

import io.atlasj.features.Library;
import java.util.Arrays;
import java.util.List;

/** The model zoo's types, as written in YAML (see the model-zoo issue for what each one is). */
public enum ModelType {
    LINEAR("linear", "linear regression (regression tasks)"),
    LOGISTIC("logistic", "logistic regression (classification tasks)"),
    DNN("dnn", "dense network: hidden layers, activation, dropout, L1/L2, layer norm"),
    LSTM("lstm", "LSTM over sliding windows of the feature matrix"),
    BILSTM("bilstm", "bidirectional LSTM over sliding windows"),
    TRANSFORMER("transformer", "causal Transformer encoder (SameDiff), prediction from the last position"),
    HYBRID_TRANSFORMER("hybrid-transformer", "shared candle encoder over several timeframes, cross-timeframe attention"),
    MULTI_TASK("multi-task", "one network, several heads, per-head and staged loss weights"),
    GBM("gbm", "gradient-boosted trees (XGBoost, histogram method), early stopping on the validation part"),
    ENSEMBLE("ensemble", "max-confidence or majority vote of trained members");

    private final String id;
    private final String description;

    ModelType(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** Whether models of this type are SameDiff networks (trained by our own loop, saved in our own file format). */
    public boolean sameDiff() {
        return this == LSTM || this == BILSTM || this == TRANSFORMER || this == HYBRID_TRANSFORMER || this == MULTI_TASK;
    }

    public static ModelType parse(String text) {
        for (ModelType t : values()) {
            if (t.id.equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown model type '" + text + "'"
                + Library.suggest(text, ids()) + " (types: " + String.join(", ", ids()) + ")");
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ModelType::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
