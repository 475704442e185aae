package io.infrakit.spi.instance;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;
import java.util.Map;

/**
 * An instance plugin that says when its instances change without the caller's doing (a file deleted, a process
 * that exited, a container that died), so that a group heals at once instead of at its next poll. Optional: a plugin
 * that does not implement it (a Go plugin) is only polled, as before.
 *
 * <p>One long-poll method, the same in-process and on the wire ({@code InstanceChanges} 0.1.0, served beside
 * {@code Instance} 0.3.0 on the plugin's socket): the caller asks for the changes after the last number it saw and
 * waits until there are some. A change is a hint to describe the instances again, never a description: the listing
 * stays the truth. {@link ChangeLog} implements the plugin's side.
 *
 * @since 0.2.0
 */
@ConsumerType
public interface InstanceChanges {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("InstanceChanges", "0.1.0");

    /** The longest wait a plugin grants ({@link #changes}' {@code waitMillis} is capped to it). */
    long MAX_WAIT_MILLIS = 30_000;

    /**
     * The changes after a number, waiting for one when there is none yet.
     *
     * @param after the {@link Changes#seq()} of the caller's last answer, or 0 at first
     * @param waitMillis how long to wait when nothing changed after {@code after} (0: answer at once; capped to
     *     {@link #MAX_WAIT_MILLIS})
     * @return the changes after {@code after}, oldest first, possibly none (the wait ended)
     * @throws PluginException if the plugin cannot tell
     */
    Changes changes(long after, long waitMillis) throws PluginException;

    /**
     * An answer of {@link #changes}.
     *
     * @param seq the number of the latest change (pass it as {@code after} next time)
     * @param changes the changes after the caller's {@code after}, oldest first
     * @param reset {@code true} when the plugin cannot list every change since {@code after} (it restarted, or
     *     {@code after} is older than what it keeps): anything may have changed, describe everything again
     */
    record Changes(long seq, List<Change> changes, boolean reset) {

        /**
         * Copies the list.
         */
        public Changes {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    /**
     * One change of one instance.
     *
     * @param instance the instance ID
     * @param tags its tags when known (so that only its group is woken up), else empty
     * @param kind what happened: see {@link Kind}
     * @param detail why, in words, for the events (an exit code, a container's last log lines), or {@code null}
     */
    record Change(String instance, Map<String, String> tags, String kind, String detail) {

        /**
         * Copies the tags.
         */
        public Change {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** The words of {@link Change#kind()}. */
    final class Kind {
        /** The instance is gone or dead: deleted, exited, died. */
        public static final String GONE = "Gone";
        /** The instance changed: its tags, its state. */
        public static final String CHANGED = "Changed";

        private Kind() {
        }
    }
}
