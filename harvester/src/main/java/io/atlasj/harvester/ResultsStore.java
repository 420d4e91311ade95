package io.atlasj.harvester;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.workspec.results.Headline;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The results store: an H2 database ({@code ATLAS_HOME/results}) with one summary row per (workspec, key), and the
 * ResultsObject files under {@code ATLAS_HOME/runs/<workspec>/<unit>/<key>/}.
 *
 * <p>Ingestion is idempotent: a key already present is not ingested again, so a result delivered twice (a trainer
 * that was presumed dead and was not, a harvest repeated offline) still gives one row. A result counts only when its
 * file is readable and every model file has the SHA-256 the result names. Files from elsewhere (another machine's
 * {@code runs/}) are copied in before the row is written, through a temporary folder renamed into place, so the
 * store never names a half-copied result.
 *
 * <p>Crash safety: {@code WRITE_DELAY=0}, one transaction per row.
 */
public final class ResultsStore implements AutoCloseable {
    /** The tables' layout: 1, the results table with its version recorded (checked on open). */
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Connection conn;
    private final Path runs;

    private ResultsStore(Connection conn, Path runs) {
        this.conn = conn;
        this.runs = runs;
    }

    /**
     * Opens (creating) the store.
     *
     * @param database the folder of the H2 database, {@code ATLAS_HOME/results}
     * @param runs     the folder of result files, {@code ATLAS_HOME/runs}
     */
    public static ResultsStore open(Path database, Path runs) {
        try {
            Files.createDirectories(database);
            Connection c = DriverManager.getConnection("jdbc:h2:file:" + database.resolve("results").toAbsolutePath()
                    + ";WRITE_DELAY=0", "atlas", "");
            try (Statement s = c.createStatement()) {
                s.execute("""
                        CREATE TABLE IF NOT EXISTS results(
                          workspec VARCHAR(200) NOT NULL, model_key VARCHAR(64) NOT NULL,
                          unit VARCHAR(200) NOT NULL, name VARCHAR(300) NOT NULL, model_type VARCHAR(40) NOT NULL,
                          hyperparameters VARCHAR(10000) NOT NULL, status VARCHAR(10) NOT NULL, failure VARCHAR(10000),
                          metric VARCHAR(20) NOT NULL, validation DOUBLE PRECISION, test DOUBLE PRECISION,
                          started_at BIGINT NOT NULL, millis BIGINT NOT NULL, node VARCHAR(200),
                          result_sha256 VARCHAR(64) NOT NULL, ingested_at BIGINT NOT NULL,
                          PRIMARY KEY (workspec, model_key))""");
                try {
                    io.atlasj.home.SchemaVersion.check(s, SCHEMA_VERSION, "the results store under " + database);
                } catch (IllegalStateException e) {
                    c.close();
                    throw e;
                }
            }
            return new ResultsStore(c, runs.toAbsolutePath().normalize());
        } catch (IllegalStateException e) {
            throw e;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open the results store under " + database + ": " + e.getMessage()
                    + " (is another Atlas process using this ATLAS_HOME's results store?)", e);
        }
    }

    /** What ingesting one folder did. */
    public enum Outcome { INGESTED, PRESENT, MISSING, CORRUPT }

    /**
     * @param detail why a result was not ingested, or null
     * @param result the verified result ({@code INGESTED}, {@code PRESENT}), or null
     */
    public record Ingest(Outcome outcome, String workspec, String key, String detail, ResultsObject result) {
    }

    /** One summary row. */
    public record Row(String workspec, String key, String unit, String name, String type, String hyperparameters,
                      String status, String failure, Headline headline, long startedAt, long millis, String node) {
    }

    /** The folder of every result this store holds, {@code ATLAS_HOME/runs}. */
    public Path runs() {
        return runs;
    }

    /** The folder of a result in this store's {@code runs}. */
    public Path dir(String workspec, String unit, String key) {
        return runs.resolve(workspec).resolve(unit).resolve(key);
    }

    /**
     * Ingests the result in {@code dir} (anywhere: this store's {@code runs} or a copy from another machine).
     *
     * @param node where it was trained, or null when unknown
     */
    public synchronized Ingest ingest(Path dir, String node) {
        ResultsIo.Verified v = ResultsIo.verify(dir);
        if (v.result().isEmpty()) {
            return new Ingest(v.missing() ? Outcome.MISSING : Outcome.CORRUPT, null, dir.getFileName().toString(),
                    v.problem(), null);
        }
        ResultsObject r = v.result().get();
        String unit = String.valueOf(r.spec().get("unit"));
        Path home = dir(r.workspec(), unit, r.key());
        String stored = storedSha(r.workspec(), r.key());
        if (stored != null) {
            try {
                // the store's own folder trained again (a trial stopped by a search, trained to its end once the
                // search is gone): its row follows the new result; a copy from elsewhere never replaces it
                String now = sameFile(dir, home) ? ResultsIo.sha256(home.resolve(ResultsIo.FILE)) : stored;
                if (now.equals(stored)) {
                    return new Ingest(Outcome.PRESENT, r.workspec(), r.key(), null, r);
                }
                insert(r, unit, node, now);
                return new Ingest(Outcome.INGESTED, r.workspec(), r.key(), null, r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot ingest " + dir + ": " + e.getMessage(), e);
            }
        }
        try {
            if (!sameFile(dir, home)) {
                copyIn(dir, home);
                ResultsIo.Verified again = ResultsIo.verify(home);
                if (again.result().isEmpty()) {
                    return new Ingest(Outcome.CORRUPT, r.workspec(), r.key(), "after copying: " + again.problem(), null);
                }
            }
            insert(r, unit, node, ResultsIo.sha256(home.resolve(ResultsIo.FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ingest " + dir + ": " + e.getMessage(), e);
        }
        return new Ingest(Outcome.INGESTED, r.workspec(), r.key(), null, r);
    }

    /**
     * Ingests a result this process has just written into its folder in this store's {@code runs} from {@code written},
     * what {@link ResultsIo#writeStored} returned (its series at the file's precision, so that the row and the
     * returned result equal what reading the files gives): the JSON is not parsed again, its bytes' SHA-256 must be
     * the one written, and the prediction and model files are checked against the SHA-256s it names, as reading it
     * would. A folder whose JSON is not the one written (a later attempt's, say) is ingested by
     * {@link #ingest(Path, String)}, read whole.
     */
    public synchronized Ingest ingestWritten(ResultsIo.Written written, String node) {
        ResultsObject r = written.result();
        for (ResultsObject.FoldResult f : r.folds()) {
            if (f.train() != null || f.heads().values().stream().anyMatch(h -> h.train() != null)) {
                throw new IllegalArgumentException(r.key() + ": ingestWritten takes the result "
                        + "ResultsIo.writeStored returned, which keeps no training parts; this one has them");
            }
        }
        String unit = String.valueOf(r.spec().get("unit"));
        Path home = dir(r.workspec(), unit, r.key());
        Path json = home.resolve(ResultsIo.FILE);
        try {
            String now = Files.isRegularFile(json) ? ResultsIo.sha256(json) : null;
            if (!written.sha256().equals(now)) {
                return ingest(home, node); // not the file written (a later attempt's, or gone): read whole
            }
            java.util.Optional<String> problem = ResultsIo.filesProblem(home, written);
            if (problem.isPresent()) {
                return new Ingest(Outcome.CORRUPT, null, home.getFileName().toString(), problem.get(), null);
            }
            if (now.equals(storedSha(r.workspec(), r.key()))) {
                return new Ingest(Outcome.PRESENT, r.workspec(), r.key(), null, r);
            }
            insert(r, unit, node, now);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ingest " + home + ": " + e.getMessage(), e);
        }
        return new Ingest(Outcome.INGESTED, r.workspec(), r.key(), null, r);
    }

    /**
     * Ingests every result folder under {@code root} ({@code <root>/<unit>/<key>/} of one workspec, or a whole
     * {@code runs/} tree): what is complete goes in, what is missing or corrupt is reported.
     */
    public List<Ingest> harvest(Path root) {
        List<Ingest> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> dirs = s.filter(p -> p.getFileName().toString().equals(ResultsIo.FILE)
                    || looksLikeModelDir(p)).map(p -> Files.isDirectory(p) ? p : p.getParent()).distinct().sorted().toList();
            for (Path d : dirs) {
                out.add(ingest(d, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A key folder left without a result file (a model folder with files but no result.json). */
    private static boolean looksLikeModelDir(Path p) {
        if (!Files.isDirectory(p) || !p.getFileName().toString().matches("[0-9a-f]{32}")) {
            return false;
        }
        return !Files.isRegularFile(p.resolve(ResultsIo.FILE));
    }

    /** The SHA-256 of the result file a row was recorded from, or null without a row. */
    private String storedSha(String workspec, String key) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT result_sha256 FROM results WHERE workspec = ? AND model_key = ?")) {
            ps.setString(1, workspec);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("results store: " + e.getMessage(), e);
        }
    }

    public synchronized boolean present(String workspec, String key) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM results WHERE workspec = ? AND model_key = ?")) {
            ps.setString(1, workspec);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("results store: " + e.getMessage(), e);
        }
    }

    public synchronized List<Row> rows(String workspec) {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT workspec, model_key, unit, name, model_type, "
                + "hyperparameters, status, failure, metric, validation, test, started_at, millis, node FROM results "
                + "WHERE workspec = ? ORDER BY unit, name")) {
            ps.setString(1, workspec);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), new Headline(rs.getString(9),
                            nan(rs, 10), nan(rs, 11)), rs.getLong(12), rs.getLong(13), rs.getString(14)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("results store: " + e.getMessage(), e);
        }
        return out;
    }

    /** The complete ResultsObjects of a workspec, read from the files the rows name. */
    public List<ResultsObject> results(String workspec) {
        List<ResultsObject> out = new ArrayList<>();
        for (Row row : rows(workspec)) {
            ResultsIo.verify(dir(row.workspec(), row.unit(), row.key())).result().ifPresent(out::add);
        }
        return out;
    }

    private static double nan(ResultSet rs, int col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? Double.NaN : v;
    }

    private void insert(ResultsObject r, String unit, String node, String sha) {
        Headline h = Headline.of(r);
        try (PreparedStatement ps = conn.prepareStatement("MERGE INTO results KEY(workspec, model_key) VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.workspec());
            ps.setString(2, r.key());
            ps.setString(3, unit);
            ps.setString(4, String.valueOf(r.spec().get("name")));
            ps.setString(5, String.valueOf(r.spec().get("type")));
            ps.setString(6, json(r.spec().get("hyperparameters")));
            ps.setString(7, r.status());
            ps.setString(8, r.failure());
            ps.setString(9, h.metric());
            setDouble(ps, 10, h.validation());
            setDouble(ps, 11, h.test());
            ps.setLong(12, r.startedAt());
            ps.setLong(13, r.millis());
            ps.setString(14, node);
            ps.setString(15, sha);
            ps.setLong(16, System.currentTimeMillis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("results store: cannot record " + r.key() + ": " + e.getMessage(), e);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isNaN(v)) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o == null ? Map.of() : o);
        } catch (JsonProcessingException e) {
            return String.valueOf(o);
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return Files.exists(b) && Files.isSameFile(a, b);
    }

    /** Copies a result folder to {@code target} through a temporary sibling renamed into place. */
    private static void copyIn(Path from, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".incoming");
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(target)) {
            // an earlier incomplete copy or a failed local attempt: replaced whole by the verified one
            try (Stream<Path> old = Files.walk(target)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new IllegalStateException("results store: " + e.getMessage(), e);
        }
    }
}
