package io.atlasj.features.parse;

/**
 * A feature or label expression that cannot be read. {@link #position()} is the 0-based character where the
 * problem is; the message shows the expression with a caret under it and, for unknown names, the closest one.
 */
public final class FeatureParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int position;
    private final String reason;

    FeatureParseException(String text, int position, String reason) {
        super("at character " + (position + 1) + ": " + reason + "\n  " + text + "\n  " + " ".repeat(position) + "^");
        this.position = position;
        this.reason = reason;
    }

    public int position() {
        return position;
    }

    /** The problem without the excerpt. */
    public String reason() {
        return reason;
    }
}
