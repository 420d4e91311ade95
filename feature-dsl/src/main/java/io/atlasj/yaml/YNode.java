package io.atlasj.yaml;

import java.util.List;

/**
 * A YAML value with the line and column where it starts, so that validation can say exactly where a mistake is.
 * Mappings keep their key order and each key's own position.
 */
public sealed interface YNode permits YNode.Scalar, YNode.Seq, YNode.Map {
    int line();

    int column();

    /** What a scalar was written as. */
    enum Type { STRING, NUMBER, BOOLEAN, NULL }

    /** A plain value. */
    record Scalar(String text, Type type, int line, int column) implements YNode {
    }

    record Seq(List<YNode> items, int line, int column) implements YNode {
        public Seq {
            items = List.copyOf(items);
        }
    }

    /** A mapping; {@code keys} holds each key's position. */
    record Map(java.util.Map<String, YNode> entries, java.util.Map<String, Scalar> keys, int line, int column)
            implements YNode {
    }

    /** "a list", "a mapping", "a number"... for messages. */
    static String describe(YNode n) {
        if (n instanceof Seq) {
            return "a list";
        }
        if (n instanceof Map) {
            return "a mapping";
        }
        Scalar s = (Scalar) n;
        return switch (s.type()) {
            case NUMBER -> "the number " + s.text();
            case BOOLEAN -> s.text();
            case NULL -> "nothing";
            case STRING -> "'" + s.text() + "'";
        };
    }
}
