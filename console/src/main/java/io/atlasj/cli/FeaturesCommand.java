package io.atlasj.cli;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.features.Library;
import io.atlasj.features.eval.Evaluator;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.features.spark.SparkBuilds;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas features ...}: the feature library, one expression, and featureset builds. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "List the feature library, explain an expression, build a featureset, select its inputs.",
        subcommands = {FeaturesCommand.ListCmd.class, FeaturesCommand.Show.class, FeaturesCommand.Build.class,
                FeaturesCommand.Select.class})
final class FeaturesCommand {
    @ParentCommand
    AtlasCli atlas;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every feature, transform and label, with its parameters.")
    static final class ListCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (FeatureKind.Shape shape : FeatureKind.Shape.values()) {
                List<List<String>> rows = new ArrayList<>();
                for (FeatureKind k : Library.all()) {
                    if (k.shape() == shape) {
                        String sig = k.signature().replace(" (usage: ", "").replaceAll("\\)$", "");
                        rows.add(List.of(sig, k.need() == FeatureKind.Need.NONE ? "" : k.need().name().toLowerCase(Locale.ROOT),
                                k.description()));
                    }
                }
                out.println(switch (shape) {
                    case LEAF -> "Features (then steps: .eth() .binance() .market(\"ex:sym\") .oneMin() .fiveMin() .oneHour() ...):";
                    case TRANSFORM -> "\nTransforms (any feature):";
                    case OPERATOR -> "\nArithmetic (a feature or a number):";
                    case FUNCTION -> "\nCross-market functions:";
                });
                out.print(Formats.table(List.of("USAGE", "NEEDS", "DESCRIPTION"), rows));
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("feature.lookforward(n)", "the feature n bars ahead: label[t] = feature[t+n]"));
            for (LabelKind k : LabelKind.all()) {
                rows.add(List.of(k.signature(), k.description()));
            }
            out.println("\nLabels (the label side of a featureset only):");
            out.print(Formats.table(List.of("USAGE", "DESCRIPTION"), rows));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Canonical form, warm-up and data needs of one expression, e.g. 'RSI(14).fiveMin().zscore(50)'.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "EXPR", description = "A feature or label expression (quote it for the shell).")
        String expr;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Object v = FeatureParser.parse(expr);
            if (v instanceof Feature f) {
                out.println("feature:   " + f.id());
                out.println("describes: " + describe(f));
                out.println("warm-up:   " + warmup(f));
                out.println("reach:     " + reach(f));
                out.println("reads:     " + String.join("; ", needs(f, new ArrayList<>())));
            } else {
                Label l = (Label) v;
                out.println("label:     " + l.id());
                out.println("describes: " + (l.feature() != null ? "the value of " + l.feature().id() + " "
                        + l.horizon() + " bar(s) ahead" : LabelKind.of(l.kind()).description()));
                out.println("horizon:   " + l.horizon() + " bar(s) after t (rows without them have no label)");
                out.println("target:    " + (l.feature() != null ? "REGRESSION" : LabelKind.of(l.kind()).target()));
            }
            out.println("Unset markets and timeframes are the featureset's base market and timeframe.");
            return 0;
        }

        private static String describe(Feature f) {
            return f.definition().description();
        }

        private static String warmup(Feature f) {
            if (f.isLeaf()) {
                int bars = f.definition().warmup().bars(f.params().stream().mapToDouble(Double::doubleValue).toArray());
                return bars + " bar(s) of " + (f.timeframe() == null ? "the base timeframe" : f.timeframe().label())
                        + " before its first value";
            }
            long ms = Evaluator.warmupMillis(f);
            return ms > 0 ? Formats.duration(ms) + " of data before its first value"
                    : "its inputs' warm-up plus " + f.definition().warmup().bars(
                            f.params().stream().mapToDouble(Double::doubleValue).toArray()) + " bar(s)";
        }

        /** How far back its values depend on the bars: any build or live runner reading that far computes them alike. */
        private static String reach(Feature f) {
            String same = " (from that far back, any build, Spark partition or live runner computes its values bit for "
                    + "bit alike)";
            if (f.isLeaf()) {
                long bars = Evaluator.reachBars(f.definition(), f.params().stream().mapToDouble(Double::doubleValue)
                        .toArray());
                return bars >= Evaluator.UNBOUNDED ? "unbounded: its value depends on where reading began"
                        : bars + " bar(s) of " + (f.timeframe() == null ? "the base timeframe" : f.timeframe().label())
                        + same;
            }
            long ms = Evaluator.reachMillis(f);
            return ms >= Evaluator.UNBOUNDED ? "unbounded: its value depends on where reading began"
                    : ms > 0 ? Formats.duration(ms) + same : "its inputs' reach and its own bars on the base timeframe";
        }

        private static List<String> needs(Feature f, List<String> out) {
            if (f.isLeaf()) {
                if (f.definition().need() != FeatureKind.Need.NONE) {
                    String what = (f.definition().need() == FeatureKind.Need.QUOTES ? "quote bars" : "candles") + " of "
                            + (f.market().isUnset() ? "the base market" : f.market().canonicalSteps().substring(1)) + " at "
                            + (f.timeframe() == null ? "the base timeframe" : f.timeframe().label());
                    if (!out.contains(what)) {
                        out.add(what);
                    }
                }
            } else {
                f.inputs().forEach(in -> needs(in, out));
            }
            return out;
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build a featureset over the stored data into a feature matrix (cached under "
                + "ATLAS_HOME/cache/featuresets; a second build of the same set and data is a cache hit).",
                "NAME_OR_FILE: quickstart, multi-timeframe, cross-market, or a featureset YAML file."})
    static final class Build implements Callable<Integer> {
        @ParentCommand
        FeaturesCommand features;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME_OR_FILE")
        String set;
        @Option(names = "--from", paramLabel = "TIME", description = "First row (UTC), inclusive.")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "End (UTC), exclusive.")
        String to;
        @Option(names = "--out", paramLabel = "FILE", description = "Also write the matrix to FILE.arrow, FILE.parquet "
                + "(pandas, Spark, DuckDB read it as a table) or FILE.csv (with --markets, a name with {market} in it, e.g. 'out/{market}.arrow').")
        Path out;
        @Option(names = "--markets", split = ",", paramLabel = "MARKET", description = "Build the set over each of "
                + "these base markets instead of its own (exchange:symbol, comma-separated): features and labels that "
                + "name no market read each one in turn.")
        List<String> markets;
        @Option(names = "--threads", paramLabel = "N", description = "With --markets, how many markets to build at "
                + "once (default: the machine's cores).")
        Integer threads;
        @Option(names = "--engine", defaultValue = "local", paramLabel = "ENGINE", description = "local (this JVM's "
                + "threads, the default) or spark: Spark tasks build the sets over the Parquet market-data lake with "
                + "the same code; the matrices equal the local engine's bit for bit and go to the same cache.")
        String engine;
        @Option(names = "--master", defaultValue = "local[*]", paramLabel = "MASTER", description = "With --engine "
                + "spark: local[*] (Spark inside this process, the default), local[N], or spark://HOST:PORT (a "
                + "standalone cluster whose workers have Atlas at this path and reach the lake).")
        String master;
        @Option(names = "--lake", paramLabel = "DIR_OR_URI", description = "With --engine spark: the lake to read "
                + "(a folder or a Hadoop filesystem URI), as 'atlas data export --to' wrote it. Default: "
                + "ATLAS_HOME/lake, brought up to date from the store first (only what changed is written).")
        String lake;

        @Override
        public Integer call() throws IOException {
            PrintWriter pw = spec.commandLine().getOut();
            FeatureLabelSet fls = load(set);
            long f = from == null ? Long.MIN_VALUE / 4 : Formats.parseTime(from, "--from");
            long t = to == null ? Long.MAX_VALUE / 4 : Formats.parseTime(to, "--to");
            if (out != null && !out.toString().endsWith(".arrow") && !out.toString().endsWith(".csv")
                    && !out.toString().endsWith(".parquet")) {
                throw new UserException("--out must end in .arrow, .parquet or .csv, got " + out);
            }
            if (!engine.equals("local") && !engine.equals("spark")) {
                throw new UserException("--engine " + engine + ": use local or spark");
            }
            if (engine.equals("local") && lake != null) {
                throw new UserException("--lake is read by --engine spark; add --engine spark");
            }
            if (engine.equals("spark") && threads != null) {
                throw new UserException("--threads is for the local engine; Spark runs as many sets at once as its "
                        + "master has cores (--master local[N], or the cluster's)");
            }
            if (markets != null) {
                return buildMarkets(pw, fls, f, t);
            }
            if (threads != null) {
                throw new UserException("--threads is for --markets (the sets built at once; one set's columns use every core)");
            }
            FeatureSetBuilder.Built built = buildSets(pw, List.of(fls), f, t, 1).get(0);
            FeatureMatrix m = built.matrix();
            List<List<String>> rows = new ArrayList<>();
            List<FeatureMatrix.ColumnSummary> summary = m.summary();
            for (int i = 0; i < summary.size(); i++) {
                FeatureMatrix.ColumnSummary s = summary.get(i);
                long missing = i < m.report().missing().size() ? m.report().missing().get(i) : 0;
                rows.add(List.of(s.role(), s.id(), Formats.count(s.count()), Formats.count(s.nan()), Formats.count(missing),
                        num(s.mean()), num(s.std()), num(s.min()), num(s.max())));
            }
            pw.print(Formats.table(List.of("ROLE", "COLUMN", "COUNT", "NAN", "NO VALUE ON", "MEAN", "STD", "MIN", "MAX"), rows));
            FeatureMatrix.BuildReport r = m.report();
            pw.printf(Locale.ROOT, "%s: %s rows from %s base bars (%s dropped: a feature had no value; %s: a label had none)%s%n",
                    fls.name(), Formats.count(m.rows()), Formats.count(r.baseBars()), Formats.count(r.droppedFeatures()),
                    Formats.count(r.droppedLabels()), m.rows() > 0 ? ", " + Formats.time(m.time()[0]) + " to "
                            + Formats.time(m.time()[m.rows() - 1]) : "");
            if (fls.gaps() == GapPolicy.FILL_FLAT) {
                pw.printf(Locale.ROOT, "gaps: %s: %s of the base bars were filled flat (nothing traded); %s rows "
                                + "were built on filled bars (the row's bar or a bar of a feature's history); labels never "
                                + "read one%s%n", fls.gapsText(), Formats.count(r.filledBars()), Formats.count(r.filledRows()),
                        fls.fillLimit() == null ? "" : "; bars more than the limit after the last real bar stay gaps");
            }
            if (fls.prices() == io.atlasj.features.eval.PriceBasis.MID) {
                pw.println("prices: mid: the candles are the midpoints of the quote bars (bid + ask) / 2, with no "
                        + "volume");
            }
            pw.println((built.cacheHit() ? "cache hit: " : "built in " + r.millis() + " ms, cached: ")
                    + built.file().map(Path::toString).orElse("(not cached)"));
            r.why().ifPresent(h -> spec.commandLine().getErr().println((m.rows() == 0 ? "error: " : "warning: ") + h));
            if (m.rows() == 0) {
                return 1; // nothing to train on: not a success
            }
            if (out != null) {
                write(built, out);
                pw.println("wrote " + out);
            }
            return 0;
        }

        /**
         * The sets built by the chosen engine, or read from the cache: locally {@code threads} at a time from the
         * store; with Spark from the lake (the default lake first brought up to date from the store), Spark started
         * only when a set is not in the cache.
         */
        private List<FeatureSetBuilder.Built> buildSets(PrintWriter pw, List<FeatureLabelSet> sets, long f, long t,
                                                        int threads) {
            FeatureSetBuilder.Built[] out = new FeatureSetBuilder.Built[sets.size()];
            buildSets(pw, sets, f, t, threads, (b, i) -> out[i] = b);
            return List.of(out);
        }

        /** As above, each set handed to {@code each} as soon as it is built or read, none kept. */
        private void buildSets(PrintWriter pw, List<FeatureLabelSet> sets, long f, long t, int threads,
                               java.util.function.ObjIntConsumer<FeatureSetBuilder.Built> each) {
            var home = features.atlas.home();
            FeaturesetCache cache = new FeaturesetCache(home.featuresetCache());
            if (engine.equals("local")) {
                try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
                    FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
                    b.buildEach(sets, f, t, cache, b.threads(threads), each);
                    return;
                }
            }
            // with --lake the store is not opened: the lake may be all this machine has
            try (MarketDataStore store = lake == null ? MarketDataStore.open(home.marketData()) : null;
                 SparkBuilds spark = new SparkBuilds(home, store, pw::println)) {
                spark.buildEach(sets, f, t, cache, master, lake, each);
            }
        }

        /**
         * Writes a built matrix to {@code file}. An Arrow file is the cache's own file, linked (a second name for the
         * same bytes, nothing written again) or copied where a link cannot be made; Parquet and CSV are written out.
         */
        private static void write(FeatureSetBuilder.Built built, Path file) throws IOException {
            if (file.toString().endsWith(".parquet")) {
                built.matrix().writeParquet(file);
                return;
            }
            if (!file.toString().endsWith(".arrow")) {
                built.matrix().writeCsv(file);
                return;
            }
            if (built.file().isEmpty()) {
                FeaturesetCache.write(built.matrix(), file);
                return;
            }
            Path cached = built.file().get();
            java.nio.file.Files.deleteIfExists(file);
            try {
                java.nio.file.Files.createLink(file, cached);
            } catch (IOException | UnsupportedOperationException e) {
                io.atlasj.home.Durable.replace(file, tmp -> java.nio.file.Files.copy(cached, tmp,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING));
            }
        }

        /** {@code --markets}: the set over each market, {@code --threads} at a time, one line per market. */
        private int buildMarkets(PrintWriter pw, FeatureLabelSet fls, long f, long t) throws IOException {
            if (markets.isEmpty()) {
                throw new UserException("--markets: give at least one market (exchange:symbol)");
            }
            if (out != null && !out.toString().contains("{market}")) {
                throw new UserException("--out " + out + ": with --markets, put {market} in the name (e.g. "
                        + "'out/{market}.arrow'), so that each market gets its own file");
            }
            int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (n < 1) {
                throw new UserException("--threads " + n + ": give at least 1");
            }
            List<FeatureLabelSet> sets = new ArrayList<>();
            for (String text : markets) {
                io.atlasj.marketdata.Market m;
                try {
                    m = io.atlasj.marketdata.Market.parse(text.trim());
                } catch (IllegalArgumentException e) {
                    throw new UserException("--markets: " + e.getMessage());
                }
                sets.add(fls.onMarket(m));
            }
            long t0 = System.nanoTime();
            // each market's matrix is summarised (and written with --out) as it is built, then let go: a build over
            // many markets holds a few matrices at once, not all of them
            List<List<String>> rows = new ArrayList<>(java.util.Collections.nCopies(sets.size(), null));
            String[] hints = new String[sets.size()];
            String[] wrote = new String[sets.size()];
            int[] empty = {0};
            long[] buildMillis = {0};
            buildSets(pw, sets, f, t, n, (b, i) -> {
                FeatureMatrix m = b.matrix();
                empty[0] += m.rows() == 0 ? 1 : 0;
                buildMillis[0] += b.cacheHit() ? 0 : m.report().millis();
                String market = sets.get(i).baseMarket().toString();
                rows.set(i, List.of(market, Formats.count(m.rows()),
                        m.rows() > 0 ? Formats.time(m.time()[0]) : "", m.rows() > 0
                                ? Formats.time(m.time()[m.rows() - 1]) : "",
                        b.cacheHit() ? "cache hit" : "built in " + m.report().millis() + " ms"));
                hints[i] = m.report().why().map(h -> (m.rows() == 0 ? "error: " : "warning: ") + market + ": " + h)
                        .orElse(null);
                if (out != null && m.rows() > 0) {
                    Path file = Path.of(out.toString().replace("{market}", market.replace(':', '_')));
                    try {
                        if (file.getParent() != null) {
                            java.nio.file.Files.createDirectories(file.getParent());
                        }
                        write(b, file);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(file + ": " + e.getMessage(), e);
                    }
                    wrote[i] = "wrote " + file;
                }
            });
            long wall = (System.nanoTime() - t0) / 1_000_000L;
            pw.print(Formats.table(List.of("MARKET", "ROWS", "FROM", "TO", ""), rows));
            pw.printf(Locale.ROOT, "%s over %d markets: %d ms of building %s, %d ms in all%n", fls.name(),
                    sets.size(), buildMillis[0], engine.equals("spark") ? "in Spark tasks (" + master + ")" : "on "
                            + Math.min(n, sets.size()) + " thread" + (Math.min(n, sets.size()) == 1 ? "" : "s"), wall);
            for (int i = 0; i < sets.size(); i++) {
                if (hints[i] != null) {
                    spec.commandLine().getErr().println(hints[i]);
                }
                if (wrote[i] != null) {
                    pw.println(wrote[i]);
                }
            }
            return empty[0] > 0 ? 1 : 0; // a market with nothing to train on is not a success
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
        }
    }

    @Command(name = "select", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Pick the inputs a WorkSpec's trained models use most, per target and then across targets: "
                + "each model's permutation importance on its validation part and, for trees, its share of split gain "
                + "(both stored in its result) are scaled to their largest and averaged; a target's score is the mean "
                + "over the done models of the units that predict it; the core score is the mean over the targets. The "
                + "top K inputs are written as a new featureset YAML with the same base and every target's labels.",
                "Train again on it with the WorkSpec's featureset pointing at the new file."},
            footer = {"", "Examples:", "  atlas features select trees --top 8",
                "  atlas features select quickstart --unit direction-3bar --top 8"})
    static final class Select implements Callable<Integer> {
        @ParentCommand
        FeaturesCommand features;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "WORKSPEC", description = "The WorkSpec's name (as in ATLAS_HOME/runs/WORKSPEC).")
        String workspec;
        @Option(names = "--unit", paramLabel = "UNIT", description = "A unit whose models vote (repeat for several; "
                + "default: every unit of the run with a measured importance).")
        List<String> units;
        @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "How many inputs to keep. "
                + "Default: ${DEFAULT-VALUE}.")
        int top;
        @Option(names = "--out", paramLabel = "FILE", description = "The featureset YAML to write (default: "
                + "FEATURESET-topK.yaml in the current folder; an existing file is not overwritten).")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter pw = spec.commandLine().getOut();
            if (top < 1) {
                throw new UserException("--top " + top + ": give at least 1");
            }
            Path run = features.atlas.home().runs().resolve(workspec);
            if (!java.nio.file.Files.isDirectory(run)) {
                throw new UserException("no results of " + workspec + " under " + run
                        + " (run it first: atlas run FILE --local)");
            }
            boolean named = units != null && !units.isEmpty();
            List<String> chosen = named ? units : listed(run);
            // per target (the unit's label over its featureset), every done model of the units that predict it
            java.util.Map<String, List<io.atlasj.workspec.results.ResultsObject>> byTarget =
                    new java.util.LinkedHashMap<>();
            java.util.Map<String, java.util.Set<String>> unitsOf = new java.util.LinkedHashMap<>();
            for (String unit : chosen) {
                Path dir = run.resolve(unit);
                if (!java.nio.file.Files.isDirectory(dir)) {
                    throw new UserException("no results of unit " + unit + " of " + workspec + " under " + dir
                            + " (run it first: atlas run FILE --local; units there: " + String.join(", ", listed(run))
                            + ")");
                }
                try (var s = java.nio.file.Files.list(dir)) {
                    for (Path d : s.sorted().toList()) {
                        // the JSON is what counts here: only the test series are read with it
                        io.atlasj.workspec.results.ResultsIo.verifyOutOfSample(d).result()
                                .filter(io.atlasj.stats.model.ModelEvaluation::trained).ifPresent(r -> {
                                    String key = r.featureset().get("label") + " over " + r.featureset().get("name");
                                    byTarget.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                                    unitsOf.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(unit);
                                });
                    }
                }
            }
            List<io.atlasj.stats.model.InputImportance> targets = new ArrayList<>();
            for (var e : byTarget.entrySet()) {
                String scope = "units " + String.join(", ", unitsOf.get(e.getKey())) + " of " + workspec;
                try {
                    io.atlasj.stats.model.InputImportance.of(scope, e.getValue()).ifPresent(targets::add);
                } catch (IllegalArgumentException x) {
                    throw new UserException(x.getMessage());
                }
            }
            if (targets.isEmpty()) {
                throw new UserException("no model of " + (named ? "unit " + String.join(", ", chosen) + " of " : "")
                        + workspec + " has an importance (results written before schema 6 have none, nor do ensembles "
                        + "or networks stopped by a search): train again");
            }
            io.atlasj.stats.model.InputImportance.Core core;
            try {
                core = io.atlasj.stats.model.InputImportance.Core.of(targets);
            } catch (IllegalArgumentException x) {
                throw new UserException(x.getMessage());
            }
            if (top > core.declared().size()) {
                throw new UserException("--top " + top + ": the featuresets have " + core.declared().size()
                        + " inputs");
            }
            List<String> header = new ArrayList<>(List.of("rank", "input"));
            targets.forEach(t -> header.add(t.target()));
            header.add("core");
            header.add("");
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < core.order().length; k++) {
                int j = core.order()[k];
                List<String> row = new ArrayList<>(List.of(String.valueOf(k + 1), core.declared().get(j)));
                for (double[] t : core.perTarget()) {
                    row.add(Double.isNaN(t[j]) ? "-" : String.format(Locale.ROOT, "%.3f", t[j]));
                }
                row.add(String.format(Locale.ROOT, "%.3f", core.score()[j]));
                row.add(k < top ? "kept" : "");
                rows.add(row);
            }
            pw.print(Formats.table(header, rows));
            for (var t : targets) {
                pw.printf(Locale.ROOT, "%s: %d models (%d trees) of %s%n", t.target(), t.models(), t.treeModels(),
                        t.scope());
            }
            String name = targets.get(0).name() + "-top" + top;
            Path file = out != null ? out : Path.of(name + ".yaml");
            if (java.nio.file.Files.exists(file)) {
                throw new UserException(file + " exists: give another --out, or remove it first");
            }
            String source = workspec + (named ? " --unit " + String.join(" --unit ", chosen) : "");
            String yaml = yaml(core, name, top, source);
            io.atlasj.home.Durable.write(file, tmp -> java.nio.file.Files.writeString(tmp, yaml)); // whole or absent
            pw.printf(Locale.ROOT, "%d of %d inputs, by %d target%s: %s%n", top, core.declared().size(), targets.size(),
                    targets.size() == 1 ? "" : "s", file);
            return 0;
        }

        private static List<String> listed(Path run) throws IOException {
            try (var s = java.nio.file.Files.list(run)) {
                return s.filter(java.nio.file.Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                        .toList();
            }
        }

        /** The featureset YAML of the top {@code k} inputs of {@code core}, in the order they were declared. */
        static String yaml(io.atlasj.stats.model.InputImportance.Core core, String newName, int k, String source) {
            io.atlasj.stats.model.InputImportance t0 = core.targets().get(0);
            String[] b = t0.base().split(" ");
            StringBuilder y = new StringBuilder();
            String by = core.targets().size() == 1 ? "importance for " + t0.target()
                    : "mean importance over " + core.targets().size() + " targets ("
                    + String.join(", ", core.targets().stream().map(io.atlasj.stats.model.InputImportance::target)
                            .toList()) + ")";
            y.append("# Made by: atlas features select ").append(source).append(" --top ").append(k)
                    .append("\n# The ").append(k).append(" of ").append(core.declared().size())
                    .append(" inputs with the highest ").append(by).append(".\n");
            y.append("name: ").append(newName).append('\n');
            y.append("description: ").append(quote("The top " + k + " inputs of " + t0.name() + " by " + by))
                    .append('\n');
            y.append("base: {market: ").append(quote(b[0])).append(", timeframe: ").append(b[1]).append("}\n");
            if (t0.gaps() != null && !t0.gaps().equals("null") && !t0.gaps().equals("drop")) {
                String[] g = t0.gaps().split(" "); // "fill-flat 2h": the policy and its fillLimit
                y.append("gaps: ").append(g[0]).append('\n');
                if (g.length > 1) {
                    y.append("fillLimit: ").append(g[1]).append('\n');
                }
            }
            if (b.length > 2) { // "coinbase:ltcusd 1m mid": the prices
                y.append("prices: ").append(b[2]).append('\n');
            }
            boolean[] keep = new boolean[core.declared().size()];
            for (int i = 0; i < k; i++) {
                keep[core.order()[i]] = true;
            }
            y.append("features:\n");
            for (int j = 0; j < core.declared().size(); j++) {
                if (keep[j]) {
                    y.append("  - ").append(quote(core.resolved().get(j))).append("   # ").append(core.declared().get(j))
                            .append('\n');
                }
            }
            y.append("labels:\n");
            core.labels().forEach(l -> y.append("  - ").append(quote(l)).append('\n'));
            return y.toString();
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /** A featureset by file path, or by name from configs/featuresets on the classpath. */
    static FeatureLabelSet load(String nameOrFile) {
        return NamedFeaturesets.load(nameOrFile);
    }
}
