package io.atlasj.workspec;

import java.util.List;
import java.util.stream.Collectors;

/** Every mistake of a WorkSpec file, each as {@code file:line:column: path: what (hint)}. */
public final class WorkSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public record Problem(String file, int line, int column, String path, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + path + ": " + message;
        }
    }

    public WorkSpecException(List<Problem> problems) {
        super(problems.size() + " problem(s):\n  " + problems.stream().map(Problem::toString)
                .collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
