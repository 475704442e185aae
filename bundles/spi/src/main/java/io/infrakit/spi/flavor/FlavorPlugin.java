package io.infrakit.spi.flavor;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A Flavor plugin: decides what runs on the instances of a group (init script, tags, attachments) and
 * whether an instance is healthy.
 */
@ConsumerType
public interface FlavorPlugin {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("Flavor", "0.1.0");

    /**
     * Checks the flavor's properties of a group against its allocation.
     *
     * @param properties the {@code Flavor.Properties} of a group, or {@code null}
     * @param allocation the group's allocation
     * @throws PluginException if they are not acceptable
     */
    void validate(RawJson properties, Allocation allocation) throws PluginException;

    /**
     * Completes the spec of an instance about to be provisioned.
     *
     * @param properties the flavor's properties, or {@code null}
     * @param spec the spec so far (with the group's tags)
     * @param allocation the group's allocation
     * @return the spec to provision
     * @throws PluginException if the spec cannot be prepared
     */
    InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException;

    /**
     * Judges the health of an instance.
     *
     * @param properties the flavor's properties, or {@code null}
     * @param instance the instance
     * @return its health
     * @throws PluginException if health could not be determined
     */
    Health healthy(RawJson properties, Description instance) throws PluginException;

    /**
     * Prepares an instance for removal (for example, takes it out of a cluster).
     *
     * @param properties the flavor's properties, or {@code null}
     * @param instance the instance about to be destroyed
     * @throws PluginException if draining failed
     */
    void drain(RawJson properties, Description instance) throws PluginException;
}
