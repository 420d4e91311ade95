package io.atlasj.harvester;

import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.Provenance;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import io.atlasj.workspec.results.SpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Harvesting: the result sink of every run, local or cluster. Results are ingested into the {@link ResultsStore}
 * (verified by checksum, idempotent by key), ensembles are combined from their members' results, and the report and
 * the console read a WorkSpec's results through {@link #results}. Plain Java: a local run calls it in its own
 * process, and the cluster's harvester role is a thin actor around it that only adds fetching files from the node
 * that trained them.
 */
public final class Harvesting {
    /** The backend named in an ensemble's provenance: it trains nothing. */
    static final String COMBINED = "none (an ensemble combines its members' predictions)";

    private final ResultsStore store;

    public Harvesting(ResultsStore store) {
        this.store = store;
    }

    public ResultsStore store() {
        return store;
    }

    /** Ingests the result a trainer wrote into this store's runs folder for (workspec, unit, key). */
    public ResultsStore.Ingest ingest(String workspec, String unit, String key, String node) {
        return store.ingest(store.dir(workspec, unit, key), node);
    }

    /**
     * {@link ResultsStore#ingestWritten}: a result this process has just written, ingested without reading it back;
     * {@code written} is what {@link io.atlasj.workspec.results.ResultsIo#writeStored} returned.
     */
    public ResultsStore.Ingest ingestWritten(io.atlasj.workspec.results.ResultsIo.Written written, String node) {
        return store.ingestWritten(written, node);
    }

    /**
     * Combines ensemble {@code e} from its members' results (the same unit's folders in this store's runs), writes the
     * combination unless the store has it already, and ingests it. A member without a complete result, or a failed
     * one, makes a failed ensemble result (with the reason), not an exception.
     */
    public ResultsStore.Ingest combine(ModelSpec e) throws IOException {
        Path dir = store.dir(e.workspec(), e.unit(), e.key());
        if (!store.present(e.workspec(), e.key())) {
            List<ResultsObject> members = new ArrayList<>();
            for (String k : e.memberKeys()) {
                members.add(ResultsIo.complete(store.dir(e.workspec(), e.unit(), k)).orElse(null));
            }
            ResultsIo.write(dir, Ensembles.combine(e, members, Provenance.of(e, COMBINED), SpecJson.of(e)));
        }
        return store.ingest(dir, "harvester");
    }

    /**
     * A WorkSpec's results, and what the reader should be told: result folders left out (unreadable), and readable
     * results the store refused (a model file missing or changed: kept for evaluation, read from disk, not stored).
     */
    public record Results(List<ResultsObject> results, List<String> warnings) {
        public Results {
            results = List.copyOf(results);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The complete results of {@code workspec}, through the store. Result folders under {@code runs/<workspec>} that
     * the store does not know yet (written before results went through the store, or copied in from another machine)
     * are ingested first. A result the store refuses (a model file missing or changed) is still read for evaluation when
     * its JSON is sound, and one that is unreadable is left out: both are named in {@link Results#warnings()}.
     */
    public Results results(String workspec) {
        List<String> warnings = new ArrayList<>();
        List<ResultsObject> out = new ArrayList<>();
        for (Path dir : folders(workspec, warnings)) {
            ResultsObject r = read(dir, warnings::add);
            if (r != null) {
                out.add(r);
            }
        }
        return new Results(out, warnings);
    }

    /**
     * The result folders of {@code workspec}, through the store, without reading them: folders the store does not
     * know yet are ingested first (a folder the store refuses is kept for evaluation only and named in
     * {@code warnings}), then every folder the store holds. {@link #read} reads one; a report of thousands of models
     * reads them one at a time instead of holding them all ({@link #results}).
     */
    public List<Path> folders(String workspec, List<String> warnings) {
        Path root = store.runs().resolve(workspec);
        List<Path> out = new ArrayList<>();
        Set<String> fresh = new HashSet<>();
        if (Files.isDirectory(root)) {
            Set<String> known = new HashSet<>();
            store.rows(workspec).forEach(r -> known.add(r.key()));
            try (Stream<Path> units = Files.list(root)) {
                for (Path unit : units.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> keys = Files.list(unit)) {
                        for (Path k : keys.filter(Files::isDirectory).toList()) {
                            String key = k.getFileName().toString();
                            if (key.matches("[0-9a-f]{32}") && !known.contains(key)
                                    && Files.isRegularFile(k.resolve(ResultsIo.FILE))) {
                                ResultsStore.Ingest in = store.ingest(k, null);
                                if (in.outcome() == ResultsStore.Outcome.INGESTED
                                        || in.outcome() == ResultsStore.Outcome.CORRUPT) {
                                    out.add(k);
                                    fresh.add(key);
                                }
                            }
                        }
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + root + ": " + ex.getMessage(), ex);
            }
        }
        for (ResultsStore.Row row : store.rows(workspec)) {
            if (!fresh.contains(row.key())) {
                out.add(store.dir(row.workspec(), row.unit(), row.key()));
            }
        }
        return out;
    }

    /**
     * The result in {@code dir}, verified (every checksum); a result that fails its checks but whose JSON is sound is
     * still returned for evaluation, with a warning; an unreadable one gives null and a warning. Safe on many threads.
     */
    public static ResultsObject read(Path dir, java.util.function.Consumer<String> warnings) {
        return read(dir, warnings, false);
    }

    /**
     * {@link #read(Path, java.util.function.Consumer)} with only the test parts' series: what the report and the
     * console evaluate (out-of-sample), without decompressing the training and validation rows.
     */
    public static ResultsObject readOutOfSample(Path dir, java.util.function.Consumer<String> warnings) {
        return read(dir, warnings, true);
    }

    private static ResultsObject read(Path dir, java.util.function.Consumer<String> warnings, boolean testOnly) {
        ResultsIo.Verified v = testOnly ? ResultsIo.verifyOutOfSample(dir) : ResultsIo.verify(dir);
        if (v.result().isPresent()) {
            return v.result().get();
        }
        try {
            Path f = dir.resolve(ResultsIo.FILE);
            ResultsObject r = testOnly ? ResultsIo.readOutOfSample(f) : ResultsIo.read(f);
            warnings.accept("not in the results store, read from disk for evaluation only: " + v.problem());
            return r;
        } catch (IOException e) {
            warnings.accept("left out: " + e.getMessage());
            return null;
        }
    }
}
