package io.atlasj.trainer.live;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.trainer.data.DatasetPreparer;
import io.atlasj.trainer.model.Optimizer;
import io.atlasj.trainer.model.Predictor;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A trained model as the live runner serves it, taken whole from its result: the featureset it was trained on (the
 * resolved feature ids of {@code result.json}, not today's YAML), the scaler and class boundaries fitted on its
 * training rows, and the model file of its last fold (the one trained on the latest data), whose SHA-256 must be the
 * one the result names.
 *
 * @param ref        how the user named it: {@code WORKSPEC/UNIT/NAME}
 * @param dir        the result's folder
 * @param test       the last fold's test rows' bar times (the default replay period), empty when it has none
 * @param testActual the last fold's stored test predictions, for checking a replay against them
 * @param optimizer  how training stepped its weights (its optimizer, weight decay, clipping, L2), which fine-tuning
 *                   keeps
 */
public record LiveModel(String ref, String key, Path dir, ModelType type, FeatureLabelSet featureset, Label label,
                        DatasetOptions dataset, double[] center, double[] scale, double targetCenter,
                        double targetScale, double[] boundaries, String modelFile, String modelSha256,
                        ResultsObject.Split test, List<String> warnings, Optimizer optimizer, Ensemble ensemble) {

    /** An ensemble's members (each a served model of the same unit) and their vote. */
    public record Ensemble(String vote, List<LiveModel> members) {
        public Ensemble {
            members = List.copyOf(members);
        }

        /**
         * What the ensemble serves, as a version's SHA-256 is for a model file: the vote and the members' model files'
         * SHA-256s (its result file also holds times that change when the batch combines it again).
         */
        public String identity() {
            StringBuilder sb = new StringBuilder("ensemble ").append(vote);
            members.forEach(m -> sb.append(' ').append(m.modelSha256()));
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** A model that is not an ensemble. */
    public LiveModel(String ref, String key, Path dir, ModelType type, FeatureLabelSet featureset, Label label,
                     DatasetOptions dataset, double[] center, double[] scale, double targetCenter, double targetScale,
                     double[] boundaries, String modelFile, String modelSha256, ResultsObject.Split test,
                     List<String> warnings, Optimizer optimizer) {
        this(ref, key, dir, type, featureset, label, dataset, center, scale, targetCenter, targetScale, boundaries,
                modelFile, modelSha256, test, warnings, optimizer, null);
    }

    /** The live name of a model: {@code WORKSPEC/UNIT/NAME}. */
    public String name() {
        return ref;
    }

    public boolean classifies() {
        return dataset.task() == DatasetOptions.Task.CLASSIFICATION;
    }

    public Timeframe baseTimeframe() {
        return featureset.baseTimeframe();
    }

    /**
     * When the label of the row of bar {@code barOpen} is known: the close of the last bar of its horizon, on the
     * label's own timeline (a row takes the label of the label-timeframe bar that closed last at or before its own
     * close, as the batch build aligns it).
     */
    public long targetTime(long barOpen) {
        long l = label.feature() != null ? io.atlasj.features.eval.Evaluator.homeMillis(label.feature())
                : label.timeframe() != null ? label.timeframe().millis() : baseTimeframe().millis();
        long close = barOpen + baseTimeframe().millis();
        return io.atlasj.marketdata.Timeframe.floor(close, l) + label.horizon() * l;
    }

    /**
     * Which bars the matrix training read has no row for, as far as the base market's bars tell: the batch build keeps
     * a row only where every label has a value. -1: not told by the base bars alone (a label on another market, whose
     * own bars decide), so no bar is left out; 0: the bars that are not real (filled under {@code gaps: fill-flat},
     * whose labels are computed on real bars only); h > 0: also a real bar whose next h bars are not all real (every
     * label looks exactly h bars ahead on the base market's bars, within one gap-free run: not under
     * {@code gaps: bridge}, whose labels run over gaps, and not for {@code NextSwing}, which a swing may decide before
     * a gap).
     */
    public int rowHorizon() {
        int max = 0;
        boolean fixed = featureset.gaps() != io.atlasj.features.eval.GapPolicy.BRIDGE;
        for (Label l : featureset.labels()) {
            // a lookforward of a feature (whose leaves may read any market), or a label on a market named otherwise
            // than the base one exactly: not told by the base bars
            if (l.feature() != null || !l.market().isUnset()
                    && !l.market().equals(io.atlasj.features.MarketRef.of(featureset.baseMarket()))) {
                return -1;
            }
            fixed &= !l.kind().equals("NextSwing");
            max = Math.max(max, l.horizon());
        }
        return fixed ? max : 0;
    }

    /** The features scaled as in training: {@code (x - center) / scale} with the training rows' parameters. */
    public double[] scale(double[] row) {
        double[] out = new double[row.length];
        for (int c = 0; c < row.length; c++) {
            out[c] = (row[c] - center[c]) / scale[c];
        }
        return out;
    }

    /** A regression output in the label's units (training z-scores regression targets). */
    public double unscale(double v) {
        return targetCenter + targetScale * v;
    }

    /**
     * A multi-task network's other heads, in order, each with how training made its target (its label, classes,
     * percentile boundaries or z-score, without values): what its result's last fold recorded; empty for every other
     * model, and for a result written before the heads were recorded (their targets cannot be made again then).
     */
    public List<io.atlasj.trainer.data.PreparedData.Target> otherHeads() {
        if (type != ModelType.MULTI_TASK) {
            return List.of();
        }
        ResultsObject r = ResultsIo.complete(dir).orElseThrow(() -> new IllegalStateException(ref
                + ": the result in " + dir + " is no longer complete"));
        Object heads = r.folds().get(r.folds().size() - 1).scaler().get("heads");
        List<io.atlasj.trainer.data.PreparedData.Target> out = new ArrayList<>();
        if (heads instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> h = (Map<?, ?>) o;
                out.add(new io.atlasj.trainer.data.PreparedData.Target(String.valueOf(h.get("label")),
                        ((Number) h.get("classes")).intValue(), ((Number) h.get("center")).doubleValue(),
                        ((Number) h.get("scale")).doubleValue(), h.get("boundaries") == null ? null
                        : numbers(h.get("boundaries")), null));
            }
        }
        return out;
    }

    /** The class (classification) or value (regression) a label value stands for, as in training. */
    public double outcome(double labelValue) {
        return classifies() ? DatasetPreparer.classOf(labelValue, dataset.classes(), boundaries) : labelValue;
    }

    /** The trained model file. */
    public Path file() {
        return dir.resolve(modelFile);
    }

    /** The model, ready to predict: its file checked against the result's SHA-256. */
    public Predictor predictor() {
        return predictor(file(), modelSha256);
    }

    /** A version of the model (the trained file or a fine-tuned one), checked against its recorded SHA-256. */
    public Predictor predictor(Path file, String expectedSha256) {
        return predictor(file, expectedSha256, false);
    }

    /**
     * As {@link #predictor(Path, String)}; with {@code optimizer}, the optimizer state the file holds is loaded too
     * (for fine-tuning a fine-tuned version on with its moments).
     */
    public Predictor predictor(Path file, String expectedSha256, boolean optimizer) {
        try {
            String sha = ensemble != null ? ensemble.identity() : ResultsIo.sha256(file);
            if (!sha.equals(expectedSha256)) {
                throw new IllegalArgumentException(file + ": SHA-256 " + sha + " differs from the recorded "
                        + expectedSha256 + "; the file was changed or damaged");
            }
            if (ensemble != null) {
                List<Predictor> loaded = new ArrayList<>();
                try {
                    for (LiveModel m : ensemble.members()) {
                        loaded.add(m.predictor());
                    }
                    return Predictor.ensemble(loaded, ensemble.vote());
                } catch (RuntimeException e) {
                    loaded.forEach(Predictor::close);
                    throw e;
                }
            }
            return Predictor.load(file, type, center.length, optimizer);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finds and reads a model: {@code WORKSPEC/UNIT/NAME} (e.g. {@code quickstart/direction-3bar/dnn#1}) or its
     * 32-hex key.
     *
     * @throws IllegalArgumentException saying what was looked for and what there is
     */
    public static LiveModel find(AtlasHome home, String ref) {
        return at(home, locate(home.runs(), ref), ref);
    }

    /** The model whose result is in {@code dir}. */
    private static LiveModel at(AtlasHome home, Path dir, String ref) {
        ResultsObject r = ResultsIo.complete(dir).orElseThrow(() -> new IllegalArgumentException(ref + ": the result in "
                + dir + " is not complete (" + ResultsIo.verify(dir).problem() + ")"));
        if (!"done".equals(r.status())) {
            throw new IllegalArgumentException(ref + ": the model failed in training (" + r.failure() + ")");
        }
        ModelType type = ModelType.parse(String.valueOf(r.spec().get("type")));
        String name = r.workspec() + "/" + r.spec().get("unit") + "/" + r.spec().get("name");
        if (type == ModelType.ENSEMBLE) {
            return ensemble(home, ref, name, dir, r);
        }
        ResultsObject.FoldResult fold = r.folds().get(r.folds().size() - 1);
        if (fold.modelFile() == null) {
            throw new IllegalArgumentException(ref + ": its last fold has no model file");
        }
        List<String> warnings = new ArrayList<>();
        FeatureLabelSet set = featureset(r.featureset(), warnings, ref);
        Label label = labelOf(r, set);
        @SuppressWarnings("unchecked")
        Map<String, Object> scaler = fold.scaler();
        DatasetOptions dataset = SpecJson.dataset((Map<String, ?>) r.spec().get("dataset"));
        return new LiveModel(name, r.key(), dir, type, set, label, dataset, numbers(scaler.get("center")),
                numbers(scaler.get("scale")), ((Number) scaler.get("targetCenter")).doubleValue(),
                ((Number) scaler.get("targetScale")).doubleValue(), fold.boundaries(), fold.modelFile(),
                fold.modelSha256(), fold.test(), List.copyOf(warnings), type == ModelType.GBM ? Optimizer.ADAM // unused
                : Optimizer.of(map(r.spec().get("training")), map(r.spec().get("hyperparameters"))));
    }

    /**
     * An ensemble: its members found by key (the same unit's models, each served as itself), which must read the same
     * features with the same scaling; it is checked against its own result file, its members against theirs.
     */
    private static LiveModel ensemble(AtlasHome home, String ref, String name, Path dir, ResultsObject r) {
        Object keys = r.featureset().get("members");
        if (!(keys instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(ref + ": the ensemble's result names no members");
        }
        List<LiveModel> members = new ArrayList<>();
        for (Object k : list) {
            // in the ensemble's own unit folder, as the batch combination read them (a key alone may also name a model
            // of another WorkSpec trained on the same data)
            Path memberDir = dir.getParent().resolve(String.valueOf(k));
            if (!Files.isDirectory(memberDir)) {
                throw new IllegalArgumentException(ref + ": member " + k + " is not in " + dir.getParent());
            }
            LiveModel m = at(home, memberDir, String.valueOf(k));
            if (!members.isEmpty()) {
                LiveModel first = members.get(0);
                if (!m.featureset().equals(first.featureset()) || !java.util.Arrays.equals(m.center(), first.center())
                        || !java.util.Arrays.equals(m.scale(), first.scale())) {
                    throw new IllegalArgumentException(ref + ": members " + first.name() + " and " + m.name()
                            + " read different features or scale them differently; serve a member");
                }
            }
            members.add(m);
        }
        LiveModel first = members.get(0);
        if (!first.classifies()) {
            throw new IllegalArgumentException(ref + ": an ensemble combines classifiers");
        }
        Object vote = r.spec().get("hyperparameters") instanceof Map<?, ?> h ? h.get("vote") : null;
        if (!"majority".equals(vote) && !"max-confidence".equals(vote)) {
            throw new IllegalArgumentException(ref + ": the ensemble's vote '" + vote + "' is neither majority nor "
                    + "max-confidence");
        }
        List<String> warnings = new ArrayList<>();
        members.forEach(m -> warnings.addAll(m.warnings()));
        ResultsObject.FoldResult fold = r.folds().get(r.folds().size() - 1);
        Ensemble e = new Ensemble(String.valueOf(vote), members);
        return new LiveModel(name, r.key(), dir, ModelType.ENSEMBLE, first.featureset(), first.label(),
                first.dataset(), first.center(), first.scale(), first.targetCenter(), first.targetScale(),
                first.boundaries(), ResultsIo.FILE, e.identity(), fold.test(), List.copyOf(warnings), Optimizer.ADAM, e);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of();
    }

    static Path locate(Path runs, String ref) {
        if (ref.matches("[0-9a-f]{32}")) {
            try (Stream<Path> s = Files.isDirectory(runs) ? Files.walk(runs, 3) : Stream.empty()) {
                return s.filter(p -> p.getFileName().toString().equals(ref) && Files.isDirectory(p)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no model with the key " + ref + " under "
                                + runs));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String[] parts = ref.split("/");
        if (parts.length != 3) {
            throw new IllegalArgumentException("--model " + ref + ": give WORKSPEC/UNIT/NAME (e.g. "
                    + "quickstart/direction-3bar/dnn#1) or a model's 32-hex key");
        }
        Path unit = runs.resolve(parts[0]).resolve(parts[1]);
        if (!Files.isDirectory(unit)) {
            throw new IllegalArgumentException("--model " + ref + ": no results of WorkSpec " + parts[0] + ", unit "
                    + parts[1] + " under " + runs + " (run it first: atlas run WORKSPEC --local)");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(unit)) {
            for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                Path f = d.resolve(ResultsIo.FILE);
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                String n = nameIn(f);
                if (parts[2].equals(n)) {
                    return d;
                }
                names.add(n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("--model " + ref + ": unit " + parts[0] + "/" + parts[1] + " has no model "
                + parts[2] + "; it has " + names.stream().sorted().toList());
    }

    private static String nameIn(Path resultFile) {
        try {
            Object spec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(resultFile.toFile()).path("spec")
                    .path("name").asText(null);
            return spec == null ? null : spec.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Refuses to serve a model that a runner cannot serve as it was trained: one trained under {@code gaps: fill-flat}
     * with a {@code fillLimit} before session 28, when a gap was filled whole or not at all by its length (known only
     * from the bar that ends it). An ensemble is refused for any such member. The other live commands (stop,
     * predictions, versions, rollback) still find such a model.
     */
    static void requireServable(LiveModel m) {
        if (m.ensemble() != null) {
            m.ensemble().members().forEach(LiveModel::requireServable);
            return;
        }
        // the JSON and the files' checksums only: the prediction series are not needed here
        ResultsObject r = ResultsIo.verifyChecksums(m.dir()).result().orElseThrow(() -> new IllegalArgumentException(
                m.ref() + ": the result in " + m.dir() + " is incomplete"));
        String why = fillRuleRefusal(r.featureset(), m.ref());
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Why a result's featureset cannot be served under the fill rule in force, or null when it can. */
    static String fillRuleRefusal(Map<String, Object> f, String ref) {
        if (f.get("fillLimit") == null || io.atlasj.trainer.local.LocalRunner.FILL_RULE.equals(f.get("fill"))) {
            return null;
        }
        return ref + ": it was trained under the earlier rule of fillLimit, which filled a gap whole or not at all by "
                + "its length, known only when the gap ends; a runner cannot know that when it predicts. Train it again "
                + "(atlas run trains it anew under the rule that fills up to the limit after the last real bar)";
    }

    private static FeatureLabelSet featureset(Map<String, Object> f, List<String> warnings, String ref) {
        String[] base = String.valueOf(f.get("base")).split(" ");
        List<Feature> features = new ArrayList<>();
        for (Object id : (List<?>) f.get("features")) {
            features.add(FeatureParser.parseFeature(String.valueOf(id)));
        }
        List<Label> labels = new ArrayList<>();
        for (Object id : (List<?>) f.get("labels")) {
            labels.add(FeatureParser.parseLabel(String.valueOf(id)));
        }
        GapPolicy gaps = GapPolicy.DROP;
        if (f.get("gaps") == null) {
            warnings.add(ref + ": its result predates the record of the featureset's gap policy; served as 'drop' (if "
                    + "it was trained under fill-flat or bridge, train it again)");
        } else {
            gaps = GapPolicy.parse(String.valueOf(f.get("gaps")));
        }
        // a set on quote-bar midpoints (prices: mid) reads its candles from the quote bars, live as in the batch build
        io.atlasj.features.eval.PriceBasis prices = io.atlasj.features.eval.PriceBasis.TRADES;
        if (f.get("prices") != null) {
            try {
                prices = io.atlasj.features.eval.PriceBasis.parse(String.valueOf(f.get("prices")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ref + ": its featureset's prices " + e.getMessage(), e);
            }
        }
        java.time.Duration fillLimit = f.get("fillLimit") == null ? null
                : io.atlasj.text.Durations.parse(String.valueOf(f.get("fillLimit")));
        return new FeatureLabelSet(String.valueOf(f.get("name")), Market.parse(base[0]), Timeframe.parse(base[1]),
                null, null, features, labels, gaps, fillLimit, prices);
    }

    /** The label the model learned: the featureset's label at the declared label's position. */
    private static Label labelOf(ResultsObject r, FeatureLabelSet set) {
        Object declared = r.featureset().get("labelDeclared");
        String wanted = String.valueOf(r.featureset().get("label"));
        if (declared instanceof List<?> d) {
            int i = d.stream().map(String::valueOf).toList().indexOf(wanted);
            if (i >= 0 && i < set.labels().size()) {
                return set.labels().get(i);
            }
        }
        return set.labels().get(0);
    }

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }
}
