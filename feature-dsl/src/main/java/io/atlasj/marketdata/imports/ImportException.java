package io.atlasj.marketdata.imports;

import java.nio.file.Path;
import java.util.List;

/**
 * A file that cannot be imported as asked. The message names the file, and the line and field where there is one,
 * then a hint. Nothing of the file has been written when this is thrown.
 */
public final class ImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final transient List<RowProblem> problems;
    private final long badRows;

    public ImportException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
        this.problems = List.of();
        this.badRows = 0;
    }

    ImportException(Path file, List<RowProblem> problems, long badRows, String hint) {
        super(format(file, problems, badRows, hint));
        this.file = file;
        this.problems = List.copyOf(problems);
        this.badRows = badRows;
    }

    private static String format(Path file, List<RowProblem> problems, long badRows, String hint) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.get(0).describe(file.toString()));
        for (int i = 1; i < problems.size(); i++) {
            sb.append("\n  ").append(problems.get(i).describe(file.toString()));
        }
        if (badRows > problems.size()) {
            sb.append("\n  ... ").append(badRows - problems.size()).append(" more bad rows");
        }
        sb.append("\n  nothing was imported from this file; ").append(hint);
        return sb.toString();
    }

    public Path file() {
        return file;
    }

    /** The first problems found (at most a few), in line order. */
    public List<RowProblem> problems() {
        return problems;
    }

    public long badRows() {
        return badRows;
    }
}
