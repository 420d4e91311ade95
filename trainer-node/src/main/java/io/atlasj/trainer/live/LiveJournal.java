package io.atlasj.trainer.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The live runner's durable record (H2 under {@code ATLAS_HOME/live}, {@code WRITE_DELAY=0}: a committed row survives
 * kill -9): the model versions served, one row per base bar and model (a prediction, or the reason there is none),
 * one inference frame per prediction (a reference to its inputs: market, timeframe and the range of bars read, the
 * model version whose normalisation parameters scaled them, the prediction and when its outcome is due) with the
 * outcome once it is known, and each runner's state. A bar's prediction and frame are committed together, and the
 * primary key (model, bar) makes a second prediction of a bar impossible. Opened with H2's automatic mixed mode, so
 * that {@code atlas live status} reads it while a runner writes.
 */
public final class LiveJournal implements AutoCloseable {
    private final Connection c;

    /** One base bar's entry: a prediction ({@code status ok}) or why there is none ({@code skipped}). */
    public record Entry(String model, long barTime, int version, String status, String reason, double predicted,
                        double[] probabilities, double confidence, long latencyMicros, long writtenAt) {
    }

    /**
     * Base bars the feed never gave: every slot of the base timeframe from {@code from} to {@code to} (both included,
     * {@code bars} of them) between two bars the runner handled, so that each bar time between a runner's first and
     * last entry is either an entry or inside one of these. Written with the entry of the bar after them.
     */
    public record Missing(String model, long from, long to, long bars, String reason, long writtenAt) {
    }

    /**
     * An inference frame: what a prediction was made from, by reference (no copy of the bars), and its outcome once
     * known.
     */
    public record Frame(String model, long barTime, int version, String market, String timeframe, long inputFrom,
                        long inputTo, double prediction, double confidence, long targetTime, Double outcome,
                        Long matchedAt) {
    }

    /** A runner's row: state is running, finished, stopped or failed. */
    public record Runner(String model, long pid, String state, String feed, long startedAt, long heartbeat,
                         int httpPort, String detail, boolean stopRequested) {
    }

    private LiveJournal(Connection c) {
        this.c = c;
    }

    public static LiveJournal open(Path dir) {
        try {
            Files.createDirectories(dir);
            Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("journal").toAbsolutePath()
                    + ";WRITE_DELAY=0;AUTO_SERVER=TRUE", "atlas", "");
            try (Statement s = c.createStatement()) {
                s.execute("""
                        CREATE TABLE IF NOT EXISTS model_version(
                          model VARCHAR(400) NOT NULL, version INT NOT NULL, model_key VARCHAR(64) NOT NULL,
                          model_sha256 VARCHAR(64) NOT NULL, file VARCHAR(2000) NOT NULL, parent INT,
                          source VARCHAR(2000) NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (model, version))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS active_version(
                          model VARCHAR(400) NOT NULL PRIMARY KEY, version INT NOT NULL, set_at BIGINT NOT NULL)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS training_event(
                          model VARCHAR(400) NOT NULL, bar_time BIGINT NOT NULL, version INT NOT NULL,
                          PRIMARY KEY (model, bar_time))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS prediction(
                          model VARCHAR(400) NOT NULL, bar_time BIGINT NOT NULL, version INT NOT NULL,
                          status VARCHAR(10) NOT NULL, reason VARCHAR(2000), predicted DOUBLE PRECISION,
                          probabilities VARCHAR(2000), confidence DOUBLE PRECISION, latency_us BIGINT NOT NULL,
                          written_at BIGINT NOT NULL, PRIMARY KEY (model, bar_time))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS missing(
                          model VARCHAR(400) NOT NULL, from_bar BIGINT NOT NULL, to_bar BIGINT NOT NULL,
                          bars BIGINT NOT NULL, reason VARCHAR(2000) NOT NULL, written_at BIGINT NOT NULL,
                          PRIMARY KEY (model, from_bar))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS frame(
                          model VARCHAR(400) NOT NULL, bar_time BIGINT NOT NULL, version INT NOT NULL,
                          market VARCHAR(200) NOT NULL, timeframe VARCHAR(8) NOT NULL, input_from BIGINT NOT NULL,
                          input_to BIGINT NOT NULL, prediction DOUBLE PRECISION NOT NULL,
                          confidence DOUBLE PRECISION, target_time BIGINT NOT NULL, outcome DOUBLE PRECISION,
                          matched_at BIGINT, PRIMARY KEY (model, bar_time))""");
                // the runner asks for due frames at every bar: without this index that is a scan of all frames
                s.execute("CREATE INDEX IF NOT EXISTS frame_due ON frame(model, matched_at, target_time)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS pivot(
                          model VARCHAR(400) NOT NULL, level INT NOT NULL, bar_time BIGINT NOT NULL, kind INT NOT NULL,
                          price DOUBLE PRECISION NOT NULL, confirmed_at BIGINT NOT NULL,
                          PRIMARY KEY (model, level, bar_time, kind))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS frame_pivot(
                          model VARCHAR(400) NOT NULL, bar_time BIGINT NOT NULL, level INT NOT NULL, kind INT NOT NULL,
                          pivot_time BIGINT NOT NULL, price DOUBLE PRECISION NOT NULL,
                          PRIMARY KEY (model, bar_time, level))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS runner(
                          model VARCHAR(400) NOT NULL PRIMARY KEY, pid BIGINT NOT NULL, state VARCHAR(10) NOT NULL,
                          feed VARCHAR(2000) NOT NULL, started_at BIGINT NOT NULL, heartbeat BIGINT NOT NULL,
                          http_port INT NOT NULL, detail VARCHAR(4000), stop_requested BOOLEAN NOT NULL)""");
            }
            return new LiveJournal(c);
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the live journal under " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model version: the trained one (1) or one fine-tuned from {@code parent} on matched outcomes.
     *
     * @param file   the model file (checked by its SHA-256 when loaded)
     * @param source what made it: the training result, or the fine-tuning that produced it
     */
    public record Version(String model, int version, String key, String sha256, String file, Integer parent,
                          String source, long createdAt) {
    }

    /**
     * The version of the trained model file with {@code sha256}: the existing one, or a new version recorded and made
     * active now, in one transaction.
     */
    public synchronized Version trained(String model, String key, String sha256, String file, String source) {
        return inTransaction(() -> {
            for (Version v : versions(model)) {
                if (v.parent() == null && v.sha256().equals(sha256)) {
                    return v;
                }
            }
            // a model trained again (another file under the same name) starts a new lineage, served from now on
            Version v = new Version(model, nextVersion(model), key, sha256, file, null, source,
                    System.currentTimeMillis());
            insertVersion(v);
            setActive(model, v.version());
            return v;
        });
    }

    /**
     * Records a fine-tuned version and the frames it learned from, and makes it the active version, in one
     * transaction: after a crash either all of it is there or none (its file, written before, is then rewritten).
     * Returns null, recording nothing, when {@code parent} is no longer the active version (a rollback came while the
     * step ran).
     */
    public synchronized Version fineTuned(String model, int next, String key, int parent, String sha256, String file,
                                          String source, List<Long> frames) {
        return inTransaction(() -> {
            if (nextVersion(model) != next) {
                throw new IllegalStateException(model + ": version " + next + " exists already (two runners?)");
            }
            if (active(model).map(Version::version).orElse(-1) != parent) {
                return null; // a rollback came meanwhile: it wins, this step is dropped (nothing was written)
            }
            Version v = new Version(model, next, key, sha256, file, parent, source, System.currentTimeMillis());
            insertVersion(v);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO training_event VALUES (?, ?, ?)")) {
                for (long bar : frames) {
                    p.setString(1, model);
                    p.setLong(2, bar);
                    p.setInt(3, next);
                    p.addBatch();
                }
                p.executeBatch();
            }
            setActive(model, next);
            return v;
        });
    }

    /** The number the next version of {@code model} gets. */
    public synchronized int nextVersion(String model) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM model_version "
                + "WHERE model = ?")) {
            p.setString(1, model);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private void insertVersion(Version v) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO model_version VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, v.model());
            p.setInt(2, v.version());
            p.setString(3, v.key());
            p.setString(4, v.sha256());
            p.setString(5, v.file());
            if (v.parent() == null) {
                p.setNull(6, java.sql.Types.INTEGER);
            } else {
                p.setInt(6, v.parent());
            }
            p.setString(7, v.source());
            p.setLong(8, v.createdAt());
            p.executeUpdate();
        }
    }

    public synchronized List<Version> versions(String model) {
        return versions("SELECT * FROM model_version WHERE model = ? ORDER BY version", model);
    }

    /** The version the runner serves: the one made active last ({@link #activate}, a fine-tuning), if any. */
    public synchronized Optional<Version> active(String model) {
        return versions("SELECT v.* FROM model_version v JOIN active_version a ON a.model = v.model AND a.version = "
                + "v.version WHERE v.model = ?", model).stream().findFirst();
    }

    private List<Version> versions(String sql, String model) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, model);
            List<Version> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    int parent = r.getInt("parent");
                    Integer pa = r.wasNull() ? null : parent;
                    out.add(new Version(r.getString("model"), r.getInt("version"), r.getString("model_key"),
                            r.getString("model_sha256"), r.getString("file"), pa, r.getString("source"),
                            r.getLong("created_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Makes {@code version} the one served ({@code atlas live rollback}); a running runner swaps within a second. */
    public synchronized void activate(String model, int version) {
        if (versions(model).stream().noneMatch(v -> v.version() == version)) {
            throw new IllegalArgumentException(model + " has no version " + version + "; it has "
                    + versions(model).stream().map(Version::version).toList());
        }
        try {
            setActive(model, version);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void setActive(String model, int version) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("MERGE INTO active_version KEY (model) VALUES (?, ?, ?)")) {
            p.setString(1, model);
            p.setInt(2, version);
            p.setLong(3, System.currentTimeMillis());
            p.executeUpdate();
        }
    }

    /** A frame's pivot target of one level: the next swing of that level after the frame's bar. */
    public record PivotTarget(long barTime, int level, int kind, long pivotTime, double price) {
    }

    /**
     * Records a confirmed pivot and gives it as pivot target to every frame of {@code model} before it that has none
     * of its level, in one transaction; repeating it changes nothing. Returns how many frames got it.
     */
    synchronized int pivot(String model, Pivots.Pivot p) {
        return inTransaction(() -> {
            try (PreparedStatement s = c.prepareStatement("MERGE INTO pivot KEY (model, level, bar_time, kind) "
                    + "VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, model);
                s.setInt(2, p.level());
                s.setLong(3, p.barTime());
                s.setInt(4, p.kind());
                s.setDouble(5, p.price());
                s.setLong(6, p.confirmedAt());
                s.executeUpdate();
            }
            // frames before the previous pivot of this level have theirs already: look only from there on
            long previous = Long.MIN_VALUE;
            try (PreparedStatement s = c.prepareStatement("SELECT MAX(bar_time) FROM pivot WHERE model = ? AND level = ? "
                    + "AND bar_time < ?")) {
                s.setString(1, model);
                s.setInt(2, p.level());
                s.setLong(3, p.barTime());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getObject(1) != null) {
                        previous = r.getLong(1);
                    }
                }
            }
            int n;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO frame_pivot SELECT f.model, f.bar_time, ?, ?, ?, ? "
                    + "FROM frame f WHERE f.model = ? AND f.bar_time >= ? AND f.bar_time < ? AND NOT EXISTS (SELECT 1 "
                    + "FROM frame_pivot x WHERE x.model = f.model AND x.bar_time = f.bar_time AND x.level = ?)")) {
                s.setInt(1, p.level());
                s.setInt(2, p.kind());
                s.setLong(3, p.barTime());
                s.setDouble(4, p.price());
                s.setString(5, model);
                s.setLong(6, previous);
                s.setLong(7, p.barTime());
                s.setInt(8, p.level());
                n = s.executeUpdate();
            }
            return n;
        });
    }

    /** The pivots of {@code model} recorded so far, by time. */
    public synchronized List<PivotTarget> pivots(String model) {
        return pivotRows("SELECT bar_time, level, kind, bar_time AS pivot_time, price FROM pivot WHERE model = ? "
                + "ORDER BY bar_time, level, kind", model);
    }

    /** The frames' pivot targets of {@code model}, by frame and level. */
    public synchronized List<PivotTarget> pivotTargets(String model) {
        return pivotRows("SELECT bar_time, level, kind, pivot_time, price FROM frame_pivot WHERE model = ? "
                + "ORDER BY bar_time, level", model);
    }

    private List<PivotTarget> pivotRows(String sql, String model) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, model);
            List<PivotTarget> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new PivotTarget(r.getLong(1), r.getInt(2), r.getInt(3), r.getLong(4), r.getDouble(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Frames of {@code model} with a known outcome that no fine-tuning has learned from yet, oldest first. */
    public synchronized List<Frame> untrained(String model) {
        return frames("SELECT * FROM frame f WHERE model = ? AND outcome IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                + "training_event t WHERE t.model = f.model AND t.bar_time = f.bar_time) ORDER BY bar_time", model);
    }

    /** The newest {@code k} frames fine-tuning has learned from (the replay buffer), oldest first. */
    public synchronized List<Frame> learned(String model, int k) {
        List<Frame> out = frames("SELECT f.* FROM frame f JOIN training_event t ON t.model = f.model AND t.bar_time = "
                + "f.bar_time WHERE f.model = ? ORDER BY f.bar_time DESC LIMIT " + k, model);
        java.util.Collections.reverse(out);
        return out;
    }

    /** How many frames of {@code model} each version learned from. */
    public synchronized long trainingEvents(String model) {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM training_event WHERE model = ?")) {
            p.setString(1, model);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The newest bar with an entry for {@code model}. */
    public synchronized OptionalLong lastBar(String model) {
        try (PreparedStatement p = c.prepareStatement("SELECT MAX(bar_time) FROM prediction WHERE model = ?")) {
            p.setString(1, model);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                long v = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Commits a bar's entry and, for a prediction, its frame, in one transaction. */
    public synchronized void record(Entry e, Frame f) {
        record(e, f, null);
    }

    /**
     * As {@link #record(Entry, Frame)}, with the bars missing just before the entry's bar (null: none), in the same
     * transaction: a runner killed before it commits finds neither, and records both again.
     */
    public synchronized void record(Entry e, Frame f, Missing gap) {
        inTransaction(() -> {
            if (gap != null) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO missing VALUES (?, ?, ?, ?, ?, ?)")) {
                    p.setString(1, gap.model());
                    p.setLong(2, gap.from());
                    p.setLong(3, gap.to());
                    p.setLong(4, gap.bars());
                    p.setString(5, gap.reason());
                    p.setLong(6, gap.writtenAt());
                    p.executeUpdate();
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO prediction VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, e.model());
                p.setLong(2, e.barTime());
                p.setInt(3, e.version());
                p.setString(4, e.status());
                p.setString(5, e.reason());
                setDouble(p, 6, e.predicted());
                p.setString(7, e.probabilities() == null ? null : Arrays.stream(e.probabilities())
                        .mapToObj(Double::toString).collect(Collectors.joining(",")));
                setDouble(p, 8, e.confidence());
                p.setLong(9, e.latencyMicros());
                p.setLong(10, e.writtenAt());
                p.executeUpdate();
            }
            if (f != null) {
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO frame VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
                    p.setString(1, f.model());
                    p.setLong(2, f.barTime());
                    p.setInt(3, f.version());
                    p.setString(4, f.market());
                    p.setString(5, f.timeframe());
                    p.setLong(6, f.inputFrom());
                    p.setLong(7, f.inputTo());
                    p.setDouble(8, f.prediction());
                    setDouble(p, 9, f.confidence());
                    p.setLong(10, f.targetTime());
                    p.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Frames of {@code model} whose outcome is due by {@code now} and not yet recorded, oldest first. */
    public synchronized List<Frame> due(String model, long now) {
        return frames("SELECT * FROM frame WHERE model = ? AND target_time <= ? AND matched_at IS NULL "
                + "ORDER BY bar_time", model, now);
    }

    /** Records a frame's outcome (NaN: it cannot be known, e.g. a gap in the bars of its horizon). */
    public synchronized void match(String model, long barTime, double outcome, long at) {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE frame SET outcome = ?, matched_at = ? WHERE model = ? AND bar_time = ? AND matched_at IS NULL")) {
            setDouble(p, 1, outcome);
            p.setLong(2, at);
            p.setString(3, model);
            p.setLong(4, barTime);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized List<Frame> frames(String model, long from, long to) {
        return frames("SELECT * FROM frame WHERE model = ? AND bar_time >= ? AND bar_time < ? ORDER BY bar_time",
                model, from, to);
    }

    private List<Frame> frames(String sql, String model, long... args) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, model);
            for (int i = 0; i < args.length; i++) {
                p.setLong(i + 2, args[i]);
            }
            List<Frame> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    double outcome = r.getDouble("outcome");
                    Double o = r.wasNull() ? null : outcome;
                    long matched = r.getLong("matched_at");
                    Long m = r.wasNull() ? null : matched;
                    out.add(new Frame(r.getString("model"), r.getLong("bar_time"), r.getInt("version"),
                            r.getString("market"), r.getString("timeframe"), r.getLong("input_from"),
                            r.getLong("input_to"), r.getDouble("prediction"), nullable(r, "confidence"),
                            r.getLong("target_time"), o, m));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Entries of {@code model} with {@code from <= bar < to}, oldest first, at most {@code limit}. */
    public synchronized List<Entry> entries(String model, long from, long to, int limit) {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM prediction WHERE model = ? AND bar_time >= ? "
                + "AND bar_time < ? ORDER BY bar_time LIMIT ?")) {
            p.setString(1, model);
            p.setLong(2, from);
            p.setLong(3, to);
            p.setInt(4, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String probs = r.getString("probabilities");
                    out.add(new Entry(r.getString("model"), r.getLong("bar_time"), r.getInt("version"),
                            r.getString("status"), r.getString("reason"), nullable(r, "predicted"),
                            probs == null ? null : Arrays.stream(probs.split(",")).mapToDouble(Double::parseDouble)
                                    .toArray(), nullable(r, "confidence"), r.getLong("latency_us"),
                            r.getLong("written_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The runs of bars missing for {@code model} that hold a bar in {@code [from, to)}, oldest first. */
    public synchronized List<Missing> missing(String model, long from, long to) {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM missing WHERE model = ? AND to_bar >= ? "
                + "AND from_bar < ? ORDER BY from_bar")) {
            p.setString(1, model);
            p.setLong(2, from);
            p.setLong(3, to);
            List<Missing> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Missing(r.getString("model"), r.getLong("from_bar"), r.getLong("to_bar"),
                            r.getLong("bars"), r.getString("reason"), r.getLong("written_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The models with entries or a runner, sorted. */
    public synchronized List<String> models() {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT model FROM prediction UNION SELECT model FROM runner ORDER BY 1")) {
            List<String> out = new ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Records that a runner started (replacing the model's previous runner row). */
    public synchronized void started(String model, long pid, String feed, int httpPort) {
        long now = System.currentTimeMillis();
        try (PreparedStatement p = c.prepareStatement("MERGE INTO runner KEY (model) VALUES (?, ?, 'running', ?, ?, ?, "
                + "?, NULL, FALSE)")) {
            p.setString(1, model);
            p.setLong(2, pid);
            p.setString(3, feed);
            p.setLong(4, now);
            p.setLong(5, now);
            p.setInt(6, httpPort);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** A runner's heartbeat; returns whether a stop was asked for. */
    public synchronized boolean heartbeat(String model) {
        try (PreparedStatement p = c.prepareStatement("UPDATE runner SET heartbeat = ? WHERE model = ?")) {
            p.setLong(1, System.currentTimeMillis());
            p.setString(2, model);
            p.executeUpdate();
            return runner(model).map(Runner::stopRequested).orElse(false);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void ended(String model, String state, String detail) {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE runner SET state = ?, detail = ?, heartbeat = ? WHERE model = ?")) {
            p.setString(1, state);
            p.setString(2, detail);
            p.setLong(3, System.currentTimeMillis());
            p.setString(4, model);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Asks the model's runner to stop; false when none is recorded as running. */
    public synchronized boolean requestStop(String model) {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE runner SET stop_requested = TRUE WHERE model = ? AND state = 'running'")) {
            p.setString(1, model);
            return p.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized Optional<Runner> runner(String model) {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM runner WHERE model = ?")) {
            p.setString(1, model);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Runner(r.getString("model"), r.getLong("pid"), r.getString("state"),
                        r.getString("feed"), r.getLong("started_at"), r.getLong("heartbeat"), r.getInt("http_port"),
                        r.getString("detail"), r.getBoolean("stop_requested")));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Double nullableObj(ResultSet r, String col) throws SQLException {
        double v = r.getDouble(col);
        return r.wasNull() ? null : v;
    }

    private static double nullable(ResultSet r, String col) throws SQLException {
        Double v = nullableObj(r, col);
        return v == null ? Double.NaN : v;
    }

    private static void setDouble(PreparedStatement p, int i, double v) throws SQLException {
        if (Double.isNaN(v)) {
            p.setNull(i, java.sql.Types.DOUBLE);
        } else {
            p.setDouble(i, v);
        }
    }

    /** Work on the connection that may throw SQLException. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} as one transaction: committed when it returns, rolled back when it throws (an SQL failure or
     * any other), so that nothing of it is ever left half-written.
     */
    private <T> T inTransaction(SqlWork<T> work) {
        try {
            c.setAutoCommit(false);
            T out = work.run();
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } finally {
            autoCommit();
        }
    }

    private void rollback() {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the failure being reported matters more
        }
    }

    private void autoCommit() {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is gone; the next call says so
        }
    }

    private static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("the live journal: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
