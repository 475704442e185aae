package io.infrakit.spi.instance;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;
import java.util.Map;

/**
 * An Instance plugin: creates and destroys the resources (machines, processes, files…) a group is made
 * of, and finds them again by their tags. Register an implementation as an OSGi service with the
 * {@value io.infrakit.spi.PluginName#SERVICE_PROPERTY} property to serve it on a socket.
 */
@ConsumerType
public interface InstancePlugin {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("Instance", "0.3.0");

    /**
     * Checks the plugin's properties of a group before anything is provisioned.
     *
     * @param properties the {@code Instance.Properties} of a group, or {@code null}
     * @throws PluginException if they are not acceptable; the message says why
     */
    void validate(RawJson properties) throws PluginException;

    /**
     * Creates one instance.
     *
     * @param spec what to create, with the tags it must carry
     * @return the new instance's ID, or {@code null} when the plugin cannot tell it
     * @throws PluginException if the instance could not be created
     */
    String provision(InstanceSpec spec) throws PluginException;

    /**
     * Adds or replaces tags on an existing instance.
     *
     * @param instance the instance ID
     * @param labels the tags to set
     * @throws PluginException if the instance does not exist or cannot be labelled
     */
    void label(String instance, Map<String, String> labels) throws PluginException;

    /**
     * Destroys one instance.
     *
     * @param instance the instance ID
     * @throws PluginException if the instance does not exist or could not be destroyed
     */
    void destroy(String instance) throws PluginException;

    /**
     * Lists the instances whose tags contain every given entry; an empty or {@code null} filter lists all.
     *
     * @param tags the required tags
     * @return the matching instances, never {@code null}
     * @throws PluginException if the instances could not be listed (never answer an empty list instead)
     */
    List<Description> describeInstances(Map<String, String> tags) throws PluginException;
}
