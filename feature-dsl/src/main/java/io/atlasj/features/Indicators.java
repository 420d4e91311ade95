package io.atlasj.features;

import io.atlasj.features.eval.Bars;
import io.atlasj.features.eval.Kernels;
import io.atlasj.features.eval.Timeline;

/** Indicator computations over one contiguous segment (definitions as in ta4j unless noted in the Library). */
final class Indicators {
    private Indicators() {
    }

    /** Wilder's moving average (ta4j MMAIndicator): alpha = 1 / n, seeded with the first value. */
    static double[] mma(double[] x, int n, Timeline t) {
        return Kernels.ema(x, 1.0 / n, t);
    }

    static double[] rsi(double[] c, int n, Timeline t) {
        int len = c.length;
        double[] gain = new double[len];
        double[] loss = new double[len];
        for (int i = 1; i < len; i++) {
            double d = c[i] - c[i - 1];
            gain[i] = d > 0 ? d : 0;
            loss[i] = d < 0 ? -d : 0;
        }
        double[] g = mma(gain, n, t);
        double[] l = mma(loss, n, t);
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            if (l[i] == 0) {
                out[i] = g[i] == 0 ? 0 : 100;
            } else {
                out[i] = 100 - 100 / (1 + g[i] / l[i]);
            }
        }
        return out;
    }

    /** The EMA of the close with {@code alpha = 2 / (window + 1)}, shared by EMA and the MACD family (read-only). */
    static double[] ema(Bars b, double window) {
        return b.shared("ema close " + window, () -> Kernels.ema(b.close(), 2.0 / (window + 1), b.timeline()));
    }

    /** The SMA of the close, shared by SMA and the Bollinger pair (read-only). */
    static double[] sma(Bars b, int window) {
        return b.shared("sma close " + window, () -> Kernels.sma(b.close(), window, b.timeline()));
    }

    /** [line, signal, histogram] of the close, shared by MACD, MACDSignal and MACDHist (read-only). */
    static double[][] macd(Bars b, double[] p) {
        return b.shared("macd " + p[0] + " " + p[1] + " " + p[2], () -> {
            double[] fast = ema(b, p[0]);
            double[] slow = ema(b, p[1]);
            double[] line = new double[fast.length];
            for (int i = 0; i < line.length; i++) {
                line[i] = fast[i] - slow[i];
            }
            double[] signal = Kernels.ema(line, 2.0 / (p[2] + 1), b.timeline());
            double[] hist = new double[line.length];
            for (int i = 0; i < hist.length; i++) {
                hist[i] = line[i] - signal[i];
            }
            return new double[][] {line, signal, hist};
        });
    }

    /** %b when {@code pctB}, else the band width in percent of the middle band. */
    static double[] bollinger(Bars b, int n, double k, boolean pctB) {
        double[] c = b.close();
        double[] mid = sma(b, n);
        double[] sd = b.shared("std close " + n, () -> Kernels.std(c, n, false, b.timeline()));
        double[] out = Kernels.nan(c.length);
        for (int i = 0; i < c.length; i++) {
            double up = mid[i] + k * sd[i];
            double lo = mid[i] - k * sd[i];
            if (pctB) {
                out[i] = up == lo ? Double.NaN : (c[i] - lo) / (up - lo);
            } else {
                out[i] = (up - lo) / mid[i] * 100;
            }
        }
        return out;
    }

    static double[] atr(Bars b, int n) {
        return b.shared("atr " + n, () -> mma(trueRange(b), n, b.timeline()));
    }

    /** The true range, shared by ATR and ADX (read-only). */
    private static double[] trueRange(Bars b) {
        return b.shared("true range", () -> Kernels.trueRange(b.high(), b.low(), b.close()));
    }

    static double[] adx(Bars b, int n) {
        double[] h = b.high();
        double[] l = b.low();
        int len = h.length;
        double[] plusDm = new double[len];
        double[] minusDm = new double[len];
        for (int i = 1; i < len; i++) {
            double up = h[i] - h[i - 1];
            double down = l[i - 1] - l[i];
            plusDm[i] = up > down && up > 0 ? up : 0;
            minusDm[i] = down > up && down > 0 ? down : 0;
        }
        double[] tr = atr(b, n);
        double[] pdm = mma(plusDm, n, b.timeline());
        double[] mdm = mma(minusDm, n, b.timeline());
        double[] dx = new double[len];
        for (int i = 0; i < len; i++) {
            double pdi = tr[i] == 0 ? 0 : pdm[i] / tr[i] * 100;
            double mdi = tr[i] == 0 ? 0 : mdm[i] / tr[i] * 100;
            dx[i] = pdi + mdi == 0 ? 0 : Math.abs(pdi - mdi) / (pdi + mdi) * 100;
        }
        return mma(dx, n, b.timeline());
    }

    /** Stochastic %K, shared by StochK, StochD and StochJ (read-only). */
    static double[] stochK(Bars b, int n) {
        return b.shared("stochK " + n, () -> {
            double[] hh = highest(b, n);
            double[] ll = lowest(b, n);
            double[] out = Kernels.nan(b.size());
            for (int i = 0; i < out.length; i++) {
                double r = hh[i] - ll[i];
                out[i] = r == 0 ? Double.NaN : (b.close()[i] - ll[i]) / r * 100;
            }
            return out;
        });
    }

    /** Stochastic %D (the SMA of %K), shared by StochD and StochJ (read-only). */
    static double[] stochD(Bars b, int n, int smooth) {
        return b.shared("stochD " + n + " " + smooth, () -> Kernels.sma(stochK(b, n), smooth, b.timeline()));
    }

    /** The highest high over {@code n} bars, shared by the stochastics and Williams %R (read-only). */
    private static double[] highest(Bars b, int n) {
        return b.shared("max high " + n, () -> Kernels.max(b.high(), n));
    }

    private static double[] lowest(Bars b, int n) {
        return b.shared("min low " + n, () -> Kernels.min(b.low(), n));
    }

    static double[] williamsR(Bars b, int n) {
        double[] hh = highest(b, n);
        double[] ll = lowest(b, n);
        double[] out = Kernels.nan(b.size());
        for (int i = 0; i < out.length; i++) {
            double r = hh[i] - ll[i];
            out[i] = r == 0 ? Double.NaN : (hh[i] - b.close()[i]) / r * -100;
        }
        return out;
    }

    static double[] cci(Bars b, int n) {
        int len = b.size();
        double[] tp = new double[len];
        for (int i = 0; i < len; i++) {
            tp[i] = (b.high()[i] + b.low()[i] + b.close()[i]) / 3;
        }
        double[] m = Kernels.sma(tp, n, b.timeline());
        double[] out = Kernels.nan(len);
        for (int i = n - 1; i < len; i++) {
            double md = 0;
            for (int k = i - n + 1; k <= i; k++) {
                md += Math.abs(tp[k] - m[i]);
            }
            md /= n;
            out[i] = md == 0 ? 0 : (tp[i] - m[i]) / (0.015 * md);
        }
        return out;
    }

    /** 0 body, 1 upper wick, 2 lower wick, as fractions of the range. */
    static double[] shape(Bars b, int which) {
        double[] out = new double[b.size()];
        for (int i = 0; i < out.length; i++) {
            double o = b.open()[i];
            double c = b.close()[i];
            double r = b.high()[i] - b.low()[i];
            if (r == 0) {
                out[i] = 0;
                continue;
            }
            out[i] = switch (which) {
                case 0 -> (c - o) / r;
                case 1 -> (b.high()[i] - Math.max(o, c)) / r;
                default -> (Math.min(o, c) - b.low()[i]) / r;
            };
        }
        return out;
    }

    static double[] doji(Bars b, double threshold) {
        double[] out = new double[b.size()];
        for (int i = 0; i < out.length; i++) {
            double r = b.high()[i] - b.low()[i];
            out[i] = Math.abs(b.close()[i] - b.open()[i]) <= threshold * r ? 1 : 0;
        }
        return out;
    }

    static double[] hammer(Bars b) {
        double[] out = new double[b.size()];
        for (int i = 0; i < out.length; i++) {
            double o = b.open()[i];
            double c = b.close()[i];
            double body = Math.abs(c - o);
            double lower = Math.min(o, c) - b.low()[i];
            double upper = b.high()[i] - Math.max(o, c);
            out[i] = b.high()[i] > b.low()[i] && lower >= 2 * body && upper <= body ? 1 : 0;
        }
        return out;
    }

    static double[] engulfing(Bars b) {
        double[] out = Kernels.nan(b.size());
        double[] o = b.open();
        double[] c = b.close();
        for (int i = 1; i < out.length; i++) {
            boolean prevDown = c[i - 1] < o[i - 1];
            boolean prevUp = c[i - 1] > o[i - 1];
            if (prevDown && c[i] > o[i] && o[i] <= c[i - 1] && c[i] >= o[i - 1]) {
                out[i] = 1;
            } else if (prevUp && c[i] < o[i] && o[i] >= c[i - 1] && c[i] <= o[i - 1]) {
                out[i] = -1;
            } else {
                out[i] = 0;
            }
        }
        return out;
    }

    /**
     * The price of the latest pivot confirmed by bar {@code t}: bar {@code p} is a swing high of level {@code k}
     * when its high is above the highs of the {@code k} bars before and after it; it is known only at bar
     * {@code p + k}. Only pivots with {@code p > t - window} count; none gives NaN.
     */
    static double[] swing(double[] x, int k, int window, boolean high) {
        int n = x.length;
        double[] out = Kernels.nan(n);
        int last = -1; // index of the latest confirmed pivot
        for (int t = 0; t < n; t++) {
            int p = t - k; // candidate confirmed now
            if (p - k >= 0) {
                boolean pivot = true;
                for (int j = 1; j <= k && pivot; j++) {
                    pivot = high ? x[p] > x[p - j] && x[p] > x[p + j] : x[p] < x[p - j] && x[p] < x[p + j];
                }
                if (pivot) {
                    last = p;
                }
            }
            if (last >= 0 && last > t - window) {
                out[t] = x[last];
            }
        }
        return out;
    }
}
