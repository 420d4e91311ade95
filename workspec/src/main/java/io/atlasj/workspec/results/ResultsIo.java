package io.atlasj.workspec.results;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes {@code result.json} files; refuses versions it does not know. */
public final class ResultsIo {
    /**
     * The schema written now. Older versions stay readable; fixtures of each are kept in the tests.
     * <ul>
     *   <li>Version 2 added {@code folds[].heads} (multi-task heads); a version-1 file reads with no heads.</li>
     *   <li>Version 3 writes {@code spec.dataset} and {@code spec.split} as JSON objects ({@link SpecJson}) instead of
     *   the records' {@code toString()} texts, leaves {@code spec.from}/{@code spec.to} out for an unbounded range
     *   instead of writing {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE}, fills {@code dataFingerprint} (one
     *   {@code market timeframe fingerprint} per series read) and records the build's version, commit and dirty flag
     *   in {@code provenance}. Version 1 and 2 files read as they were: their spec holds strings, which
     *   {@link SpecJson#label} still understands.</li>
     *   <li>Version 4 keeps the prediction series out of the JSON: they are columns of {@link PredictionsFile}
     *   ({@code predictions.arrow}) beside it, named with their SHA-256 and series under {@code predictions}; the
     *   JSON's {@code train}, {@code validation} and {@code test} (and the heads') are null. Reading puts them back, so
     *   every reader sees the same {@link ResultsObject}. Version 1 to 3 files hold them inline and read as they
     *   were.</li>
     *   <li>Version 5 compresses the prediction file (ZSTD) and leaves out its {@code predicted} column where it is
     *   each row's most probable class ({@link PredictionsFile}); the JSON is as in version 4. Version 4 files read as
     *   they were; an Atlas that knows only version 4 refuses these, which it could not read.</li>
     *   <li>Version 6 adds {@code folds[].importance}, each input's permutation importance on the validation part.
     *   Version 1 to 5 files read with none.</li>
     *   <li>Version 7 adds {@code folds[].gain}, a tree model's share of split gain per input. Version 1 to 6 files
     *   read with none.</li>
     *   <li>Version 8 keeps no predictions of the training parts (a fold's and a head's {@code train} read back null):
     *   they are the rows the model was fitted on, no figure is computed from them, and in a walk-forward split they
     *   were most of a result's bytes (a fold's training window is often ten times its test part). The model file can
     *   predict them again. Its prediction file stores times as differences and a classifier's most probable class's
     *   probability as the others' complement ({@link PredictionsFile}). A tiny classifier's result went from 0.55 MB
     *   to under 0.2 MB. Version 4 to 7 files read as they were, training parts included.</li>
     *   <li>Version 9 keeps the series' times and actuals out of the prediction file: they are in {@code rows.arrow}
     *   beside it ({@link RowsFile}), named under {@code predictions.rows} with its SHA-256 ({@code rowsSha256}), the
     *   same file (a hard link) in every folder of a unit whose models were trained on the same rows. A tiny
     *   regressor's prediction file held its float64 actuals, the same in every model of its unit, as most of its
     *   bytes. Version 4 to 8 files, whose prediction file holds them, read as they were.</li>
     * </ul>
     */
    public static final int CURRENT_VERSION = 9;
    public static final String FILE = "result.json";
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private ResultsIo() {
    }

    /**
     * Where a version-4 result's prediction series are: the file, its SHA-256 and its batches in order; since version 9
     * also the rows file holding their times and actuals, and its SHA-256 (both null before).
     */
    record Predictions(String file, String sha256, List<PredictionsFile.Series> series, String rows,
                       String rowsSha256) {
    }

    /**
     * Writes {@code r} into {@code dir} durably (temporary file, flushed, then renamed): its series' times and actuals
     * ({@link RowsFile}) and predictions ({@link PredictionsFile}) first, then {@code result.json}, the commit point,
     * which names both files' SHA-256.
     */
    public static Path write(Path dir, ResultsObject r) throws IOException {
        return store(dir, r).file;
    }

    /**
     * Writes {@code r} as {@link #write} does and returns it with its series as reading the files gives them back
     * ({@link #asStored}: no training parts, float32 values, the complement where the file derives it), from the
     * layout the write chose, so the series are judged once: what a trainer hands on after writing, and what
     * {@code ResultsStore.ingestWritten} takes. Its other fields are {@code r}'s.
     */
    public static Written writeStored(Path dir, ResultsObject r) throws IOException {
        Stored st = store(dir, r);
        return new Written(asStored(r, st.layout), st.sha256, st.predictionsSha256, st.rowsSha256);
    }

    /**
     * A result as {@link #writeStored} hands it on (ingestion trusts it to describe the files it names, so it comes
     * from there only): with its series as stored, and the SHA-256 of the
     * {@code result.json} it wrote, by which {@code ResultsStore.ingestWritten} knows the file on disk is that one
     * without reading it back, and of its prediction and rows files (null: none), which that JSON names.
     */
    public record Written(ResultsObject result, String sha256, String predictionsSha256, String rowsSha256) {
    }

    /**
     * Where {@link #store} wrote a result's JSON, the SHA-256s of it and its prediction and rows files, and the
     * prediction file's layout.
     */
    private record Stored(Path file, PredictionsFile.Layout layout, String sha256, String predictionsSha256,
                          String rowsSha256) {
    }

    private static Stored store(Path dir, ResultsObject r) throws IOException {
        List<PredictionsFile.Series> series = new ArrayList<>();
        List<ResultsObject.Split> splits = new ArrayList<>();
        forEachStored(r, (fold, part, head, s) -> {
            int classes = s.probabilities() == null || s.probabilities().rows() == 0 ? 0 : s.probabilities().classes();
            series.add(new PredictionsFile.Series(fold, part, head, s.time().length, classes));
            splits.add(s);
        });
        List<ResultsObject.FoldResult> slim = new ArrayList<>();
        for (ResultsObject.FoldResult f : r.folds()) {
            Map<String, ResultsObject.Head> heads = new LinkedHashMap<>();
            f.heads().keySet().forEach(name -> heads.put(name, new ResultsObject.Head(null, null, null)));
            slim.add(new ResultsObject.FoldResult(f.fold(), f.status(), f.failure(), f.scaler(), f.boundaries(),
                    f.bestEpoch(), f.curves(), null, null, null, f.modelFile(), f.modelSha256(), heads, f.importance(),
                    f.gain()));
        }
        ObjectNode node = JSON.valueToTree(new ResultsObject(CURRENT_VERSION, r.key(), r.workspec(), r.status(),
                r.failure(), r.spec(), r.featureset(), r.dataFingerprint(), slim, r.provenance(), r.startedAt(),
                r.millis()));
        PredictionsFile.Layout layout = PredictionsFile.layout(splits);
        String[] sha = new String[1];
        String rowsSha = null;
        if (!splits.isEmpty()) {
            // renamed whole but not flushed, as the model files: the flushed result.json names their SHA-256, so a
            // power loss can only leave a result that fails its check and is trained again, never a wrong one
            rowsSha = RowsFile.place(dir, splits);
            Path pf = dir.resolve(PredictionsFile.FILE);
            io.atlasj.home.Durable.replace(pf, tmp -> {
                PredictionsFile.write(tmp, splits, layout, RowsFile.FILE);
                sha[0] = sha256(tmp);
            });
            node.set("predictions", JSON.valueToTree(new Predictions(PredictionsFile.FILE, sha[0], series,
                    RowsFile.FILE, rowsSha)));
        }
        byte[] json = JSON.writeValueAsBytes(node);
        Path file = io.atlasj.home.Durable.write(dir.resolve(FILE), json);
        return new Stored(file, layout, sha256(json), sha[0], rowsSha);
    }

    /** What a stored part is: its fold, part and head (null: the primary label). */
    private interface StoredPart {
        void accept(int fold, String part, String head, ResultsObject.Split s);
    }

    /**
     * The series a version-8 file stores, in its batches' order: per fold each head's validation and test parts, then
     * the fold's own; training parts and null parts are left out.
     */
    private static void forEachStored(ResultsObject r, StoredPart to) {
        for (ResultsObject.FoldResult f : r.folds()) {
            f.heads().forEach((name, h) -> {
                if (h.validation() != null) {
                    to.accept(f.fold(), "validation", name, h.validation());
                }
                if (h.test() != null) {
                    to.accept(f.fold(), "test", name, h.test());
                }
            });
            if (f.validation() != null) {
                to.accept(f.fold(), "validation", null, f.validation());
            }
            if (f.test() != null) {
                to.accept(f.fold(), "test", null, f.test());
            }
        }
    }

    /**
     * {@code r} as {@link #write} stores it and {@link #read} gives it back: without its training parts' predictions,
     * and its other series as the prediction file keeps them (float32 predictions and probabilities, a most probable
     * class's probability as the others' complement: {@link PredictionsFile#asStored}). Version 1 to 3 results, whose
     * series are inline JSON doubles, are returned as they are.
     */
    public static ResultsObject asStored(ResultsObject r) {
        if (r.schemaVersion() < 4) {
            return r;
        }
        List<ResultsObject.Split> splits = new ArrayList<>();
        forEachStored(r, (fold, part, head, s) -> splits.add(s));
        return asStored(r, PredictionsFile.layout(splits));
    }

    private static ResultsObject asStored(ResultsObject r, PredictionsFile.Layout layout) {
        return withoutTraining(r).withSeries(s -> PredictionsFile.asStored(s, layout));
    }

    /** {@code r} with every fold's and head's training part null, as a version-8 file keeps it. */
    private static ResultsObject withoutTraining(ResultsObject r) {
        List<ResultsObject.FoldResult> folds = new ArrayList<>();
        for (ResultsObject.FoldResult f : r.folds()) {
            Map<String, ResultsObject.Head> heads = new LinkedHashMap<>();
            f.heads().forEach((h, p) -> heads.put(h, new ResultsObject.Head(null, p.validation(), p.test())));
            folds.add(new ResultsObject.FoldResult(f.fold(), f.status(), f.failure(), f.scaler(), f.boundaries(),
                    f.bestEpoch(), f.curves(), null, f.validation(), f.test(), f.modelFile(), f.modelSha256(), heads,
                    f.importance(), f.gain()));
        }
        return new ResultsObject(r.schemaVersion(), r.key(), r.workspec(), r.status(), r.failure(), r.spec(),
                r.featureset(), r.dataFingerprint(), folds, r.provenance(), r.startedAt(), r.millis());
    }

    /**
     * Reads a result file.
     *
     * @throws IOException naming the file, for unreadable JSON or an unknown schema version
     */
    public static ResultsObject read(Path file) throws IOException {
        return read(file, Parts.ALL);
    }

    /**
     * Reads a result file with only its test parts' series (train and validation parts null, and not decompressed):
     * what an out-of-sample evaluation needs, half of a small model's stored rows (a quarter before version 8).
     * Checksums are checked as by {@link #read(Path)}.
     */
    public static ResultsObject readOutOfSample(Path file) throws IOException {
        return read(file, Parts.TEST);
    }

    /** Which prediction series a read decompresses: all, the test parts only, or none (checksums still checked). */
    private enum Parts {
        ALL, TEST, NONE;

        boolean wants(PredictionsFile.Series s) {
            return this == ALL || this == TEST && "test".equals(s.part());
        }
    }

    private static ResultsObject read(Path file, Parts which) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable result file: " + e.getMessage(), e);
        }
        int v = node.path("schemaVersion").asInt(-1);
        if (v < 1 || v > CURRENT_VERSION) {
            throw new IOException(file + ": unknown result schema version " + v + ", this Atlas supports at most "
                    + CURRENT_VERSION + ": upgrade Atlas");
        }
        if (v < 4) {
            return parse(file, v, node, ResultsObject.class);
        }
        JsonNode pn = ((ObjectNode) node).remove("predictions");
        ResultsObject slim = parse(file, v, node, ResultsObject.class);
        if (pn == null || pn.isNull()) {
            return slim;
        }
        Predictions p = parse(file, v, pn, Predictions.class);
        Path pf = file.resolveSibling(p.file());
        Path rows = p.rows() == null ? null : file.resolveSibling(p.rows());
        if (v >= 9 && (rows == null || p.rowsSha256() == null)) {
            throw new IOException(file + ": not a valid result file (schema " + v + "): predictions.rows and "
                    + "predictions.rowsSha256 are required");
        }
        Optional<String> problem = seriesProblem(pf, p.sha256(), rows, p.rowsSha256(), file);
        if (problem.isPresent()) {
            throw new IOException(problem.get());
        }
        if (which == Parts.NONE) {
            return slim;
        }
        List<ResultsObject.Split> splits = PredictionsFile.read(pf, rows, p.series(), which::wants);
        List<ResultsObject.FoldResult> folds = new ArrayList<>();
        for (ResultsObject.FoldResult f : slim.folds()) {
            ResultsObject.Split[] parts = new ResultsObject.Split[3];
            Map<String, ResultsObject.Split[]> heads = new LinkedHashMap<>();
            f.heads().keySet().forEach(h -> heads.put(h, new ResultsObject.Split[3]));
            for (int i = 0; i < p.series().size(); i++) {
                PredictionsFile.Series s = p.series().get(i);
                if (s.fold() != f.fold()) {
                    continue;
                }
                int at = switch (s.part()) {
                    case "train" -> 0;
                    case "validation" -> 1;
                    case "test" -> 2;
                    default -> throw new IOException(file + ": unknown part '" + s.part() + "' in predictions");
                };
                ResultsObject.Split[] into = s.head() == null ? parts : heads.get(s.head());
                if (into == null) {
                    throw new IOException(file + ": predictions name a head '" + s.head() + "' the fold does not have");
                }
                into[at] = splits.get(i);
            }
            Map<String, ResultsObject.Head> hs = new LinkedHashMap<>();
            heads.forEach((h, x) -> hs.put(h, new ResultsObject.Head(x[0], x[1], x[2])));
            folds.add(new ResultsObject.FoldResult(f.fold(), f.status(), f.failure(), f.scaler(), f.boundaries(),
                    f.bestEpoch(), f.curves(), parts[0], parts[1], parts[2], f.modelFile(), f.modelSha256(), hs,
                    f.importance(), f.gain()));
        }
        return new ResultsObject(slim.schemaVersion(), slim.key(), slim.workspec(), slim.status(), slim.failure(),
                slim.spec(), slim.featureset(), slim.dataFingerprint(), folds, slim.provenance(), slim.startedAt(),
                slim.millis());
    }

    /** A node as {@code type}, or an error naming the file (a field missing, of the wrong type, or unknown). */
    private static <T> T parse(Path file, int version, JsonNode node, Class<T> type) throws IOException {
        try {
            return JSON.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.toString();
            throw new IOException(file + ": not a valid result file (schema " + version + "): " + why, e);
        }
    }

    /** The result in {@code dir} if it is complete: readable, and every model file present with its checksum. */
    public static Optional<ResultsObject> complete(Path dir) {
        return verify(dir).result();
    }

    /**
     * What is in {@code dir}: a complete result, nothing ({@code missing}), or a result that must not count
     * ({@code corrupt}, with the reason: unreadable JSON, an unknown version, a model file absent or with another
     * checksum).
     */
    public record Verified(Optional<ResultsObject> result, boolean missing, String problem) {
    }

    public static Verified verify(Path dir) {
        return verify(dir, Parts.ALL);
    }

    /** {@link #verify(Path)} reading only the test parts' series ({@link #readOutOfSample}). */
    public static Verified verifyOutOfSample(Path dir) {
        return verify(dir, Parts.TEST);
    }

    /**
     * {@link #verify(Path)} without reading the prediction series back: the JSON is read and every file it names
     * (prediction series, model files) is checked against its SHA-256, but nothing is decompressed, so the result
     * comes back without series. For a writer that holds the result it has just written: it knows the series and
     * needs only the proof that the files on disk are the ones the JSON commits to.
     */
    public static Verified verifyChecksums(Path dir) {
        return verify(dir, Parts.NONE);
    }

    private static Verified verify(Path dir, Parts which) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return new Verified(Optional.empty(), true, f + ": no result file");
        }
        try {
            ResultsObject r = read(f, which);
            Optional<String> problem = modelFilesProblem(dir, r);
            if (problem.isPresent()) {
                return new Verified(Optional.empty(), false, problem.get());
            }
            return new Verified(Optional.of(r), false, null);
        } catch (IOException e) {
            return new Verified(Optional.empty(), false, e.getMessage());
        }
    }

    /**
     * What is wrong with the files beside the {@code result.json} written as {@code w} into {@code dir}, as reading it
     * would find: its prediction or rows file or a model file missing, or one whose SHA-256 is not the one named;
     * empty when every one is as named.
     */
    public static Optional<String> filesProblem(Path dir, Written w) throws IOException {
        if (w.predictionsSha256() != null) {
            Optional<String> problem = seriesProblem(dir.resolve(PredictionsFile.FILE), w.predictionsSha256(),
                    w.rowsSha256() == null ? null : dir.resolve(RowsFile.FILE), w.rowsSha256(), dir.resolve(FILE));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return modelFilesProblem(dir, w.result());
    }

    /**
     * What is wrong with prediction file {@code pf} and rows file {@code rows} (null: none) that result file
     * {@code file} names with {@code sha} and {@code rowsSha}, if anything.
     */
    private static Optional<String> seriesProblem(Path pf, String sha, Path rows, String rowsSha, Path file)
            throws IOException {
        if (!Files.isRegularFile(pf)) {
            return Optional.of(pf + ": the prediction series of " + file + " are missing");
        }
        if (!sha.equals(sha256(pf))) {
            return Optional.of(pf + ": SHA-256 differs from the one in " + file);
        }
        if (rows != null && !Files.isRegularFile(rows)) {
            return Optional.of(rows + ": the times and actuals of " + file + " are missing");
        }
        if (rows != null && !rowsSha.equals(sha256(rows))) {
            return Optional.of(rows + ": SHA-256 differs from the one in " + file);
        }
        return Optional.empty();
    }

    /**
     * What is wrong with the model files a result in {@code dir} names: one missing, or one whose SHA-256 is not the
     * one the result names; empty when every one is as named.
     */
    private static Optional<String> modelFilesProblem(Path dir, ResultsObject r) throws IOException {
        for (ResultsObject.FoldResult fold : r.folds()) {
            if (fold.modelFile() == null) {
                continue;
            }
            Path model = dir.resolve(fold.modelFile());
            if (!Files.isRegularFile(model)) {
                return Optional.of(model + ": model file missing");
            }
            if (!fold.modelSha256().equals(sha256(model))) {
                return Optional.of(model + ": SHA-256 differs from the one in " + FILE);
            }
        }
        return Optional.empty();
    }

    /** SHA-256 of bytes, hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
