package io.infrakit.spi.group;

import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * The state of a group: {@code {"Instances":[..],"Converged":bool,"Update":..,"Error":..}}. The last two
 * are additions of this product; clients of the original ignore them.
 *
 * @param instances the group's members, or {@code null}
 * @param converged {@code true} when the members match the declaration in number and configuration and no
 *     update is running
 * @param update the rolling update in progress, in words, or {@code null}
 * @param error why the group is not converging (a plugin failing, an update stopped), or {@code null}
 */
public record GroupDescription(List<Description> instances, boolean converged, String update, String error) {

    /**
     * Copies the member list.
     */
    public GroupDescription {
        instances = instances == null ? null : List.copyOf(instances);
    }

    /**
     * A description with the original's two fields only.
     *
     * @param instances the members
     * @param converged whether the group is converged
     */
    public GroupDescription(List<Description> instances, boolean converged) {
        this(instances, converged, null, null);
    }
}
