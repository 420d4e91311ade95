package io.atlasj.marketdata.store;

/** The store could not do what was asked; the message says why and what to do. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
