package io.atlasj.stats.report;

import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.util.List;

/**
 * The results a report reads, each read on demand: a report of ten thousand models cannot hold them all (a small
 * classifier's prediction series are about 3 MB as Java arrays), so it reads each one to evaluate it, keeps a lean
 * evaluation, and reads the few it draws (cards, correlation) again. Reads may run on several threads at once.
 */
public interface ResultSource {
    /** How many results. */
    int size();

    /**
     * Result {@code i} with its test parts' prediction series at least (the report evaluates out-of-sample rows only),
     * or null when it cannot be read (the source tells its user why).
     *
     * @throws IOException for a failure that must stop the report
     */
    ResultsObject read(int i) throws IOException;

    /** Reads one result from a place (a folder); null when it cannot be read. */
    @FunctionalInterface
    interface Reader<T> {
        ResultsObject read(T place) throws IOException;
    }

    /** Results read from these places (result folders) by {@code reader}, each when asked. */
    static <T> ResultSource over(List<T> places, Reader<T> reader) {
        List<T> copy = List.copyOf(places);
        return new ResultSource() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public ResultsObject read(int i) throws IOException {
                return reader.read(copy.get(i));
            }
        };
    }

    /** Results already in memory (tests). */
    static ResultSource of(List<ResultsObject> results) {
        return over(results, r -> r);
    }
}
