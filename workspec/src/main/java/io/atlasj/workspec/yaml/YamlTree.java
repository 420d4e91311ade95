package io.atlasj.workspec.yaml;

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

    public static YNode parse(String text) throws SyntaxError {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) {
                return new YNode.Scalar(null, YNode.Type.NULL, 1, 1);
            }
            return node(p);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new SyntaxError(e.getOriginalMessage(), l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr());
        } catch (IOException e) {
            throw new SyntaxError(e.getMessage(), 1, 1);
        }
    }

    private static YNode node(JsonParser p) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        int line = l.getLineNr();
        int col = l.getColumnNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            LinkedHashMap<String, YNode> entries = new LinkedHashMap<>();
            LinkedHashMap<String, YNode.Scalar> keys = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonLocation kl = p.currentTokenLocation();
                String k = p.currentName();
                p.nextToken();
                YNode v = node(p);
                if (entries.containsKey(k)) {
                    throw new JsonProcessingException("duplicate key '" + k + "'", kl) { };
                }
                entries.put(k, v);
                keys.put(k, new YNode.Scalar(k, YNode.Type.STRING, kl.getLineNr(), kl.getColumnNr()));
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
