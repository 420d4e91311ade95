package io.atlasj.cli.console;

import io.atlasj.cli.Formats;
import io.atlasj.cli.NamedFeaturesets;
import io.atlasj.cli.UserException;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.chart.Charts;
import io.atlasj.stats.chart.Drawing;
import io.atlasj.stats.chart.FeaturesetPlot;
import io.atlasj.stats.model.Comparison;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.model.TrialFamily;
import io.atlasj.stats.report.HtmlReport;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.results.Headline;
import io.atlasj.workspec.results.ResultsObject;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The console's helpers, imported statically into every {@code atlas console} session. They read the session's
 * {@code ATLAS_HOME} ({@link #home()}), print tables to {@code System.out}, and show charts in a window when there
 * is a display, otherwise write them as PNG and SVG under {@code ATLAS_HOME/reports/console/} and print the paths.
 */
public final class Console {
    /** The system property {@code atlas console} sets to the home of its {@code --home}/{@code ATLAS_HOME}. */
    public static final String HOME_PROPERTY = "atlas.home";
    /** Leaderboard rows printed by default. */
    static final int LEADERBOARD_ROWS = 50;

    private Console() {
    }

    // ------------------------------------------------------------------ home

    /** The session's home: the {@value #HOME_PROPERTY} system property, else {@code ATLAS_HOME}, else ~/.atlas. */
    public static AtlasHome home() {
        String p = System.getProperty(HOME_PROPERTY);
        return p != null && !p.isBlank() ? new AtlasHome(Path.of(p)) : AtlasHome.resolve(Optional.empty(), System.getenv());
    }

    /** Where charts go when there is no display. */
    public static Path chartDir() {
        return home().reports().resolve("console");
    }

    // ------------------------------------------------------------------ featuresets

    /**
     * A built featureset and where it came from.
     *
     * @param source "cache hit: FILE", "built in N ms, cached: FILE", or "built in N ms (not cached)"
     */
    public record Featureset(FeatureLabelSet set, FeatureMatrix matrix, String source) {
        public Featureset {
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(matrix, "matrix");
        }

        public int rows() {
            return matrix.rows();
        }

        /** A feature's column by its resolved id (see {@link FeatureMatrix#featureIds()}). */
        public double[] feature(String id) {
            return matrix.feature(id);
        }

        @Override
        public String toString() {
            FeatureMatrix m = matrix;
            return String.format(Locale.ROOT, "%s: %s rows × %d features + %d labels%s%s (%s)", set.name(),
                    Formats.count(m.rows()), m.featureIds().size(), m.labelIds().size(),
                    m.rows() == 0 ? "" : ", " + Formats.time(m.time()[0]) + " to " + Formats.time(m.time()[m.rows() - 1])
                            + " UTC", m.report().filledRows() == 0 ? "" : ", " + Formats.count(m.report().filledRows())
                            + " rows on filled bars (gaps: fill-flat)", source);
        }
    }

    /**
     * The featureset {@code nameOrFile} ({@code quickstart}, {@code multi-timeframe}, {@code cross-market} or a YAML
     * file) built over all of ATLAS_HOME's market data, through the featureset cache.
     */
    public static Featureset fls(String nameOrFile) {
        return fls(NamedFeaturesets.load(nameOrFile), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The featureset over rows with {@code from <= time < to}, UTC ({@code 2013-11-28}, {@code 2013-11-28T12:00}). */
    public static Featureset fls(String nameOrFile, String from, String to) {
        return fls(NamedFeaturesets.load(nameOrFile), Formats.parseTime(from, "from"), Formats.parseTime(to, "to"));
    }

    /** A featureset made in the session with the DSL, {@code FeatureLabelSet.builder("mine")...build()}. */
    public static Featureset fls(FeatureLabelSet set) {
        return fls(set, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A featureset made with the DSL, over rows with {@code from <= time < to}, UTC. */
    public static Featureset fls(FeatureLabelSet set, String from, String to) {
        return fls(set, Formats.parseTime(from, "from"), Formats.parseTime(to, "to"));
    }

    static Featureset fls(FeatureLabelSet set, long from, long to) {
        AtlasHome home = home();
        FeatureSetBuilder.Built built;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            built = new FeatureSetBuilder(SeriesSource.of(store)).build(set, from, to,
                    new FeaturesetCache(home.featuresetCache()));
        }
        String where = built.file().map(Path::toString).orElse(null);
        String source = built.cacheHit() ? "cache hit: " + where : "built in " + built.matrix().report().millis()
                + " ms" + (where == null ? " (not cached)" : ", cached: " + where);
        return new Featureset(set, built.matrix(), source);
    }

    /** The featureset plot of all rows: one panel per feature and label. */
    public static void plot(Featureset fls) {
        show(FeaturesetPlot.of(fls.matrix()), "featureset-" + fls.set().name());
    }

    /** The featureset plot of the rows with {@code from <= time < to}, UTC ({@code "2013-11-28"}, ...). */
    public static void plot(Featureset fls, String from, String to) {
        long f = Formats.parseTime(from, "from");
        long t = Formats.parseTime(to, "to");
        show(FeaturesetPlot.of(fls.matrix(), f, t), "featureset-" + fls.set().name() + "-" + slug(from) + "-"
                + slug(to));
    }

    // ------------------------------------------------------------------ results

    /**
     * A WorkSpec's results, best first (the report's order: annualised out-of-sample Sharpe, then results without
     * one). {@code get(0)} is the best. Each result is held without its prediction series and each evaluation lean,
     * so ten thousand models fit; {@link #baseballCard} and {@link #compare} read their models again.
     */
    public record Results(String workspec, List<HtmlReport.Entry> ranked, Costs costs) {
        public Results {
            ranked = List.copyOf(ranked);
        }

        public int size() {
            return ranked.size();
        }

        /** The result ranked {@code i + 1}. */
        public ResultsObject get(int i) {
            return ranked.get(i).result();
        }

        /** Every result, best first. */
        public List<ResultsObject> all() {
            return ranked.stream().map(HtmlReport.Entry::result).toList();
        }

        /** The result whose key, {@code unit/name} or (when unique) name is {@code which}. */
        public ResultsObject get(String which) {
            List<HtmlReport.Entry> hits = ranked.stream().filter(e -> e.result().key().equals(which)
                    || (e.unit() + "/" + e.name()).equals(which)).toList();
            if (hits.isEmpty()) {
                hits = ranked.stream().filter(e -> e.name().equals(which)).toList();
            }
            if (hits.size() != 1) {
                throw new UserException(workspec + ": " + (hits.isEmpty() ? "no result named '" + which + "'"
                        : hits.size() + " results are named '" + which + "'; write unit/name") + " (models: "
                        + ranked.stream().map(e -> e.unit() + "/" + e.name()).limit(12).toList()
                        + (ranked.size() > 12 ? " ..." : "") + ")");
            }
            return hits.get(0).result();
        }

        @Override
        public String toString() {
            long done = ranked.stream().filter(e -> e.evaluation() != null).count();
            long units = ranked.stream().map(HtmlReport.Entry::unit).distinct().count();
            HtmlReport.Entry best = ranked.isEmpty() ? null : ranked.get(0);
            return String.format(Locale.ROOT, "%s: %d results (%d done, %d not) in %d units%s", workspec, ranked.size(),
                    done, ranked.size() - done, units, best == null ? "" : "; best: " + best.unit() + "/" + best.name());
        }
    }

    /**
     * The results of a WorkSpec, through the results store (damaged ones left out, with a warning), traded at the
     * WorkSpec's costs and trading rules: the file's when {@code workspec} is its file
     * ({@code "configs/workspecs/quickstart.yaml"}), else those of the spec its newest run recorded in its journal
     * ({@code "quickstart"}), else each exchange's default.
     */
    public static Results results(String workspec) {
        Costs costs = null;
        io.atlasj.workspec.TradingRules rules = io.atlasj.workspec.TradingRules.DEFAULT;
        Path file = Path.of(workspec);
        if (Files.isRegularFile(file)) {
            WorkSpec ws;
            try {
                ws = io.atlasj.workspec.WorkSpecYaml.read(file, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            workspec = ws.name();
            costs = ws.costs();
            rules = ws.trading();
        } else {
            // only the name: the spec its newest run was made with (its journal), as atlas report does
            var recorded = io.atlasj.cli.RunSpecs.latest(home(), workspec);
            if (recorded.isPresent()) {
                costs = recorded.get().spec().costs();
                rules = recorded.get().spec().trading();
            }
        }
        List<Path> folders;
        List<String> warnings = new ArrayList<>();
        try (io.atlasj.harvester.ResultsStore store = io.atlasj.harvester.ResultsStore.open(home().results(),
                home().runs())) {
            folders = new io.atlasj.harvester.Harvesting(store).folders(workspec, warnings);
        }
        if (folders.isEmpty()) {
            throw new UserException("no results for WorkSpec '" + workspec + "': none in the results store and none "
                    + "under " + home().runs().resolve(workspec) + " (run it first: atlas run FILE --local)");
        }
        // ranked on lean evaluations (ten thousand models fit); a card or comparison reads its model again
        java.util.Set<String> warned = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>(warnings));
        io.atlasj.stats.report.ResultSource source = io.atlasj.stats.report.ResultSource.over(folders,
                dir -> io.atlasj.harvester.Harvesting.readOutOfSample(dir, warned::add));
        Results r;
        try (MarketDataStore store = MarketDataStore.open(home().marketData())) {
            r = new Results(workspec, HtmlReport.leaderboard(source, new Pricing(Prices.of(SeriesSource.of(store)),
                    costs, rules)), costs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (warned) {
            warned.forEach(x -> System.err.println("warning: " + x));
        }
        java.util.Map<String, String> unitLabel = new java.util.HashMap<>();
        for (HtmlReport.Entry e : r.ranked()) {
            ModelEvaluation.resolvedLabel(e.result()).ifPresent(l -> unitLabel.putIfAbsent(e.unit(), l));
        }
        java.util.Map<String, Path> dirs = new java.util.HashMap<>();
        folders.forEach(d -> dirs.put(d.getFileName().toString(), d));
        Costs c = costs;
        io.atlasj.workspec.TradingRules tr = rules;
        synchronized (EVALUATED) {
            for (HtmlReport.Entry e : r.ranked()) {
                Path dir = dirs.get(e.result().key());
                if (e.evaluation() != null && dir != null) {
                    String label = unitLabel.get(e.unit());
                    EVALUATED.put(e.result(), () -> whole(dir, c, tr, label));
                }
            }
        }
        return r;
    }

    /** A ranked model's whole evaluation, read again from its folder and traded as its leaderboard row was. */
    private static ModelEvaluation whole(Path dir, Costs costs, io.atlasj.workspec.TradingRules rules, String unitLabel) {
        // what is wrong with the folder was said when results() read it
        ResultsObject full = io.atlasj.harvester.Harvesting.read(dir, x -> { });
        if (full == null) {
            throw new UserException(dir + ": the result can no longer be read");
        }
        try (MarketDataStore store = MarketDataStore.open(home().marketData())) {
            return ModelEvaluation.of(full, new Pricing(Prices.of(SeriesSource.of(store)), costs, rules), unitLabel);
        }
    }

    /** Prints the leaderboard, best first (the first {@value #LEADERBOARD_ROWS} rows). */
    public static void leaderboard(Results results) {
        leaderboard(results, LEADERBOARD_ROWS);
    }

    /** Prints the first {@code rows} rows of the leaderboard. */
    public static void leaderboard(Results results, int rows) {
        List<List<String>> table = new ArrayList<>();
        int n = Math.min(Math.max(0, rows), results.size());
        for (int i = 0; i < n; i++) {
            HtmlReport.Entry e = results.ranked().get(i);
            ModelEvaluation m = e.evaluation();
            String type = String.valueOf(e.result().spec().getOrDefault("type", "?"));
            if (m == null) {
                table.add(List.of(String.valueOf(i + 1), e.unit(), e.name(), type, e.result().status(), "", "", "", "", "",
                        "", e.result().key()));
            } else {
                String main = m.classification() ? "accuracy " + f3(m.metric("accuracy")) : "rmse " + f(m.metric("rmse"), 5);
                String second = m.classification() ? "auc " + f3(m.metric("auc macro")) : "ic " + f3(m.metric("ic"));
                table.add(List.of(String.valueOf(i + 1), e.unit(), e.name(), type, main, second,
                        f(m.metric("sharpe/bar"), 4), f(m.metric("expectancy bps"), 1), f(m.metric("return %"), 2),
                        f(m.metric("max drawdown %"), 2), String.valueOf(m.oos().time().length), e.result().key()));
            }
        }
        System.out.print(Formats.table(List.of("#", "UNIT", "MODEL", "TYPE", "OUT-OF-SAMPLE", "RANKING", "NET SHARPE/BAR",
                "EXP BPS", "RETURN %", "MAX DD %", "ROWS", "KEY"), table));
        System.out.println(results.workspec() + ": " + n + " of " + results.size() + " results, best out-of-sample net "
                + "Sharpe ratio per bar first; costs " + (results.costs() == null ? "each exchange's default"
                : results.costs().toString()) + (n < results.size() ? "; leaderboard(r, " + results.size()
                + ") prints all" : ""));
    }

    /**
     * The batch overview: prints each unit's multiple-testing summary (trials, best, DSR, PBO, Reality Check, SPA,
     * verdict) and shows the models × metrics heatmap.
     */
    public static void batchOverview(Results results) {
        List<ModelEvaluation> done = results.ranked().stream().map(HtmlReport.Entry::evaluation)
                .filter(Objects::nonNull).toList();
        if (done.isEmpty()) {
            throw new UserException(results.workspec() + ": no done results to overview");
        }
        List<List<String>> rows = new ArrayList<>();
        for (TrialFamily f : TrialFamily.perUnit(done)) {
            rows.add(List.of(f.unit(), String.valueOf(f.models().size()), String.valueOf(f.rows()),
                    f.best() < 0 ? "" : f.models().get(f.best()).name(), f(f.bestSharpe(), 4), f3(f.dsr()),
                    Double.isNaN(f.pbo()) ? "unknown" : f3(f.pbo()) + " (" + f(f.pboNoSkill(), 2) + ")",
                    f3(f.realityCheck()), f3(f.spa()), f.verdict()));
        }
        System.out.print(Formats.table(List.of("UNIT", "TRIALS", "ROWS", "BEST", "NET SHARPE/BAR", "DSR",
                "PBO (NO SKILL)", "RC P", "SPA P", "VERDICT"), rows));
        show(Charts.overview(results.workspec() + ": models × metrics", done), "overview-" + slug(results.workspec()));
    }

    /**
     * Which settings matter in each unit's search: prints each varying setting's share of the validation loss's
     * variance and its levels' mean loss, and shows each unit's parallel coordinates (the best 10% in colour).
     */
    public static void hyperparameters(Results results) {
        java.util.Map<String, List<ModelEvaluation>> byUnit = new java.util.LinkedHashMap<>();
        results.ranked().stream().map(HtmlReport.Entry::evaluation).filter(Objects::nonNull)
                .forEach(m -> byUnit.computeIfAbsent(m.unit(), u -> new ArrayList<>()).add(m));
        if (byUnit.isEmpty()) {
            throw new UserException(results.workspec() + ": no trained results");
        }
        for (var u : byUnit.entrySet()) {
            io.atlasj.stats.model.HyperparameterEffects e = io.atlasj.stats.model.HyperparameterEffects.of(u.getKey(),
                    u.getValue());
            System.out.println(u.getKey() + ": " + e.trials().size() + " trials, " + e.counted()
                    + " trained to their end; share of the validation loss's variance by setting");
            if (e.settings().isEmpty()) {
                System.out.println("  no setting varies");
                continue;
            }
            List<List<String>> rows = new ArrayList<>();
            for (io.atlasj.stats.model.HyperparameterEffects.Setting s : e.settings()) {
                var best = s.levels().stream().filter(l -> l.count() > 0)
                        .min(java.util.Comparator.comparingDouble(io.atlasj.stats.model.HyperparameterEffects.Level::mean));
                rows.add(List.of(s.name(), Double.isNaN(s.share()) ? "n/a" : f(100 * s.share(), 1) + "%",
                        best.map(l -> l.label() + " (" + f(l.mean(), 4) + ")").orElse(""),
                        String.valueOf(s.levels().size())));
            }
            System.out.print(Formats.table(List.of("SETTING", "SHARE", "BEST LEVEL (MEAN LOSS)", "LEVELS"), rows));
            show(io.atlasj.stats.chart.HyperparameterCharts.parallel(e, 0.1), "parallel-" + slug(u.getKey()));
        }
    }

    /** The model's baseball card (classifier or regressor), after one line of its headline metrics. */
    public static void baseballCard(ResultsObject result) {
        ModelEvaluation m = evaluate(result);
        System.out.println(m.unit() + "/" + m.name() + " (" + m.type() + ", key " + result.key() + "): "
                + Headline.of(m.result()) + " (validation / test of fold 0); out-of-sample "
                + (m.classification() ? "accuracy " + f3(m.metric("accuracy")) : "rmse " + f(m.metric("rmse"), 5))
                + ", " + m.trading().map(t -> "net Sharpe " + f(m.rank(), 4) + " per bar, net return "
                + f(m.metric("return %"), 2) + "%").orElse(m.returnBasis()));
        show(Charts.card(m), "card-" + slug(m.unit()) + "-" + slug(m.name()) + "-" + result.key());
    }

    /**
     * Two results side by side: prints their headline metrics and how far they agree on the common test rows,
     * and shows the comparison chart (both P&amp;L curves, both signals, one signal against the other).
     */
    public static void compare(ResultsObject a, ResultsObject b) {
        ModelEvaluation ea = evaluate(a);
        ModelEvaluation eb = evaluate(b);
        Comparison c = Comparison.of(ea, eb);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", ea.unit() + "/" + ea.name(), eb.unit() + "/" + eb.name()));
        rows.add(List.of("type", ea.type(), eb.type()));
        rows.add(List.of("label", ea.label(), eb.label()));
        rows.add(List.of("test rows", String.valueOf(ea.oos().time().length), String.valueOf(eb.oos().time().length)));
        List<String> metrics = new ArrayList<>();
        for (ModelEvaluation m : List.of(ea, eb)) {
            for (String k : m.classification() ? ModelEvaluation.CLASSIFICATION_METRICS : ModelEvaluation.REGRESSION_METRICS) {
                if (!metrics.contains(k)) {
                    metrics.add(k);
                }
            }
        }
        metrics.addAll(ModelEvaluation.TRADING_METRICS);
        for (String k : metrics) {
            rows.add(List.of(k, f(ea.metric(k), 4), f(eb.metric(k), 4)));
        }
        System.out.print(Formats.table(List.of("", "A", "B"), rows));
        System.out.printf(Locale.ROOT, "on %d common test rows: same position %s, same class %s, signal correlation %s%n",
                c.rows(), pct(c.agreement()), pct(c.samePrediction()), f3(c.correlation()));
        show(Charts.comparison(c), "compare-" + a.key() + "-" + b.key());
    }

    /** Prints what the helpers do. */
    public static void help() {
        System.out.print(String.join("\n",
                "Atlas console helpers (ATLAS_HOME " + home().root() + "):",
                "  fls(\"quickstart\")                 a named featureset (or a YAML file) built from ATLAS_HOME's data, cached",
                "  fls(\"quickstart\", from, to)       the same over from <= time < to, e.g. \"2013-11-28\", \"2013-11-29T12:00\"",
                "  fls(FeatureLabelSet.builder(\"mine\").base(\"bitstamp:btc_usd\", \"5m\").features(RSI(14)).labels(FutureReturn(3)).build())",
                "  plot(fls) / plot(fls, from, to)   one panel per feature and label on a shared time axis",
                "  results(\"quickstart\")             a WorkSpec's results, best first: r.get(0), r.get(\"unit/name\")",
                "  results(\"configs/workspecs/quickstart.yaml\")  the same, traded at the WorkSpec's costs",
                "  leaderboard(r) / leaderboard(r, n)  the table, best out-of-sample net Sharpe ratio per bar first",
                "  batchOverview(r)                  multiple-testing verdict per unit and the models × metrics heatmap",
                "  hyperparameters(r)                which settings matter per unit, and parallel coordinates",
                "  baseballCard(r.get(0))            one model's card",
                "  compare(r.get(0), r.get(1))       two models side by side: metrics, agreement, chart",
                "  LogReturns().eth().oneMin().lookforward(1)   the DSL (io.atlasj.features.Dsl) is imported",
                "Charts open in a window when there is a display; otherwise they are written under " + chartDir(),
                ""));
    }

    // ------------------------------------------------------------------ helpers

    private static Pricing pricing(MarketDataStore store, Costs costs) {
        return new Pricing(Prices.of(SeriesSource.of(store)), costs);
    }

    /**
     * Evaluations made by {@link #results}, so a card or comparison of a result from there is traded as its
     * leaderboard row was (at the WorkSpec's costs; an ensemble on its unit's market).
     */
    private static final java.util.Map<ResultsObject, java.util.function.Supplier<ModelEvaluation>> EVALUATED =
            new java.util.IdentityHashMap<>();

    private static ModelEvaluation evaluate(ResultsObject r) {
        Objects.requireNonNull(r, "result");
        java.util.function.Supplier<ModelEvaluation> known;
        synchronized (EVALUATED) {
            known = EVALUATED.get(r);
        }
        if (known != null) {
            return known.get();
        }
        if (!ModelEvaluation.trained(r)) {
            throw new UserException("result " + r.key() + " is " + r.status() + (r.failure() == null ? ""
                    : " (" + r.failure() + ")") + ": it has no out-of-sample rows to show");
        }
        try (MarketDataStore store = MarketDataStore.open(home().marketData())) {
            return ModelEvaluation.of(r, pricing(store, null));
        }
    }

    /** Opens a window when there is a display, else writes PNG and SVG to {@link #chartDir()} and prints the paths. */
    static void show(Drawing d, String name) {
        if (!GraphicsEnvironment.isHeadless()) {
            ChartWindow.open(d, name);
            System.out.println("chart: opened in a window (" + name + ")");
            return;
        }
        try {
            Path png = ChartFiles.write(d, chartDir().resolve(name));
            System.out.println("chart: " + png + " (and " + png.getFileName().toString().replaceAll("\\.png$", ".svg") + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + name + " to " + chartDir(), e);
        }
    }

    static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    private static String f3(double v) {
        return f(v, 3);
    }

    private static String f(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
