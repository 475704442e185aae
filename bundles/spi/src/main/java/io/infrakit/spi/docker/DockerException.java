package io.infrakit.spi.docker;

import io.infrakit.spi.PluginException;

/** A failed Docker Engine API call: the engine answered with an error status, or could not be reached. */
public class DockerException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** The status of a call that got no HTTP answer. */
    public static final int NO_ANSWER = 0;

    private final int status;

    /**
     * Creates the error.
     *
     * @param status the HTTP status, or {@link #NO_ANSWER}
     * @param message the engine's message, or why it could not be reached
     */
    public DockerException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Creates the error with its cause.
     *
     * @param status the HTTP status, or {@link #NO_ANSWER}
     * @param message why
     * @param cause the underlying failure
     */
    public DockerException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status the engine answered with.
     *
     * @return the status, or {@link #NO_ANSWER} if it was not reached
     */
    public int status() {
        return status;
    }
}
