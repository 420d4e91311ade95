package io.atlasj.features.set;

import java.util.List;
import java.util.stream.Collectors;

/** A featureset file with mistakes: all of them, each as {@code file:line:column: field: what (hint)}. */
public final class FeatureSetFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public record Problem(String file, int line, int column, String field, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + field + ": " + message;
        }
    }

    FeatureSetFileException(List<Problem> problems) {
        super(problems.size() + " problem(s):\n  " + problems.stream().map(Problem::toString)
                .collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
