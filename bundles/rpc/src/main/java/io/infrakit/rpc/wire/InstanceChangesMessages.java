package io.infrakit.rpc.wire;

import io.infrakit.spi.instance.InstanceChanges;

/**
 * The params of {@code InstanceChanges.Changes} (an interface of this product, not of the original). Its result is
 * {@link InstanceChanges.Changes} itself: {@code {"Seq":n,"Changes":[{"Instance","Tags","Kind","Detail"}],"Reset":bool}},
 * {@code Detail} left out when there is none.
 */
public final class InstanceChangesMessages {

    private InstanceChangesMessages() {
    }

    /**
     * {@code InstanceChanges.Changes} params.
     *
     * @param after the {@code Seq} of the caller's last answer, or 0 at first
     * @param waitMillis how long the plugin may hold the call when nothing changed after {@code after} (at most
     *     {@link InstanceChanges#MAX_WAIT_MILLIS})
     */
    public record ChangesRequest(long after, long waitMillis) {
    }

    /**
     * A wait as a plugin grants it: 0 to {@link InstanceChanges#MAX_WAIT_MILLIS}.
     *
     * @param waitMillis the wait asked for
     * @return the wait granted
     */
    public static long cappedWait(long waitMillis) {
        return Math.max(0, Math.min(InstanceChanges.MAX_WAIT_MILLIS, waitMillis));
    }
}
