package io.infrakit.spi.manager;

import io.infrakit.spi.PluginException;

/** Another writer changed the stored document since it was read: read it again and retry. */
public class StoreConflictException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message which versions differed
     */
    public StoreConflictException(String message) {
        super(message);
    }
}
