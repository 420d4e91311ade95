package io.atlasj.cli;

/** A mistake of the user's that the CLI reports in one message and exit code 1. */
final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
        super(message);
    }
}
