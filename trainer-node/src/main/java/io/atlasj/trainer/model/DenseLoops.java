package io.atlasj.trainer.model;

/**
 * The loops of the packed dense kernel ({@link PackedDense}), on float arrays of the Java heap. A layer's values are
 * kept unit by unit: {@code z[u]} holds unit u's value on every row of the batch. Every loop then reads and writes its
 * arrays at one and the same index, the form C2 vectorises (a loop over offsets into one array it does not, since the
 * ranges might overlap), and a product is a sum of such {@code y += a x} rows over the batch. Each element's sums run
 * in a fixed order, so a model's numbers do not depend on the models beside it (within float tolerance: the first
 * layer's weight gradient is an OpenBLAS product whose size is its group's). Each loop is a small method of
 * its own, which C2 compiles far better than the same loops inside one long method (see {@link LstmKernel}).
 */
final class DenseLoops {
    /** Activation codes. */
    static final int IDENTITY = 0;
    static final int RELU = 1;
    static final int TANH = 2;
    static final int SIGMOID = 3;
    static final int LEAKY_RELU = 4;
    static final int GELU = 5;
    /** ND4J's GELU, the one DL4J's {@code Activation.GELU} applies: {@code x sigmoid(1.702 x)}. */
    private static final double GELU_K = 1.702;

    private DenseLoops() {
    }

    /** The code of an activation's name ({@code relu}, {@code tanh}, ...; anything else is the identity). */
    static int activation(String name) {
        return switch (name) {
            case "relu" -> RELU;
            case "tanh" -> TANH;
            case "sigmoid" -> SIGMOID;
            case "leakyrelu" -> LEAKY_RELU;
            case "gelu" -> GELU;
            default -> IDENTITY;
        };
    }

    /** {@code y[0, n) += a x[0, n)}. */
    static void axpy(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    /** {@code y[0, n) += a x[0, n) + b v[0, n)}. */
    private static void axpy2(float a, float[] x, float b, float[] v, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i] + b * v[i];
        }
    }

    /** {@code y[0, n) = x[0, n) + a v[0, n)}. */
    static void sumOf(float[] x, float a, float[] v, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] + a * v[i];
        }
    }

    static void plus(float[] y, float a, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a;
        }
    }

    /**
     * A dense layer on {@code n} rows: {@code out[u] = sum_i w[wo + i width + u] in[i] + bias[bo + u]} for each of its
     * {@code width} units ({@code w}: in x width, row-major at {@code wo}).
     */
    static void layer(float[][] in, int inW, float[] w, int wo, float[] bias, int bo, float[][] out, int width,
                      int n) {
        for (int u = 0; u < width; u++) {
            float[] o = out[u];
            java.util.Arrays.fill(o, 0, n, 0f);
            int i = 0;
            for (; i + 1 < inW; i += 2) {
                axpy2(w[wo + i * width + u], in[i], w[wo + (i + 1) * width + u], in[i + 1], o, n);
            }
            if (i < inW) {
                axpy(w[wo + i * width + u], in[i], o, n);
            }
            plus(o, bias[bo + u], n);
        }
    }

    /**
     * The gradient of a layer's inputs: {@code da[i] = sum_u w[wo + i width + u] d[u]} over {@code n} rows, for each
     * of its {@code inW} inputs.
     */
    static void backLayer(float[] w, int wo, float[][] d, int width, float[][] da, int inW, int n) {
        for (int i = 0; i < inW; i++) {
            float[] o = da[i];
            java.util.Arrays.fill(o, 0, n, 0f);
            int u = 0;
            for (; u + 1 < width; u += 2) {
                axpy2(w[wo + i * width + u], d[u], w[wo + i * width + u + 1], d[u + 1], o, n);
            }
            if (u < width) {
                axpy(w[wo + i * width + u], d[u], o, n);
            }
        }
    }

    /**
     * A layer's weight gradient from its inputs unit by unit: {@code g[go + i width + u] += sum_r in[i][r] d[u][r]}
     * (each a sum over the rows in order). A sum over rows is a chain of dependent adds, which C2 does not vectorise;
     * four inputs' sums run side by side, so four chains share the wait.
     */
    static void gradient(float[][] in, int inW, float[][] d, int width, float[] g, int go, int n) {
        for (int u = 0; u < width; u++) {
            float[] du = d[u];
            int i = 0;
            for (; i + 3 < inW; i += 4) {
                dots4(in[i], in[i + 1], in[i + 2], in[i + 3], du, n, g, go + i * width + u, width);
            }
            for (; i < inW; i++) {
                g[go + i * width + u] += dot(in[i], du, n);
            }
        }
    }

    /** The dots of {@code a}, {@code b}, {@code c}, {@code e} with {@code d}, added to g at {@code at + k stride}. */
    private static void dots4(float[] a, float[] b, float[] c, float[] e, float[] d, int n, float[] g, int at,
                              int stride) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int r = 0; r < n; r++) {
            float v = d[r];
            s0 += a[r] * v;
            s1 += b[r] * v;
            s2 += c[r] * v;
            s3 += e[r] * v;
        }
        g[at] += s0;
        g[at + stride] += s1;
        g[at + 2 * stride] += s2;
        g[at + 3 * stride] += s3;
    }

    private static float dot(float[] a, float[] b, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** {@code g[go + u] += } the sum of {@code d[u][0, n)} in order, for each of {@code width} units (four at once). */
    static void sums(float[][] d, int width, float[] g, int go, int n) {
        int u = 0;
        for (; u + 3 < width; u += 4) {
            sums4(d[u], d[u + 1], d[u + 2], d[u + 3], n, g, go + u);
        }
        for (; u < width; u++) {
            g[go + u] += sum(d[u], n);
        }
    }

    private static void sums4(float[] a, float[] b, float[] c, float[] e, int n, float[] g, int at) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int r = 0; r < n; r++) {
            s0 += a[r];
            s1 += b[r];
            s2 += c[r];
            s3 += e[r];
        }
        g[at] += s0;
        g[at + 1] += s1;
        g[at + 2] += s2;
        g[at + 3] += s3;
    }

    private static float sum(float[] v, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s;
    }

    /**
     * {@code a[0, n) = act(z[0, n))}; {@code e} holds n doubles of scratch (tanh, sigmoid and gelu go through
     * {@link #exp}).
     */
    static void activate(int act, float[] z, float[] a, int n, double[] e) {
        switch (act) {
            case RELU -> relu(z, a, n);
            case TANH -> tanh(z, a, n, e);
            case SIGMOID -> sigmoid(z, a, n, e);
            case LEAKY_RELU -> leakyRelu(z, a, n);
            case GELU -> gelu(z, a, n, e);
            default -> System.arraycopy(z, 0, a, 0, n);
        }
    }

    /** {@code e[0, n) = exp(k z)}. */
    private static void expOf(float[] z, double k, double[] e, int n) {
        for (int i = 0; i < n; i++) {
            e[i] = k * z[i];
        }
        exp(e, n);
    }

    /** {@code e[0, n) = sigmoid(k z) = 1 / (1 + exp(-k z))}. */
    private static void sigmoidOf(float[] z, double k, double[] e, int n) {
        expOf(z, -k, e, n);
        for (int i = 0; i < n; i++) {
            e[i] = 1 / (1 + e[i]);
        }
    }

    private static void relu(float[] z, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = Math.max(z[i], 0f);
        }
    }

    private static void leakyRelu(float[] z, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = Math.max(z[i], 0.01f * z[i]);
        }
    }

    /** {@code e[0, n) = tanh(z) = expm1(2z) / (expm1(2z) + 2)}, to a double's relative precision near 0 too. */
    private static void tanhOf(float[] z, double[] e, int n) {
        for (int i = 0; i < n; i++) {
            e[i] = 2.0 * z[i];
        }
        expm1(e, n);
        for (int i = 0; i < n; i++) {
            e[i] = e[i] / (e[i] + 2);
        }
    }

    private static void tanh(float[] z, float[] a, int n, double[] e) {
        tanhOf(z, e, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) e[i];
        }
    }

    private static void sigmoid(float[] z, float[] a, int n, double[] e) {
        sigmoidOf(z, 1, e, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) e[i];
        }
    }

    private static void gelu(float[] z, float[] a, int n, double[] e) {
        sigmoidOf(z, GELU_K, e, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) (z[i] * e[i]);
        }
    }

    /**
     * {@code d[0, n) *= act'(z[0, n))}, the activation's derivative at its input; {@code e} holds n doubles of
     * scratch.
     */
    static void derivative(int act, float[] z, float[] d, int n, double[] e) {
        switch (act) {
            case RELU -> reluDerivative(z, d, n);
            case TANH -> tanhDerivative(z, d, n, e);
            case SIGMOID -> sigmoidDerivative(z, d, n, e);
            case LEAKY_RELU -> leakyReluDerivative(z, d, n);
            case GELU -> geluDerivative(z, d, n, e);
            default -> {
            }
        }
    }

    /**
     * Whether {@link #activate} leaves in its scratch {@code e} what {@link #derivativeKept} reads: tanh and sigmoid
     * their values, gelu the sigmoid of 1.702 z; the others derive their slope from z alone.
     */
    static boolean keepsSlope(int act) {
        return act == TANH || act == SIGMOID || act == GELU;
    }

    /**
     * As {@link #derivative}, from the scratch {@code e} that {@link #activate} filled for the same {@code z} (for an
     * activation that {@link #keepsSlope}): the same arithmetic on the same values, without the exponentials again.
     */
    static void derivativeKept(int act, float[] z, float[] d, int n, double[] e) {
        switch (act) {
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    float t = (float) e[i];
                    d[i] *= 1 - t * t;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    float s = (float) e[i];
                    d[i] *= s * (1 - s);
                }
            }
            case GELU -> geluSlope(z, d, n, e);
            default -> derivative(act, z, d, n, e);
        }
    }

    private static void reluDerivative(float[] z, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] *= step(z[i]);
        }
    }

    private static void leakyReluDerivative(float[] z, float[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] *= 0.01f + 0.99f * step(z[i]); // exactly 1 or 0.01
        }
    }

    /**
     * 1 where {@code z > 0}, else 0, without a branch (a branch on the sign of a unit's inputs is taken at random and
     * mispredicted half the time): the smallest positive float scaled by 2^149 is 1, so the product clamped to [0, 1]
     * is exactly the step.
     */
    private static float step(float z) {
        return Math.min(1f, Math.max(0f, z * 0x1p127f * 0x1p22f));
    }

    private static void tanhDerivative(float[] z, float[] d, int n, double[] e) {
        tanhOf(z, e, n);
        for (int i = 0; i < n; i++) {
            float t = (float) e[i];
            d[i] *= 1 - t * t;
        }
    }

    private static void sigmoidDerivative(float[] z, float[] d, int n, double[] e) {
        sigmoidOf(z, 1, e, n);
        for (int i = 0; i < n; i++) {
            float s = (float) e[i];
            d[i] *= s * (1 - s);
        }
    }

    private static void geluDerivative(float[] z, float[] d, int n, double[] e) {
        sigmoidOf(z, GELU_K, e, n);
        geluSlope(z, d, n, e);
    }

    /** {@code d[0, n) *= gelu'(z)} from {@code e[0, n) = sigmoid(1.702 z)}. */
    private static void geluSlope(float[] z, float[] d, int n, double[] e) {
        for (int i = 0; i < n; i++) {
            double s = e[i];
            d[i] *= (float) (s + GELU_K * z[i] * s * (1 - s));
        }
    }

    /** {@code a[0, n) *= m[0, n)} (a dropout mask). */
    static void multiply(float[] m, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] *= m[i];
        }
    }

    /** {@code v[0, n) /= by}. */
    static void divide(float[] v, float by, int n) {
        for (int i = 0; i < n; i++) {
            v[i] /= by;
        }
    }

    /**
     * The buffers of {@link #softmax} and {@link #logLoss} over up to {@code cap} rows of {@code width} units, reused
     * call after call.
     */
    static final class Rows {
        final float[] max;
        final double[][] e;
        final double[] sum;
        /** Per row, the probability whose log {@link #sumLogs} sums. */
        final double[] p;
        final double[] products;

        Rows(int width, int cap) {
            max = new float[cap];
            e = new double[width][cap];
            sum = new double[cap];
            p = new double[cap];
            products = new double[(cap + PER_PRODUCT - 1) / PER_PRODUCT];
        }
    }

    /** Values {@link #sumLogs} multiplies before it takes a log. */
    private static final int PER_PRODUCT = 16;

    /**
     * The sum of the logs of {@code v[0, n)}, each in [1e-19, 1], as the logs of products of sixteen values: the
     * products on multiplies C2 vectorises (16 passes, each multiplying {@code products[j]} by one of its values), a
     * {@link Math#log} per product (a log per value costs about 7 ns, the multiplies about 1 ns a value). Sixteen
     * values of at least 1e-19 multiply to at least 1e-304, a normal double; a product is off by at most 16
     * roundings, so the sum is within about 4e-15 a product of the sum of logs. NaN gives NaN.
     */
    static double sumLogs(double[] v, int n, double[] products) {
        int lanes = (n + PER_PRODUCT - 1) / PER_PRODUCT;
        java.util.Arrays.fill(products, 0, lanes, 1.0);
        for (int k = 0; k < PER_PRODUCT; k++) {
            int from = k * lanes;
            int m = Math.min(lanes, n - from);
            if (m <= 0) {
                break;
            }
            times(v, from, products, m);
        }
        double sum = 0;
        for (int j = 0; j < lanes; j++) {
            sum += Math.log(products[j]);
        }
        return sum;
    }

    private static void times(double[] v, int from, double[] products, int m) {
        for (int j = 0; j < m; j++) {
            products[j] *= v[from + j];
        }
    }

    /**
     * The softmax over {@code width} units of each of {@code n} rows ({@code z[q][r]}) into {@code p[q][r]}: the
     * logits less their row's largest, exponentiated ({@link #exp}, in double), divided by their sum. The largest
     * logit's exponential is exp(0), exactly 1; a row with a +Infinity or NaN logit gives NaN, so its model fails (a
     * -Infinity logit gives 0).
     */
    static void softmax(float[][] z, float[][] p, int width, int n, Rows b) {
        exponentials(z, width, n, b);
        for (int r = 0; r < n; r++) {
            b.sum[r] = 1 / b.sum[r];
        }
        for (int q = 0; q < width; q++) {
            scale(b.e[q], b.sum, p[q], n);
        }
    }

    /**
     * Each row's largest logit into {@code b.max}, the exponentials of the logits less it into {@code b.e} and their
     * sum into {@code b.sum}. Unit by unit over the rows, so every loop is one C2 vectorises.
     */
    private static void exponentials(float[][] z, int width, int n, Rows b) {
        System.arraycopy(z[0], 0, b.max, 0, n);
        for (int q = 1; q < width; q++) {
            max(z[q], b.max, n);
        }
        java.util.Arrays.fill(b.sum, 0, n, 0);
        for (int q = 0; q < width; q++) {
            less(z[q], b.max, b.e[q], n);
            exp(b.e[q], n);
            add(b.e[q], b.sum, n);
        }
    }

    /** {@code m[0, n) = max(m, v)} (NaN when either is). */
    private static void max(float[] v, float[] m, int n) {
        for (int i = 0; i < n; i++) {
            m[i] = Math.max(m[i], v[i]);
        }
    }

    /** {@code d[0, n) = x - m}, in double (exact: a float difference would lose digits of a large logit's). */
    private static void less(float[] x, float[] m, double[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = (double) x[i] - m[i];
        }
    }

    private static void add(double[] v, double[] sum, int n) {
        for (int i = 0; i < n; i++) {
            sum[i] += v[i];
        }
    }

    /** {@code p[0, n) = e * by}, rounded to float. */
    private static void scale(double[] e, double[] by, float[] p, int n) {
        for (int i = 0; i < n; i++) {
            p[i] = (float) (e[i] * by[i]);
        }
    }

    /**
     * {@code x[0, n) = exp(x)} in a form C2 vectorises, unlike {@link Math#exp} (a call per value, about 6 ns; this
     * runs at about 1 ns on AVX-512): exp(x / 1024) by its Taylor polynomial of degree 8, squared ten times. Relative
     * error below 4e-12 for |x| <= 104 (the polynomial's remainder, times 1024), far below a float's 6e-8. Below -104
     * it gives exp(-104) (under float's smallest value: a softmax term beside its row's largest, 1). Above 104 the
     * error grows to 1e-4 at 700, where it stops (exp(700), 1e304): there only its size counts, as in a sigmoid's
     * {@code 1 / (1 + exp(-u))}, which is then under 1e-45 and rounds to a float's 0, and so does a float's value
     * times it once it is under 1e-266. exp(0) is exactly 1; NaN stays NaN.
     */
    static void exp(double[] x, int n) {
        for (int i = 0; i < n; i++) {
            double p = 1 + taylorLessOne(Math.min(Math.max(x[i], -104.0), 700.0) * (1.0 / 1024));
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            x[i] = p;
        }
    }

    /**
     * {@code x[0, n) = exp(x) - 1} as {@link #exp} computes exp, but on {@code u = p - 1} (the polynomial less its
     * 1) squared as {@code (1 + u)^2 - 1 = u (2 + u)}: no cancellation, so relative precision holds near x = 0 too.
     */
    static void expm1(double[] x, int n) {
        for (int i = 0; i < n; i++) {
            double u = taylorLessOne(Math.min(Math.max(x[i], -104.0), 104.0) * (1.0 / 1024));
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            x[i] = u;
        }
    }

    /**
     * exp(t) - 1 by its Taylor polynomial of degree 8 (for |t| <= 0.7; {@link #exp} and {@link #expm1} take t = x /
     * 1024), in Horner's form: {@code 1 + taylorLessOne(t)} is the same arithmetic as the full polynomial's.
     */
    private static double taylorLessOne(double t) {
        return t * (1 + t * (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120 + t * (1.0 / 720
                + t * (1.0 / 5040 + t * (1.0 / 40320))))))));
    }

    /** Adam's step as ND4J's fused updater computes it at a unit rate, then scaled by {@code lr}: p -= lr * step. */
    static void adam(float[] p, float[] m, float[] v, float[] g, int from, int n, float lr, long iteration,
                     double beta1, double beta2, double eps) {
        float b1t = (float) Math.pow(beta1, iteration + 1);
        float b2t = (float) Math.pow(beta2, iteration + 1);
        float et = (float) (Math.sqrt(1 - b2t) / (1 - b1t));
        if (Float.isNaN(et) || et == 0 || Float.isInfinite(et)) {
            et = (float) eps;
        }
        adamLoop(p, m, v, g, from, n, lr, (float) beta1, (float) beta2, (float) eps, et);
    }

    private static void adamLoop(float[] p, float[] m, float[] v, float[] g, int from, int n, float lr, float b1,
                                 float b2, float e, float et) {
        for (int i = from; i < from + n; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + gi * (1 - b1);
            float vi = b2 * v[i] + gi * gi * (1 - b2);
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * et / ((float) Math.sqrt(vi) + e) * lr;
        }
    }

    /**
     * For {@code n} rows of class probabilities ({@code p[q][r]}) whose true classes are {@code y[from + r]}: each
     * row's true-class probability, at least {@code floor}, into {@code trueP}, and the number of rows whose first most
     * probable class is the true one (an accuracy's hits). Without a branch on which class is ahead, which is
     * mispredicted about half the time: the true class is the first most probable one when every class before it is
     * less probable and every class after it at most as probable. A NaN row (a softmax makes a whole row NaN or none
     * of it) counts as class 0, the first most probable by a comparison that skips NaN, as {@link Scores#metric} has
     * it.
     */
    static int trueClass(float[][] p, int width, double[] y, int from, int n, double floor, double[] trueP) {
        int hits = 0;
        for (int r = 0; r < n; r++) {
            int t = (int) y[from + r];
            float pt = p[t][r];
            boolean first = true;
            for (int q = 0; q < width; q++) {
                float v = p[q][r];
                first &= v < pt | q >= t & v <= pt;
            }
            hits += first | pt != pt & t == 0 ? 1 : 0;
            trueP[r] = Math.max(floor, pt);
        }
        return hits;
    }

    /**
     * The summed log loss of {@code n} rows of logits ({@code z[q][r]}) at their true classes {@code y}: each row's
     * -log p of its true class, p (from the logits in double) at least {@code floor} (in [1e-19, 1]).
     */
    static double logLoss(float[][] z, int width, int n, double[] y, double floor, Rows b) {
        exponentials(z, width, n, b);
        for (int r = 0; r < n; r++) {
            b.p[r] = Math.max(b.e[(int) y[r]][r] / b.sum[r], floor);
        }
        return -sumLogs(b.p, n, b.products);
    }
}
