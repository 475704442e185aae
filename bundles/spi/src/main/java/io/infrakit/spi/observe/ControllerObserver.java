package io.infrakit.spi.observe;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told what the controller measured, for metrics: register an implementation as an OSGi service (the whiteboard
 * pattern) and every plugin call made through the registry, every cycle of a group's controller and every failure
 * of the manager's store is reported to it. Nothing is measured for nobody: with no observer registered, the
 * registry returns plugins unwrapped.
 *
 * <p>Methods are called on the thread that did the work, often a group's loop: an implementation must return
 * quickly, never block and never throw (what it throws is logged and ignored).
 */
@ConsumerType
public interface ControllerObserver {

    /** {@link #pluginCalled}'s outcome of a call that returned. */
    String OK = "ok";
    /** {@link #pluginCalled}'s outcome of a call that threw (the plugin refused, failed, or could not be reached). */
    String ERROR = "error";

    /**
     * A call into a plugin ended.
     *
     * @param plugin the plugin name as looked up ({@code name} or {@code name/type})
     * @param method the method as on the wire ({@code Instance.Provision}, {@code Flavor.Healthy})
     * @param outcome {@link #OK} or {@link #ERROR}
     * @param nanos how long it took
     */
    default void pluginCalled(String plugin, String method, String outcome, long nanos) {
    }

    /**
     * One cycle of a group's controller ended (describe, decide, act).
     *
     * @param group the group ID
     * @param nanos how long it took
     * @param failed whether it ended in an error
     */
    default void cycleEnded(String group, long nanos, boolean failed) {
    }

    /**
     * An operation of the manager's store failed.
     *
     * @param operation {@code load} or {@code save}
     * @param detail why, in words
     */
    default void storeFailed(String operation, String detail) {
    }
}
