package io.infrakit.spi.registry;

import io.infrakit.spi.PluginException;

/**
 * No plugin answers to a name (neither a local service nor a socket in the plugins directory), or the
 * one that does does not implement the interface asked for.
 */
public class PluginNotFoundException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what was looked up, and where
     */
    public PluginNotFoundException(String message) {
        super(message);
    }
}
