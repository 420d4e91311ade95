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
        @Option(names = "--out", paramLabel = "FILE", description = "Also write the matrix to FILE.arrow or FILE.csv.")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter pw = spec.commandLine().getOut();
            FeatureLabelSet fls = load(set);
            long f = from == null ? Long.MIN_VALUE / 4 : Formats.parseTime(from, "--from");
            long t = to == null ? Long.MAX_VALUE / 4 : Formats.parseTime(to, "--to");
            if (out != null && !out.toString().endsWith(".arrow") && !out.toString().endsWith(".csv")) {
                throw new UserException("--out must end in .arrow or .csv, got " + out);
            }
            var home = features.atlas.home();
            FeatureSetBuilder.Built built;
            try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
                built = new FeatureSetBuilder(SeriesSource.of(store)).build(fls, f, t,
                        new FeaturesetCache(home.featuresetCache()));
            }
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
                pw.printf(Locale.ROOT, "gaps: fill-flat: %s of the base bars were filled flat (nothing traded); %s rows "
                                + "were built on filled bars (the row's bar or a bar of a feature's history); labels never "
                                + "read one%n", Formats.count(r.filledBars()), Formats.count(r.filledRows()));
            }
            pw.println((built.cacheHit() ? "cache hit: " : "built in " + r.millis() + " ms, cached: ")
                    + built.file().map(Path::toString).orElse("(not cached)"));
            r.why().ifPresent(h -> spec.commandLine().getErr().println((m.rows() == 0 ? "error: " : "warning: ") + h));
            if (m.rows() == 0) {
                return 1; // nothing to train on: not a success
            }
            if (out != null) {
                if (out.toString().endsWith(".arrow")) {
                    FeaturesetCache.write(m, out);
                } else {
                    m.writeCsv(out);
                }
                pw.println("wrote " + out);
            }
            return 0;
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
        }
    }

    @Command(name = "select", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Pick the inputs a unit's trained models use most: each model's permutation importance on "
                + "its validation part (stored in its result) is scaled to its largest, averaged over the unit's done "
                + "models, and the top K inputs are written as a new featureset YAML (same base and labels).",
                "Train again on it with the WorkSpec's featureset pointing at the new file."},
            footer = {"", "Example:", "  atlas features select quickstart --unit direction-3bar --top 8"})
    static final class Select implements Callable<Integer> {
        @ParentCommand
        FeaturesCommand features;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "WORKSPEC", description = "The WorkSpec's name (as in ATLAS_HOME/runs/WORKSPEC).")
        String workspec;
        @Option(names = "--unit", required = true, paramLabel = "UNIT", description = "The unit whose models vote.")
        String unit;
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
            Path dir = features.atlas.home().runs().resolve(workspec).resolve(unit);
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new UserException("no results of unit " + unit + " of " + workspec + " under " + dir
                        + " (run it first: atlas run FILE --local)");
            }
            List<io.atlasj.workspec.results.ResultsObject> results = new ArrayList<>();
            try (var s = java.nio.file.Files.list(dir)) {
                for (Path d : s.sorted().toList()) {
                    // the JSON is what counts here: only the test series are read with it
                    io.atlasj.workspec.results.ResultsIo.verifyOutOfSample(d).result()
                            .filter(io.atlasj.stats.model.ModelEvaluation::trained).ifPresent(results::add);
                }
            }
            Selection sel = Selection.of(results, unit);
            if (top > sel.declared().size()) {
                throw new UserException("--top " + top + ": the featureset has " + sel.declared().size() + " inputs");
            }
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < sel.order().length; k++) {
                int j = sel.order()[k];
                rows.add(List.of(String.valueOf(k + 1), sel.declared().get(j), String.format(Locale.ROOT, "%.3f",
                        sel.score()[j]), k < top ? "kept" : ""));
            }
            pw.print(Formats.table(List.of("rank", "input", "mean scaled importance", ""), rows));
            String name = sel.name() + "-top" + top;
            Path file = out != null ? out : Path.of(name + ".yaml");
            if (java.nio.file.Files.exists(file)) {
                throw new UserException(file + " exists: give another --out, or remove it first");
            }
            String yaml = sel.yaml(name, top, workspec + " --unit " + unit);
            io.atlasj.home.Durable.write(file, tmp -> java.nio.file.Files.writeString(tmp, yaml)); // whole or absent
            pw.printf(Locale.ROOT, "%d of %d inputs of %s, by %d models of %s/%s: %s%n", top, sel.declared().size(),
                    sel.name(), sel.models(), workspec, unit, file);
            return 0;
        }
    }

    /**
     * The inputs of a unit's featureset ranked by their permutation importance over its models: each model's
     * importances (averaged over its folds) are clipped at zero and scaled to its largest, so every model weighs the
     * same, then averaged over the models.
     */
    record Selection(String name, String base, String gaps, List<String> declared, List<String> resolved,
                     List<String> labels, double[] score, int[] order, int models) {
        /** The unit's inputs ranked by {@link io.atlasj.stats.model.InputImportance}. */
        static Selection of(List<io.atlasj.workspec.results.ResultsObject> results, String unit) {
            io.atlasj.stats.model.InputImportance in;
            try {
                in = io.atlasj.stats.model.InputImportance.of(unit, results).orElseThrow(() -> new UserException(
                        "no model of unit " + unit + " has a permutation importance (results written before schema 6 "
                        + "have none, nor do ensembles or trials stopped by a search): train the unit again"));
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            return new Selection(in.name(), in.base(), in.gaps(), in.declared(), in.resolved(), in.labels(), in.score(),
                    in.order(), in.models());
        }

        /** The featureset YAML of the top {@code k} inputs, in the original featureset's order. */
        String yaml(String newName, int k, String source) {
            String[] b = base.split(" ");
            StringBuilder y = new StringBuilder();
            y.append("# Made by: atlas features select ").append(source).append(" --top ").append(k)
                    .append("\n# The ").append(k).append(" of ").append(declared.size()).append(" inputs of ")
                    .append(name).append(" with the highest mean permutation importance over ").append(models)
                    .append(" models.\n");
            y.append("name: ").append(newName).append('\n');
            y.append("description: ").append(quote("The top " + k + " inputs of " + name + " by permutation importance"))
                    .append('\n');
            y.append("base: {market: ").append(quote(b[0])).append(", timeframe: ").append(b[1]).append("}\n");
            if (gaps != null && !gaps.equals("null") && !gaps.equals("drop")) {
                y.append("gaps: ").append(gaps).append('\n');
            }
            boolean[] keep = new boolean[declared.size()];
            for (int i = 0; i < k; i++) {
                keep[order[i]] = true;
            }
            y.append("features:\n");
            for (int j = 0; j < declared.size(); j++) {
                if (keep[j]) {
                    y.append("  - ").append(quote(resolved.get(j))).append("   # ").append(declared.get(j)).append('\n');
                }
            }
            y.append("labels:\n");
            labels.forEach(l -> y.append("  - ").append(quote(l)).append('\n'));
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
