package io.infrakit.spi.manager;

import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the manager persists the desired state of its groups: one JSON document (the original's
 * {@code {"Groups": {...}}}), written as a whole with a version check so that two writers never lose an
 * update. Registered as an OSGi service with the service property {@value Leadership#BACKEND_PROPERTY}
 * naming the backend.
 */
@ConsumerType
public interface GroupStore {

    /**
     * Reads the document.
     *
     * @return the document and its version; {@link StoredGroups#NONE} as version and {@code null} as text if nothing is stored
     * @throws PluginException if the store cannot be read
     */
    StoredGroups load() throws PluginException;

    /**
     * Replaces the document, if it is still at the version read.
     *
     * @param json the new document's JSON text, stored as it is
     * @param expectedVersion the version {@link #load()} returned
     * @return the new version
     * @throws StoreConflictException if another writer changed the document since that version
     * @throws PluginException if the store cannot be written
     */
    long save(String json, long expectedVersion) throws PluginException;
}
