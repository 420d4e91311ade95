package io.atlasj.workspec;

import static io.atlasj.workspec.ParamSpec.choice;
import static io.atlasj.workspec.ParamSpec.integer;
import static io.atlasj.workspec.ParamSpec.real;

import io.atlasj.workspec.ParamSpec.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The hyperparameters of each model type and the training settings, with types, bounds and defaults. */
public final class Catalog {
    private static final Map<ModelType, List<ParamSpec>> HYPER = new EnumMap<>(ModelType.class);

    /** Training settings shared by every model type. */
    public static final List<ParamSpec> TRAINING = List.of(
            integer("epochs", 1, 100_000, 20, "passes over the training part"),
            integer("batchSize", 1, 1_000_000, 256, "rows per gradient step"),
            choice("optimizer", List.of("adam", "adamw", "sgd"), "adam", "adam, adamw (decoupled weight decay) or sgd with momentum"),
            real("lr", 1e-9, 10, false, 1e-3, "learning rate"),
            real("weightDecay", 0, 1, false, 0.0, "weight decay (decoupled for adamw)"),
            real("momentum", 0, 1, true, 0.9, "sgd momentum"),
            choice("schedule", List.of("none", "step", "exponential", "one-cycle", "plateau"), "none", "learning-rate schedule"),
            integer("scheduleStep", 1, 100_000, 10, "epochs per step (step), patience (plateau)"),
            real("scheduleGamma", 1e-6, 1, false, 0.5, "factor per step / plateau, or per epoch (exponential)"),
            integer("patience", 0, 100_000, 5, "early stopping: epochs without improvement (0: off)"),
            choice("monitor", List.of("val_loss", "val_accuracy", "val_rmse", "val_composite"), "val_loss",
                    "the validation metric for early stopping and the best checkpoint"),
            real("clip", 0, 1e6, false, 0.0, "gradient clipping by norm (0: off)"),
            ParamSpec.of("warmStart", Kind.TEXT, 0, 0, "", "start from the trained weights of another model entry of "
                    + "the same unit (its name; it must expand to one model of the same architecture); empty: off"),
            ParamSpec.of("seed", Kind.LONG, Long.MIN_VALUE, Long.MAX_VALUE, 42L, "random seed"));

    static {
        ParamSpec l2 = real("l2", 0, 10, false, 0.0, "L2 penalty");
        ParamSpec l1 = real("l1", 0, 10, false, 0.0, "L1 penalty");
        ParamSpec dropout = real("dropout", 0, 1, true, 0.0, "dropout probability");
        ParamSpec hidden = ParamSpec.of("hidden", Kind.INT_LIST, 1, 100_000, List.of(32), "units per hidden layer");
        ParamSpec seq = integer("sequenceLength", 2, 100_000, 60, "bars per input window");
        ParamSpec dModel = integer("dModel", 4, 4096, 32, "model width");
        ParamSpec heads = integer("heads", 1, 64, 4, "attention heads");
        ParamSpec layers = integer("layers", 1, 64, 2, "encoder layers");
        HYPER.put(ModelType.LINEAR, List.of(l2));
        HYPER.put(ModelType.LOGISTIC, List.of(l2));
        HYPER.put(ModelType.DNN, List.of(hidden, choice("activation", List.of("relu", "tanh", "gelu", "sigmoid",
                "leakyrelu"), "relu", "hidden activation"), dropout, l1, l2,
                ParamSpec.of("layerNorm", Kind.BOOL, 0, 1, false, "layer normalisation after each hidden layer")));
        HYPER.put(ModelType.LSTM, List.of(hidden, seq, dropout, l2));
        HYPER.put(ModelType.BILSTM, List.of(hidden, seq, dropout, l2));
        HYPER.put(ModelType.TRANSFORMER, List.of(dModel, heads, layers,
                integer("ffDim", 4, 65_536, 64, "feed-forward width"), seq, real("dropout", 0, 1, true, 0.1, "dropout")));
        HYPER.put(ModelType.HYBRID_TRANSFORMER, List.of(dModel, heads, layers,
                ParamSpec.of("timeframes", Kind.TEXT_LIST, 1, 16, List.of("1m", "5m", "1h", "1d"), "timeframes encoded"),
                integer("windowLength", 2, 10_000, 32, "candles per timeframe window"),
                real("candleLossWeight", 0, 100, false, 0.5, "weight of the next-candle losses"),
                real("dropout", 0, 1, true, 0.1, "dropout")));
        HYPER.put(ModelType.MULTI_TASK, List.of(hidden, dropout,
                ParamSpec.of("lossWeights", Kind.REAL_LIST, 0, 1e6, List.of(), "weight per head (empty: equal)"),
                ParamSpec.of("stageEpochs", Kind.INT_LIST, 0, 100_000, List.of(), "epochs at which the next weights apply"),
                ParamSpec.of("stageWeights", Kind.REAL_LIST, 0, 1e6, List.of(), "weights of each stage, heads x stages")));
        HYPER.put(ModelType.GBM, List.of(
                integer("rounds", 1, 100_000, 500, "boosting rounds at most (early stopping may end sooner)"),
                real("eta", 1e-6, 1, false, 0.05, "learning rate: the shrinkage of each tree"),
                integer("maxDepth", 1, 64, 6, "depth of each tree"),
                real("minChildWeight", 0, 1e9, false, 1.0, "smallest hessian sum in a leaf"),
                real("subsample", 1e-6, 1, false, 1.0, "share of the training rows each tree sees"),
                real("colsampleBytree", 1e-6, 1, false, 1.0, "share of the features each tree sees"),
                real("lambda", 0, 1e9, false, 1.0, "L2 penalty on leaf weights"),
                real("alpha", 0, 1e9, false, 0.0, "L1 penalty on leaf weights"),
                real("gamma", 0, 1e9, false, 0.0, "smallest loss reduction a split must bring"),
                integer("maxBin", 2, 65_536, 256, "histogram bins per feature"),
                integer("earlyStopping", 0, 100_000, 50, "rounds without a better validation loss before stopping "
                        + "(0: off); the best round's trees are kept")));
        HYPER.put(ModelType.ENSEMBLE, List.of(
                ParamSpec.of("members", Kind.TEXT_LIST, 1, 1000, null, "names of models of the same unit"),
                choice("vote", List.of("max-confidence", "majority"), "majority", "how members combine")));
    }

    private Catalog() {
    }

    public static List<ParamSpec> hyperparameters(ModelType type) {
        return HYPER.get(type);
    }

    public static Optional<ParamSpec> hyper(ModelType type, String name) {
        return HYPER.get(type).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Optional<ParamSpec> training(String name) {
        return TRAINING.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static List<String> hyperNames(ModelType type) {
        List<String> out = new ArrayList<>();
        HYPER.get(type).forEach(p -> out.add(p.name()));
        return out;
    }

    public static List<String> trainingNames() {
        return TRAINING.stream().map(ParamSpec::name).toList();
    }
}
