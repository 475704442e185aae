package io.infrakit.spi.manager;

import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A leadership backend: decides which of several managers leads. Registered as an OSGi service with the
 * service property {@value #BACKEND_PROPERTY} naming the backend ({@code file}, {@code zookeeper},
 * {@code swarm}); the manager uses the backend its configuration names. A backend component registers
 * its {@link GroupStore} with the same property.
 */
@ConsumerType
public interface Leadership {

    /** The service property naming the backend. */
    String BACKEND_PROPERTY = "infrakit.manager.backend";

    /**
     * Takes part in the election under a name, and reports this participant's status to the listener
     * until the returned election is closed.
     *
     * <p>The listener is called with the first status as soon as it is known, then at every change of
     * role or of the known leader, one call at a time and in order. A backend that can no longer tell
     * (session expired, file unreadable, engine down) reports {@link LeaderStatus.Role#UNKNOWN} at once,
     * before any other participant can be made leader, so that two leaders never act together.
     *
     * @param name the name this manager goes by (unique among the managers sharing the backend)
     * @param listener told about every change of status
     * @return the election; closing it leaves the election (a leader gives its leadership up)
     * @throws PluginException if the backend cannot be joined (its configuration is invalid)
     */
    Election join(String name, LeadershipListener listener) throws PluginException;
}
