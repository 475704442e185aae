package io.infrakit.cli;

/**
 * A failure to report to the user as one line on stderr ({@code level=fatal msg="..."}), with exit status 1.
 * The message must say what went wrong and, where it can, what to do about it.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
