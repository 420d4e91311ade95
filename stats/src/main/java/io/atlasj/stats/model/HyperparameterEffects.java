package io.atlasj.stats.model;

import io.atlasj.workspec.results.ResultsObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which settings matter in one unit's search: each trial's objective (its validation loss at the kept epoch, the mean
 * over its folds: what the search and early stopping judge by) against every hyperparameter and training setting
 * that differs between the unit's trials (seeds excepted: repeats are noise, not a setting).
 *
 * <p>A setting's importance is its main effect's share of the objective's variance over the trials that trained to
 * their end: {@code sum over levels of n_l (mean_l - mean)^2 / sum over trials of (y - mean)^2}, the first-order term
 * of a functional ANOVA (Hutter et al. 2014) taken on the trials themselves. On a full grid it is exact; a sampled
 * numeric setting is cut into deciles first. On a balanced grid the shares sum to at most 1 and what is left is
 * interactions and noise; settings that vary together (one model type's settings beside {@code type}, an unbalanced
 * sample) each claim their shared effect. Trials stopped early by the unit's search are drawn (their objective is
 * that of a shorter training) but not counted in the shares, so under a search the shares describe the trials that
 * survived it.
 *
 * @param trials  every trial with an objective, stopped ones included
 * @param counted trials that trained to their end: those the shares are computed on
 */
public record HyperparameterEffects(String unit, List<Trial> trials, int counted, List<Setting> settings) {
    /** Sampled numeric settings with more distinct values than this are cut into deciles. */
    public static final int MAX_LEVELS = 10;

    /**
     * One trial.
     *
     * @param values the settings that vary in its unit, by name (numbers as Double, anything else as its text)
     * @param sharpe its net Sharpe ratio per bar out of sample, NaN when not traded
     */
    public record Trial(String key, String name, Map<String, Object> values, double objective, boolean stopped,
                        double sharpe) {
    }

    /**
     * A setting that varies.
     *
     * @param numeric whether every value is a number (then {@code log} as {@link #logScale} decides)
     * @param share   its main effect's share of the objective's variance (NaN with fewer than 3 counted trials)
     * @param levels  its levels in order: values, or deciles of a sampled one, with their counted trials' mean
     */
    public record Setting(String name, boolean numeric, boolean log, double share, List<Level> levels) {
    }

    /** A level: its label, its trials counted and their mean objective. */
    public record Level(String label, int count, double mean) {
    }

    /** The settings of one unit's trials and their effects; trials without curves (ensembles) are left out. */
    public static HyperparameterEffects of(String unit, List<ModelEvaluation> models) {
        List<ResultsObject> results = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] sharpes = new double[models.size()];
        for (int i = 0; i < models.size(); i++) {
            ModelEvaluation m = models.get(i);
            results.add(m.result());
            names.add(m.name());
            sharpes[i] = m.trading().map(t -> t.performance().sharpe()).orElse(Double.NaN);
        }
        return of(unit, results, names, sharpes);
    }

    /**
     * As {@link #of(String, List)} from the results themselves: trial {@code i} is {@code results.get(i)}, named
     * {@code names.get(i)}, with out-of-sample net Sharpe ratio {@code sharpes[i]} (NaN when not traded).
     */
    public static HyperparameterEffects of(String unit, List<ResultsObject> results, List<String> names,
                                           double[] sharpes) {
        List<Map<String, Object>> all = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            double y = objective(results.get(i));
            if (Double.isFinite(y)) {
                all.add(settings(results.get(i)));
                kept.add(i);
            }
        }
        // the settings whose values differ between trials
        Map<String, java.util.Set<String>> seen = new TreeMap<>();
        for (Map<String, Object> s : all) {
            s.forEach((k, v) -> seen.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(String.valueOf(v)));
        }
        List<String> varying = new ArrayList<>();
        for (var e : seen.entrySet()) {
            boolean everywhere = all.stream().allMatch(s -> s.containsKey(e.getKey()));
            if (e.getValue().size() > 1 || !everywhere) {
                varying.add(e.getKey());
            }
        }
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            ResultsObject r = results.get(kept.get(i));
            Map<String, Object> values = new LinkedHashMap<>();
            for (String k : varying) {
                Object v = all.get(i).get(k);
                values.put(k, v == null ? "(none)" : v instanceof Number n ? (Object) n.doubleValue() : String.valueOf(v));
            }
            trials.add(new Trial(r.key(), names.get(kept.get(i)), values, objective(r), "stopped".equals(r.status()),
                    sharpes[kept.get(i)]));
        }
        List<Trial> counted = trials.stream().filter(t -> !t.stopped()).toList();
        double mean = counted.stream().mapToDouble(Trial::objective).average().orElse(Double.NaN);
        double total = counted.stream().mapToDouble(t -> (t.objective() - mean) * (t.objective() - mean)).sum();
        List<Setting> settings = new ArrayList<>();
        for (String k : varying) {
            boolean numeric = trials.stream().allMatch(t -> t.values().get(k) instanceof Double);
            double[] xs = numeric ? trials.stream().mapToDouble(t -> (Double) t.values().get(k)).toArray() : null;
            boolean log = numeric && logScale(xs);
            List<String> labels = new ArrayList<>();
            Map<String, double[]> sums = new LinkedHashMap<>(); // label -> count, sum
            java.util.function.Function<Trial, String> level = levels(k, trials, numeric, labels);
            labels.forEach(l -> sums.put(l, new double[2]));
            for (Trial t : counted) {
                double[] s = sums.get(level.apply(t));
                s[0]++;
                s[1] += t.objective();
            }
            double between = 0;
            List<Level> ls = new ArrayList<>();
            for (var e : sums.entrySet()) {
                double n = e.getValue()[0];
                double m = n == 0 ? Double.NaN : e.getValue()[1] / n;
                if (n > 0) {
                    between += n * (m - mean) * (m - mean);
                }
                ls.add(new Level(e.getKey(), (int) n, m));
            }
            double share = counted.size() < 3 ? Double.NaN : total == 0 ? 0 : between / total;
            settings.add(new Setting(k, numeric, log, share, ls));
        }
        settings.sort(Comparator.comparingDouble((Setting s) -> Double.isNaN(s.share()) ? -1 : s.share()).reversed());
        return new HyperparameterEffects(unit, trials, counted.size(), settings);
    }

    /**
     * Whether values are best seen on a log axis: all positive, spanning 100x or more, and crowded at the small end
     * (the largest at least 5x the median, as a log-uniform sample or a grid of powers of ten is; a uniform sample
     * from 0 is not).
     */
    static boolean logScale(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length > 0 && s[0] > 0 && s[s.length - 1] >= 100 * s[0] && s[s.length - 1] >= 5 * s[s.length / 2];
    }

    /** Each trial's level of setting {@code k}; fills {@code labels} in order. */
    private static java.util.function.Function<Trial, String> levels(String k, List<Trial> trials, boolean numeric,
                                                                      List<String> labels) {
        if (!numeric) {
            trials.stream().map(t -> label(t.values().get(k))).distinct().sorted().forEach(labels::add);
            return t -> label(t.values().get(k));
        }
        double[] distinct = trials.stream().mapToDouble(t -> (Double) t.values().get(k)).distinct().sorted().toArray();
        if (distinct.length <= MAX_LEVELS) {
            for (double d : distinct) {
                labels.add(number(d));
            }
            return t -> number((Double) t.values().get(k));
        }
        double[] all = trials.stream().mapToDouble(t -> (Double) t.values().get(k)).sorted().toArray();
        double[] cuts = new double[MAX_LEVELS - 1];
        for (int q = 1; q < MAX_LEVELS; q++) {
            cuts[q - 1] = all[(int) Math.floor((double) q * all.length / MAX_LEVELS)];
        }
        double lo = all[0];
        for (int q = 0; q < MAX_LEVELS; q++) {
            double hi = q < cuts.length ? cuts[q] : all[all.length - 1];
            labels.add("decile " + (q + 1) + " [" + number(lo) + ", " + number(hi) + (q < cuts.length ? ")" : "]"));
            lo = hi;
        }
        return t -> {
            double x = (Double) t.values().get(k);
            int q = 0;
            while (q < cuts.length && x >= cuts[q]) {
                q++;
            }
            return labels.get(q);
        };
    }

    /**
     * A result's model type, hyperparameters and training settings by name ({@code training.} before the latter),
     * seeds and ensemble members left out.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> settings(ResultsObject r) {
        Map<String, Object> out = new TreeMap<>();
        out.put("type", String.valueOf(r.spec().get("type")));
        Object h = r.spec().get("hyperparameters");
        if (h instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (!k.equals("members")) {
                    out.put(k, v instanceof Number n ? (Object) n.doubleValue() : v); // 1 and 1.0 are one value
                }
            });
        }
        Object t = r.spec().get("training");
        if (t instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (!k.equals("seed") && !k.equals("warmStart")) {
                    out.put("training." + k, v instanceof Number n ? (Object) n.doubleValue() : v);
                }
            });
        }
        return out;
    }

    /** The validation loss at each fold's kept epoch, averaged over the folds; NaN without curves. */
    public static double objective(ResultsObject r) {
        double sum = 0;
        int n = 0;
        for (ResultsObject.FoldResult f : r.folds()) {
            List<Map<String, Double>> c = f.curves();
            if (c == null || c.isEmpty()) {
                continue;
            }
            Double v = null;
            for (Map<String, Double> e : c) {
                Double ep = e.get("epoch");
                if (ep != null && ep.intValue() == f.bestEpoch()) {
                    v = e.get("validationLoss");
                }
            }
            if (v == null) {
                v = c.stream().map(e -> e.getOrDefault("validationLoss", Double.NaN)).filter(Double::isFinite)
                        .min(Double::compare).orElse(Double.NaN);
            }
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** A value's level on a categorical axis: a number's short text, or the text itself. */
    public static String label(Object v) {
        return v instanceof Double d ? number(d) : String.valueOf(v);
    }

    /** A short text of a number: 6 significant digits at most (levels that close are one). */
    public static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? String.valueOf((long) d)
                : new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", d)).stripTrailingZeros().toString();
    }
}
