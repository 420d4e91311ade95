package io.atlasj.trainer.engine;

import io.atlasj.workspec.Search;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The early-termination rules of a run's units ({@link Search}): trials report their validation loss after each
 * epoch of their first fold, and the stopper answers whether they go on. Only the first fold is judged: a walk-forward
 * trial that passes it trains its later folds to their end (judging every fold again would cut the survivors of each
 * fold once more). It keeps, per unit, what every trial reported (asha: the losses recorded at each rung; median:
 * each epoch's running mean losses, sorted), so the answer depends on the trials reported so far, in the order they
 * arrived, as the asynchronous rules are meant to.
 *
 * <p>One per run and driver: the local runner's slots call it from their threads, the cluster's coordinator from its
 * actor (trainers report over the wire and stop when told). Thread-safe. It keeps no clock and does no I/O; a driver
 * that restarts rebuilds it from the curves of the results already stored ({@link #replay}).
 */
public final class TrialStopper {
    /** The fold the rules judge: the first. */
    public static final int JUDGED_FOLD = 0;

    private final Map<String, Search> searches;
    /** unit -> asha: rung epochs -> key -> loss. */
    private final Map<String, Map<Integer, Map<String, Double>>> rungs = new HashMap<>();
    /** unit -> median: each trial's losses so far. */
    private final Map<String, Map<String, Trial>> trials = new HashMap<>();
    /** unit -> median: per epoch (index epochs - 1), the running mean losses of the trials that reached it, sorted. */
    private final Map<String, List<Sorted>> means = new HashMap<>();
    private final Map<String, String> stopped = new LinkedHashMap<>();

    /** A trial's losses by epoch, their running sums and its running means as recorded. */
    private static final class Trial {
        final List<Double> losses = new ArrayList<>();
        double sum;
        double best = Double.POSITIVE_INFINITY;
    }

    public TrialStopper(Map<String, Search> searches) {
        this.searches = Map.copyOf(searches);
    }

    /** The searches of a WorkSpec's units. */
    public static TrialStopper of(WorkSpec ws) {
        Map<String, Search> s = new HashMap<>();
        for (WorkUnit u : ws.units()) {
            s.put(u.name(), u.search());
        }
        return new TrialStopper(s);
    }

    /** Whether trials of {@code unit} can be stopped (its search is not {@code none}). */
    public boolean active(String unit) {
        Search s = searches.get(unit);
        return s != null && s.type() != Search.Type.NONE;
    }

    /** The search of {@code unit}. */
    public Search search(String unit) {
        return searches.getOrDefault(unit, Search.NONE);
    }

    /**
     * Whether a report of epoch {@code epochs} of fold {@code fold} matters to {@code unit}'s search (a driver across
     * a wire sends no others): the judged fold's rungs for asha, its every epoch for median.
     */
    public boolean wants(String unit, int fold, int epochs) {
        Search s = search(unit);
        return fold == JUDGED_FOLD && (s.type() == Search.Type.MEDIAN || s.type() == Search.Type.ASHA && s.rung(epochs));
    }

    /**
     * {@link #record} then {@link #judge}: trial {@code key} of {@code unit} trained {@code epochs} epochs (from 1) of
     * fold {@code fold} with validation loss {@code valLoss}; null to go on, or why it stops now.
     */
    public synchronized String report(String unit, String key, int fold, int epochs, double valLoss) {
        record(unit, key, fold, epochs, valLoss);
        return judge(unit, key, fold, epochs);
    }

    /**
     * Records that trial {@code key} of {@code unit} trained {@code epochs} epochs (from 1) of fold {@code fold} with
     * validation loss {@code valLoss} (NaN counts as the worst), without judging it yet: the models of a pack, which
     * finish each epoch together, are all recorded before any is judged, so none is judged before the others of its
     * epoch are known. Folds other than the first are not recorded.
     */
    public synchronized void record(String unit, String key, int fold, int epochs, double valLoss) {
        Search s = searches.get(unit);
        if (s == null || s.type() == Search.Type.NONE || fold != JUDGED_FOLD || stopped.containsKey(key)) {
            return;
        }
        double v = Double.isNaN(valLoss) ? Double.POSITIVE_INFINITY : valLoss;
        if (s.type() == Search.Type.ASHA && s.rung(epochs)) {
            rungs.computeIfAbsent(unit, x -> new HashMap<>()).computeIfAbsent(epochs, x -> new HashMap<>()).put(key, v);
        } else if (s.type() == Search.Type.MEDIAN) {
            Trial t = trials.computeIfAbsent(unit, x -> new HashMap<>()).computeIfAbsent(key, x -> new Trial());
            if (epochs != t.losses.size() + 1) {
                return; // a repeat or a resumed trial's later epoch: its running mean would not be one
            }
            t.losses.add(v);
            t.sum += v;
            t.best = Math.min(t.best, v);
            List<Sorted> at = means.computeIfAbsent(unit, x -> new ArrayList<>());
            while (at.size() < epochs) {
                at.add(new Sorted());
            }
            at.get(epochs - 1).add(t.sum / epochs);
        }
    }

    /**
     * Whether trial {@code key}, {@link #record recorded} after {@code epochs} epochs of fold {@code fold}, goes on:
     * null, or why it stops now. A trial once stopped stays stopped (a retry is told at once); folds other than the
     * first are not judged.
     */
    public synchronized String judge(String unit, String key, int fold, int epochs) {
        String was = stopped.get(key);
        if (was != null) {
            return was;
        }
        Search s = searches.get(unit);
        if (s == null || s.type() == Search.Type.NONE || fold != JUDGED_FOLD) {
            return null;
        }
        String why = switch (s.type()) {
            case ASHA -> asha(s, unit, key, epochs);
            case MEDIAN -> median(s, unit, key, epochs);
            case NONE -> null;
        };
        if (why != null) {
            stopped.put(key, why);
        }
        return why;
    }

    /**
     * Records a stored trial's losses of one fold without a decision: what a driver that restarts knows of the trials
     * finished before it stopped.
     */
    public synchronized void replay(String unit, String key, int fold, double[] valLosses) {
        for (int e = 1; e <= valLosses.length; e++) {
            record(unit, key, fold, e, valLosses[e - 1]);
        }
    }

    /** The trials stopped so far and why. */
    public synchronized Map<String, String> stopped() {
        return Map.copyOf(stopped);
    }

    private String asha(Search s, String unit, String key, int epochs) {
        Map<String, Double> at = rungs.getOrDefault(unit, Map.of()).getOrDefault(epochs, Map.of());
        Double v = at.get(key);
        if (!s.rung(epochs) || v == null) {
            return null;
        }
        double[] recorded = at.values().stream().mapToDouble(Double::doubleValue).toArray();
        double cutoff = percentile(recorded, 100.0 / s.reduction());
        // a NaN loss (recorded as infinite) goes on only when every loss at the rung is NaN
        if (v <= cutoff && (Double.isFinite(v) || Double.isInfinite(cutoff) && allInfinite(recorded))) {
            return null;
        }
        return String.format(Locale.ROOT, "stopped by asha after epoch %d of fold %d: validation loss %s is not "
                + "within the best 1/%d of the %d trials recorded at this rung (cutoff %s)", epochs, JUDGED_FOLD,
                fmt(v), s.reduction(), recorded.length, fmt(cutoff));
    }

    private String median(Search s, String unit, String key, int epochs) {
        Trial own = trials.getOrDefault(unit, Map.of()).get(key);
        if (epochs < s.after() || own == null || own.losses.size() != epochs) {
            return null;
        }
        Sorted at = means.get(unit).get(epochs - 1);
        int others = at.size() - 1;
        if (others < s.minTrials()) {
            return null;
        }
        double median = at.medianWithout(own.sum / epochs);
        double best = own.best;
        if (best <= median && Double.isFinite(best)) {
            return null;
        }
        return String.format(Locale.ROOT, "stopped by the median rule after epoch %d of fold %d: its best validation "
                + "loss %s is worse than the median %s of %d other trials' mean losses up to this epoch", epochs,
                JUDGED_FOLD, fmt(best), fmt(median), others);
    }

    private static boolean allInfinite(double[] v) {
        return Arrays.stream(v).allMatch(Double::isInfinite);
    }

    /** Ascending doubles, inserted in place: the median of all but one in constant time after a binary search. */
    private static final class Sorted {
        private double[] v = new double[16];
        private int n;

        void add(double x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, 2 * n);
            }
            int at = Arrays.binarySearch(v, 0, n, x);
            at = at < 0 ? -at - 1 : at;
            System.arraycopy(v, at, v, at + 1, n - at);
            v[at] = x;
            n++;
        }

        int size() {
            return n;
        }

        /** The median (numpy's: the mean of the two middle ones of an even count) without one occurrence of {@code x}. */
        double medianWithout(double x) {
            int skip = Arrays.binarySearch(v, 0, n, x);
            int m = n - 1;
            double lo = get(skip, (m - 1) / 2);
            double hi = get(skip, m / 2);
            return (lo + hi) / 2;
        }

        private double get(int skip, int i) {
            return v[i < skip ? i : i + 1];
        }
    }

    /** The {@code p}th percentile with linear interpolation between closest ranks (numpy's default). */
    static double percentile(double[] x, double p) {
        double[] s = x.clone();
        Arrays.sort(s);
        double pos = p / 100 * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        double frac = pos - lo;
        if (frac == 0 || Double.isInfinite(s[hi])) {
            return s[lo]; // a NaN loss (recorded as infinite) never lifts the cutoff of the finite ones
        }
        return s[lo] + (s[hi] - s[lo]) * frac;
    }

    private static String fmt(double v) {
        return Double.isInfinite(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
    }
}
