package io.atlasj.home;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The layout version of an H2 store's tables, recorded in a one-row {@code schema_version} table and checked on open
 * (Tribuo's habit: "Unknown version N, supports at most M"). A store written by a newer Atlas is refused rather than
 * misread; an older one is brought up to this version (every change so far only adds).
 */
public final class SchemaVersion {
    private SchemaVersion() {
    }

    /**
     * Records {@code current} in a new store, upgrades an older one, or refuses a newer one.
     *
     * @param what the store and where it is, for the message ("the run ledger under /home/x/.atlas/ledger")
     * @throws IllegalStateException for a store of a newer version
     */
    public static void check(Statement s, int current, String what) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS schema_version(version INT NOT NULL)");
        try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            int v = rs.getInt(1);
            if (rs.wasNull()) {
                s.execute("INSERT INTO schema_version VALUES (" + current + ")");
            } else if (v > current) {
                throw new IllegalStateException(what + " has schema version " + v + ", this Atlas supports at most "
                        + current + ": run a newer Atlas");
            } else if (v < current) {
                s.execute("UPDATE schema_version SET version = " + current);
            }
        }
    }
}
