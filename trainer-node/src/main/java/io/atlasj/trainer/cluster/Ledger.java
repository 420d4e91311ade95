package io.atlasj.trainer.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import io.atlasj.trainer.engine.KeyRecord;
import io.atlasj.trainer.engine.KeyStatus;
import io.atlasj.trainer.engine.RunLedger;
import java.util.Collection;
import java.util.List;

/**
 * The coordinator's run ledger ({@code ATLAS_HOME/ledger}, H2 with {@code WRITE_DELAY=0}): every run and the state of
 * every ModelSpec key in it. Each change is one committed transaction, so a coordinator killed at any moment and
 * started again (or the singleton's next host with the same home) resumes from exactly what was recorded.
 *
 * <p>A key's state is a {@link KeyStatus} by its {@link KeyStatus#id()}; the rules that change it live in
 * {@link io.atlasj.trainer.engine.RunBook}. The tables carry a schema version, checked on open: a ledger written by a
 * newer Atlas is refused rather than misread.
 */
public final class Ledger implements RunLedger, AutoCloseable {
    /** The tables' layout. 1: runs and work (states as text); 2: adds this version table and the 'harvesting' state. */
    public static final int SCHEMA_VERSION = 2;

    private final Connection conn;

    private Ledger(Connection conn) {
        this.conn = conn;
    }

    public static Ledger open(Path dir) {
        try {
            Files.createDirectories(dir);
            Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath()
                    + ";WRITE_DELAY=0", "atlas", "");
            try (Statement s = c.createStatement()) {
                s.execute("""
                        CREATE TABLE IF NOT EXISTS runs(run_id VARCHAR(300) PRIMARY KEY, workspec VARCHAR(200) NOT NULL,
                          spec_yaml CHARACTER LARGE OBJECT NOT NULL, retries INT NOT NULL, created BIGINT NOT NULL,
                          finished BIGINT)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS work(run_id VARCHAR(300) NOT NULL, model_key VARCHAR(64) NOT NULL,
                          unit VARCHAR(200) NOT NULL, name VARCHAR(300) NOT NULL, ensemble BOOLEAN NOT NULL,
                          state VARCHAR(10) NOT NULL, node VARCHAR(300), slot INT, attempt INT NOT NULL,
                          errors VARCHAR(20000), millis BIGINT, updated BIGINT NOT NULL,
                          PRIMARY KEY (run_id, model_key))""");
                try {
                    io.atlasj.home.SchemaVersion.check(s, SCHEMA_VERSION, "the run ledger under " + dir);
                } catch (IllegalStateException e) {
                    c.close();
                    throw new IllegalStateException(e.getMessage() + ", or move the ledger folder aside to start "
                            + "without its runs", e);
                }
            }
            c.setAutoCommit(false);
            return new Ledger(c);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the run ledger under " + dir + ": " + e.getMessage()
                    + " (is another coordinator using this ATLAS_HOME?)", e);
        }
    }

    /** Records a new run and its keys, in one transaction. */
    @Override
    public synchronized void addRun(Run run, Collection<KeyRecord> keys) {
        try {
            try (PreparedStatement ps = conn.prepareStatement("MERGE INTO runs KEY(run_id) VALUES (?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, run.runId());
                ps.setString(2, run.workspec());
                ps.setString(3, run.specYaml());
                ps.setInt(4, run.retries());
                ps.setLong(5, run.created());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO work VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 0, "
                    + "NULL, NULL, ?)")) {
                long now = System.currentTimeMillis();
                for (KeyRecord w : keys) {
                    ps.setString(1, run.runId());
                    ps.setString(2, w.key());
                    ps.setString(3, w.unit());
                    ps.setString(4, w.name());
                    ps.setBoolean(5, w.ensemble());
                    ps.setString(6, w.status().id());
                    ps.setLong(7, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("ledger: cannot record run " + run.runId() + ": " + e.getMessage(), e);
        }
    }

    /** Applies state changes in one transaction. */
    @Override
    public synchronized void update(Collection<KeyRecord> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("UPDATE work SET state = ?, node = ?, slot = ?, attempt = ?, "
                + "errors = ?, millis = ?, updated = ? WHERE run_id = ? AND model_key = ?")) {
            long now = System.currentTimeMillis();
            for (KeyRecord w : changes) {
                ps.setString(1, w.status().id());
                ps.setString(2, w.node());
                if (w.slot() == null) {
                    ps.setNull(3, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(3, w.slot());
                }
                ps.setInt(4, w.attempt());
                ps.setString(5, w.errors());
                if (w.millis() == null) {
                    ps.setNull(6, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(6, w.millis());
                }
                ps.setLong(7, now);
                ps.setString(8, w.runId());
                ps.setString(9, w.key());
                ps.addBatch();
            }
            ps.executeBatch();
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("ledger: cannot update: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void finish(String runId, long at) {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE runs SET finished = ? WHERE run_id = ?")) {
            ps.setLong(1, at);
            ps.setString(2, runId);
            ps.executeUpdate();
            conn.commit();
        } catch (SQLException e) {
            rollback();
            throw new IllegalStateException("ledger: " + e.getMessage(), e);
        }
    }

    /** Runs not finished yet, oldest first. */
    @Override
    public synchronized List<Run> openRuns() {
        List<Run> out = new ArrayList<>();
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT run_id, workspec, spec_yaml, retries, created, finished FROM runs "
                     + "WHERE finished IS NULL ORDER BY created")) {
            while (rs.next()) {
                out.add(new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5), null));
            }
            conn.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("ledger: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized java.util.Optional<Run> run(String runId) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT run_id, workspec, spec_yaml, retries, created, finished "
                + "FROM runs WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                conn.commit();
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                long f = rs.getLong(6);
                return java.util.Optional.of(new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), rs.wasNull() ? null : f));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<KeyRecord> keys(String runId) {
        List<KeyRecord> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT run_id, model_key, unit, name, ensemble, state, node, "
                + "slot, attempt, errors, millis FROM work WHERE run_id = ? ORDER BY unit, name")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int slot = rs.getInt(8);
                    Integer s = rs.wasNull() ? null : slot;
                    long ms = rs.getLong(11);
                    Long m = rs.wasNull() ? null : ms;
                    out.add(new KeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBoolean(5), KeyStatus.of(rs.getString(6)), rs.getString(7), s, rs.getInt(9),
                            rs.getString(10), m));
                }
            }
            conn.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("ledger: " + e.getMessage(), e);
        }
        return out;
    }

    private void rollback() {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the error that brought us here is reported
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new IllegalStateException("ledger: " + e.getMessage(), e);
        }
    }
}
