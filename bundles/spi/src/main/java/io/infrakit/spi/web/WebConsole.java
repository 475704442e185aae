package io.infrakit.spi.web;

import org.osgi.annotation.versioning.ProviderType;

import java.net.URI;
import java.nio.file.Path;

/**
 * The local HTTP endpoint of the web bundle: the console, {@code /metrics} and {@code /health}. Provided while the
 * endpoint serves, so the shell can tell an operator where it is and the token its actions need.
 */
@ProviderType
public interface WebConsole {

    /**
     * Where the console is.
     *
     * @return its address, {@code http://127.0.0.1:<port>/} by default
     */
    URI address();

    /**
     * The token that the console's actions (pause, resume, rollback, destroy) need: new at each start of the endpoint,
     * written to {@link #tokenFile()}.
     *
     * @return the token
     */
    String token();

    /**
     * The owner-only file that holds {@link #token()}.
     *
     * @return its path
     */
    Path tokenFile();
}
