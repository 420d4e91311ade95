package io.atlasj.trainer.model;

import io.atlasj.workspec.ModelType;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model file put to use on one row at a time: what the live runner feeds with the newest bar's scaled
 * features. The row goes in as float32, as in training ({@code Dl4jTrainer}), and the network runs in inference mode
 * (no dropout), so a row gives the output the training run stored for it up to the order of float sums in a one-row
 * product. Not thread-safe: one runner thread calls it.
 *
 * <p>Dense, logistic and linear models (DL4J {@code MultiLayerNetwork} files) are served. Sequence models (LSTM,
 * BiLSTM, transformers, multi-task) read windows of rows and are not served yet: {@link #load} says so.
 */
public final class Predictor {
    private final MultiLayerNetwork net;
    private final int inputs;
    private final float[][] row;

    private Predictor(MultiLayerNetwork net, int inputs) {
        this.net = net;
        this.inputs = inputs;
        this.row = new float[1][inputs];
    }

    /** The number of outputs: classes, or 1 for a regression. */
    public int outputs() {
        return (int) net.layerSize(net.getnLayers() - 1);
    }

    /** Whether models of {@code type} can be served one row at a time. */
    public static boolean serves(ModelType type) {
        return type == ModelType.DNN || type == ModelType.LOGISTIC || type == ModelType.LINEAR;
    }

    /**
     * Loads a model file written by training.
     *
     * @param inputs the number of features its rows have (checked against the network's first layer)
     */
    public static Predictor load(Path modelFile, ModelType type, int inputs) throws IOException {
        if (!serves(type)) {
            throw new IllegalArgumentException("models of type " + type.id() + " cannot be served yet (only dnn, "
                    + "logistic and linear: sequence models need a window of rows per prediction)");
        }
        MultiLayerNetwork net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(modelFile.toFile(),
                false);
        long in = net.layerInputSize(0);
        if (in != inputs) {
            throw new IllegalArgumentException(modelFile + ": the network takes " + in + " inputs, the featureset has "
                    + inputs + " features");
        }
        return new Predictor(net, inputs);
    }

    /**
     * A bounded fine-tuning step on rows fetched back for matched outcomes: {@code steps} passes of the network's own
     * optimizer over these rows as one batch, at learning rate {@code lr} (set on every layer, replacing the
     * schedule it was trained with). Classification targets are class indices, regression targets are in the scaled
     * units the model predicts. The optimizer's moments start afresh in each process (a served model file holds no
     * optimizer state).
     */
    public void fineTune(double[][] scaled, double[] targets, int classes, double lr, int steps) {
        int n = scaled.length;
        float[][] x = new float[n][inputs];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < inputs; c++) {
                x[i][c] = (float) scaled[i][c];
            }
        }
        int outputs = classes > 0 ? classes : 1;
        float[][] y = new float[n][outputs];
        for (int i = 0; i < n; i++) {
            if (classes > 0) {
                y[i][(int) targets[i]] = 1f;
            } else {
                y[i][0] = (float) targets[i];
            }
        }
        net.setLearningRate(lr);
        org.nd4j.linalg.dataset.DataSet d = new org.nd4j.linalg.dataset.DataSet(Nd4j.create(x), Nd4j.create(y));
        for (int s = 0; s < steps; s++) {
            net.fit(d);
        }
    }

    /** Writes the model as it is now (durably: temporary file, flush, rename); returns the file's SHA-256. */
    public String save(Path file) throws IOException {
        return Checkpoint.writeNetwork(file, net, false, true);
    }

    /**
     * The model's output for one scaled row: class probabilities for a classifier, the (scaled) value for a
     * regression.
     */
    public double[] predict(double[] scaled) {
        if (scaled.length != inputs) {
            throw new IllegalArgumentException("a row of " + scaled.length + " values for a model of " + inputs);
        }
        for (int c = 0; c < inputs; c++) {
            row[0][c] = (float) scaled[c];
        }
        INDArray out = net.output(Nd4j.create(row), false);
        double[] v = new double[(int) out.size(1)];
        for (int c = 0; c < v.length; c++) {
            v[c] = out.getDouble(0, c);
        }
        return v;
    }
}
