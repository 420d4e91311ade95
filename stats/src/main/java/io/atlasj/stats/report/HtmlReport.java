package io.atlasj.stats.report;

import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.chart.Charts;
import io.atlasj.stats.chart.HyperparameterCharts;
import io.atlasj.stats.model.HyperparameterEffects;
import io.atlasj.stats.model.InputImportance;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.model.TrialFamily;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The static HTML report of a WorkSpec's results: {@code index.html} (inline CSS, a few lines of vanilla JS to sort
 * the leaderboard) and {@code img/} with every chart as PNG and SVG, referenced relatively, so the folder can be
 * copied or opened from disk without a server.
 *
 * <p>Sections: multiple-testing summary with a verdict per unit, leaderboard (sortable), batch overview, prediction
 * correlation, one baseball card per model (the best {@code maxCards} by net Sharpe ratio per bar when there are more), the exact
 * WorkSpec text and provenance. All statistics use the out-of-sample (test) rows; see {@link ModelEvaluation} for
 * what each model earns traded in money net of costs.
 */
public final class HtmlReport {
    /** Cards drawn at most, by default: a card is about 0.1 s and 0.9 MB (PNG and SVG). */
    public static final int DEFAULT_MAX_CARDS = 200;
    /**
     * Models per unit in the batch overview and the correlation heatmap, the best by net Sharpe ratio per bar: more is
     * neither readable (a heatmap of 10,000 x 10,000 cells) nor cheap (its SVG would be hundreds of MB).
     */
    static final int DRAWN_PER_UNIT = 200;
    /** The fraction of each unit's trials the parallel coordinates colour: the best by validation loss. */
    static final double HYPER_TOP = 0.1;
    /** The inputs each unit's importance table shows: its most important. */
    static final int INPUTS_SHOWN = 10;

    private HtmlReport() {
    }

    /** A leaderboard row. {@code evaluation} is null for a result that is not done (failed). */
    public record Entry(ResultsObject result, ModelEvaluation evaluation) {
        public String unit() {
            return String.valueOf(result.spec().getOrDefault("unit", "?"));
        }

        public String name() {
            return String.valueOf(result.spec().getOrDefault("name", "?"));
        }

        double rank() {
            return evaluation == null ? Double.NaN : evaluation.rank();
        }
    }

    /**
     * What was written.
     *
     * @param index       the HTML page
     * @param leaderboard every result, best net Sharpe ratio per bar first, results without one (not traded, failed)
     *                    last
     * @param families    the multiple-testing summary per unit
     */
    public record Written(Path index, List<Entry> leaderboard, List<TrialFamily> families, int cards) {
    }

    /** {@link #write(String, String, List, Pricing, Path, int)} with {@link #DEFAULT_MAX_CARDS}. */
    public static Written write(String workspec, String workspecText, List<ResultsObject> results, Pricing pricing,
                                Path outDir) throws IOException {
        return write(workspec, workspecText, results, pricing, outDir, DEFAULT_MAX_CARDS);
    }

    /** {@link #write(String, String, ResultSource, Pricing, Path, int)} of results in memory. */
    public static Written write(String workspec, String workspecText, List<ResultsObject> results, Pricing pricing,
                                Path outDir, int maxCards) throws IOException {
        return write(workspec, workspecText, ResultSource.of(results), pricing, outDir, maxCards);
    }

    /**
     * Writes the report into {@code outDir} (created; files of an earlier report are replaced). Each result is read
     * once to be evaluated (on every core) and kept lean ({@link ModelEvaluation#lean}); the models drawn (the cards,
     * and each unit's best {@link #DRAWN_PER_UNIT} in the correlation heatmap) are read again. The leaderboard and the
     * multiple-testing family cover every model; the batch overview and the correlation show each unit's best
     * {@link #DRAWN_PER_UNIT} by net Sharpe ratio per bar and say so when a unit has more.
     *
     * @param workspecText the WorkSpec's YAML as given, or null when only its name is known
     * @param pricing      the prices and costs models are traded at
     * @throws IllegalArgumentException naming the result and field, for a done result with inconsistent series
     */
    public static Written write(String workspec, String workspecText, ResultSource results, Pricing pricing,
                                Path outDir, int maxCards) throws IOException {
        Evaluated all = Evaluated.of(results, pricing);
        if (all.entries.isEmpty()) {
            throw new IllegalArgumentException("no results for WorkSpec '" + workspec + "'");
        }
        List<Entry> entries = sorted(all.entries);
        List<ModelEvaluation> evaluated = all.entries.stream().map(Entry::evaluation)
                .filter(java.util.Objects::nonNull).toList();
        List<TrialFamily> families = TrialFamily.perUnit(evaluated);
        Path img = outDir.resolve("img");
        Files.createDirectories(img);
        // an earlier report's cards of models not drawn now would otherwise stay beside the new ones
        try (java.util.stream.Stream<Path> old = Files.list(img)) {
            for (Path f : old.filter(f -> f.getFileName().toString().startsWith("card-")).toList()) {
                Files.deleteIfExists(f);
            }
        }
        StringBuilder h = new StringBuilder(64 * 1024);
        head(h, workspec);
        h.append("<h1>").append(esc(workspec)).append("</h1>\n<p class=sub>")
                .append(all.entries.size()).append(" results, ").append(evaluated.size()).append(" evaluated on their out-of-sample rows; generated ")
                .append(Instant.now().toString(), 0, 19).append(" UTC by Atlas. Sections: <a href=#testing>multiple testing</a> · "
                        + "<a href=#hyperparameters>hyperparameters</a> · "
                        + "<a href=#leaderboard>leaderboard</a> · <a href=#overview>overview</a> · <a href=#correlation>correlation</a> · "
                        + "<a href=#cards>cards</a> · <a href=#spec>WorkSpec and provenance</a></p>\n");
        testing(h, families, img);
        hyperparameters(h, families, evaluated, img);
        leaderboard(h, entries);
        // each unit's best models, in leaderboard order: what the overview and the correlation draw
        Map<String, List<ModelEvaluation>> best = new LinkedHashMap<>();
        Map<String, Integer> unitSize = new LinkedHashMap<>();
        evaluated.forEach(m -> unitSize.merge(m.unit(), 1, Integer::sum));
        for (Entry e : entries) {
            if (e.evaluation() != null) {
                List<ModelEvaluation> u = best.computeIfAbsent(e.unit(), x -> new ArrayList<>());
                if (u.size() < DRAWN_PER_UNIT) {
                    u.add(e.evaluation());
                }
            }
        }
        String capped = unitSize.values().stream().anyMatch(n -> n > DRAWN_PER_UNIT) ? " Units of more than "
                + DRAWN_PER_UNIT + " models show their best " + DRAWN_PER_UNIT + " by net Sharpe ratio per bar (the "
                + "leaderboard and the multiple-testing family count them all)." : "";
        if (!evaluated.isEmpty()) {
            List<ModelEvaluation> shown = evaluated.stream().filter(m -> best.get(m.unit()).contains(m)).toList();
            ChartFiles.write(Charts.overview(workspec + ": models × metrics", shown), img.resolve("overview"));
            h.append("<h2 id=overview>Batch overview</h2>\n<p>Each column normalised within each unit (yellow best, purple "
                    + "worst; ↓ marks metrics where lower is better), models grouped by unit and sorted by net Sharpe ratio per bar; each cell prints its value."
                    + capped + " <a href=\"img/overview.svg\">SVG</a></p>\n")
                    .append("<img class=wide src=\"img/overview.png\" alt=\"batch overview\">\n");
        }
        h.append("<h2 id=correlation>Correlation of predictions</h2>\n<p>Pearson correlation of the models' signals "
                + "(expected direction for classifiers, prediction for regressors) on common rows: trials that agree "
                + "are not independent, which the DSR's trial count does not know." + capped + "</p>\n<div class=grid>");
        for (TrialFamily f : families) {
            List<ModelEvaluation> unit = best.getOrDefault(f.unit(), List.of());
            if (unit.size() >= 2) {
                String base = "correlation-" + slug(f.unit());
                List<ModelEvaluation> full = all.reread(unit);
                ChartFiles.write(Charts.correlation(f.unit(), full), img.resolve(base));
                String image = "<img src=\"img/" + base + ".png\" alt=\"correlation " + esc(f.unit()) + "\">";
                h.append("<a href=\"img/" + base + ".svg\">").append(image).append("</a>");
            }
        }
        h.append("</div>\n");
        int cards = cards(h, entries, img, maxCards, all);
        spec(h, workspecText, all.entries.stream().map(Entry::result).toList());
        h.append(SCRIPT).append("</body>\n</html>\n");
        Path index = outDir.resolve("index.html");
        Files.writeString(index, h, StandardCharsets.UTF_8);
        return new Written(index, List.copyOf(entries), families, cards);
    }

    /**
     * Every result of a source, read and evaluated on every core, kept lean: the result without its series, the
     * evaluation {@link ModelEvaluation#lean}, with the out-of-sample times of models that share them in one array.
     */
    private static final class Evaluated {
        final ResultSource source;
        final Pricing pricing;
        final List<Entry> entries = new ArrayList<>();
        final Map<String, Integer> index = new java.util.HashMap<>();
        final Map<String, String> unitLabel = new java.util.HashMap<>();

        private Evaluated(ResultSource source, Pricing pricing) {
            this.source = source;
            this.pricing = pricing;
        }

        static Evaluated of(ResultSource source, Pricing pricing) throws IOException {
            Evaluated e = new Evaluated(source, pricing);
            int n = source.size();
            ResultsObject[] slim = new ResultsObject[n];
            ModelEvaluation[] lean = new ModelEvaluation[n];
            Map<List<Long>, long[]> shared = new java.util.concurrent.ConcurrentHashMap<>();
            // an ensemble's result resolves no label of its own: it is traded on the label the unit's other results
            // resolve, so it is evaluated after them
            boolean[] later = new boolean[n];
            parallel(n, i -> {
                ResultsObject r = source.read(i);
                if (r == null) {
                    return;
                }
                slim[i] = r.withoutSeries();
                if (!ModelEvaluation.trained(r)) {
                    return;
                }
                if (ModelEvaluation.resolvedLabel(r).isEmpty()) {
                    later[i] = true;
                    return;
                }
                lean[i] = share(ModelEvaluation.of(r, pricing).lean(), shared);
            });
            for (ResultsObject r : slim) {
                if (r != null) {
                    ModelEvaluation.resolvedLabel(r).ifPresent(l -> e.unitLabel.putIfAbsent(unitOf(r), l));
                }
            }
            parallel(n, i -> {
                if (later[i]) {
                    ResultsObject r = source.read(i);
                    lean[i] = share(ModelEvaluation.of(r, pricing, e.unitLabel.get(unitOf(r))).lean(), shared);
                }
            });
            for (int i = 0; i < n; i++) {
                if (slim[i] != null) {
                    e.index.put(slim[i].key(), i);
                    e.entries.add(new Entry(slim[i], lean[i]));
                }
            }
            return e;
        }

        /** The whole evaluations of these (lean) models, read again from the source. */
        List<ModelEvaluation> reread(List<ModelEvaluation> models) throws IOException {
            ModelEvaluation[] out = new ModelEvaluation[models.size()];
            parallel(models.size(), i -> out[i] = reread(models.get(i)));
            return List.of(out);
        }

        ModelEvaluation reread(ModelEvaluation m) throws IOException {
            ResultsObject r = source.read(index.get(m.result().key()));
            if (r == null) {
                throw new IOException("result " + m.result().key() + " could be read once but not again");
            }
            return ModelEvaluation.of(r, pricing, unitLabel.get(unitOf(r))).withoutResultSeries();
        }

        private static ModelEvaluation share(ModelEvaluation m, Map<List<Long>, long[]> shared) {
            long[] t = m.oos().time();
            long[] one = t.length == 0 ? t : shared.computeIfAbsent(List.of((long) t.length, t[0], t[t.length - 1],
                    (long) java.util.Arrays.hashCode(t)), k -> t);
            return one == t || !java.util.Arrays.equals(one, t) ? m : m.withTimes(one);
        }

        private static String unitOf(ResultsObject r) {
            return String.valueOf(r.spec().getOrDefault("unit", "?"));
        }
    }

    private interface Task {
        void run(int i) throws IOException;
    }

    /** Runs {@code task} for 0..n-1 on every core; the first failure is thrown. */
    private static void parallel(int n, Task task) throws IOException {
        try {
            java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
                try {
                    task.run(i);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            // a worker's exception is rethrown on the caller wrapped in a new one of its class: the original's message
            // (result key and field) is what the user must see
            Throwable c = e.getCause();
            if (c instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r && r.getClass() == e.getClass()) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Every result, evaluated when done, best net Sharpe ratio per bar first; results without one (not traded,
     * failed) last, ties by unit and name. The order of the report's leaderboard and of the console's. A result
     * without a featureset (an ensemble) is traded on the label its unit's other results resolved.
     */
    public static List<Entry> leaderboard(List<ResultsObject> results, Pricing pricing) {
        List<ModelEvaluation> evaluated = ModelEvaluation.ofAll(results, pricing);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            entries.add(new Entry(results.get(i), evaluated.get(i)));
        }
        return sorted(entries);
    }

    /**
     * {@link #leaderboard(List, Pricing)} of results read one at a time from {@code source} (on every core) and kept
     * lean: each entry's result has no prediction series and its evaluation is {@link ModelEvaluation#lean}. What the
     * console ranks thousands of models with; read a model again for its card.
     */
    public static List<Entry> leaderboard(ResultSource source, Pricing pricing) throws IOException {
        return sorted(Evaluated.of(source, pricing).entries);
    }

    private static List<Entry> sorted(List<Entry> given) {
        List<Entry> entries = new ArrayList<>(given);
        entries.sort(Comparator.comparingDouble((Entry e) -> Double.isNaN(e.rank()) ? Double.NEGATIVE_INFINITY
                : e.rank()).reversed().thenComparing(Entry::unit).thenComparing(Entry::name));
        return List.copyOf(entries);
    }

    private static void testing(StringBuilder h, List<TrialFamily> families, Path img) throws IOException {
        h.append("<h2 id=testing>Multiple testing</h2>\n<p>Each unit's models are trials of one search (same label, "
                + "same rows), traded in money net of costs in a staggered book marked to market every bar. On their "
                + "per-bar net returns: the <b>Deflated Sharpe Ratio</b> of the best (Bailey &amp; "
                + "López de Prado 2014: probability that its true Sharpe ratio beats the best of that many unskilled "
                + "trials; above 0.95 is significant), the <b>Probability of Backtest Overfitting</b> (CSCV, 8 blocks: "
                + "how often the in-sample best falls to the out-of-sample bottom half; trials without skill score "
                + "floor((N+1)/2)/N, 0.5 for an even N), and the bootstrap p-values of <b>White's Reality Check</b> and "
                + "<b>Hansen's SPA</b> that the best beats staying flat (below 0.05 is significant). Baselines on the "
                + "same rows and costs: buy-and-hold, and the 95th percentile of " + TrialFamily.RANDOM_SIGNS
                + " random-sign signals. Trials stopped early by a unit's search count as trials: in every statistic "
                + "when they predicted every common row, in the DSR's number of trials only when they were stopped "
                + "before the last fold. Sharpe ratios are per bar; annualised only over at least "
                + io.atlasj.stats.trading.Performance.MIN_ANNUALISED.toDays() + " days.</p>\n<table class=mt><tr>"
                + "<th>unit</th><th>traded on, costs</th><th>trials</th><th>rows</th><th>bars</th><th>best</th><th>net Sharpe/bar</th>"
                + "<th>net Sharpe/yr</th><th>buy-and-hold Sharpe/bar</th><th>random 95th pct</th><th>DSR</th><th>PBO "
                + "(no skill)</th><th>Reality Check p</th><th>SPA p</th><th>verdict</th></tr>\n");
        for (TrialFamily f : families) {
            String best = f.best() < 0 ? "" : "<a href=\"#m-" + f.models().get(f.best()).result().key() + "\">"
                    + esc(f.models().get(f.best()).name()) + "</a>";
            String on = f.models().isEmpty() ? "not traded" : f.models().get(0).trading().map(t -> t.market() + " "
                    + t.timeframe().label() + (t.prices() == io.atlasj.features.eval.PriceBasis.MID ? " mid" : "") + "; " + t.costs() + " (" + t.costsSource() + ")").orElse("not traded");
            h.append("<tr><td>").append(esc(f.unit())).append("</td><td>").append(esc(on)).append("</td><td>")
                    .append(f.models().size() + f.partial())
                    .append(f.stopped() == 0 ? "" : " (" + f.stopped() + " stopped early" + (f.partial() == 0 ? ""
                            : ", " + f.partial() + " in the DSR only") + ")").append("</td><td>")
                    .append(f.rows()).append("</td><td>").append(f.bars()).append("</td><td>").append(best)
                    .append("</td><td>").append(num(f.bestSharpe(), 4)).append("</td><td>").append(num(f.bestAnnual(), 2))
                    .append("</td><td>").append(f.buyHold() == null ? "n/a" : num(f.buyHold().sharpe(), 4))
                    .append("</td><td>").append(num(f.randomSharpe95(), 4))
                    .append("</td><td>").append(num(f.dsr(), 3)).append("</td><td>")
                    .append(Double.isNaN(f.pbo()) ? "unknown" : num(f.pbo(), 3)).append(" (").append(num(f.pboNoSkill(), 2))
                    .append(")")
                    .append("</td><td>").append(num(f.realityCheck(), 3)).append("</td><td>").append(num(f.spa(), 3))
                    .append("</td><td class=verdict>").append(esc(f.verdict())).append("</td></tr>\n");
        }
        h.append("</table>\n<div class=grid>");
        for (TrialFamily f : families) {
            if (f.pboLogits().length > 0) {
                String base = "pbo-" + slug(f.unit());
                ChartFiles.write(Charts.pboLogits(f.unit(), f.pboLogits(), f.pbo()), img.resolve(base));
                h.append("<img src=\"img/").append(base).append(".png\" alt=\"PBO ").append(esc(f.unit())).append("\">");
            }
        }
        h.append("</div>\n");
    }

    /** Per unit: which settings matter, parallel coordinates, slice plots, and the trials' Sharpe ratios. */
    private static void hyperparameters(StringBuilder h, List<TrialFamily> families, List<ModelEvaluation> evaluated,
                                        Path img) throws IOException {
        h.append("<h2 id=hyperparameters>Hyperparameters and inputs</h2>\n<p>Which settings and inputs matter in "
                + "each unit's search. A "
                + "trial's objective is its validation loss at its kept epoch (the mean over its folds): what early "
                + "stopping and the search judge by. A setting's <b>share</b> is its main effect's share of that "
                + "loss's variance over the trials that trained to their end: the first-order term of a functional "
                + "ANOVA taken on the trials (exact on a full grid; sampled numbers are cut into deciles). The shares "
                + "leave out interactions and noise; seeds are not a setting. In a unit that mixes model types, a "
                + "setting only one type has ((none) for the others) shares the type's effect. <b>Parallel "
                + "coordinates</b> draw every "
                + "trial, the best " + Math.round(100 * HYPER_TOP) + "% in colour (yellow best); numeric axes are "
                + "logarithmic where a setting spans 100x or more and crowds at its small end (a log-uniform sample, a grid of powers of ten). The <b>slices</b> show the loss against each "
                + "setting (trials stopped early in grey), and the last figure the trials' out-of-sample net Sharpe "
                + "ratios beside those of random-sign signals on the same rows and costs (the no-skill null).</p>\n");
        Map<String, List<ModelEvaluation>> byUnit = new LinkedHashMap<>();
        evaluated.forEach(m -> byUnit.computeIfAbsent(m.unit(), u -> new ArrayList<>()).add(m));
        for (TrialFamily f : families) {
            HyperparameterEffects e = HyperparameterEffects.of(f.unit(), byUnit.getOrDefault(f.unit(), List.of()));
            String slug = slug(f.unit());
            h.append("<h3>").append(esc(f.unit())).append("</h3>\n");
            if (e.settings().isEmpty() || e.trials().size() < 3) {
                h.append("<p>").append(e.trials().size()).append(" trial(s) with training curves")
                        .append(e.settings().isEmpty() ? ", no setting varies" : "").append(".</p>\n");
            } else {
                h.append("<table class=mt><tr><th>setting</th><th>share of variance</th><th>levels: mean validation "
                        + "loss (trials)</th></tr>\n");
                for (HyperparameterEffects.Setting s : e.settings()) {
                    HyperparameterEffects.Level bestLevel = s.levels().stream().filter(l -> l.count() > 0)
                            .min(java.util.Comparator.comparingDouble(HyperparameterEffects.Level::mean)).orElse(null);
                    h.append("<tr><td>").append(esc(s.name())).append("</td><td>")
                            .append(Double.isNaN(s.share()) ? "n/a" : String.format(Locale.ROOT,
                                    "<span class=bar style=\"width:%dpx\"></span> %.1f%%",
                                    Math.round(120 * s.share()), 100 * s.share())).append("</td><td>");
                    List<String> ls = new ArrayList<>();
                    for (HyperparameterEffects.Level l : s.levels()) {
                        String t = esc(l.label()) + ": " + (l.count() == 0 ? "–" : num(l.mean(), 4)) + " (" + l.count()
                                + ")";
                        ls.add(l == bestLevel ? "<b>" + t + "</b>" : t);
                    }
                    h.append(String.join(" · ", ls)).append("</td></tr>\n");
                }
                h.append("</table>\n");
                ChartFiles.write(HyperparameterCharts.parallel(e, HYPER_TOP), img.resolve("parallel-" + slug));
                boolean svg = HyperparameterCharts.slicesAsSvg(e);
                ChartFiles.write(HyperparameterCharts.slices(e), img.resolve("slices-" + slug), svg);
                h.append("<a href=\"img/parallel-").append(slug).append(".svg\"><img class=wide src=\"img/parallel-")
                        .append(slug).append(".png\" alt=\"parallel coordinates ").append(esc(f.unit()))
                        .append("\"></a>\n<a href=\"img/slices-").append(slug).append(svg ? ".svg" : ".png")
                        .append("\"><img class=wide src=\"img/slices-").append(slug).append(".png\" alt=\"slices ")
                        .append(esc(f.unit())).append("\"></a>\n");
            }
            inputs(h, f.unit(), byUnit.getOrDefault(f.unit(), List.of()));
            if (f.randomSharpes().length > 0) {
                ChartFiles.write(HyperparameterCharts.sharpes(f), img.resolve("sharpes-" + slug));
                h.append("<img src=\"img/sharpes-").append(slug).append(".png\" alt=\"Sharpe ratios ")
                        .append(esc(f.unit())).append("\">\n");
            }
        }
    }

    /** The unit's inputs its models lean on most: {@link InputImportance}, the best {@value #INPUTS_SHOWN}. */
    private static void inputs(StringBuilder h, String unit, List<ModelEvaluation> models) {
        java.util.Optional<InputImportance> in;
        try {
            in = InputImportance.of(unit, models.stream().map(ModelEvaluation::result).toList());
        } catch (IllegalArgumentException e) {
            h.append("<p>Inputs: ").append(esc(e.getMessage())).append("</p>\n");
            return;
        }
        if (in.isEmpty()) {
            h.append("<p>Inputs: no model of this unit has an importance (ensembles, networks stopped early and "
                    + "results before schema 6 have none).</p>\n");
            return;
        }
        InputImportance i = in.get();
        h.append("<p>Inputs by importance: the rise of the validation loss when an input is shuffled (permutation, "
                + "every model) and a tree model's share of split gain; each model's measures scaled to their largest "
                + "and averaged, then the mean over ").append(i.models()).append(" models (")
                .append(i.treeModels()).append(" of them trees); <code>atlas features select</code> writes the best as "
                        + "a featureset:</p>\n<table class=mt><tr><th>#</th><th>input</th><th>importance</th>"
                        + "<th>permutation</th><th>tree gain</th></tr>\n");
        for (int k = 0; k < Math.min(INPUTS_SHOWN, i.order().length); k++) {
            int j = i.order()[k];
            h.append("<tr><td>").append(k + 1).append("</td><td>").append(esc(i.declared().get(j))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "<span class=bar style=\"width:%dpx\"></span> %.3f",
                            Math.round(120 * i.score()[j]), i.score()[j])).append("</td><td>")
                    .append(i.permutation() == null ? "–" : num(i.permutation()[j], 3)).append("</td><td>")
                    .append(i.gain() == null ? "–" : num(i.gain()[j], 3)).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void leaderboard(StringBuilder h, List<Entry> entries) {
        h.append("<h2 id=leaderboard>Leaderboard</h2>\n<p>Out-of-sample rows; click a column to sort. Every model "
                + "whose label gives a direction is traded in money on its label's market: each row's position held "
                + "over the label's bars in a staggered book, marked to market every bar, net of fees and half the "
                + "spread on what is traded (each card states the costs). Sharpe ratios are per bar (net, and gross "
                + "before costs); expectancy is net per trade in basis points with its Newey-West t-statistic; return "
                + "and drawdown are compounded, in % of capital.</p>\n"
                + "<table id=leaderboard-table class=sortable><thead><tr>");
        String[] cols = {"#", "unit", "model", "type", "status", "accuracy / RMSE", "AUC / IC", "log loss / R²",
            "net Sharpe/bar", "gross Sharpe/bar", "PSR", "expectancy bps", "t", "return %", "max DD %", "turnover/bar",
            "key"};
        for (int c = 0; c < cols.length; c++) {
            h.append("<th data-col=").append(c).append(">").append(esc(cols[c])).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        int rank = 1;
        for (Entry e : entries) {
            ModelEvaluation m = e.evaluation();
            h.append("<tr class=model-row><td>").append(rank++).append("</td><td>").append(esc(e.unit()))
                    .append("</td><td>").append(m == null ? esc(e.name()) : "<a href=\"#m-" + e.result().key() + "\">"
                            + esc(e.name()) + "</a>").append("</td><td>")
                    .append(esc(String.valueOf(e.result().spec().getOrDefault("type", "?")))).append("</td><td>")
                    .append(m == null ? "<span class=bad title=\"" + esc(String.valueOf(e.result().failure())) + "\">"
                            + esc(e.result().status()) + "</span>" : "stopped".equals(e.result().status())
                            ? "<span title=\"" + esc(String.valueOf(e.result().failure())) + "\">stopped</span>"
                            : "done").append("</td>");
            if (m == null) {
                for (int c = 0; c < 11; c++) {
                    h.append("<td data-v=\"\"></td>");
                }
            } else {
                boolean cls = m.classification();
                cell(h, m.metric(cls ? "accuracy" : "rmse"), cls ? 3 : 5);
                cell(h, m.metric(cls ? "auc macro" : "ic"), 3);
                cell(h, m.metric(cls ? "log loss" : "r2"), 3);
                cell(h, m.metric("sharpe/bar"), 4);
                cell(h, m.metric("gross sharpe/bar"), 4);
                cell(h, m.metric("psr"), 3);
                cell(h, m.metric("expectancy bps"), 1);
                cell(h, m.metric("t-stat"), 2);
                cell(h, m.metric("return %"), 2);
                cell(h, m.metric("max drawdown %"), 2);
                cell(h, m.metric("turnover/bar"), 3);
            }
            h.append("<td class=key>").append(esc(e.result().key())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static int cards(StringBuilder h, List<Entry> entries, Path img, int maxCards, Evaluated all)
            throws IOException {
        List<Entry> done = entries.stream().filter(e -> e.evaluation() != null).toList();
        h.append("<h2 id=cards>Baseball cards</h2>\n");
        if (done.size() > maxCards) {
            h.append("<p>").append(maxCards).append(" of ").append(done.size())
                    .append(" models, the best by net Sharpe ratio per bar; the leaderboard lists all.</p>\n");
        }
        List<Entry> drawn = done.subList(0, Math.min(maxCards, done.size()));
        // drawn on every core, each read again whole and let go once drawn; the page lists them in order
        parallel(drawn.size(), i -> {
            Entry e = drawn.get(i);
            ModelEvaluation m = e.evaluation().isLean() ? all.reread(e.evaluation()) : e.evaluation();
            ChartFiles.write(Charts.card(m), img.resolve("card-" + e.result().key()));
        });
        int n = 0;
        for (Entry e : drawn) {
            String base = "card-" + e.result().key();
            h.append("<section class=card id=\"m-").append(e.result().key()).append("\"><h3>").append(esc(e.unit()))
                    .append(" · ").append(esc(e.name())).append("</h3><a href=\"img/").append(base).append(".svg\">")
                    .append("<img class=wide loading=lazy src=\"img/").append(base).append(".png\" alt=\"card ")
                    .append(esc(e.unit())).append(' ').append(esc(e.name())).append("\"></a></section>\n");
            n++;
        }
        return n;
    }

    private static void spec(StringBuilder h, String text, List<ResultsObject> results) {
        h.append("<h2 id=spec>WorkSpec</h2>\n");
        h.append(text == null ? "<p>Reported by name; the WorkSpec file was not given, so its text is not shown. Each "
                + "model's full ModelSpec is in its result.json.</p>\n" : "<pre>" + esc(text) + "</pre>\n");
        h.append("<h2>Provenance</h2>\n<p>Values recorded by the trainers, with how many results carry each.</p>\n<table>");
        Map<String, Map<String, Integer>> seen = new TreeMap<>();
        Set<String> featuresets = new LinkedHashSet<>();
        for (ResultsObject r : results) {
            if (r.provenance() != null) {
                r.provenance().forEach((k, v) -> seen.computeIfAbsent(k, x -> new LinkedHashMap<>()).merge(v, 1, Integer::sum));
            }
            if (r.featureset() != null) {
                featuresets.add(r.featureset().getOrDefault("name", "?") + " on " + r.featureset().getOrDefault("base", "?"));
            }
            seen.computeIfAbsent("result schema version", x -> new LinkedHashMap<>())
                    .merge(String.valueOf(r.schemaVersion()), 1, Integer::sum);
        }
        for (String f : featuresets) {
            seen.computeIfAbsent("featureset", x -> new LinkedHashMap<>()).merge(f, 1, Integer::sum);
        }
        seen.forEach((k, values) -> {
            h.append("<tr><th>").append(esc(k)).append("</th><td>");
            List<String> parts = new ArrayList<>();
            values.forEach((v, c) -> parts.add(esc(v) + (values.size() > 1 || c != results.size() ? " (" + c + ")" : "")));
            h.append(String.join("<br>", parts)).append("</td></tr>");
        });
        h.append("</table>\n");
    }

    private static void cell(StringBuilder h, double v, int digits) {
        h.append("<td data-v=\"").append(Double.isFinite(v) ? Double.toString(v) : "").append("\">").append(num(v, digits))
                .append("</td>");
    }

    static String num(double v, int digits) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) < 1e-12) {
            v = 0; // rounding residue of sums such as 1/3 - 1/3
        }
        return String.format(Locale.ROOT, Math.abs(v) < 1e-3 && v != 0 ? "%." + digits + "g" : "%." + digits + "f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void head(StringBuilder h, String workspec) {
        h.append("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>Atlas report: ")
                .append(esc(workspec)).append("</title>\n<style>\n")
                .append("body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1560px;"
                        + "padding:0 16px;color:#222;font-size:14px}\n")
                .append("h1{margin-bottom:4px}h2{margin-top:36px;border-bottom:2px solid #3b528b;padding-bottom:4px}"
                        + ".sub{color:#555}a{color:#2c728e}\n")
                .append("table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 8px;border-bottom:1px solid #ddd;"
                        + "text-align:left;vertical-align:top}td[data-v]{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("table.sortable th{cursor:pointer;background:#f2f2f2;position:sticky;top:0}"
                        + "table.sortable th:hover{background:#e0e8f0}th.asc::after{content:' ▲'}th.desc::after{content:' ▼'}\n")
                .append("tr.model-row:hover{background:#f7fbff}.key{font-family:monospace;font-size:12px;color:#666}"
                        + "span.bar{display:inline-block;height:9px;background:#3b528b;vertical-align:middle}"
                        + ".bad{color:#c0392b}.verdict{max-width:520px}\n")
                .append("img{max-width:100%}img.wide{display:block;margin:8px 0;border:1px solid #eee}"
                        + ".grid{display:flex;flex-wrap:wrap;gap:12px}.grid img{max-width:720px;border:1px solid #eee}\n")
                .append("pre{background:#f6f8fa;padding:12px;overflow:auto;font-size:12px}\n")
                .append("</style>\n</head>\n<body>\n");
    }

    private static final String SCRIPT = """
            <script>
            // Sorts the leaderboard by a clicked column: numbers by data-v (blank last), text otherwise.
            document.querySelectorAll('table.sortable').forEach(function (table) {
              table.querySelectorAll('th').forEach(function (th, col) {
                th.addEventListener('click', function () {
                  var asc = !th.classList.contains('asc');
                  table.querySelectorAll('th').forEach(function (o) { o.classList.remove('asc', 'desc'); });
                  th.classList.add(asc ? 'asc' : 'desc');
                  var body = table.tBodies[0];
                  var rows = Array.prototype.slice.call(body.rows);
                  rows.sort(function (a, b) {
                    var x = a.cells[col], y = b.cells[col];
                    if (x.hasAttribute('data-v')) {
                      var p = x.getAttribute('data-v'), q = y.getAttribute('data-v');
                      if (p === '' || q === '') { return p === q ? 0 : p === '' ? 1 : -1; }
                      return asc ? p - q : q - p;
                    }
                    var s = x.textContent, t = y.textContent;
                    var n = Number(s), m = Number(t);
                    if (!isNaN(n) && !isNaN(m)) { return asc ? n - m : m - n; }
                    return asc ? s.localeCompare(t) : t.localeCompare(s);
                  });
                  rows.forEach(function (r) { body.appendChild(r); });
                });
              });
            });
            document.body.setAttribute('data-sortable', 'ready');
            </script>
            """;
}
