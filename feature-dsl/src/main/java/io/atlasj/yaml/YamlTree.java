package io.atlasj.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Reads YAML into {@link YNode}s with positions (Jackson's YAML parser underneath). */
public final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {
    }

    /** A syntax error with its position. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        SyntaxError(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** How many values aliases may expand a document to: a billion-laughs file is refused, not expanded. */
    public static final long MAX_EXPANDED = 1_000_000;

    /**
     * Parses a document. Anchors ({@code &name}), aliases ({@code *name}) and merge keys ({@code <<: *name} or a list
     * of aliases; the mapping's own keys win) are resolved: an alias shares the anchored node (and its position), so
     * nothing is copied, but the values it stands for are counted and a document that would expand beyond
     * {@link #MAX_EXPANDED} values is a syntax error.
     */
    public static YNode parse(String text) throws SyntaxError {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) {
                return new YNode.Scalar(null, YNode.Type.NULL, 1, 1);
            }
            return new Reader().node(p);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new SyntaxError(e.getOriginalMessage(), l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr());
        } catch (IOException e) {
            throw new SyntaxError(e.getMessage(), 1, 1);
        }
    }

    /** One document's anchors and the count of values it expands to. */
    private static final class Reader {
        private final java.util.Map<String, YNode> anchors = new java.util.HashMap<>();
        private final java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        private long expanded;

        YNode node(JsonParser p) throws IOException {
            JsonLocation l = p.currentTokenLocation();
            String anchor = p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y ? y.getCurrentAnchor() : null;
            long before = expanded;
            YNode n = read(p, l);
            if (anchor != null) {
                anchors.put(anchor, n);
                sizes.put(anchor, expanded - before);
            }
            return n;
        }

        private YNode read(JsonParser p, JsonLocation l) throws IOException {
            int line = l.getLineNr();
            int col = l.getColumnNr();
            JsonToken t = p.currentToken();
            if (p instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser y && y.isCurrentAlias()) {
                String name = p.getText();
                YNode target = anchors.get(name);
                if (target == null) {
                    throw new JsonProcessingException("unknown alias *" + name + " (no anchor &" + name
                            + " before it)", l) { };
                }
                expanded += sizes.get(name);
                if (expanded > MAX_EXPANDED) {
                    throw new JsonProcessingException("aliases expand this document to more than " + MAX_EXPANDED
                            + " values (nested aliases multiply)", l) { };
                }
                return target;
            }
            expanded++;
            if (t == JsonToken.START_OBJECT) {
                LinkedHashMap<String, YNode> entries = new LinkedHashMap<>();
                LinkedHashMap<String, YNode.Scalar> keys = new LinkedHashMap<>();
                List<YNode> merged = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation kl = p.currentTokenLocation();
                    String k = p.currentName();
                    p.nextToken();
                    YNode v = node(p);
                    if ("<<".equals(k)) { // a merge key: its mapping(s) fill in keys this mapping does not set
                        if (v instanceof YNode.Seq seq) {
                            merged.addAll(seq.items());
                        } else {
                            merged.add(v);
                        }
                        continue;
                    }
                    if (entries.containsKey(k)) {
                        throw new JsonProcessingException("duplicate key '" + k + "'", kl) { };
                    }
                    entries.put(k, v);
                    keys.put(k, new YNode.Scalar(k, YNode.Type.STRING, kl.getLineNr(), kl.getColumnNr()));
                }
                for (YNode m : merged) {
                    if (!(m instanceof YNode.Map from)) {
                        throw new JsonProcessingException("<< merges mappings (an alias of a mapping or a list of "
                                + "them), not " + YNode.describe(m), l) { };
                    }
                    from.entries().forEach((k, v) -> {
                        if (!entries.containsKey(k)) {
                            entries.put(k, v);
                            keys.put(k, from.keys().get(k));
                        }
                    });
                }
                return new YNode.Map(entries, keys, line, col);
            }
            if (t == JsonToken.START_ARRAY) {
                List<YNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(p));
                }
                return new YNode.Seq(items, line, col);
            }
            YNode.Type type = switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> YNode.Type.NUMBER;
                case VALUE_TRUE, VALUE_FALSE -> YNode.Type.BOOLEAN;
                case VALUE_NULL -> YNode.Type.NULL;
                default -> YNode.Type.STRING;
            };
            return new YNode.Scalar(type == YNode.Type.NULL ? null : p.getText(), type, line, col);
        }
    }
}
