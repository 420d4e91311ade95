package io.atlasj.workspec.split;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns a {@link SplitPolicy} into folds over the rows of a feature matrix, in time order.
 *
 * <p>Purging: a row whose label window (its bar's close up to the close of the bar {@code horizon} bars later)
 * reaches the next row of a part evaluated after it is removed, so no training row's label overlaps a validation or
 * test window, and no validation row's a test window. Both times and row counts decide: by time, rows on either side
 * of a gap are only as close as their times say; by rows, a label computed across a bridged gap ({@code gaps:
 * bridge}, where the bar {@code horizon} bars later may be days later) is caught too, since a row's label never ends
 * after the row {@code horizon} rows later opens. Every block of a part counts (k-fold's validation may be two). The
 * embargo additionally removes that many rows right after a test block from training (k-fold).
 */
public final class Splitter {
    private Splitter() {
    }

    /**
     * @param time         row bar open times, ascending
     * @param barMillis    the bar length
     * @param labelHorizon the label's horizon in bars (the purge length)
     */
    public static List<Fold> folds(long[] time, long barMillis, int labelHorizon, SplitPolicy policy) {
        int n = time.length;
        long reach = labelHorizon * barMillis;
        List<Fold> out = new ArrayList<>();
        if (policy instanceof SplitPolicy.Chronological c) {
            int a;
            int b;
            if (c.byDates()) {
                a = lowerBound(time, c.validationFrom());
                b = lowerBound(time, c.testFrom());
            } else {
                a = (int) Math.floor(c.train() * n);
                b = a + (int) Math.floor(c.validation() * n);
                if (c.test() == 0) {
                    b = n;
                }
            }
            int[] test = range(b, n);
            int[] val = purge(range(a, b), time, reach, b < n ? time[b] : Long.MAX_VALUE);
            long firstEval = a < n ? time[a] : Long.MAX_VALUE;
            int[] train = purge(range(0, Math.max(0, a - c.embargo())), time, reach, firstEval);
            out.add(checked(new Fold(0, train, val, test), policy));
        } else if (policy instanceof SplitPolicy.WalkForward w) {
            w.checkBlocksDoNotOverlap();
            int f = 0;
            for (int s = w.train(); s + w.test() <= n; s += w.step()) {
                int start = w.expanding() ? 0 : s - w.train();
                int end = s - w.embargo();
                int valStart = end - (int) Math.floor((end - start) * w.validation());
                int[] test = range(s, s + w.test());
                int[] val = purge(range(valStart, end), time, reach, time[s]);
                int[] train = purge(range(start, valStart), time, reach,
                        valStart < end ? time[valStart] : time[s]);
                out.add(checked(new Fold(f++, train, val, test), policy));
            }
        } else {
            SplitPolicy.PurgedKFold k = (SplitPolicy.PurgedKFold) policy;
            for (int j = 0; j < k.k(); j++) {
                int lo = (int) ((long) n * j / k.k());
                int hi = (int) ((long) n * (j + 1) / k.k());
                int[] test = range(lo, hi);
                long testStart = time[lo];
                long testEnd = time[hi - 1] + barMillis; // close of the last test bar
                int[] pool = new int[n];
                int size = 0;
                int before = 0; // pool rows before the test block (the pool is ascending)
                for (int i = 0; i < n; i++) {
                    boolean inTest = i >= lo && i < hi;
                    boolean purged = i < lo && time[i] + reach >= testStart;
                    boolean embargoed = i >= hi && i < hi + k.embargo();
                    // rows after the test block whose label would still end inside it cannot exist (labels look
                    // forward); rows right after it see the test period through their features: the embargo
                    boolean overlaps = i >= hi && time[i] < testEnd;
                    if (!inTest && !purged && !embargoed && !overlaps) {
                        pool[size++] = i;
                        if (i < lo) {
                            before++;
                        }
                    }
                }
                int nVal = (int) Math.floor(size * k.validation());
                // validation: the pool rows closest before the test block, topped up when too few (the first block)
                // by the pool's last rows after it
                boolean[] inVal = new boolean[n];
                int fromBefore = Math.min(before, nVal);
                int fromAfter = Math.min(size - before, nVal - fromBefore);
                int first = -1; // the validation row whose open time starts validation (the first one taken)
                for (int q = before - fromBefore; q < before; q++) {
                    inVal[pool[q]] = true;
                    first = first < 0 ? pool[q] : first;
                }
                for (int q = size - fromAfter; q < size; q++) {
                    inVal[pool[q]] = true;
                    first = first < 0 ? pool[q] : first;
                }
                long valStart = first < 0 ? Long.MAX_VALUE : time[first];
                int[] val = new int[fromBefore + fromAfter];
                int[] train = new int[size];
                int v = 0;
                int t = 0;
                for (int q = 0; q < size; q++) {
                    int i = pool[q];
                    if (inVal[i]) {
                        val[v++] = i;
                    } else if (!(time[i] < valStart && time[i] + reach >= valStart)) {
                        train[t++] = i;
                    }
                }
                out.add(checked(new Fold(j, Arrays.copyOf(train, t), val, test), policy));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the split " + policy + " leaves no fold on " + n + " rows");
        }
        List<Fold> purged = new ArrayList<>();
        for (Fold f : out) {
            // every block of every part evaluated after a row counts, by time and by rows
            boolean[] evalAfterTrain = new boolean[n];
            boolean[] test = new boolean[n];
            for (int i : f.validation()) {
                evalAfterTrain[i] = true;
            }
            for (int i : f.test()) {
                evalAfterTrain[i] = true;
                test[i] = true;
            }
            purged.add(checked(new Fold(f.index(), purge(f.train(), time, reach, labelHorizon, evalAfterTrain),
                    purge(f.validation(), time, reach, labelHorizon, test), f.test()), policy));
        }
        return purged;
    }

    /**
     * The rows of {@code rows} whose label ends before the next evaluated row ({@code evaluated}) after them opens: by
     * time ({@code time[i] + reach < time[j]}) and by rows ({@code i + horizon < j}).
     */
    private static int[] purge(int[] rows, long[] time, long reach, int horizon, boolean[] evaluated) {
        int n = time.length;
        int[] next = new int[n + 1]; // the first evaluated row at or after i (n: none)
        next[n] = n;
        for (int i = n - 1; i >= 0; i--) {
            next[i] = evaluated[i] ? i : next[i + 1];
        }
        return IntStream.of(rows).filter(i -> {
            int j = next[i + 1];
            return j == n || time[i] + reach < time[j] && i + horizon < j;
        }).toArray();
    }

    private static int lowerBound(long[] time, long t) {
        int i = Arrays.binarySearch(time, t);
        return i >= 0 ? i : -i - 1;
    }

    private static Fold checked(Fold f, SplitPolicy p) {
        if (f.train().length == 0) {
            throw new IllegalArgumentException("the split " + p + " leaves fold " + f.index() + " without training rows");
        }
        if (f.test().length == 0 && !(p instanceof SplitPolicy.Chronological c && c.test() == 0 && !c.byDates())) {
            throw new IllegalArgumentException("the split " + p + " leaves fold " + f.index() + " without test rows");
        }
        return f;
    }

    private static int[] range(int from, int to) {
        return IntStream.range(Math.max(0, from), Math.max(Math.max(0, from), to)).toArray();
    }

    /** Rows whose label window ends before {@code firstEval}: label end = bar open + horizon x bar. */
    private static int[] purge(int[] rows, long[] time, long reach, long firstEval) {
        return IntStream.of(rows).filter(i -> time[i] + reach < firstEval).toArray();
    }
}
