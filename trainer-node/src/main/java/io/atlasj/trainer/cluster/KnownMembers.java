package io.atlasj.trainer.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The addresses ({@code host:port}) of the cluster's members as the coordinator last saw them, kept beside its ledger
 * ({@code ATLAS_HOME/ledger/members}). A coordinator node that starts again after a crash tries them as seeds before
 * its own address may found a cluster, so it rejoins the trainers and harvester that outlived it whatever seed list
 * it was started with.
 */
final class KnownMembers {
    static final String FILE = "members";

    private KnownMembers() {
    }

    /** Writes the addresses, flushed to disk under a temporary name and renamed, so a crash leaves the old list or the new. */
    static void write(Path ledgerDir, Collection<String> addresses) throws IOException {
        io.atlasj.home.Durable.write(ledgerDir.resolve(FILE),
                String.join("\n", addresses).concat("\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the list (no open runs: nothing to rejoin for). */
    static void delete(Path ledgerDir) throws IOException {
        Files.deleteIfExists(ledgerDir.resolve(FILE));
    }

    /** The recorded addresses, or none when there is no (readable) list. */
    static List<String> read(Path ledgerDir) {
        Path f = ledgerDir.resolve(FILE);
        List<String> out = new ArrayList<>();
        try {
            if (Files.isRegularFile(f)) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.trim().matches("[^:\\s]+:\\d{1,5}")) {
                        out.add(line.trim());
                    }
                }
            }
        } catch (IOException e) {
            return List.of(); // a damaged list only costs the rejoin attempt
        }
        return out;
    }

    /**
     * The seeds a node starts with: those given, then (for a coordinator node) the recorded members not among them
     * and not this node itself. With this node's own address first, Pekko's first-seed process asks the others and
     * founds a cluster only if none of them answers within the seed-node timeout.
     */
    static List<String> seeds(List<String> given, String self, boolean coordinator, Path ledgerDir) {
        List<String> out = new ArrayList<>(given);
        if (coordinator) {
            if (out.isEmpty()) {
                out.add(self);
            }
            for (String m : read(ledgerDir)) {
                if (!out.contains(m) && !m.equals(self)) {
                    out.add(m);
                }
            }
        }
        return out;
    }
}
