package io.infrakit.spi;

/**
 * The error a plugin method reports. Its message is what travels on the wire as the JSON-RPC error
 * message, so it should be a complete sentence a user can act on.
 */
public class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an error with a message.
     *
     * @param message what went wrong
     */
    public PluginException(String message) {
        super(message);
    }

    /**
     * Creates an error with a message and its cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
