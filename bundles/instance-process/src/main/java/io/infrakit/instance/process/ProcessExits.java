package io.infrakit.instance.process;

import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.InstanceChanges;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The exits of the instances' processes, told to {@link InstanceChanges} callers as {@code Gone} the moment they
 * happen, so that a group replaces a dead instance at once instead of at its next poll.
 *
 * <p>A process this plugin started is a child of this JVM, whose reaper thread waits for it ({@code waitpid}): its
 * exit is known at once, with its exit status ({@link #watch}). A process started before (by an earlier Karaf, or an
 * earlier plugin on the same directory) is {@linkplain #adopt adopted} when a listing finds it running; when it is
 * not a child of this JVM, the JDK polls whether it still runs (every 0.3 s at first, slowing to every 5 s), and
 * cannot tell its exit status.
 *
 * <p>A process this plugin stops in Destroy is not told: Destroy marks its instance first.
 */
final class ProcessExits {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessExits.class);

    /** How many exits are kept for callers that are behind; one further behind is told to describe everything. */
    static final int CAPACITY = 1024;

    /** The highest exit status the JDK gives a process killed by a signal: 128 + the signal's number (1 to 64). */
    private static final int LAST_SIGNAL_STATUS = 128 + 64;

    /** One watched process: the tags to tell with its exit (Label changes them), and whether Destroy is stopping it. */
    private static final class Watched {
        volatile Map<String, String> tags;
        volatile boolean destroying;

        Watched(Map<String, String> tags) {
            this.tags = tags == null ? Map.of() : tags;
        }
    }

    private final ChangeLog log = new ChangeLog(CAPACITY);
    private final ConcurrentMap<String, Watched> watched = new ConcurrentHashMap<>();

    /** The log the {@link InstanceChanges} calls are answered from. */
    ChangeLog log() {
        return log;
    }

    /**
     * Watches a process this plugin has just started (a child of this JVM: its exit status is known).
     *
     * @param id the instance
     * @param process the process
     * @param tags the instance's tags
     */
    void watch(String id, Process process, Map<String, String> tags) {
        Watched w = new Watched(tags);
        watched.put(id, w);
        process.onExit().thenAccept(p -> exited(id, w, exitStatus(p.exitValue())));
    }

    /**
     * Watches a running process of an instance this plugin did not start, unless it is watched already.
     *
     * @param id the instance
     * @param process the process, known to be the instance's (same pid and start time)
     * @param tags the instance's tags
     */
    void adopt(String id, ProcessHandle process, Map<String, String> tags) {
        if (watched.containsKey(id)) {
            return;
        }
        Watched w = new Watched(tags);
        if (watched.putIfAbsent(id, w) == null) {
            LOG.debug("Watching the process {} of instance {}, started before this plugin", process.pid(), id);
            process.onExit().thenAccept(p -> exited(id, w, "process " + p.pid() + " ended (started before this plugin: exit status unknown)"));
        }
    }

    /**
     * Keeps the tags an exit is told with up to date.
     *
     * @param id the instance
     * @param tags its tags now
     */
    void relabel(String id, Map<String, String> tags) {
        Watched w = watched.get(id);
        if (w != null) {
            w.tags = tags == null ? Map.of() : tags;
        }
    }

    /**
     * Marks an instance that Destroy is about to stop, so that its exit is not told.
     *
     * @param id the instance
     */
    void destroying(String id) {
        Watched w = watched.get(id);
        if (w != null) {
            w.destroying = true;
        }
    }

    /** Whether an instance's process is watched (for tests). */
    boolean watches(String id) {
        return watched.containsKey(id);
    }

    private void exited(String id, Watched w, String detail) {
        watched.remove(id, w);
        if (!w.destroying) {
            log.record(new InstanceChanges.Change(id, w.tags, InstanceChanges.Kind.GONE, detail));
        }
    }

    /**
     * An exit status in words. The JDK reports a process killed by signal {@code n} as {@code 128 + n}, as shells do,
     * which a script's own {@code exit 137} cannot be told from.
     */
    static String exitStatus(int status) {
        if (status > 128 && status <= LAST_SIGNAL_STATUS) {
            return "exit status " + status + " (signal " + (status - 128) + ")";
        }
        return "exit status " + status;
    }
}
