package io.infrakit.spi.group;

import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * The state of a group: {@code {"Instances":[..],"Converged":bool}}.
 *
 * @param instances the group's members, or {@code null}
 * @param converged {@code true} when the members match the declaration and no update is running
 */
public record GroupDescription(List<Description> instances, boolean converged) {

    /**
     * Copies the member list.
     */
    public GroupDescription {
        instances = instances == null ? null : List.copyOf(instances);
    }
}
