package io.atlasj.workspec;

import io.atlasj.text.Durations;
import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.Library;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.parse.FeatureParseException;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.UtcTime;
import io.atlasj.workspec.split.SplitPolicy;
import io.atlasj.yaml.YNode;
import io.atlasj.yaml.YamlTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * WorkSpecs as YAML ({@code configs/workspecs/*.yaml}); {@link #write} gives back text that reads to an equal spec.
 * Reading collects every mistake of the file (YAML syntax, unknown fields with the closest name, wrong types,
 * out-of-range values, empty grids, unknown features, featuresets or model types, a label used as a feature,
 * splits that leave a part empty, sweeps beyond {@code execution.maxModels}) and reports them together.
 */
public final class WorkSpecYaml {
    private WorkSpecYaml() {
    }

    public static WorkSpec read(Path file) throws IOException {
        return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8), FeaturesetLocator.beside(file), false);
    }

    /** @param confirmLarge accept sweeps beyond {@code execution.maxModels} */
    public static WorkSpec read(Path file, boolean confirmLarge) throws IOException {
        return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8), FeaturesetLocator.beside(file),
                confirmLarge);
    }

    public static WorkSpec read(String source, String text, FeaturesetLocator sets, boolean confirmLarge) {
        return read(source, text, sets, confirmLarge, true);
    }

    /**
     * Reads a self-contained spec that a client validated before submitting it (cluster nodes: the coordinator, the
     * trainers, the harvester). Models of one configuration are not placed in the text (that costs a whole expansion
     * of the sweep); {@link Expander#expand} still refuses them.
     */
    public static WorkSpec readSubmitted(String source, String text, FeaturesetLocator sets) {
        return read(source, text, sets, true, false);
    }

    private static WorkSpec read(String source, String text, FeaturesetLocator sets, boolean confirmLarge,
                                 boolean locateDuplicates) {
        Reader r = new Reader(source, sets, locateDuplicates);
        YNode root;
        try {
            root = YamlTree.parse(text);
        } catch (YamlTree.SyntaxError e) {
            throw new WorkSpecException(List.of(new WorkSpecException.Problem(source, e.line(), e.column(), "yaml",
                    "not valid YAML: " + e.getMessage())));
        }
        WorkSpec spec = r.spec(root);
        if (!r.problems.isEmpty()) {
            throw new WorkSpecException(r.problems);
        }
        long count = Expander.count(spec);
        if (count > spec.execution().maxModels() && !confirmLarge) {
            throw new WorkSpecException(List.of(new WorkSpecException.Problem(source, 1, 1, "units", "the sweeps expand to "
                    + count + " models, more than execution.maxModels = " + spec.execution().maxModels()
                    + "; raise maxModels or confirm with --confirm-large")));
        }
        List<WorkSpecException.Problem> duplicates = locateDuplicates ? r.duplicates(spec) : List.of();
        if (!duplicates.isEmpty()) {
            throw new WorkSpecException(duplicates);
        }
        return spec;
    }

    // ------------------------------------------------------------------ reading

    private static final class Reader {
        final String source;
        final FeaturesetLocator sets;
        final List<WorkSpecException.Problem> problems = new ArrayList<>();
        /** "unit\nentry" to the entry's path and node, to place a duplicate model. */
        final Map<String, Map.Entry<String, YNode>> entries = new java.util.HashMap<>();

        /**
         * A spec a user submits now (not one read back from a run's journal or by a cluster node): the checks added
         * after runs were journaled apply to it only, so that those runs' specs still read.
         */
        final boolean fresh;

        Reader(String source, FeaturesetLocator sets, boolean fresh) {
            this.source = source;
            this.sets = sets;
            this.fresh = fresh;
        }

        void problem(YNode at, String path, String message) {
            problems.add(new WorkSpecException.Problem(source, at.line(), at.column(), path, message));
        }

        YNode.Map map(YNode n, String path, Set<String> allowed, Set<String> required) {
            if (!(n instanceof YNode.Map m)) {
                problem(n, path, "must be a mapping with " + allowed + ", got " + YNode.describe(n));
                return null;
            }
            for (var k : m.keys().entrySet()) {
                // top-level x- fields hold YAML anchors for the rest of the file (x-dnn: &dnn {...}), and are ignored
                if (!allowed.contains(k.getKey()) && !(path.isEmpty() && k.getKey().startsWith("x-"))) {
                    problem(k.getValue(), path.isEmpty() ? k.getKey() : path + "." + k.getKey(), "unknown field"
                            + Library.suggest(k.getKey(), allowed) + " (fields: " + String.join(", ", new TreeMap<String, String>(
                            allowed.stream().collect(Collectors.toMap(x -> x, x -> x))).keySet()) + ")");
                }
            }
            for (String req : required) {
                if (!m.entries().containsKey(req)) {
                    problem(m, path.isEmpty() ? req : path + "." + req, "missing");
                }
            }
            return m;
        }

        String text(YNode n, String path) {
            if (n instanceof YNode.Scalar s && s.text() != null) {
                return s.text();
            }
            problem(n, path, "must be a single value, got " + YNode.describe(n));
            return null;
        }

        Object value(YNode n) {
            if (n instanceof YNode.Scalar s) {
                if (s.type() == YNode.Type.NUMBER) {
                    return s.text().matches("-?\\d+") ? (Object) Long.parseLong(s.text()) : Double.parseDouble(s.text());
                }
                if (s.type() == YNode.Type.BOOLEAN) {
                    return Boolean.parseBoolean(s.text());
                }
                return s.text();
            }
            if (n instanceof YNode.Seq q) {
                return q.items().stream().map(this::value).toList();
            }
            return Map.of();
        }

        /**
         * Models of one key, one problem per pair of entries (a repeated grid value is reported at the value while
         * reading), each placed at the later entry and naming the earlier one's place.
         */
        List<WorkSpecException.Problem> duplicates(WorkSpec spec) {
            List<Expander.Collision> collisions;
            try {
                collisions = Expander.collisions(spec);
            } catch (IllegalArgumentException e) {
                return List.of(); // warm starts and ensembles that name no entry: reported when expanding
            }
            Map<String, List<Expander.Collision>> byPair = new LinkedHashMap<>();
            for (Expander.Collision c : collisions) {
                byPair.computeIfAbsent(entry(c.first()) + "\n" + entry(c.second()), k -> new ArrayList<>()).add(c);
            }
            List<WorkSpecException.Problem> out = new ArrayList<>();
            for (List<Expander.Collision> pair : byPair.values()) {
                Expander.Collision c = pair.get(0);
                var first = entries.get(entry(c.first()));
                var second = entries.get(entry(c.second()));
                if (first == null || second == null) {
                    continue;
                }
                String more = pair.size() > 1 ? " (and " + (pair.size() - 1) + " more pair(s) of these entries)" : "";
                String why = first == second ? "the entry gives the same configuration twice"
                        : "the entries give the same configuration";
                out.add(new WorkSpecException.Problem(source, second.getValue().line(), second.getValue().column(),
                        second.getKey(), c.second().unit() + "/" + c.second().name() + " has the same key "
                        + c.second().key() + " as " + c.first().unit() + "/" + c.first().name() + " (" + first.getKey()
                        + ", " + source + ":" + first.getValue().line() + ":" + first.getValue().column() + ")" + more
                        + ": " + why + "; " + Expander.DUPLICATE_HINT));
            }
            return out;
        }

        private static String entry(ModelSpec m) {
            return m.unit() + "\n" + m.name().substring(0, m.name().lastIndexOf('#'));
        }

        <T> T checked(YNode at, String path, java.util.function.Supplier<T> f) {
            try {
                return f.get();
            } catch (IllegalArgumentException e) {
                problem(at, path, e.getMessage());
                return null;
            }
        }

        WorkSpec spec(YNode root) {
            YNode.Map m = map(root, "", Set.of("name", "description", "execution", "costs", "trading", "units"),
                    Set.of("name", "units"));
            if (m == null) {
                return new WorkSpec("invalid", List.of(), null);
            }
            String name = m.entries().containsKey("name") ? text(m.entries().get("name"), "name") : "unnamed";
            Execution ex = m.entries().containsKey("execution") ? execution(m.entries().get("execution")) : Execution.DEFAULT;
            List<WorkUnit> units = new ArrayList<>();
            YNode u = m.entries().get("units");
            if (u instanceof YNode.Seq seq) {
                if (seq.items().isEmpty()) {
                    problem(u, "units", "empty: a WorkSpec needs at least one unit");
                }
                for (int i = 0; i < seq.items().size(); i++) {
                    WorkUnit unit = unit(seq.items().get(i), "units[" + i + "]");
                    if (unit != null) {
                        units.add(unit);
                    }
                }
            } else if (u != null) {
                problem(u, "units", "must be a list of units");
            }
            Costs costs = m.entries().containsKey("costs") ? costs(m.entries().get("costs")) : null;
            TradingRules trading = m.entries().containsKey("trading") ? trading(m.entries().get("trading")) : null;
            return checked(root, "units", () -> new WorkSpec(name == null ? "unnamed" : name, units, ex, costs, trading));
        }

        TradingRules trading(YNode n) {
            YNode.Map m = map(n, "trading", Set.of("book", "threshold", "fullSizeAt", "minProbability"), Set.of());
            if (m == null) {
                return null;
            }
            TradingRules.Book book = TradingRules.Book.STAGGERED;
            if (m.entries().containsKey("book")) {
                String b = text(m.entries().get("book"), "trading.book");
                if ("non-overlapping".equals(b)) {
                    book = TradingRules.Book.NON_OVERLAPPING;
                } else if (b != null && !"staggered".equals(b)) {
                    problem(m.entries().get("book"), "trading.book", "must be staggered (every row opens 1/h of the "
                            + "capital for its label's h bars) or non-overlapping (every h-th row decides, at full "
                            + "size), got '" + b + "'");
                    return null;
                }
            }
            Double threshold = forecastField(m, "threshold");
            Double full = forecastField(m, "fullSizeAt");
            Double minP = 0.0;
            if (m.entries().containsKey("minProbability")) {
                YNode p = m.entries().get("minProbability");
                Object v = checked(p, "trading.minProbability", () -> ParamSpec.real("minProbability", 0, 1,
                        true, null, "a class probability: rows whose predicted class is less likely stay flat")
                        .check(value(p)));
                minP = v == null ? null : ((Number) v).doubleValue();
            }
            if (threshold == null || full == null || minP == null) {
                return null;
            }
            TradingRules.Book chosen = book;
            double minProbability = minP;
            return checked(m.entries().containsKey("fullSizeAt") ? m.entries().get("fullSizeAt") : n, "trading",
                    () -> new TradingRules(chosen, threshold, full, minProbability));
        }

        Double forecastField(YNode.Map m, String key) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return 0.0;
            }
            Object v = checked(n, "trading." + key, () -> ParamSpec.real(key, 0, 10, false, null,
                    "a forecast in the label's units (a log return for FutureReturn)").check(value(n)));
            return v == null ? null : ((Number) v).doubleValue();
        }

        Costs costs(YNode n) {
            YNode.Map m = map(n, "costs", Set.of("feeBps", "spreadBps"), Set.of("feeBps", "spreadBps"));
            if (m == null) {
                return null;
            }
            Double fee = bpsField(m, "feeBps");
            Double spread = bpsField(m, "spreadBps");
            return fee == null || spread == null ? null : new Costs(fee, spread);
        }

        Double bpsField(YNode.Map m, String key) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return null; // reported by map() as missing
            }
            Object v = checked(n, "costs." + key, () -> ParamSpec.real(key, 0, Costs.MAX_BPS, false, null,
                    "basis points of the value traded (10 = 0.1%)").check(value(n)));
            return v == null ? null : ((Number) v).doubleValue();
        }

        Execution execution(YNode n) {
            YNode.Map m = map(n, "execution", Set.of("retries", "timeLimit", "slots", "gpus", "minAssignment", "maxModels",
                    "pack", "checkpointEvery"),
                    Set.of());
            if (m == null) {
                return Execution.DEFAULT;
            }
            Execution d = Execution.DEFAULT;
            Integer retries = intField(m, "retries", "execution.retries", 0, 100, d.retries());
            Integer slots = intField(m, "slots", "execution.slots", 1, 4096, d.slots());
            Integer max = intField(m, "maxModels", "execution.maxModels", 1, Integer.MAX_VALUE, d.maxModels());
            Duration limit = durationField(m, "timeLimit", "execution.timeLimit", d.timeLimit());
            Duration min = durationField(m, "minAssignment", "execution.minAssignment", d.minAssignment());
            Duration every = durationField(m, "checkpointEvery", "execution.checkpointEvery", d.checkpointEvery());
            boolean pack = d.pack();
            if (m.entries().containsKey("pack")) {
                String p = text(m.entries().get("pack"), "execution.pack");
                if ("auto".equals(p) || "off".equals(p)) {
                    pack = p.equals("auto");
                } else if (p != null) {
                    problem(m.entries().get("pack"), "execution.pack", "must be auto (small dense models of one shape "
                            + "train together) or off (each model alone), got '" + p + "'");
                }
            }
            List<Integer> gpus = new ArrayList<>();
            if (m.entries().get("gpus") instanceof YNode.Seq s) {
                for (YNode g : s.items()) {
                    Object v = checked(g, "execution.gpus", () -> ParamSpec.integer("gpu", 0, 1024, null, "").check(value(g)));
                    if (v != null) {
                        gpus.add((Integer) v);
                    }
                }
            } else if (m.entries().containsKey("gpus")) {
                problem(m.entries().get("gpus"), "execution.gpus", "must be a list of GPU indices, e.g. [0, 1]");
            }
            if (retries == null || slots == null || max == null || limit == null || min == null || every == null) {
                return d;
            }
            return new Execution(retries, limit, slots, gpus, min, max, pack, every);
        }

        Integer intField(YNode.Map m, String key, String path, int min, int max, int def) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return def;
            }
            Object v = checked(n, path, () -> ParamSpec.integer(key, min, max, null, "").check(value(n)));
            return (Integer) v;
        }

        Duration durationField(YNode.Map m, String key, String path, Duration def) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return def;
            }
            String t = text(n, path);
            return t == null ? null : checked(n, path, () -> Durations.parse(t));
        }

        WorkUnit unit(YNode n, String path) {
            YNode.Map m = map(n, path, Set.of("name", "featureset", "range", "dataset", "split", "models", "search"),
                    Set.of("name", "featureset", "dataset", "split", "models"));
            if (m == null) {
                return null;
            }
            String name = m.entries().containsKey("name") ? text(m.entries().get("name"), path + ".name") : null;
            String setName = null;
            FeatureLabelSet set = null;
            YNode fs = m.entries().get("featureset");
            FeatureBuild build = FeatureBuild.LOCAL;
            if (fs instanceof YNode.Map fm) {
                build = featureBuild(fm, path + ".featureset");
                java.util.Map<String, YNode> rest = new java.util.LinkedHashMap<>(fm.entries());
                java.util.Map<String, YNode.Scalar> restKeys = new java.util.LinkedHashMap<>(fm.keys());
                rest.keySet().removeAll(BUILD_FIELDS);
                restKeys.keySet().removeAll(BUILD_FIELDS);
                // {name: quickstart, engine: spark} names a featureset; with features it is one written inline
                fs = rest.keySet().equals(Set.of("name")) ? rest.get("name")
                        : new YNode.Map(rest, restKeys, fm.line(), fm.column());
            }
            if (fs instanceof YNode.Scalar) {
                setName = text(fs, path + ".featureset");
                if (setName != null) {
                    set = sets.find(setName).orElse(null);
                    if (set == null) {
                        problem(fs, path + ".featureset", "unknown featureset '" + setName + "'"
                                + Library.suggest(setName, sets.known()) + " (known: " + sets.known()
                                + "; or write the featureset inline)");
                    }
                }
            } else if (fs != null) {
                set = inlineFeatureset(fs, path + ".featureset");
            }
            long from = Long.MIN_VALUE;
            long to = Long.MAX_VALUE;
            if (m.entries().get("range") != null) {
                YNode.Map r = map(m.entries().get("range"), path + ".range", Set.of("from", "to"), Set.of());
                if (r != null) {
                    if (r.entries().containsKey("from")) {
                        Long f = time(r.entries().get("from"), path + ".range.from");
                        from = f == null ? from : f;
                    }
                    if (r.entries().containsKey("to")) {
                        Long t = time(r.entries().get("to"), path + ".range.to");
                        to = t == null ? to : t;
                    }
                    if (from >= to) {
                        problem(r, path + ".range", "from must be before to");
                    }
                }
            }
            DatasetOptions ds = m.entries().containsKey("dataset") ? dataset(m.entries().get("dataset"), path + ".dataset", set) : null;
            SplitPolicy split = m.entries().containsKey("split") ? split(m.entries().get("split"), path + ".split") : null;
            Search search = m.entries().containsKey("search") ? search(m.entries().get("search"), path + ".search")
                    : Search.NONE;
            List<ModelEntry> models = new ArrayList<>();
            YNode ms = m.entries().get("models");
            if (ms instanceof YNode.Seq seq) {
                if (seq.items().isEmpty()) {
                    problem(ms, path + ".models", "empty: a unit needs at least one model");
                }
                Set<String> names = new java.util.HashSet<>();
                for (int i = 0; i < seq.items().size(); i++) {
                    ModelEntry e = model(seq.items().get(i), path + ".models[" + i + "]");
                    if (e != null) {
                        if (!names.add(e.name())) {
                            problem(seq.items().get(i), path + ".models[" + i + "].name", "two models are named " + e.name());
                        }
                        models.add(e);
                        if (name != null) {
                            entries.putIfAbsent(name + "\n" + e.name(), Map.entry(path + ".models[" + i + "]",
                                    seq.items().get(i)));
                        }
                    }
                }
                for (int i = 0; i < models.size(); i++) {
                    ModelEntry e = models.get(i);
                    if (e.training().get("warmStart") instanceof Sweep.Fixed w && !String.valueOf(w.value()).isEmpty()) {
                        String source = String.valueOf(w.value());
                        if (!names.contains(source) || source.equals(e.name())) {
                            problem(seq.items().get(i), path + ".models[" + i + "].training.warmStart",
                                    (source.equals(e.name()) ? "a model cannot warm-start from itself"
                                            : "no model named '" + source + "' in this unit"
                                            + Library.suggest(source, names)));
                        }
                    } else if (e.training().get("warmStart") != null && !(e.training().get("warmStart") instanceof Sweep.Fixed)) {
                        problem(seq.items().get(i), path + ".models[" + i + "].training.warmStart",
                                "must name one model entry, not a sweep");
                    }
                    if (e.type() == ModelType.ENSEMBLE && e.hyper().get("members") instanceof Sweep.Fixed f) {
                        for (Object member : (List<?>) f.value()) {
                            if (!names.contains(member)) {
                                problem(seq.items().get(i), path + ".models[" + i + "].members", "no model named '"
                                        + member + "' in this unit" + Library.suggest(String.valueOf(member), names));
                            }
                        }
                    }
                }
            } else if (ms != null) {
                problem(ms, path + ".models", "must be a list of models");
            }
            if (name == null || set == null || ds == null || split == null || search == null) {
                return null;
            }
            long f = from;
            long t = to;
            String sn = setName;
            FeatureLabelSet fls = set;
            FeatureBuild fb = build;
            return checked(n, path, () -> new WorkUnit(name, sn, fls, f, t, ds, split, models, search, fb));
        }

        /** {@code engine}, {@code master} and {@code lake} of a unit's featureset mapping. */
        FeatureBuild featureBuild(YNode.Map fm, String path) {
            java.util.Map<String, String> v = new java.util.HashMap<>();
            for (String k : BUILD_FIELDS) {
                if (fm.entries().containsKey(k)) {
                    v.put(k, text(fm.entries().get(k), path + "." + k));
                }
            }
            YNode at = fm.entries().getOrDefault("engine", fm);
            FeatureBuild b = checked(at, path + (fm.entries().containsKey("engine") ? ".engine" : ""),
                    () -> new FeatureBuild(v.getOrDefault("engine", "local"), v.get("master"), v.get("lake")));
            return b == null ? FeatureBuild.LOCAL : b;
        }

        /** {@code search: {type: asha, resource: epochs, min: 2, max: 50, reduction: 3}} or {@code {type: median, ...}}. */
        Search search(YNode n, String path) {
            Set<String> all = Set.of("type", "resource", "min", "max", "reduction", "after", "minTrials");
            YNode.Map m = map(n, path, all, Set.of("type"));
            if (m == null || !m.entries().containsKey("type")) {
                return null;
            }
            String type = text(m.entries().get("type"), path + ".type");
            if (type == null) {
                return null;
            }
            Set<String> fields = switch (type) {
                case "none" -> Set.of("type");
                case "asha" -> Set.of("type", "resource", "min", "max", "reduction");
                case "median" -> Set.of("type", "after", "minTrials");
                default -> {
                    problem(m.entries().get("type"), path + ".type", "unknown search '" + type + "'"
                            + Library.suggest(type, Set.of("none", "asha", "median")) + " (none: every trial trains to "
                            + "its end; asha: successive halving at rungs of epochs; median: median stopping)");
                    yield null;
                }
            };
            if (fields == null) {
                return null;
            }
            boolean ok = true;
            for (var k : m.keys().entrySet()) {
                if (!fields.contains(k.getKey()) && all.contains(k.getKey())) {
                    problem(k.getValue(), path + "." + k.getKey(), "not a field of a " + type + " search (its fields: "
                            + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
                    ok = false;
                }
            }
            if (m.entries().containsKey("resource")) {
                String r = text(m.entries().get("resource"), path + ".resource");
                if (r != null && !r.equals("epochs")) {
                    problem(m.entries().get("resource"), path + ".resource", "must be epochs (a tree model's boosting "
                            + "rounds count as its epochs), got '" + r + "'");
                    ok = false;
                }
            }
            Search out = null;
            switch (type) {
                case "none" -> out = Search.NONE;
                case "asha" -> {
                    Integer min = intField(m, "min", path + ".min", 1, 1_000_000, 1);
                    Integer max = intField(m, "max", path + ".max", 2, 1_000_000, 0);
                    Integer red = intField(m, "reduction", path + ".reduction", 2, 1_000, 3);
                    if (min != null && max != null && red != null) {
                        out = checked(n, path, () -> Search.asha(min, max, red));
                    }
                }
                default -> {
                    Integer after = intField(m, "after", path + ".after", 1, 1_000_000, 5);
                    Integer minTrials = intField(m, "minTrials", path + ".minTrials", 1, 1_000_000, 3);
                    if (after != null && minTrials != null) {
                        out = checked(n, path, () -> Search.median(after, minTrials));
                    }
                }
            }
            return ok ? out : null;
        }

        Long time(YNode n, String path) {
            String t = text(n, path);
            if (t == null) {
                return null;
            }
            var v = UtcTime.parseIso(t);
            if (v.isEmpty()) {
                problem(n, path, "not a UTC time: write 2013-11-25 or 2013-11-25T12:00:00Z, got '" + t + "'");
                return null;
            }
            return v.getAsLong();
        }

        FeatureLabelSet inlineFeatureset(YNode n, String path) {
            YNode.Map m = map(n, path, Set.of("name", "base", "defaults", "gaps", "fillLimit", "prices", "features",
                    "labels"),
                    Set.of("base", "features"));
            if (m == null) {
                return null;
            }
            int before = problems.size();
            String name = m.entries().containsKey("name") ? text(m.entries().get("name"), path + ".name") : "inline";
            Market market = null;
            Timeframe tf = null;
            YNode.Map base = m.entries().containsKey("base")
                    ? map(m.entries().get("base"), path + ".base", Set.of("market", "timeframe"), Set.of("market", "timeframe"))
                    : null;
            if (base != null) {
                YNode mk = base.entries().get("market");
                YNode tn = base.entries().get("timeframe");
                if (mk != null) {
                    String s = text(mk, path + ".base.market");
                    market = s == null ? null : checked(mk, path + ".base.market", () -> Market.parse(s));
                }
                if (tn != null) {
                    String s = text(tn, path + ".base.timeframe");
                    tf = s == null ? null : checked(tn, path + ".base.timeframe", () -> Timeframe.parse(s));
                }
            }
            String ex = null;
            String quote = null;
            if (m.entries().containsKey("defaults")) {
                YNode.Map d = map(m.entries().get("defaults"), path + ".defaults", Set.of("exchange", "quote"), Set.of());
                if (d != null) {
                    ex = d.entries().containsKey("exchange") ? text(d.entries().get("exchange"), path + ".defaults.exchange") : null;
                    quote = d.entries().containsKey("quote") ? text(d.entries().get("quote"), path + ".defaults.quote") : null;
                }
            }
            GapPolicy gaps = GapPolicy.DROP;
            if (m.entries().containsKey("gaps")) {
                String g = text(m.entries().get("gaps"), path + ".gaps");
                GapPolicy gp = g == null ? null : checked(m.entries().get("gaps"), path + ".gaps",
                        () -> GapPolicy.parse(g));
                gaps = gp == null ? gaps : gp;
            }
            Duration fillLimit = durationField(m, "fillLimit", path + ".fillLimit", null);
            if (fillLimit != null && gaps != GapPolicy.FILL_FLAT) {
                problem(m.entries().get("fillLimit"), path + ".fillLimit", "applies to gaps: fill-flat only (gaps is "
                        + gaps.yamlName() + "); write gaps: fill-flat or remove fillLimit");
            } else if (fillLimit != null && tf != null && fillLimit.toMillis() < tf.millis()) {
                problem(m.entries().get("fillLimit"), path + ".fillLimit", Durations.format(fillLimit)
                        + " is shorter than one " + tf + " bar, so nothing would be filled; give at least " + tf);
            }
            io.atlasj.features.eval.PriceBasis prices = io.atlasj.features.eval.PriceBasis.TRADES;
            if (m.entries().containsKey("prices")) {
                String p = text(m.entries().get("prices"), path + ".prices");
                io.atlasj.features.eval.PriceBasis pb = p == null ? null : checked(m.entries().get("prices"),
                        path + ".prices", () -> io.atlasj.features.eval.PriceBasis.parse(p));
                prices = pb == null ? prices : pb;
                if (prices == io.atlasj.features.eval.PriceBasis.MID && gaps == GapPolicy.FILL_FLAT) {
                    problem(m.entries().get("prices"), path + ".prices", "mid reads quote bars, which are never filled"
                            + " (a quiet book is not a flat candle), so gaps: fill-flat does not apply; write gaps: "
                            + "drop or bridge");
                }
            }
            List<Feature> features = new ArrayList<>();
            List<Label> labels = new ArrayList<>();
            expressions(m.entries().get("features"), path + ".features", true, features, labels);
            expressions(m.entries().get("labels"), path + ".labels", false, features, labels);
            if (problems.size() > before || market == null || tf == null) {
                return null;
            }
            Market mk = market;
            Timeframe t = tf;
            String e = ex;
            String q = quote;
            GapPolicy gp = gaps;
            Duration limit = fillLimit;
            io.atlasj.features.eval.PriceBasis pr = prices;
            return checked(n, path, () -> new FeatureLabelSet(name, mk, t, e, q, features, labels, gp, limit, pr));
        }

        void expressions(YNode n, String path, boolean inputs, List<Feature> features, List<Label> labels) {
            if (n == null) {
                return;
            }
            if (!(n instanceof YNode.Seq seq)) {
                problem(n, path, "must be a list of expressions");
                return;
            }
            for (int i = 0; i < seq.items().size(); i++) {
                YNode item = seq.items().get(i);
                if (item instanceof YNode.Seq group) { // an alias of an anchored list: its expressions in place
                    for (int j = 0; j < group.items().size(); j++) {
                        expression(group.items().get(j), path + "[" + i + "][" + j + "]", inputs, features, labels);
                    }
                } else {
                    expression(item, path + "[" + i + "]", inputs, features, labels);
                }
            }
        }

        private void expression(YNode item, String path, boolean inputs, List<Feature> features, List<Label> labels) {
            String t = text(item, path);
            if (t == null) {
                return;
            }
            try {
                if (inputs) {
                    features.add(FeatureParser.parseFeature(t));
                } else {
                    labels.add(FeatureParser.parseLabel(t));
                }
            } catch (FeatureParseException e) {
                problems.add(new WorkSpecException.Problem(source, item.line(), item.column() + e.position(), path,
                        e.reason() + " in '" + t + "'"));
            }
        }

        DatasetOptions dataset(YNode n, String path, FeatureLabelSet set) {
            YNode.Map m = map(n, path, Set.of("task", "label", "classes", "rebalance", "scaling"), Set.of("task"));
            if (m == null) {
                return null;
            }
            DatasetOptions.Task task = enumField(m, "task", path, DatasetOptions.Task.class, null);
            String label = null;
            Label parsed = null;
            YNode ln = m.entries().get("label");
            if (ln != null) {
                String t = text(ln, path + ".label");
                if (t != null) {
                    try {
                        parsed = FeatureParser.parseLabel(t);
                        label = parsed.id();
                        if (set != null) {
                            List<String> ids = set.labels().stream().map(Label::id).toList();
                            if (!ids.contains(label)) {
                                problem(ln, path + ".label", "the featureset has no label " + label + "; its labels: " + ids);
                            }
                        }
                    } catch (FeatureParseException e) {
                        problem(ln, path + ".label", e.reason());
                    }
                }
            } else if (set != null && set.labels().isEmpty()) {
                problem(m, path + ".label", "the featureset " + set.name() + " has no labels to learn");
            }
            DatasetOptions.Classes classes = DatasetOptions.Classes.NONE;
            if (m.entries().containsKey("classes")) {
                YNode cn = m.entries().get("classes");
                YNode.Map c = map(cn, path + ".classes", Set.of("threshold", "percentiles"), Set.of());
                if (c != null) {
                    if (c.entries().containsKey("threshold")) {
                        Object v = checked(c.entries().get("threshold"), path + ".classes.threshold",
                                () -> ParamSpec.real("threshold", 1e-12, 1e6, false, null, "").check(value(c.entries().get("threshold"))));
                        classes = v == null ? null : new DatasetOptions.Classes(DatasetOptions.Classes.Kind.THRESHOLD,
                                (Double) v, 0, 0);
                    } else if (c.entries().containsKey("percentiles")) {
                        Object v = value(c.entries().get("percentiles"));
                        classes = checked(c.entries().get("percentiles"), path + ".classes.percentiles", () -> {
                            List<?> l = v instanceof List<?> x ? x : List.of();
                            if (l.size() != 2) {
                                throw new IllegalArgumentException("must be two percentiles, e.g. [33.3, 66.7]");
                            }
                            return new DatasetOptions.Classes(DatasetOptions.Classes.Kind.PERCENTILES, 0,
                                    ((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue());
                        });
                    } else {
                        problem(cn, path + ".classes", "give threshold: X or percentiles: [lo, hi]");
                    }
                }
            }
            if (fresh && classes != null && classes.kind() != DatasetOptions.Classes.Kind.NONE) {
                classesFitLabel(m.entries().get("classes"), path + ".classes", parsed != null ? parsed
                        : ln == null && set != null && !set.labels().isEmpty() ? set.labels().get(0) : null);
            }
            DatasetOptions.Rebalance rebalance = enumField(m, "rebalance", path, DatasetOptions.Rebalance.class,
                    DatasetOptions.Rebalance.NONE);
            DatasetOptions.Scaling scaling = enumField(m, "scaling", path, DatasetOptions.Scaling.class,
                    DatasetOptions.Scaling.ZSCORE);
            if (task == null || classes == null || rebalance == null || scaling == null) {
                return null;
            }
            String l = label;
            DatasetOptions.Classes c = classes;
            return checked(n, path, () -> new DatasetOptions(task, l, c, rebalance, scaling));
        }

        /**
         * A dataset's {@code classes:} makes classes of a label with real values (for {@code ThreeClassPercentile} its
         * percentiles replace the label's own); a label that is classes already would have its classes turned into
         * others silently (UpDown's 0 and 1 by percentiles: every row class 1): refused.
         */
        void classesFitLabel(YNode cn, String path, Label l) {
            if (l == null || l.feature() != null) {
                return; // none (said at the label), or a lookforward, whose values are real
            }
            io.atlasj.features.LabelKind k = io.atlasj.features.LabelKind.of(l.kind());
            if (k.target() == io.atlasj.features.LabelKind.Target.CLASSES) {
                problem(cn, path, "the label " + l.id() + " is classes already (0.." + (k.classes() - 1)
                        + "); classes: is for a label with real values, such as FutureReturn(n): drop it");
            }
        }

        <E extends Enum<E>> E enumField(YNode.Map m, String key, String path, Class<E> type, E def) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return def;
            }
            String t = text(n, path + "." + key);
            if (t == null) {
                return null;
            }
            List<String> names = java.util.Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
            String want = t.toLowerCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().toLowerCase(Locale.ROOT).equals(want)) {
                    return e;
                }
            }
            problem(n, path + "." + key, "must be one of " + names + ", got '" + t + "'" + Library.suggest(want, names));
            return null;
        }

        SplitPolicy split(YNode n, String path) {
            YNode.Map m = map(n, path, Set.of("type", "train", "validation", "test", "embargo", "window", "step", "k",
                    "validationFrom", "testFrom"), Set.of("type"));
            if (m == null || !m.entries().containsKey("type")) {
                return null;
            }
            String type = text(m.entries().get("type"), path + ".type");
            if (type == null) {
                return null;
            }
            switch (type) {
                case "chronological" -> {
                    if (m.entries().containsKey("validationFrom") || m.entries().containsKey("testFrom")) {
                        Long vf = m.entries().containsKey("validationFrom")
                                ? time(m.entries().get("validationFrom"), path + ".validationFrom") : null;
                        Long tf = m.entries().containsKey("testFrom") ? time(m.entries().get("testFrom"), path + ".testFrom") : null;
                        Integer embargo = intField(m, "embargo", path + ".embargo", 0, 1_000_000, 0);
                        if (vf == null || tf == null) {
                            if (!m.entries().containsKey("validationFrom") || !m.entries().containsKey("testFrom")) {
                                problem(m, path, "a split by dates needs both validationFrom and testFrom");
                            }
                            return null;
                        }
                        if (vf >= tf) {
                            problem(m.entries().get("testFrom"), path + ".testFrom", "must be after validationFrom");
                            return null;
                        }
                        return checked(n, path, () -> SplitPolicy.Chronological.byDates(vf, tf, embargo == null ? 0 : embargo));
                    }
                    Double train = real(m, "train", path, 0.6);
                    Double val = real(m, "validation", path, 0.2);
                    Double test = real(m, "test", path, 0.2);
                    Integer embargo = intField(m, "embargo", path + ".embargo", 0, 1_000_000, 0);
                    if (train == null || val == null || test == null || embargo == null) {
                        return null;
                    }
                    for (var part : List.of(Map.entry("train", train), Map.entry("validation", val), Map.entry("test", test))) {
                        if (part.getValue() <= 0) {
                            problem(m.entries().getOrDefault(part.getKey(), m), path + "." + part.getKey(),
                                    "leaves the " + part.getKey() + " part empty; every part needs a positive fraction");
                            return null;
                        }
                    }
                    return checked(n, path, () -> new SplitPolicy.Chronological(train, val, test, embargo));
                }
                case "walk-forward" -> {
                    String window = m.entries().containsKey("window") ? text(m.entries().get("window"), path + ".window") : "rolling";
                    if (window != null && !window.equals("rolling") && !window.equals("expanding")) {
                        problem(m.entries().get("window"), path + ".window", "must be rolling or expanding, got '" + window + "'");
                        return null;
                    }
                    Integer train = intField(m, "train", path + ".train", 2, Integer.MAX_VALUE, 1000);
                    Integer test = intField(m, "test", path + ".test", 1, Integer.MAX_VALUE, 200);
                    Integer step = intField(m, "step", path + ".step", 1, Integer.MAX_VALUE, 200);
                    Double val = real(m, "validation", path, 0.2);
                    Integer embargo = intField(m, "embargo", path + ".embargo", 0, 1_000_000, 0);
                    if (window == null || train == null || test == null || step == null || val == null || embargo == null) {
                        return null;
                    }
                    return checked(n, path, () -> {
                        SplitPolicy.WalkForward w = new SplitPolicy.WalkForward(window.equals("expanding"), train, test,
                                step, val, embargo);
                        if (fresh) {
                            w.checkBlocksDoNotOverlap();
                        }
                        return w;
                    });
                }
                case "purged-kfold" -> {
                    Integer k = intField(m, "k", path + ".k", 2, 1000, 5);
                    Integer embargo = intField(m, "embargo", path + ".embargo", 0, 1_000_000, 0);
                    Double val = real(m, "validation", path, 0.2);
                    if (k == null || embargo == null || val == null) {
                        return null;
                    }
                    return checked(n, path, () -> new SplitPolicy.PurgedKFold(k, embargo, val));
                }
                default -> {
                    problem(m.entries().get("type"), path + ".type", "unknown split '" + type + "'" + Library.suggest(type,
                            List.of("chronological", "walk-forward", "purged-kfold"))
                            + " (chronological, walk-forward, purged-kfold)");
                    return null;
                }
            }
        }

        Double real(YNode.Map m, String key, String path, double def) {
            YNode n = m.entries().get(key);
            if (n == null) {
                return def;
            }
            Object v = checked(n, path + "." + key, () -> ParamSpec.real(key, 0, 1, false, null, "").check(value(n)));
            return (Double) v;
        }

        ModelEntry model(YNode n, String path) {
            if (!(n instanceof YNode.Map m)) {
                problem(n, path, "must be a mapping with name and type");
                return null;
            }
            YNode tn = m.entries().get("type");
            ModelType type = null;
            if (tn == null) {
                problem(m, path + ".type", "missing (types: " + String.join(", ", ModelType.ids()) + ")");
            } else {
                String t = text(tn, path + ".type");
                type = t == null ? null : checked(tn, path + ".type", () -> ModelType.parse(t));
            }
            String name = m.entries().containsKey("name") ? text(m.entries().get("name"), path + ".name") : null;
            if (!m.entries().containsKey("name")) {
                problem(m, path + ".name", "missing");
            }
            Map<String, Sweep> hyper = new LinkedHashMap<>();
            Map<String, Sweep> training = new LinkedHashMap<>();
            int repeats = 1;
            int sampleCount = 0;
            long sampleSeed = 0;
            int before = problems.size();
            for (var e : m.entries().entrySet()) {
                String key = e.getKey();
                YNode v = e.getValue();
                YNode keyNode = m.keys().get(key);
                switch (key) {
                    case "name", "type" -> {
                    }
                    case "repeats" -> {
                        Object r = checked(v, path + ".repeats", () -> ParamSpec.integer("repeats", 1, 10_000, null, "").check(value(v)));
                        repeats = r == null ? repeats : (Integer) r;
                    }
                    case "sample" -> {
                        YNode.Map s = map(v, path + ".sample", Set.of("count", "seed"), Set.of("count"));
                        if (s != null && s.entries().containsKey("count")) {
                            Object c = checked(s.entries().get("count"), path + ".sample.count",
                                    () -> ParamSpec.integer("count", 1, 10_000_000, null, "").check(value(s.entries().get("count"))));
                            sampleCount = c == null ? 0 : (Integer) c;
                            if (s.entries().containsKey("seed")) {
                                Object sd = checked(s.entries().get("seed"), path + ".sample.seed",
                                        () -> ParamSpec.of("seed", ParamSpec.Kind.LONG, 0, 0, null, "").check(value(s.entries().get("seed"))));
                                sampleSeed = sd == null ? 0 : (Long) sd;
                            }
                        }
                    }
                    case "training" -> {
                        if (v instanceof YNode.Map t) {
                            for (var te : t.entries().entrySet()) {
                                String tp = path + ".training." + te.getKey();
                                var spec = Catalog.training(te.getKey());
                                if (type == ModelType.GBM && !te.getKey().equals("seed")
                                        && !te.getKey().equals("warmStart")) {
                                    problem(t.keys().get(te.getKey()), tp, "does not apply to gbm: only training.seed "
                                            + "and training.warmStart do (rounds, eta and earlyStopping are gbm "
                                            + "hyperparameters, beside type)");
                                } else if (spec.isEmpty()) {
                                    problem(t.keys().get(te.getKey()), tp, "unknown training setting"
                                            + Library.suggest(te.getKey(), Catalog.trainingNames()) + " ("
                                            + String.join(", ", Catalog.trainingNames()) + ")");
                                } else {
                                    Sweep s = sweep(te.getValue(), spec.get(), tp);
                                    if (s != null) {
                                        training.put(te.getKey(), s);
                                    }
                                }
                            }
                        } else {
                            problem(v, path + ".training", "must be a mapping of training settings");
                        }
                    }
                    default -> {
                        if (type == null) {
                            continue;
                        }
                        var spec = Catalog.hyper(type, key);
                        if (spec.isEmpty()) {
                            List<String> known = new ArrayList<>(Catalog.hyperNames(type));
                            String hint = Catalog.training(key).isPresent() ? " (a training setting: put it under training:)"
                                    : Library.suggest(key, known) + " (" + type.id() + " takes: " + String.join(", ", known)
                                    + "; also name, type, training, repeats, sample)";
                            problem(keyNode, path + "." + key, "unknown hyperparameter of " + type.id() + hint);
                        } else {
                            Sweep s = sweep(v, spec.get(), path + "." + key);
                            if (s != null) {
                                hyper.put(key, s);
                            }
                        }
                    }
                }
            }
            if (type == null || name == null || problems.size() > before) {
                return null;
            }
            ModelType t = type;
            int r = repeats;
            int sc = sampleCount;
            long ss = sampleSeed;
            return checked(n, path, () -> new ModelEntry(name, t, hyper, training, r, sc, ss));
        }

        /** A setting's YAML value as a sweep: value, list (grid), or {uniform|loguniform|choice: ...}. */
        Sweep sweep(YNode v, ParamSpec spec, String path) {
            Object raw = value(v);
            if (v instanceof YNode.Map m) {
                if (m.entries().size() != 1) {
                    problem(v, path, "a distribution is one of {uniform: [lo, hi]}, {loguniform: [lo, hi]}, {choice: [...]}");
                    return null;
                }
                var e = m.entries().entrySet().iterator().next();
                Object args = value(e.getValue());
                return checked(v, path, () -> {
                    List<?> l = args instanceof List<?> x ? x : List.of();
                    switch (e.getKey()) {
                        case "uniform", "loguniform" -> {
                            if (l.size() != 2 || !(l.get(0) instanceof Number) || !(l.get(1) instanceof Number)) {
                                throw new IllegalArgumentException(e.getKey() + " takes [lo, hi]");
                            }
                            double lo = ((Number) l.get(0)).doubleValue();
                            double hi = ((Number) l.get(1)).doubleValue();
                            Sweep s = e.getKey().equals("uniform") ? new Sweep.Uniform(lo, hi) : new Sweep.LogUniform(lo, hi);
                            checkSweep(spec, s);
                            return s;
                        }
                        case "choice" -> {
                            Sweep s = new Sweep.Choice(new ArrayList<>(l));
                            checkSweep(spec, s);
                            return s;
                        }
                        default -> throw new IllegalArgumentException("unknown distribution '" + e.getKey() + "'"
                                + Library.suggest(e.getKey(), List.of("uniform", "loguniform", "choice"))
                                + " (uniform, loguniform, choice)");
                    }
                });
            }
            boolean grid = raw instanceof List<?> l && (!spec.listValued() || (!l.isEmpty() && l.get(0) instanceof List<?>)
                    || l.isEmpty() && !spec.listValued());
            if (grid) {
                List<?> l = (List<?>) raw;
                if (l.isEmpty()) {
                    problem(v, path, "an empty grid gives no models; give at least one value");
                    return null;
                }
                Sweep swept = checked(v, path, () -> {
                    Sweep s = new Sweep.Grid(new ArrayList<>(l));
                    checkSweep(spec, s);
                    return s;
                });
                if (swept != null) {
                    repeatedValues(((Sweep.Grid) swept).values(), spec, ((YNode.Seq) v).items(), path);
                }
                return swept;
            }
            return checked(v, path, () -> new Sweep.Fixed(spec.check(raw)));
        }

        /** A grid value written twice (as checked: 0.01 and 1e-2 are one value) makes two models of one key. */
        void repeatedValues(List<Object> values, ParamSpec spec, List<YNode> items, String path) {
            Map<Object, Integer> first = new java.util.HashMap<>();
            for (int i = 0; i < values.size(); i++) {
                Integer before = first.putIfAbsent(spec.check(values.get(i)), i);
                if (before != null) {
                    YNode a = items.get(before);
                    problem(items.get(i), path + "[" + i + "]", "repeats the value " + ParamSpec.canonicalText(
                            spec.check(values.get(i))) + " of " + path + "[" + before + "] (" + source + ":" + a.line()
                            + ":" + a.column() + "): both would be one model with one key; " + Expander.DUPLICATE_HINT);
                }
            }
        }

        static void checkSweep(ParamSpec spec, Sweep s) {
            if (s instanceof Sweep.Grid g) {
                g.values().forEach(spec::check);
            } else if (s instanceof Sweep.Choice c) {
                c.values().forEach(spec::check);
            } else if (s instanceof Sweep.Uniform u) {
                spec.check(u.lo());
                spec.check(u.hi());
            } else if (s instanceof Sweep.LogUniform l) {
                spec.check(l.lo());
                spec.check(l.hi());
            }
        }
    }

    /** The fields of a unit's featureset mapping that say how it is built (see {@link FeatureBuild}). */
    static final Set<String> BUILD_FIELDS = Set.of("engine", "master", "lake");

    // ------------------------------------------------------------------ writing

    /**
     * The spec as YAML with every featureset written inline: what a cluster node needs to expand the same ModelSpecs
     * (same keys) without the featureset files that sat beside the spec.
     */
    public static String writeSelfContained(WorkSpec s) {
        WorkSpec.Builder b = WorkSpec.builder(s.name()).execution(s.execution()).costs(s.costs()).trading(s.trading());
        for (WorkUnit u : s.units()) {
            b.unit(new WorkUnit(u.name(), null, u.featureset(), u.from(), u.to(), u.dataset(), u.split(), u.models(),
                    u.search(), u.build()));
        }
        return write(b.build());
    }

    /** {@code engine}, {@code master} and {@code lake} of a Spark build, each after {@code separator}. */
    private static String buildFields(FeatureBuild b, String separator) {
        StringBuilder sb = new StringBuilder(separator + "engine: spark");
        if (b.master() != null) {
            sb.append(separator).append("master: ").append(q(b.master()));
        }
        if (b.lake() != null) {
            sb.append(separator).append("lake: ").append(q(b.lake()));
        }
        return sb.toString();
    }

    /** The spec as YAML; named featuresets by name, inline ones inline. */
    public static String write(WorkSpec s) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(q(s.name())).append('\n');
        Execution e = s.execution();
        sb.append("execution: {retries: ").append(e.retries()).append(", timeLimit: ").append(Durations.format(e.timeLimit()))
                .append(", slots: ").append(e.slots()).append(", gpus: ").append(e.gpus()).append(", minAssignment: ")
                .append(Durations.format(e.minAssignment())).append(", maxModels: ").append(e.maxModels())
                .append(", pack: ").append(e.pack() ? "auto" : "off").append(", checkpointEvery: ")
                .append(Durations.format(e.checkpointEvery())).append("}\n");
        if (s.costs() != null) {
            sb.append("costs: {feeBps: ").append(s.costs().feeBps()).append(", spreadBps: ").append(s.costs().spreadBps())
                    .append("}\n");
        }
        if (!s.trading().equals(TradingRules.DEFAULT)) {
            sb.append("trading: {book: ").append(s.trading().book().word()).append(", threshold: ")
                    .append(s.trading().threshold()).append(", fullSizeAt: ").append(s.trading().fullSizeAt())
                    .append(", minProbability: ").append(s.trading().minProbability()).append("}\n");
        }
        sb.append("units:\n");
        for (WorkUnit u : s.units()) {
            sb.append("  - name: ").append(q(u.name())).append('\n');
            if (u.featuresetName() != null && u.build().spark()) {
                sb.append("    featureset: {name: ").append(q(u.featuresetName())).append(buildFields(u.build(), ", "))
                        .append("}\n");
            } else if (u.featuresetName() != null) {
                sb.append("    featureset: ").append(q(u.featuresetName())).append('\n');
            } else {
                FeatureLabelSet f = u.featureset();
                sb.append("    featureset:\n      name: ").append(q(f.name())).append('\n');
                if (u.build().spark()) {
                    sb.append(buildFields(u.build(), "\n      ").substring(1)).append('\n');
                }
                sb.append("      base: {market: ").append(q(f.baseMarket().toString())).append(", timeframe: ")
                        .append(f.baseTimeframe()).append("}\n");
                if (f.defaultExchange() != null || f.defaultQuote() != null) {
                    sb.append("      defaults: {");
                    List<String> d = new ArrayList<>();
                    if (f.defaultExchange() != null) {
                        d.add("exchange: " + q(f.defaultExchange()));
                    }
                    if (f.defaultQuote() != null) {
                        d.add("quote: " + q(f.defaultQuote()));
                    }
                    sb.append(String.join(", ", d)).append("}\n");
                }
                sb.append("      gaps: ").append(f.gaps().yamlName()).append('\n');
                if (f.fillLimit() != null) {
                    sb.append("      fillLimit: ").append(Durations.format(f.fillLimit())).append('\n');
                }
                if (f.prices() != io.atlasj.features.eval.PriceBasis.TRADES) {
                    sb.append("      prices: ").append(f.prices().yamlName()).append('\n');
                }
                sb.append("      features:\n");
                f.features().forEach(x -> sb.append("        - ").append(q(x.id())).append('\n'));
                if (!f.labels().isEmpty()) {
                    sb.append("      labels:\n");
                    f.labels().forEach(x -> sb.append("        - ").append(q(x.id())).append('\n'));
                }
            }
            if (u.from() != Long.MIN_VALUE || u.to() != Long.MAX_VALUE) {
                List<String> r = new ArrayList<>();
                if (u.from() != Long.MIN_VALUE) {
                    r.add("from: " + Instant.ofEpochMilli(u.from()));
                }
                if (u.to() != Long.MAX_VALUE) {
                    r.add("to: " + Instant.ofEpochMilli(u.to()));
                }
                sb.append("    range: {").append(String.join(", ", r)).append("}\n");
            }
            DatasetOptions d = u.dataset();
            sb.append("    dataset: {task: ").append(d.task().name().toLowerCase(Locale.ROOT));
            if (d.label() != null) {
                sb.append(", label: ").append(q(d.label()));
            }
            if (d.classes().kind() == DatasetOptions.Classes.Kind.THRESHOLD) {
                sb.append(", classes: {threshold: ").append(d.classes().threshold()).append('}');
            } else if (d.classes().kind() == DatasetOptions.Classes.Kind.PERCENTILES) {
                sb.append(", classes: {percentiles: [").append(d.classes().lower()).append(", ").append(d.classes().upper()).append("]}");
            }
            sb.append(", rebalance: ").append(d.rebalance().name().toLowerCase(Locale.ROOT)).append(", scaling: ")
                    .append(d.scaling().name().toLowerCase(Locale.ROOT)).append("}\n");
            sb.append("    split: ").append(split(u.split())).append('\n');
            if (u.search().type() != Search.Type.NONE) {
                sb.append("    search: ").append(u.search().yaml()).append('\n');
            }
            sb.append("    models:\n");
            for (ModelEntry m : u.models()) {
                sb.append("      - name: ").append(q(m.name())).append('\n');
                sb.append("        type: ").append(m.type().id()).append('\n');
                m.hyper().forEach((k, v) -> sb.append("        ").append(k).append(": ").append(sweep(v)).append('\n'));
                if (!m.training().isEmpty()) {
                    sb.append("        training: {").append(m.training().entrySet().stream()
                            .map(x -> x.getKey() + ": " + sweep(x.getValue())).collect(Collectors.joining(", "))).append("}\n");
                }
                if (m.repeats() != 1) {
                    sb.append("        repeats: ").append(m.repeats()).append('\n');
                }
                if (m.sampleCount() > 0) {
                    sb.append("        sample: {count: ").append(m.sampleCount()).append(", seed: ").append(m.sampleSeed())
                            .append("}\n");
                }
            }
        }
        return sb.toString();
    }

    private static String split(SplitPolicy p) {
        if (p instanceof SplitPolicy.Chronological c && c.byDates()) {
            return "{type: chronological, validationFrom: " + Instant.ofEpochMilli(c.validationFrom()) + ", testFrom: "
                    + Instant.ofEpochMilli(c.testFrom()) + ", embargo: " + c.embargo() + "}";
        }
        if (p instanceof SplitPolicy.Chronological c) {
            return "{type: chronological, train: " + c.train() + ", validation: " + c.validation() + ", test: " + c.test()
                    + ", embargo: " + c.embargo() + "}";
        }
        if (p instanceof SplitPolicy.WalkForward w) {
            return "{type: walk-forward, window: " + (w.expanding() ? "expanding" : "rolling") + ", train: " + w.train()
                    + ", test: " + w.test() + ", step: " + w.step() + ", validation: " + w.validation() + ", embargo: "
                    + w.embargo() + "}";
        }
        SplitPolicy.PurgedKFold k = (SplitPolicy.PurgedKFold) p;
        return "{type: purged-kfold, k: " + k.k() + ", embargo: " + k.embargo() + ", validation: " + k.validation() + "}";
    }

    private static String sweep(Sweep s) {
        if (s instanceof Sweep.Fixed f) {
            return val(f.value());
        }
        if (s instanceof Sweep.Grid g) {
            return "[" + g.values().stream().map(WorkSpecYaml::val).collect(Collectors.joining(", ")) + "]";
        }
        if (s instanceof Sweep.Choice c) {
            return "{choice: [" + c.values().stream().map(WorkSpecYaml::val).collect(Collectors.joining(", ")) + "]}";
        }
        if (s instanceof Sweep.Uniform u) {
            return "{uniform: [" + u.lo() + ", " + u.hi() + "]}";
        }
        Sweep.LogUniform l = (Sweep.LogUniform) s;
        return "{loguniform: [" + l.lo() + ", " + l.hi() + "]}";
    }

    private static String val(Object v) {
        if (v instanceof List<?> l) {
            return "[" + l.stream().map(WorkSpecYaml::val).collect(Collectors.joining(", ")) + "]";
        }
        if (v instanceof String s) {
            return q(s);
        }
        return String.valueOf(v);
    }

    /** A YAML single-quoted string. */
    private static String q(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
