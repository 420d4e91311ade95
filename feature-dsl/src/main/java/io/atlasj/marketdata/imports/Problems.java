package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects bad rows while a file is parsed. In strict mode the file is rejected after parsing (all problems are
 * counted, the first few are shown); with {@code --skip-bad-rows} the bad rows are dropped and reported.
 */
final class Problems {
    static final int SHOWN = 5;
    private final Path file;
    private final boolean skipBadRows;
    private final List<RowProblem> first = new ArrayList<>();
    private long count;

    Problems(Path file, boolean skipBadRows) {
        this.file = file;
        this.skipBadRows = skipBadRows;
    }

    void add(long line, String field, String message) {
        count++;
        if (first.size() < SHOWN) {
            first.add(new RowProblem(line, field, message));
        }
    }

    /** Problems of one record (a JSON object, a message) that has no CsvRow. */
    Sink sinkFor(long line) {
        return new Sink(line);
    }

    final class Sink {
        private final long line;
        private boolean bad;

        private Sink(long line) {
            this.line = line;
        }

        void problem(String field, String message) {
            if (!bad) {
                add(line, field, message);
            }
            bad = true;
        }

        boolean bad() {
            return bad;
        }
    }

    long count() {
        return count;
    }

    List<RowProblem> first() {
        return List.copyOf(first);
    }

    /** Throws when bad rows were found and the user did not ask to skip them. */
    void throwIfRejected() {
        if (count > 0 && !skipBadRows) {
            throw new ImportException(file, first, count,
                    "fix the file, or import its good rows with --skip-bad-rows");
        }
    }
}
