package io.atlasj.features.eval;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.resample.Resampler;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes resolved features (every leaf has an exact market and a timeframe) over a time range.
 *
 * <p>The rules that keep the future out:
 * <ul>
 *   <li>A leaf is computed on its own bars, segment by segment: with {@link GapPolicy#DROP} a segment ends at every
 *       gap, recursive indicators restart after it and the first warm-up bars of each segment have no value, so no
 *       window ever spans a gap. Nothing is interpolated.</li>
 *   <li>A value at bar {@code i} is known at the close of bar {@code i}. To place it on another timeline (a slower
 *       timeframe, another market) the value of the latest bar that closed at or before the target bar's close is
 *       used, and only if that bar is the one immediately before: a missing bar gives no value, never a stale one.</li>
 *   <li>Labels look forward by exactly their horizon, inside one segment.</li>
 *   <li>Candles stored as filled ({@code --fill-gaps}) are read as absent. Under {@link GapPolicy#FILL_FLAT} the
 *       features read each candle series with flat bars in its gaps, filled here from the real bars, and
 *       {@link #readsFilled} tells which values read one; labels are computed as under {@link GapPolicy#DROP}, on
 *       real bars only.</li>
 * </ul>
 */
public final class Evaluator {
    private final SeriesSource source;
    private final GapPolicy gaps;
    /** Under FILL_FLAT: how long after a real bar missing bars are filled, in ms (Long.MAX_VALUE: every gap whole). */
    private final long fillLimit;
    private final long dataFrom;
    private final long to;
    private final String owner;
    // Several threads may evaluate features of one evaluator at once ({@link #evaluateAll}): each feature and each
    // series is computed once, by the first thread that asks; the others wait for it
    private final Map<String, java.util.concurrent.CompletableFuture<Column>> memo =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CompletableFuture<Bars>> series =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Bars[]> pieces = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<long[], int[][]> segmentCache = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());
    /** Under FILL_FLAT: per candle series read, which of its bars were filled (absent: none was). */
    private final Map<String, boolean[]> filled = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per evaluated feature id: which values on its home timeline read a filled bar (null: none did). */
    private final Map<String, boolean[]> readsFilled = java.util.Collections.synchronizedMap(new HashMap<>());
    /** Under FILL_FLAT, the evaluator of the labels: the same range on real bars only. */
    private Evaluator realBars;

    /**
     * @param dataFrom where reading bars starts: the first row wanted minus the longest warm-up
     *                 ({@link #warmupMillis}), so that every feature reads from the same start
     * @param to       end (exclusive) of the range; labels read beyond it
     */
    public Evaluator(SeriesSource source, GapPolicy gaps, long dataFrom, long to) {
        this(source, gaps, dataFrom, to, "the build");
    }

    /** @param owner who reads (e.g. {@code featureset quickstart}), named when data is missing */
    public Evaluator(SeriesSource source, GapPolicy gaps, long dataFrom, long to, String owner) {
        this(source, gaps, null, dataFrom, to, owner);
    }

    /**
     * @param fillLimit under {@link GapPolicy#FILL_FLAT}, how long after a series' last real bar its missing bars are
     *                  filled (the rest of a longer gap stays a gap, as
     *                  under {@link GapPolicy#DROP}); null: every gap
     */
    public Evaluator(SeriesSource source, GapPolicy gaps, java.time.Duration fillLimit, long dataFrom, long to,
                     String owner) {
        this.source = source;
        this.gaps = gaps;
        this.fillLimit = fillLimit == null ? Long.MAX_VALUE : fillLimit.toMillis();
        this.dataFrom = dataFrom;
        this.to = to;
        this.owner = owner;
    }

    /** The error for a series the store lacks: what is needed, over which range, and what the store has. */
    public static IllegalArgumentException missing(String owner, String what, long from, long to, SeriesSource source) {
        // open ends of a range are far from real time (Long.MIN_VALUE / 4 and so on): they are said as such
        boolean openFrom = from < 0;
        boolean openTo = to > System.currentTimeMillis() + 3_650L * 86_400_000L;
        String range = openFrom && openTo ? "at any time"
                : openFrom ? "before " + java.time.Instant.ofEpochMilli(to)
                : openTo ? "from " + java.time.Instant.ofEpochMilli(from) + " on"
                : "between " + java.time.Instant.ofEpochMilli(from) + " and " + java.time.Instant.ofEpochMilli(to);
        return new IllegalArgumentException(owner + " needs " + what + " " + range
                + ", and " + source.name() + " has none; its markets: " + source.markets() + " (" + source.hint() + ")");
    }

    /** A series read once per build; empty means the store lacks it, which is the user's to fix. */
    private Bars series(String key, java.util.function.Supplier<Bars> read, String what, long from, long until) {
        return once(series, key, () -> {
            Bars b = read.get();
            if (b.size() == 0) {
                throw missing(owner, what, from, until, source);
            }
            return b;
        });
    }

    /**
     * The value of {@code key}, made by {@code make} in the first thread that asks for it; a thread that asks
     * meanwhile waits for it (the graph of features has no cycles, and helpers run on plain threads of
     * {@link #HELPERS}, never on the waiting thread, so a thread never waits on itself). A failure is every asker's, as
     * thrown.
     */
    private static <T> T once(Map<String, java.util.concurrent.CompletableFuture<T>> cache, String key,
                              java.util.function.Supplier<T> make) {
        java.util.concurrent.CompletableFuture<T> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<T> first = cache.putIfAbsent(key, mine);
        if (first == null) {
            try {
                mine.complete(make.get());
            } catch (Throwable e) {
                mine.completeExceptionally(e);
            }
            first = mine;
        }
        try {
            return first.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw unchecked(e.getCause());
        }
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t.getMessage(), t);
    }

    /**
     * The threads that help evaluate columns ({@link #evaluateAll}), shared by every build of this JVM: one fewer than
     * the cores (the calling thread is the other), so builds running side by side (several markets, Spark tasks) do not
     * multiply them. Plain daemon threads, not a fork-join pool, whose joins may run queued tasks on a waiting thread.
     */
    private static final java.util.concurrent.ExecutorService HELPERS = helpers();

    private static java.util.concurrent.ExecutorService helpers() {
        int n = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "atlas-columns-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The values of {@code features}, in their order, evaluated on up to {@code threads} threads (this one and the
     * shared {@link #HELPERS}): independent features at the same time, a feature that several need once. Each value is
     * exactly what {@link #evaluate(Feature)} alone gives. When features fail, the first one's failure (in order) is
     * thrown, and no feature after it is started.
     */
    public Column[] evaluateAll(List<Feature> features, int threads) {
        int n = features.size();
        Column[] out = new Column[n];
        Throwable[] failed = new Throwable[n];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger firstFailed = new java.util.concurrent.atomic.AtomicInteger(n);
        Runnable work = () -> {
            for (int c = next.getAndIncrement(); c < n && c < firstFailed.get(); c = next.getAndIncrement()) {
                try {
                    out[c] = evaluate(features.get(c));
                } catch (Throwable e) {
                    failed[c] = e;
                    firstFailed.accumulateAndGet(c, Math::min);
                }
            }
        };
        int helpers = Math.max(0, Math.min(n, Math.max(1, threads)) - 1);
        List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
        // per helper: 0 not started, 1 started, 2 given up (it found the shared threads busy with other builds, and
        // this thread did its share meanwhile: it must not start any more)
        java.util.concurrent.atomic.AtomicInteger[] state = new java.util.concurrent.atomic.AtomicInteger[helpers];
        for (int h = 0; h < helpers; h++) {
            java.util.concurrent.atomic.AtomicInteger st = new java.util.concurrent.atomic.AtomicInteger();
            state[h] = st;
            running.add(HELPERS.submit(() -> {
                if (st.compareAndSet(0, 1)) {
                    work.run();
                }
            }));
        }
        work.run();
        for (int h = 0; h < helpers; h++) {
            java.util.concurrent.Future<?> f = running.get(h);
            if (state[h].compareAndSet(0, 2)) {
                f.cancel(false); // lets go of this build's evaluator while the task waits in the shared queue
                continue;
            }
            try {
                f.get(); // work catches everything its features throw
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while evaluating features", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw unchecked(e.getCause());
            }
        }
        for (Throwable e : failed) {
            if (e != null) {
                throw unchecked(e);
            }
        }
        return out;
    }

    /** Warm-up of a resolved feature in milliseconds: how far before a value its data reaches. */
    public static long warmupMillis(Feature f) {
        FeatureKind k = f.definition();
        double[] p = params(f);
        if (f.isLeaf()) {
            return f.timeframe() == null ? 0 : (long) k.warmup().bars(p) * f.timeframe().millis();
        }
        long inputs = 0;
        long home = 0;
        for (Feature in : f.inputs()) {
            inputs = Math.max(inputs, warmupMillis(in) + (in.timeframe() == null ? 0 : in.timeframe().millis()));
            if (home == 0) {
                home = homeMillis(in);
            }
        }
        return inputs + (long) k.warmup().bars(p) * home;
    }

    /** A reach beyond every bound: the value depends on where reading began (see {@link #reachMillis(Feature)}). */
    public static final long UNBOUNDED = Long.MAX_VALUE / 8;

    /**
     * How far before a value the bars it depends on reach, in ms: an evaluation that reads from at least that far
     * before a bar computes its value bit for bit as one over all the data does ({@link Timeline}), or
     * {@link #UNBOUNDED} when a kind's value depends on where reading began. Per kind, twice its warm-up (a recursion's
     * own warm-up is within its kind's, and so is a nested one's) plus two bars, plus one anchor block per anchored
     * kernel it passes through ({@link io.atlasj.features.Library#anchoredDepth}); a combination adds its own to its
     * inputs' longest. Measured, not assumed: {@code StartInvariancePropertyTest} holds every kind of the library to
     * it on real bars.
     */
    public static long reachMillis(Feature f) {
        FeatureKind k = f.definition();
        double[] p = params(f);
        long own = reachBars(k, p);
        if (own >= UNBOUNDED) {
            return UNBOUNDED;
        }
        if (f.isLeaf()) {
            return f.timeframe() == null ? 0 : own * f.timeframe().millis();
        }
        long inputs = 0;
        long home = 0;
        for (Feature in : f.inputs()) {
            long r = reachMillis(in);
            if (r >= UNBOUNDED) {
                return UNBOUNDED;
            }
            inputs = Math.max(inputs, r + homeMillis(in)); // a value is placed by the close of its bar
            if (home == 0) {
                home = homeMillis(in);
            }
        }
        return inputs + own * home;
    }

    /**
     * As {@link #reachMillis(Feature)} for a resolved label: how far before its row a label's value depends on the
     * bars (it reads forward by its horizon besides).
     */
    public static long reachMillis(Label l) {
        if (l.feature() != null) {
            long r = reachMillis(l.feature());
            return r >= UNBOUNDED ? UNBOUNDED : r + homeMillis(l.feature());
        }
        int most = 0;
        for (double v : l.params()) {
            if (v == Math.rint(v) && v < 1_000_000) {
                most = Math.max(most, (int) v);
            }
        }
        long bar = l.timeframe() == null ? 0 : l.timeframe().millis();
        return (reachBars(most, LabelKind.anchoredDepth(l.kind())) + 1) * bar;
    }

    private static long reachBars(int warmup, int depth) {
        return 2L * warmup + 2 + (long) depth * Timeline.ANCHOR_BARS;
    }

    /** A kind's own reach in bars of its timeline with parameters {@code p}, or {@link #UNBOUNDED}. */
    public static long reachBars(FeatureKind k, double[] p) {
        int depth = io.atlasj.features.Library.anchoredDepth(k.name());
        return depth < 0 ? UNBOUNDED : reachBars(k.warmup().bars(p), depth);
    }

    /** Bar length of a feature's home timeline (its first non-constant leaf's timeframe). */
    public static long homeMillis(Feature f) {
        if (f.isLeaf()) {
            return f.timeframe() == null ? 0 : f.timeframe().millis();
        }
        for (Feature in : f.inputs()) {
            long h = homeMillis(in);
            if (h > 0) {
                return h;
            }
        }
        return 0;
    }

    private static double[] params(Feature f) {
        return f.params().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The feature's values on its home timeline. */
    public Column evaluate(Feature f) {
        return once(memo, f.id(), () -> compute(f));
    }

    private Column compute(Feature f) {
        FeatureKind k = f.definition();
        double[] p = params(f);
        if (f.isLeaf()) {
            if (k.need() == FeatureKind.Need.NONE) {
                throw new IllegalStateException(f.id() + " has no timeline of its own");
            }
            Market m = new Market(f.market().exchange(), f.market().symbol());
            Timeframe tf = f.timeframe();
            long start = tf.floor(dataFrom);
            boolean quotes = k.need() == FeatureKind.Need.QUOTES;
            String key = m + " " + tf + (quotes ? " quotes" : "");
            Bars all = series(key, () -> quotes
                    ? quoteBars(source.quoteBars(m, tf, start, to), tf) : candles(key, m, tf, start),
                    (quotes ? "quote bars" : source.candlesName()) + " of " + m + " at " + tf, start, to);
            int warm = k.warmup().bars(p);
            int[][] segs = segments(all.time(), tf.millis());
            // one run of bars: the leaf's own array is the column (no copy into a second one)
            boolean whole = segs.length == 1;
            double[] out = whole ? null : new double[all.size()];
            Bars[] parts = pieces.computeIfAbsent(key, k2 -> {
                Bars[] x = new Bars[segs.length];
                for (int i = 0; i < segs.length; i++) {
                    x[i] = slice(all, segs[i][0], segs[i][1]);
                }
                return x;
            });
            for (int s = 0; s < segs.length; s++) {
                double[] v;
                try {
                    v = k.leaf().compute(parts[s], p);
                } catch (Bars.MissingColumn e) {
                    throw new IllegalArgumentException(f.id() + " needs " + e.what() + ", but the "
                            + (quotes ? "quote bars" : "candles") + " of " + m + " at " + tf + " have none ("
                            + (quotes ? "imported from a file without size columns" : source.lacksWhy())
                            + "): leave out the features that use " + e.what()
                            + ", or import data that has them");
                }
                mask(v, warm);
                if (whole && v.length == all.size()) {
                    out = v;
                } else {
                    if (out == null) {
                        out = new double[all.size()];
                    }
                    System.arraycopy(v, 0, out, segs[s][0], v.length);
                }
            }
            if (out == null) {
                out = new double[all.size()];
            }
            boolean[] fill = filled.get(key);
            readsFilled.put(f.id(), fill == null ? null : within(fill, warm));
            return new Column(all.time(), tf.millis(), out);
        }
        // combinations: the home timeline is the first non-constant input's
        Column home = null;
        for (Feature in : f.inputs()) {
            if (!in.kind().equals("Const")) {
                home = evaluate(in);
                break;
            }
        }
        if (home == null) {
            throw new IllegalArgumentException(f.id() + " combines only constants");
        }
        double[][] inputs = new double[f.inputs().size()][];
        for (int i = 0; i < inputs.length; i++) {
            Feature in = f.inputs().get(i);
            if (in.kind().equals("Const")) {
                inputs[i] = new double[home.time().length];
                Arrays.fill(inputs[i], in.params().get(0));
            } else {
                // read only (SeriesFn): an input on the home timeline already is its memoized column, uncopied
                inputs[i] = onTimeline(evaluate(in), home.time(), home.barMillis());
            }
        }
        boolean[] fill = null;
        for (Feature in : f.inputs()) {
            if (!in.kind().equals("Const") && readsFilled.get(in.id()) != null) {
                boolean[] x = place(evaluate(in), readsFilled.get(in.id()), home.time(), home.barMillis());
                if (fill == null) {
                    fill = x;
                } else {
                    for (int i = 0; i < x.length; i++) {
                        fill[i] |= x[i];
                    }
                }
            }
        }
        int warm = k.warmup().bars(p);
        readsFilled.put(f.id(), fill == null ? null : within(fill, warm));
        int n = home.time().length;
        int[][] segs = segments(home.time(), home.barMillis());
        if (segs.length == 1) {
            // one run of bars: the inputs (this node's own arrays, aligned above) and the home timeline as they are,
            // and the function's array is the column
            double[] v = k.series().compute(inputs, new Timeline(home.time(), home.barMillis()), p);
            if (v.length != n) {
                throw new IllegalStateException(f.id() + " computed " + v.length + " values on " + n + " bars");
            }
            for (double[] in : inputs) {
                if (v == in) {
                    v = v.clone(); // an input handed back as it is: another column's values, masked on a copy
                    break;
                }
            }
            mask(v, warm);
            return new Column(home.time(), home.barMillis(), v);
        }
        double[] out = new double[n];
        for (int[] seg : segs) {
            double[][] x = new double[inputs.length][];
            for (int i = 0; i < x.length; i++) {
                x[i] = Arrays.copyOfRange(inputs[i], seg[0], seg[1]);
            }
            double[] v = k.series().compute(x, new Timeline(Arrays.copyOfRange(home.time(), seg[0], seg[1]),
                    home.barMillis()), p);
            mask(v, warm);
            System.arraycopy(v, 0, out, seg[0], v.length);
        }
        return new Column(home.time(), home.barMillis(), out);
    }

    /**
     * Which values of {@code f}, placed on the {@code target} timeline as {@link #align} places them, read a filled
     * bar within the history they declare (their warm-up, the bar itself included; for a combination, its inputs'
     * and its own window). Always all false unless the policy is {@link GapPolicy#FILL_FLAT}.
     */
    public boolean[] readsFilled(Feature f, long[] target, long targetMillis) {
        Column c = evaluate(f);
        boolean[] r = readsFilled.get(f.id());
        return r == null ? new boolean[target.length] : place(c, r, target, targetMillis);
    }

    /** Flags on a column's timeline placed on another timeline, as {@link #align} places its values. */
    private static boolean[] place(Column c, boolean[] flags, long[] target, long targetMillis) {
        double[] v = new double[flags.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = flags[i] ? 1 : 0;
        }
        double[] at = align(new Column(c.time(), c.barMillis(), v), target, targetMillis);
        boolean[] out = new boolean[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = at[i] == 1;
        }
        return out;
    }

    /** {@code out[i]}: some flag is set in {@code [i - window, i]}. */
    private static boolean[] within(boolean[] flags, int window) {
        boolean[] out = new boolean[flags.length];
        int last = Integer.MIN_VALUE / 2;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                last = i;
            }
            out[i] = i - last <= window;
        }
        return out;
    }

    /**
     * A resolved label's values on its home timeline. Under {@link GapPolicy#FILL_FLAT} it is computed on the real
     * bars as under {@link GapPolicy#DROP}: a label never reads a filled bar.
     */
    public Column evaluate(Label l) {
        if (gaps == GapPolicy.FILL_FLAT) {
            synchronized (this) {
                if (realBars == null) {
                    realBars = new Evaluator(source, GapPolicy.DROP, dataFrom, to, owner);
                }
            }
            return realBars.evaluate(l);
        }
        if (l.feature() != null) {
            Column f = evaluate(l.feature());
            int n = l.horizon();
            double[] out = Kernels.nan(f.values().length);
            for (int[] seg : segments(f.time(), f.barMillis())) {
                for (int i = seg[0]; i + n < seg[1]; i++) {
                    out[i] = f.values()[i + n];
                }
            }
            return new Column(f.time(), f.barMillis(), out);
        }
        LabelKind k = LabelKind.of(l.kind());
        Market m = new Market(l.market().exchange(), l.market().symbol());
        Timeframe tf = l.timeframe();
        long until = to + (l.horizon() + 1L) * tf.millis();
        Bars all = series(m + " " + tf + " label+" + l.horizon(), () -> candleBars(
                source.candles(m, tf, tf.floor(dataFrom), until), tf), "candles of " + m + " at " + tf, dataFrom, until);
        double[] p = l.params().stream().mapToDouble(Double::doubleValue).toArray();
        double[] out = new double[all.size()];
        for (int[] seg : segments(all.time(), tf.millis())) {
            double[] v = k.compute().compute(slice(all, seg[0], seg[1]), p);
            System.arraycopy(v, 0, out, seg[0], v.length);
        }
        return new Column(all.time(), tf.millis(), out);
    }

    /** Sets the first {@code warm} values to NaN (the warm-up of a segment). */
    private static void mask(double[] v, int warm) {
        Arrays.fill(v, 0, Math.min(warm, v.length), Double.NaN);
    }

    /** [start, end) index pairs of the contiguous runs of bars (one run under {@link GapPolicy#BRIDGE}). */
    int[][] segments(long[] time, long barMillis) {
        return segmentCache.computeIfAbsent(time, t -> findSegments(t, barMillis));
    }

    private int[][] findSegments(long[] time, long barMillis) {
        if (time.length == 0) {
            return new int[0][];
        }
        if (gaps == GapPolicy.BRIDGE) {
            return new int[][] {{0, time.length}};
        }
        int count = 1;
        for (int i = 1; i < time.length; i++) {
            if (time[i] - time[i - 1] != barMillis) {
                count++;
            }
        }
        int[][] out = new int[count][];
        int s = 0;
        int j = 0;
        for (int i = 1; i < time.length; i++) {
            if (time[i] - time[i - 1] != barMillis) {
                out[j++] = new int[] {s, i};
                s = i;
            }
        }
        out[j] = new int[] {s, time.length};
        return out;
    }

    /**
     * As {@link #align}, but read only: a column already on the target timeline is its own array, uncopied, so the
     * caller must not change it.
     */
    public static double[] onTimeline(Column src, long[] target, long targetMillis) {
        return src.barMillis() == targetMillis && Arrays.equals(src.time(), target) ? src.values()
                : align(src, target, targetMillis);
    }

    /**
     * Places {@code src}'s values on a target timeline: for the target bar opening at {@code T} (closing at
     * {@code T + targetMillis}) the value of the source bar that closed last at or before that moment, if it is
     * present; otherwise NaN.
     */
    public static double[] align(Column src, long[] target, long targetMillis) {
        long[] st = src.time();
        long sm = src.barMillis();
        if (sm == targetMillis && Arrays.equals(st, target)) {
            return src.values().clone();
        }
        double[] out = Kernels.nan(target.length);
        int j = 0;
        for (int i = 0; i < target.length; i++) {
            long close = target[i] + targetMillis;
            long want = Timeframe.floor(close, sm) - sm;
            while (j < st.length && st[j] < want) {
                j++;
            }
            if (j < st.length && st[j] == want) {
                out[i] = src.values()[j];
            }
        }
        return out;
    }

    /**
     * A candle series as read for features: under {@link GapPolicy#FILL_FLAT} with its gaps filled flat (and the
     * filled bars noted under {@code key}), otherwise its real bars.
     */
    private Bars candles(String key, Market m, Timeframe tf, long start) {
        if (gaps != GapPolicy.FILL_FLAT) {
            return candleBars(source.candles(m, tf, start, to), tf);
        }
        // whether a bar is filled depends on the real bars before it only (the limit counts from the last one), so
        // nothing after 'to' is read: a build over data that ends at 'to' fills what a build of all data fills
        CandleSeries full = Resampler.withGapsFilled(source.candles(m, tf, start, to), fillLimit, to);
        byte[] src = full.sources();
        boolean[] flags = new boolean[src.length];
        boolean any = false;
        for (int i = 0; i < src.length; i++) {
            flags[i] = src[i] == CandleSource.FILLED.code();
            any |= flags[i];
        }
        if (any) {
            filled.put(key, flags);
        }
        return candleBars(full, tf, true);
    }

    /** A candle series' real bars: filled ones are left out, so that they are gaps again. */
    static Bars candleBars(CandleSeries c, Timeframe tf) {
        return candleBars(c, tf, false);
    }

    private static Bars candleBars(CandleSeries c, Timeframe tf, boolean keepFilled) {
        int n = c.size();
        double[] count = new double[n];
        long[] tc = c.tradeCounts();
        for (int i = 0; i < n; i++) {
            count[i] = tc[i] < 0 ? Double.NaN : tc[i];
        }
        // filled bars are not data: drop them so that they make gaps again (unless they were filled here)
        byte[] src = c.sources();
        boolean anyFilled = false;
        for (byte b : src) {
            anyFilled |= !keepFilled && b == CandleSource.FILLED.code();
        }
        Bars b = new Bars(c.openTimes(), tf.millis(), c.opens(), c.highs(), c.lows(), c.closes(), c.volumes(),
                c.quoteVolumes(), count, c.takerBuyVolumes(), null, null, null, null);
        if (!anyFilled) {
            return b;
        }
        int[] keep = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (src[i] != CandleSource.FILLED.code()) {
                keep[m++] = i;
            }
        }
        return select(b, Arrays.copyOf(keep, m));
    }

    static Bars quoteBars(QuoteCandleSeries q, Timeframe tf) {
        return new Bars(q.openTimes(), tf.millis(), null, null, null, null, null, null, null, null, q.bidCloses(),
                q.askCloses(), q.column(QuoteCandleSeries.BID_SIZE), q.column(QuoteCandleSeries.ASK_SIZE));
    }

    static Bars slice(Bars b, int s, int e) {
        if (s == 0 && e == b.size()) {
            return b;
        }
        return new Bars(Arrays.copyOfRange(b.time(), s, e), b.barMillis(), r(b.open(), s, e), r(b.high(), s, e),
                r(b.low(), s, e), r(b.close(), s, e), r(b.volumeColumn(), s, e), r(b.quoteVolume(), s, e),
                r(b.tradeCount(), s, e), r(b.takerBuy(), s, e), r(b.bid(), s, e), r(b.ask(), s, e),
                r(b.bidSizeColumn(), s, e), r(b.askSizeColumn(), s, e));
    }

    private static Bars select(Bars b, int[] idx) {
        long[] t = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            t[i] = b.time()[idx[i]];
        }
        return new Bars(t, b.barMillis(), pick(b.open(), idx), pick(b.high(), idx), pick(b.low(), idx),
                pick(b.close(), idx), pick(b.volumeColumn(), idx), pick(b.quoteVolume(), idx), pick(b.tradeCount(), idx),
                pick(b.takerBuy(), idx), null, null, null, null);
    }

    private static double[] pick(double[] x, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = x[idx[i]];
        }
        return out;
    }

    private static double[] r(double[] x, int s, int e) {
        return x == null ? null : Arrays.copyOfRange(x, s, e);
    }
}
