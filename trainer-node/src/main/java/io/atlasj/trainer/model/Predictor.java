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
 * <p>Dense, logistic and linear models (DL4J {@code MultiLayerNetwork} files) read one row. LSTMs and BiLSTMs
 * (our SameDiff files) read the window of rows ending at the bar, up to their sequence length, through the same
 * written-out passes that computed their stored predictions ({@code LstmKernel}). Transformers, the hybrid and
 * multi-task networks are not served yet: {@link #load} says so.
 */
public final class Predictor {
    private final MultiLayerNetwork net;
    private final LstmKernel lstm;
    private final int inputs;
    private final int window;
    private final int outputs;
    private final float[][] row;

    private Predictor(MultiLayerNetwork net, LstmKernel lstm, int inputs, int window, int outputs) {
        this.net = net;
        this.lstm = lstm;
        this.inputs = inputs;
        this.window = window;
        this.outputs = outputs;
        this.row = new float[1][inputs];
    }

    /** The number of outputs: classes, or 1 for a regression. */
    public int outputs() {
        return outputs;
    }

    /** How many rows, the bar's and those before it, the model reads: 1, or an LSTM's sequence length. */
    public int window() {
        return window;
    }

    /** Whether models of {@code type} can be served. */
    public static boolean serves(ModelType type) {
        return type == ModelType.DNN || type == ModelType.LOGISTIC || type == ModelType.LINEAR
                || type == ModelType.LSTM || type == ModelType.BILSTM;
    }

    /**
     * Loads a model file written by training.
     *
     * @param inputs the number of features its rows have (checked against the network's first layer)
     */
    public static Predictor load(Path modelFile, ModelType type, int inputs) throws IOException {
        if (!serves(type)) {
            throw new IllegalArgumentException("models of type " + type.id() + " cannot be served yet (dnn, logistic, "
                    + "linear, lstm and bilstm can)");
        }
        if (type == ModelType.LSTM || type == ModelType.BILSTM) {
            SameDiffTrainer.State st = SdModelFile.read(modelFile);
            if (st.net.arch.nIn() != inputs) {
                throw new IllegalArgumentException(modelFile + ": the network takes " + st.net.arch.nIn()
                        + " inputs, the featureset has " + inputs + " features");
            }
            int width = st.net.arch.heads().get(0).classify() ? st.net.arch.heads().get(0).width() : 1;
            return new Predictor(null, new LstmKernel(st.net), inputs, st.net.arch.seqLen(), width);
        }
        MultiLayerNetwork net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(modelFile.toFile(),
                false);
        long in = net.layerInputSize(0);
        if (in != inputs) {
            throw new IllegalArgumentException(modelFile + ": the network takes " + in + " inputs, the featureset has "
                    + inputs + " features");
        }
        return new Predictor(net, null, inputs, 1, (int) net.layerSize(net.getnLayers() - 1));
    }

    /**
     * A bounded fine-tuning step on rows fetched back for matched outcomes: {@code steps} passes of the network's own
     * optimizer over these rows as one batch, at learning rate {@code lr} (set on every layer, replacing the
     * schedule it was trained with). Classification targets are class indices, regression targets are in the scaled
     * units the model predicts. The optimizer's moments start afresh in each process (a served model file holds no
     * optimizer state).
     */
    public void fineTune(double[][] scaled, double[] targets, int classes, double lr, int steps) {
        if (net == null) {
            throw new IllegalArgumentException("fine-tuning is built for dense, logistic and linear models only");
        }
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
        if (net == null) {
            throw new IllegalStateException("only DL4J models are saved by the live runner");
        }
        return Checkpoint.writeNetwork(file, net, false, true);
    }

    /**
     * The model's output for one scaled row: class probabilities for a classifier, the (scaled) value for a
     * regression.
     */
    public double[] predict(double[] scaled) {
        return predict(new double[][] {scaled});
    }

    /**
     * The model's output for the window of scaled rows ending at the bar (oldest first, adjacent bars with every
     * feature, at most {@link #window()}; a dense model reads the last one).
     */
    public double[] predict(double[][] rows) {
        if (lstm != null) {
            int len = Math.min(window, rows.length);
            float[] x = new float[len * inputs];
            for (int k = 0; k < len; k++) {
                double[] v = rows[rows.length - len + k];
                for (int c = 0; c < inputs; c++) {
                    x[k * inputs + c] = (float) v[c];
                }
            }
            INDArray out = lstm.predict(Nd4j.create(x, new long[] {1, len, inputs}, 'c'));
            double[] v = new double[(int) out.size(1)];
            for (int c = 0; c < v.length; c++) {
                v[c] = out.getDouble(0, c);
            }
            return v;
        }
        double[] scaled = rows[rows.length - 1];
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
