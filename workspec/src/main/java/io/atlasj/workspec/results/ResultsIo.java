package io.atlasj.workspec.results;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
     * </ul>
     */
    public static final int CURRENT_VERSION = 3;
    public static final String FILE = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsIo() {
    }

    /** Writes {@code r} into {@code dir} durably: temporary file, flushed, then renamed. */
    public static Path write(Path dir, ResultsObject r) throws IOException {
        return io.atlasj.home.Durable.write(dir.resolve(FILE), tmp -> JSON.writeValue(tmp.toFile(), r));
    }

    /**
     * Reads a result file.
     *
     * @throws IOException naming the file, for unreadable JSON or an unknown schema version
     */
    public static ResultsObject read(Path file) throws IOException {
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
        return JSON.treeToValue(node, ResultsObject.class);
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
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return new Verified(Optional.empty(), true, f + ": no result file");
        }
        try {
            ResultsObject r = read(f);
            for (ResultsObject.FoldResult fold : r.folds()) {
                if (fold.modelFile() == null) {
                    continue;
                }
                Path model = dir.resolve(fold.modelFile());
                if (!Files.isRegularFile(model)) {
                    return new Verified(Optional.empty(), false, model + ": model file missing");
                }
                if (!fold.modelSha256().equals(sha256(model))) {
                    return new Verified(Optional.empty(), false, model + ": SHA-256 differs from the one in " + FILE);
                }
            }
            return new Verified(Optional.of(r), false, null);
        } catch (IOException e) {
            return new Verified(Optional.empty(), false, e.getMessage());
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
