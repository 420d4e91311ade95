package io.atlasj.cli;

/** A mistake of the user's that the CLI reports in one message and exit code 1 (the console shows it as the snippet's error). */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }
}
