package io.infrakit.spi.group;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * A Group plugin: keeps declared groups of instances converged to their declaration.
 */
@ConsumerType
public interface GroupPlugin {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("Group", "0.1.0");

    /**
     * Starts managing a group, or updates a managed one.
     *
     * @param spec the declared group
     * @param pretend {@code true} for a dry run that only returns the plan
     * @return the plan, in words (for example {@code Managing 5 instances})
     * @throws PluginException if the declaration is invalid or its plugins cannot be used
     */
    String commitGroup(GroupSpec spec, boolean pretend) throws PluginException;

    /**
     * Stops managing a group and leaves its instances alone.
     *
     * @param id the group ID
     * @throws PluginException if the group is not managed here
     */
    void freeGroup(String id) throws PluginException;

    /**
     * Describes a managed group.
     *
     * @param id the group ID
     * @return its members and whether it is converged
     * @throws PluginException if the group is not managed here
     */
    GroupDescription describeGroup(String id) throws PluginException;

    /**
     * Stops managing a group and destroys every member.
     *
     * @param id the group ID
     * @throws PluginException if the group is not managed here
     */
    void destroyGroup(String id) throws PluginException;

    /**
     * Lists the specifications of the managed groups.
     *
     * @return the groups, never {@code null}
     * @throws PluginException if they cannot be listed
     */
    List<GroupSpec> inspectGroups() throws PluginException;
}
