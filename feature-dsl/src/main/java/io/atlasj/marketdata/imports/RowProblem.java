package io.atlasj.marketdata.imports;

/**
 * One bad row of an input file: the 1-based line, the field (column name) when one is to blame, and what was wrong.
 */
public record RowProblem(long line, String field, String message) {
    public String describe(String file) {
        return file + ":" + line + ": " + (field == null ? "" : field + ": ") + message;
    }
}
