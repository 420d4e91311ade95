package io.atlasj.stats.report;

import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one place the report reads results from disk: every {@code result.json} under
 * {@code ATLAS_HOME/runs/<workspec>/} (any depth; normally {@code <unit>/<key>/}). A results store can feed
 * {@link HtmlReport} the same {@code List<ResultsObject>} instead.
 */
public final class RunResults {
    private RunResults() {
    }

    /**
     * Reads the results of {@code workspec} below {@code runs}, sorted by path.
     *
     * @throws IOException naming the file, for an unreadable result or one whose {@code workspec} field names
     *                     another WorkSpec; or naming the directory when it does not exist
     */
    public static List<ResultsObject> read(Path runs, String workspec) throws IOException {
        Path dir = runs.resolve(workspec);
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no results for WorkSpec '" + workspec + "' (run it first: atlas run FILE --local)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().equals(ResultsIo.FILE) && Files.isRegularFile(p))
                    .sorted().toList();
        }
        List<ResultsObject> out = new ArrayList<>();
        for (Path f : files) {
            ResultsObject r = ResultsIo.read(f);
            if (r.workspec() != null && !r.workspec().equals(workspec)) {
                throw new IOException(f + ": field workspec is '" + r.workspec() + "', expected '" + workspec + "'");
            }
            out.add(r);
        }
        return out;
    }
}
