package io.atlasj.workspec.results;

import java.util.List;
import java.util.Map;

/**
 * Everything one ModelSpec run produced, readable without the model code: a versioned JSON file
 * ({@code result.json}) beside the model files. Written atomically (temporary file, then rename), so a file that
 * exists is complete.
 *
 * @param schemaVersion {@link ResultsIo#CURRENT_VERSION} when written
 * @param key           the ModelSpec's content key
 * @param status        {@code done}, {@code failed}, or {@code stopped} (trained, then stopped before its end by its
 *                      unit's search: its folds so far are complete, later ones absent)
 * @param failure       why it failed, or why it was stopped; null when done
 * @param spec          the ModelSpec as data: unit, name, type, hyperparameters, training settings, seed, dataset and
 *                      split (JSON objects, {@link SpecJson}; strings before schema 3), range ({@code from},
 *                      {@code to} in UTC ms, absent when unbounded; before schema 3 always present)
 * @param featureset    the featureset's name, base, resolved feature and label ids
 * @param dataFingerprint {@code "market timeframe fingerprint"} of every series the matrix was built from (empty
 *                      before schema 3 and for ensembles, whose members carry theirs)
 * @param folds         one entry per fold
 * @param provenance    Atlas version, git commit and dirty flag of the build, JVM, OS, backend, threads, seed
 */
public record ResultsObject(int schemaVersion, String key, String workspec, String status, String failure,
                            Map<String, Object> spec, Map<String, Object> featureset, List<String> dataFingerprint,
                            List<FoldResult> folds, Map<String, String> provenance, long startedAt, long millis) {
    public ResultsObject {
        dataFingerprint = List.copyOf(dataFingerprint);
        folds = List.copyOf(folds);
    }

    /**
     * This result without its prediction series (every fold's and head's parts null): what a run or a report keeps of
     * each of thousands of models in memory (the spec, status, metrics' sources, curves and provenance are a few KB; the
     * series of a small model over its 20,000 validation and test rows are about 1.5 MB as Java arrays). Read the file
     * again for the series.
     */
    public ResultsObject withoutSeries() {
        return withSeries(s -> null);
    }

    /** This result with every fold's and head's parts (train, validation, test; null ones too) mapped by {@code f}. */
    public ResultsObject withSeries(java.util.function.UnaryOperator<Split> f) {
        List<FoldResult> out = new java.util.ArrayList<>(folds.size());
        for (FoldResult x : folds) {
            Map<String, Head> heads = new java.util.LinkedHashMap<>();
            x.heads().forEach((h, p) -> heads.put(h, new Head(f.apply(p.train()), f.apply(p.validation()),
                    f.apply(p.test()))));
            out.add(new FoldResult(x.fold(), x.status(), x.failure(), x.scaler(), x.boundaries(), x.bestEpoch(),
                    x.curves(), f.apply(x.train()), f.apply(x.validation()), f.apply(x.test()), x.modelFile(),
                    x.modelSha256(), heads, x.importance(), x.gain()));
        }
        return new ResultsObject(schemaVersion, key, workspec, status, failure, spec, featureset, dataFingerprint, out,
                provenance, startedAt, millis);
    }

    /**
     * @param scaler     kind, centre and scale per feature, fitted on this fold's training rows
     * @param boundaries percentile class boundaries fitted on the training rows, or null
     * @param modelFile  the model's file name beside result.json and its SHA-256, or null when training failed
     * @param heads      (schema 2) the further heads of a multi-task model by label id, each with its parts' actuals
     *                   and predictions in the label's own units; empty for other models and in schema-1 files
     * @param importance (schema 6) the permutation importance of each input on the validation part, in the order of
     *                   {@code featureset.features}: the rise of the validation loss when that input is shuffled;
     *                   null when not measured (older files, failed folds, ensembles, no validation rows)
     * @param gain       (schema 7) a tree model's own importance of each input, in the same order: its share of the
     *                   total split gain of the trees that make the predictions (those up to the best round), summing
     *                   to 1 (XGBoost's {@code total_gain}, normalised); null for other models and older files
     */
    public record FoldResult(int fold, String status, String failure, Map<String, Object> scaler, double[] boundaries,
                             int bestEpoch, List<Map<String, Double>> curves, Split train, Split validation, Split test,
                             String modelFile, String modelSha256, Map<String, Head> heads, double[] importance,
                             double[] gain) {
        public FoldResult {
            curves = curves == null ? List.of() : List.copyOf(curves);
            heads = heads == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(heads));
        }

        /** A fold result without further heads (every model but multi-task). */
        public FoldResult(int fold, String status, String failure, Map<String, Object> scaler, double[] boundaries,
                          int bestEpoch, List<Map<String, Double>> curves, Split train, Split validation, Split test,
                          String modelFile, String modelSha256) {
            this(fold, status, failure, scaler, boundaries, bestEpoch, curves, train, validation, test, modelFile,
                    modelSha256, Map.of(), null, null);
        }

        /** A fold result without a tree model's gain importance (every model but gradient-boosted trees). */
        public FoldResult(int fold, String status, String failure, Map<String, Object> scaler, double[] boundaries,
                          int bestEpoch, List<Map<String, Double>> curves, Split train, Split validation, Split test,
                          String modelFile, String modelSha256, Map<String, Head> heads, double[] importance) {
            this(fold, status, failure, scaler, boundaries, bestEpoch, curves, train, validation, test, modelFile,
                    modelSha256, heads, importance, null);
        }

        /** A fold result without a measured importance. */
        public FoldResult(int fold, String status, String failure, Map<String, Object> scaler, double[] boundaries,
                          int bestEpoch, List<Map<String, Double>> curves, Split train, Split validation, Split test,
                          String modelFile, String modelSha256, Map<String, Head> heads) {
            this(fold, status, failure, scaler, boundaries, bestEpoch, curves, train, validation, test, modelFile,
                    modelSha256, heads, null, null);
        }
    }

    /** The three parts of one further head (schema 2). */
    public record Head(Split train, Split validation, Split test) {
    }

    /** One part of a fold: bar open times, actual targets, predictions and class probabilities (null: regression). */
    public record Split(long[] time, double[] actual, double[] predicted, Probabilities probabilities) {
    }
}
