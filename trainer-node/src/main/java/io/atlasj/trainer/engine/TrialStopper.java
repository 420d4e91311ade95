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
 * epoch of each fold, and the stopper answers whether they go on. It keeps, per unit and fold, what every trial
 * reported (asha: the losses recorded at each rung; median: each trial's losses by epoch), so the answer depends on
 * the trials reported so far, in the order they arrived, as the asynchronous rules are meant to.
 *
 * <p>One per run and driver: the local runner's slots call it from their threads, the cluster's coordinator from its
 * actor (trainers report over the wire and stop when told). Thread-safe. It keeps no clock and does no I/O; a driver
 * that restarts rebuilds it from the curves of the results already stored ({@link #replay}).
 */
public final class TrialStopper {
    private final Map<String, Search> searches;
    /** unit, fold -> asha: rung epochs -> key -> loss. */
    private final Map<String, Map<Integer, Map<String, Double>>> rungs = new HashMap<>();
    /** unit, fold -> median: key -> losses by epoch (index epochs - 1). */
    private final Map<String, Map<String, List<Double>>> histories = new HashMap<>();
    private final Map<String, String> stopped = new LinkedHashMap<>();

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
     * epoch are known.
     */
    public synchronized void record(String unit, String key, int fold, int epochs, double valLoss) {
        Search s = searches.get(unit);
        if (s == null || s.type() == Search.Type.NONE || stopped.containsKey(key)) {
            return;
        }
        double v = Double.isNaN(valLoss) ? Double.POSITIVE_INFINITY : valLoss;
        if (s.type() == Search.Type.ASHA && s.rung(epochs)) {
            rungs.computeIfAbsent(unit + "\n" + fold, x -> new HashMap<>())
                    .computeIfAbsent(epochs, x -> new HashMap<>()).put(key, v);
        } else if (s.type() == Search.Type.MEDIAN) {
            history(unit, key, fold, epochs, v);
        }
    }

    /**
     * Whether trial {@code key}, {@link #record recorded} after {@code epochs} epochs of fold {@code fold}, goes on:
     * null, or why it stops now. A trial once stopped stays stopped (a retry is told at once).
     */
    public synchronized String judge(String unit, String key, int fold, int epochs) {
        String was = stopped.get(key);
        if (was != null) {
            return was;
        }
        Search s = searches.get(unit);
        if (s == null || s.type() == Search.Type.NONE) {
            return null;
        }
        String why = switch (s.type()) {
            case ASHA -> asha(s, unit, key, fold, epochs);
            case MEDIAN -> median(s, unit, key, fold, epochs);
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
        Search s = searches.get(unit);
        if (s == null || s.type() == Search.Type.NONE) {
            return;
        }
        for (int e = 1; e <= valLosses.length; e++) {
            record(unit, key, fold, e, valLosses[e - 1]);
        }
    }

    /** The trials stopped so far and why. */
    public synchronized Map<String, String> stopped() {
        return Map.copyOf(stopped);
    }

    private String asha(Search s, String unit, String key, int fold, int epochs) {
        Map<String, Double> at = rungs.getOrDefault(unit + "\n" + fold, Map.of()).getOrDefault(epochs, Map.of());
        Double v = at.get(key);
        if (!s.rung(epochs) || v == null) {
            return null;
        }
        double[] recorded = at.values().stream().mapToDouble(Double::doubleValue).toArray();
        double cutoff = percentile(recorded, 100.0 / s.reduction());
        if (v <= cutoff) {
            return null;
        }
        return String.format(Locale.ROOT, "stopped by asha after epoch %d of fold %d: validation loss %s is not "
                + "within the best 1/%d of the %d trials recorded at this rung (cutoff %s)", epochs, fold, fmt(v),
                s.reduction(), recorded.length, fmt(cutoff));
    }

    private String median(Search s, String unit, String key, int fold, int epochs) {
        Map<String, List<Double>> all = histories.getOrDefault(unit + "\n" + fold, Map.of());
        List<Double> own = all.get(key);
        if (epochs < s.after() || own == null || own.size() < epochs) {
            return null;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int e = 0; e < epochs && e < own.size(); e++) {
            best = Math.min(best, own.get(e));
        }
        List<Double> means = new ArrayList<>();
        for (Map.Entry<String, List<Double>> o : all.entrySet()) {
            if (o.getKey().equals(key) || o.getValue().size() < epochs) {
                continue;
            }
            double sum = 0;
            for (int e = 0; e < epochs; e++) {
                sum += o.getValue().get(e);
            }
            means.add(sum / epochs);
        }
        if (means.size() < s.minTrials()) {
            return null;
        }
        double median = percentile(means.stream().mapToDouble(Double::doubleValue).toArray(), 50);
        if (best <= median) {
            return null;
        }
        return String.format(Locale.ROOT, "stopped by the median rule after epoch %d of fold %d: its best validation "
                + "loss %s is worse than the median %s of %d other trials' mean losses up to this epoch", epochs, fold,
                fmt(best), fmt(median), means.size());
    }

    private Map<String, List<Double>> history(String unit, String key, int fold, int epochs, double v) {
        Map<String, List<Double>> all = histories.computeIfAbsent(unit + "\n" + fold, x -> new HashMap<>());
        List<Double> h = all.computeIfAbsent(key, x -> new ArrayList<>());
        while (h.size() < epochs) {
            h.add(Double.POSITIVE_INFINITY); // an epoch never reported (a resumed model) counts as the worst
        }
        h.set(epochs - 1, v);
        return all;
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
