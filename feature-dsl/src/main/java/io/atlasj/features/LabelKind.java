package io.atlasj.features;

import io.atlasj.features.FeatureKind.ParamSpec;
import io.atlasj.features.eval.Bars;
import io.atlasj.features.eval.Kernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Label kinds. Every label at bar {@code t} is computed from the close of bar {@code t} and the bars
 * {@code t+1 .. t+n} of the same contiguous segment; without all of them it has no value. "Shifted exactly once":
 * {@code FutureReturn(n)} at {@code t} is {@code ln(close[t+n] / close[t])}, the return over {@code (t, t+n]}.
 *
 * @param target what the label's values are: a real number, class indices {@code 0..classes-1}, or a real number
 *               whose class boundaries are fitted on the training part only
 */
public record LabelKind(String name, List<ParamSpec> params, Target target, int classes, String description,
                        FeatureKind.LeafFn compute) {
    public static final String LOOKFORWARD = "lookforward";

    public enum Target { REGRESSION, CLASSES, CLASSES_FITTED_ON_TRAIN }

    private static final Map<String, LabelKind> KINDS = new LinkedHashMap<>();

    static {
        ParamSpec n = ParamSpec.bars("horizon", 1, 1);
        add(new LabelKind("FutureReturn", List.of(n), Target.REGRESSION, 0,
                "log return over the next n bars: ln(close[t+n] / close[t])", (b, p) -> futureReturn(b, (int) p[0])));
        add(new LabelKind("UpDown", List.of(n), Target.CLASSES, 2,
                "1 if the close n bars ahead is above the close now, else 0", (b, p) -> {
                    double[] r = futureReturn(b, (int) p[0]);
                    for (int i = 0; i < r.length; i++) {
                        r[i] = Double.isNaN(r[i]) ? Double.NaN : r[i] > 0 ? 1 : 0;
                    }
                    return r;
                }));
        add(new LabelKind("ThreeClass", List.of(n, ParamSpec.real("threshold", 0, 1, 0.001)), Target.CLASSES, 3,
                "0 down / 1 flat / 2 up: future log return over n bars against +-threshold", (b, p) -> {
                    double[] r = futureReturn(b, (int) p[0]);
                    for (int i = 0; i < r.length; i++) {
                        r[i] = Double.isNaN(r[i]) ? Double.NaN : r[i] < -p[1] ? 0 : r[i] > p[1] ? 2 : 1;
                    }
                    return r;
                }));
        add(new LabelKind("ThreeClassPercentile", List.of(n, ParamSpec.real("lower", 0, 100, 33.333),
                ParamSpec.real("upper", 0, 100, 66.667)), Target.CLASSES_FITTED_ON_TRAIN, 3,
                "0 / 1 / 2 by percentiles of the future return fitted on the training part only (values: the return)",
                (b, p) -> futureReturn(b, (int) p[0])));
        add(new LabelKind("FutureMaxDrawdown", List.of(n), Target.REGRESSION, 0,
                "largest fall from a running peak of closes over t..t+n, as a negative fraction", (b, p) -> {
                    int h = (int) p[0];
                    double[] c = b.close();
                    double[] out = Kernels.nan(c.length);
                    for (int i = 0; i + h < c.length; i++) {
                        double peak = c[i];
                        double mdd = 0;
                        for (int k = i + 1; k <= i + h; k++) {
                            peak = Math.max(peak, c[k]);
                            mdd = Math.min(mdd, c[k] / peak - 1);
                        }
                        out[i] = mdd;
                    }
                    return out;
                }));
        add(new LabelKind("FutureVolatility", List.of(ParamSpec.bars("horizon", 2, 20)), Target.REGRESSION, 0,
                "sample std of the one-bar log returns of bars t+1..t+n", (b, p) -> {
                    int h = (int) p[0];
                    double[] r = Kernels.logReturns(b.close(), 1);
                    double[] s = Kernels.std(r, h, true, b.timeline()); // s[j] uses r[j-h+1..j]
                    double[] out = Kernels.nan(r.length);
                    for (int i = 0; i + h < r.length; i++) {
                        out[i] = s[i + h];
                    }
                    return out;
                }));
        add(new LabelKind("TripleBarrier", List.of(ParamSpec.bars("horizon", 1, 20),
                ParamSpec.real("profitTake", 0, 10, 0.01), ParamSpec.real("stopLoss", 0, 10, 0.01)), Target.CLASSES, 3,
                "0 stop-loss first / 1 time barrier / 2 profit-take first, from close[t] over the highs and lows of "
                        + "the next n bars (both in one bar counts as stop-loss: the conservative reading)", (b, p) -> {
                    int h = (int) p[0];
                    double[] c = b.close();
                    double[] hi = b.high();
                    double[] lo = b.low();
                    double[] out = Kernels.nan(c.length);
                    for (int i = 0; i + h < c.length; i++) {
                        double up = c[i] * (1 + p[1]);
                        double down = c[i] * (1 - p[2]);
                        double v = 1;
                        for (int k = i + 1; k <= i + h; k++) {
                            if (lo[k] <= down) {
                                v = 0;
                                break;
                            }
                            if (hi[k] >= up) {
                                v = 2;
                                break;
                            }
                        }
                        out[i] = v;
                    }
                    return out;
                }));
        // levels 1 to 5, the pivots a live runner confirms
        add(new LabelKind("NextSwing", List.of(ParamSpec.bars("horizon", 2, 12), new ParamSpec("level", true, 1, 5,
                2.0)),
                Target.CLASSES, 3, "0 the next level-L swing is a low / 1 none confirmed within n bars / 2 a high: "
                        + "the first bar after t whose high (low) is strictly above (below) the L bars on each side, "
                        + "confirmed L bars later, by bar t+n (a bar that is both counts as 1)",
                (b, p) -> nextSwing(b.high(), b.low(), (int) p[0], (int) p[1])));
    }

    /**
     * {@code NextSwing(n, L)} over one gap-free run of bars. Bar {@code j} is a level-{@code L} swing high when its high
     * is strictly above the highs of the {@code L} bars on each side (a low: its low strictly below theirs); it is
     * known at the close of bar {@code j + L}. The label at {@code i} is the kind of the first swing after {@code i}
     * (2 a high, 0 a low, 1 when the bar is both), if it is confirmed by bar {@code i + n}; 1 when none is; and it is
     * decided as soon as either is known: a swing confirmed at {@code j + L <= i + n} gives the value even when bars
     * after {@code j + L} are missing, which is how a live runner can learn from it the moment the swing confirms.
     */
    static double[] nextSwing(double[] hi, double[] lo, int n, int level) {
        if (n <= level) {
            throw new IllegalArgumentException("NextSwing: horizon " + n + " <= level " + level);
        }
        int len = hi.length;
        // kind of each bar that can be checked (its L bars on each side are in the run): 2 high, 0 low, 1 both
        double[] kind = Kernels.nan(len);
        for (int j = level; j + level < len; j++) {
            boolean high = true;
            boolean low = true;
            for (int k = j - level; k <= j + level && (high || low); k++) {
                if (k != j) {
                    high &= hi[j] > hi[k];
                    low &= lo[j] < lo[k];
                }
            }
            if (high || low) {
                kind[j] = high && low ? 1 : high ? 2 : 0;
            }
        }
        double[] out = Kernels.nan(len);
        int next = -1; // the first swing at or after i + 1
        for (int i = len - 1; i >= 0; i--) {
            if (i + 1 < len && !Double.isNaN(kind[i + 1])) {
                next = i + 1;
            }
            if (next >= 0 && next + level <= i + n) {
                out[i] = kind[next];
            } else if (i + n < len) {
                out[i] = 1; // every bar up to i + n is in, and no swing after i is confirmed by then
            }
        }
        return out;
    }

    private static void add(LabelKind k) {
        KINDS.put(k.name(), k);
    }

    static double[] futureReturn(Bars b, int h) {
        double[] c = b.close();
        double[] out = Kernels.nan(c.length);
        for (int i = 0; i + h < c.length; i++) {
            out[i] = Math.log(c[i + h] / c[i]);
        }
        return out;
    }

    public static boolean exists(String name) {
        return KINDS.containsKey(name);
    }

    /**
     * As {@link Library#anchoredDepth} for label kinds: a label reaches back before its row only through an anchored
     * deviation ({@code FutureVolatility}) or a pivot's bars before it (within twice its parameters).
     */
    public static int anchoredDepth(String name) {
        return name.equals("FutureVolatility") ? 1 : 0;
    }

    public static LabelKind of(String name) {
        LabelKind k = KINDS.get(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown label '" + name + "'" + Library.suggest(name, KINDS.keySet())
                    + "; labels: " + String.join(", ", KINDS.keySet()) + ", or feature.lookforward(n)");
        }
        return k;
    }

    public static List<LabelKind> all() {
        return List.copyOf(KINDS.values());
    }

    public static List<String> names() {
        return new ArrayList<>(KINDS.keySet());
    }

    List<Double> withDefaults(double... given) {
        return FeatureKind.withDefaults(name, params, " (usage: " + signature() + ")", given);
    }

    void checkParams(List<Double> values) {
        FeatureKind.checkParams(name, params, " (usage: " + signature() + ")", values);
        if (name.equals("NextSwing") && values.get(0) <= values.get(1)) {
            long level = Math.round(values.get(1));
            throw new IllegalArgumentException("NextSwing(" + fmtInt(values.get(0)) + ", " + level + "): the horizon "
                    + "must be above the level, since a swing after bar t is confirmed " + level + " bars after it at "
                    + "the earliest (hint: NextSwing(" + (level + 1) * 4 + ", " + level + "))");
        }
    }

    private static String fmtInt(double v) {
        return String.valueOf(Math.round(v));
    }

    public String signature() {
        return name + "(" + params.stream().map(p -> p.name() + (p.defaultValue() == null ? "" : "="
                + FeatureKind.fmt(p.defaultValue()))).collect(Collectors.joining(", ")) + ")";
    }


}
