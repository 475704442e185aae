package io.infrakit.spi.group;

/**
 * Something a group's controller or manager did, and why: one line of a group's journal.
 *
 * @param seq its number in the journal, increasing ({@code 0} until the journal numbers it)
 * @param time when, in milliseconds since the epoch
 * @param group the group ID
 * @param type what happened: see {@link Type}
 * @param message a sentence for people
 * @param instance the instance it concerns, or {@code null}
 * @param configSHA the configuration concerned ({@code infrakit.config_sha}), or {@code null}
 * @param revision the revision concerned (the manager fills it in from the configuration), 0 when unknown
 * @param source who asked for it (see {@link GroupControl.Source}), or {@code null} for the controller
 * @param count how many instances it concerns ({@link Type#INSTANCE_CREATED}, {@link Type#INSTANCE_DESTROYED},
 *     {@link Type#INSTANCE_LOST}), else 0
 * @param cause why instances were created or destroyed, in one word (see {@link Cause}), else {@code null}
 * @since 0.5.0 for {@code count} and {@code cause}
 */
public record GroupEvent(long seq, long time, String group, String type, String message, String instance, String configSHA,
                         int revision, String source, int count, String cause) {

    /**
     * An event that concerns no count of instances (as in 0.4.0).
     *
     * @param seq its number
     * @param time when
     * @param group the group ID
     * @param type what happened
     * @param message a sentence
     * @param instance the instance, or {@code null}
     * @param configSHA the configuration, or {@code null}
     * @param revision the revision, or 0
     * @param source who asked, or {@code null}
     */
    public GroupEvent(long seq, long time, String group, String type, String message, String instance, String configSHA,
                      int revision, String source) {
        this(seq, time, group, type, message, instance, configSHA, revision, source, 0, null);
    }

    /**
     * The words of {@link #cause()}: why the controller created or destroyed instances. Metrics count instances by
     * these words ({@code infrakit_instances_created_total{cause="missing"}}).
     *
     * @since 0.5.0
     */
    public static final class Cause {
        /** Members were missing: the group had fewer than it should, or a member was lost. */
        public static final String MISSING = "missing";
        /** Members were unhealthy and replaced. */
        public static final String UNHEALTHY = "unhealthy";
        /** A rolling update replaced members with the new configuration. */
        public static final String ROLLING = "rolling";
        /** The group was scaled down (or had members beyond its logical IDs). */
        public static final String SCALE = "scale";
        /** The group was destroyed. */
        public static final String DESTROY = "destroy";

        private Cause() {
        }
    }

    /** The words of {@link #type()}; the Event Admin topic is {@code io/infrakit/group/<type>}. */
    public static final class Type {
        /** A spec was committed. */
        public static final String COMMITTED = "Committed";
        /** A rollout to a new configuration started. */
        public static final String ROLLOUT_STARTED = "RolloutStarted";
        /** A rollout replaced members. */
        public static final String ROLLOUT_PROGRESSED = "RolloutProgressed";
        /** A rollout was paused. */
        public static final String ROLLOUT_PAUSED = "RolloutPaused";
        /** A paused or stopped rollout was resumed. */
        public static final String ROLLOUT_RESUMED = "RolloutResumed";
        /** A rollout was stopped. */
        public static final String ROLLOUT_STOPPED = "RolloutStopped";
        /** A rollout failed. */
        public static final String ROLLOUT_FAILED = "RolloutFailed";
        /** Every member reached the new configuration. */
        public static final String ROLLOUT_COMPLETED = "RolloutCompleted";
        /** A failed rollout started rolling back. */
        public static final String ROLLBACK_STARTED = "RollbackStarted";
        /** Every member is back at the configuration before the failed rollout. */
        public static final String ROLLED_BACK = "RolledBack";
        /** Instances were created. */
        public static final String INSTANCE_CREATED = "InstanceCreated";
        /** Instances were destroyed. */
        public static final String INSTANCE_DESTROYED = "InstanceDestroyed";
        /** A member disappeared without the controller destroying it. */
        public static final String INSTANCE_LOST = "InstanceLost";
        /** A plugin the group needs is missing. */
        public static final String PLUGIN_MISSING = "PluginMissing";
        /** A missing plugin is back. */
        public static final String PLUGIN_BACK = "PluginBack";
        /** A cycle failed. */
        public static final String ERROR = "Error";
        /** The group is converged. */
        public static final String CONVERGED = "Converged";
        /** The group is to be destroyed. */
        public static final String DESTROYING = "Destroying";
        /** The group is destroyed and forgotten. */
        public static final String DESTROYED = "Destroyed";
        /** The group is no longer managed; its instances were left alone. */
        public static final String FREED = "Freed";

        private Type() {
        }
    }

    /**
     * An event of the controller, not numbered yet.
     *
     * @param group the group ID
     * @param type what happened
     * @param message a sentence
     * @param instance the instance, or {@code null}
     * @param configSHA the configuration, or {@code null}
     * @return the event, timed now
     */
    public static GroupEvent of(String group, String type, String message, String instance, String configSHA) {
        return new GroupEvent(0, System.currentTimeMillis(), group, type, message, instance, configSHA, 0, null);
    }

    /**
     * The same event numbered.
     *
     * @param number its number
     * @return the event
     */
    public GroupEvent withSeq(long number) {
        return new GroupEvent(number, time, group, type, message, instance, configSHA, revision, source, count, cause);
    }

    /**
     * The same event with a revision.
     *
     * @param number the revision
     * @return the event
     */
    public GroupEvent withRevision(int number) {
        return new GroupEvent(seq, time, group, type, message, instance, configSHA, number, source, count, cause);
    }

    /**
     * The same event with a source.
     *
     * @param who where the request came from
     * @return the event
     */
    public GroupEvent withSource(String who) {
        return new GroupEvent(seq, time, group, type, message, instance, configSHA, revision, who, count, cause);
    }

    /**
     * The same event with the instances it concerns counted and their cause.
     *
     * @param instances how many instances
     * @param why the cause (see {@link Cause})
     * @return the event
     * @since 0.5.0
     */
    public GroupEvent withCount(int instances, String why) {
        return new GroupEvent(seq, time, group, type, message, instance, configSHA, revision, source, instances, why);
    }
}
