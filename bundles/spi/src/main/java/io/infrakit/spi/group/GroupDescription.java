package io.infrakit.spi.group;

import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * The state of a group: {@code {"Instances":[..],"Converged":bool,"Status":..,"Update":..,"Error":..}}. The
 * last three are additions of this product, left out when empty; clients of the original ignore them.
 *
 * @param instances the group's members, or {@code null}
 * @param converged {@code true} when the members match the declaration in number and configuration and no
 *     update is running
 * @param update the rolling update in progress, or how the last one ended, in words, or {@code null}
 * @param error why the group is not converging (a plugin failing, an update stopped), or {@code null}
 * @param status the group's status in one word (see {@link Status}), or {@code null} when not known
 */
public record GroupDescription(List<Description> instances, boolean converged, String update, String error, String status) {

    /** The words of {@link #status()} (and of {@link GroupStatus#status()}). */
    public static final class Status {
        /** Every member is there, healthy enough and at the declared configuration. */
        public static final String CONVERGED = "Converged";
        /** Members are being created or removed to match the declaration. */
        public static final String CONVERGING = "Converging";
        /** A rollout to a new configuration is running. */
        public static final String ROLLING = "Rolling";
        /** The rollout is paused: no member is replaced until it is resumed. */
        public static final String PAUSED = "Paused";
        /** The rollout was stopped: the members keep the configurations they have. */
        public static final String STOPPED = "Stopped";
        /** The last rollout failed: its configuration is not created in a loop; commit another one or roll back. */
        public static final String FAILED = "Failed";
        /** The last rollout failed and the members move back to the last configuration that completed. */
        public static final String ROLLING_BACK = "RollingBack";
        /** The last rollout failed and every member is back at the last configuration that completed. */
        public static final String ROLLED_BACK = "RolledBack";
        /** The group is being destroyed: it is forgotten once no member is left. */
        public static final String DESTROYING = "Destroying";
        /** The group is stored, and its controller is starting (after a restart or a change of leader). */
        public static final String STARTING = "Starting";
        /** A plugin the group needs is not there (not installed yet, being reinstalled, its socket gone). */
        public static final String WAITING_FOR_PLUGIN = "WaitingForPlugin";
        /** The controller cannot act: a plugin fails, or this node does not lead. */
        public static final String ERROR = "Error";

        private Status() {
        }
    }

    /**
     * Copies the member list.
     */
    public GroupDescription {
        instances = instances == null ? null : List.copyOf(instances);
    }

    /**
     * A description without a status.
     *
     * @param instances the members
     * @param converged whether the group is converged
     * @param update the rolling update, in words, or {@code null}
     * @param error what is wrong, or {@code null}
     */
    public GroupDescription(List<Description> instances, boolean converged, String update, String error) {
        this(instances, converged, update, error, null);
    }

    /**
     * A description with the original's two fields only.
     *
     * @param instances the members
     * @param converged whether the group is converged
     */
    public GroupDescription(List<Description> instances, boolean converged) {
        this(instances, converged, null, null, null);
    }
}
