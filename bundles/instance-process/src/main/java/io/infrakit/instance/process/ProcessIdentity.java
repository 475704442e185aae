package io.infrakit.instance.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process told apart from any later process that reuses its pid: the pid and the process's start time.
 *
 * <p>On Linux the start time is field 22 of {@code /proc/<pid>/stat} (clock ticks since boot), which is exact
 * and the same for every reader at any time. {@code ProcessHandle.Info.startInstant()} is derived from it and
 * the boot time, which the kernel recomputes and may move by a second, so it is used only where there is no
 * {@code /proc} (macOS, BSD), where it is read from the kernel directly.
 *
 * @param pid the process ID
 * @param start the start time: {@code proc:<ticks>} or {@code instant:<epoch millis>}
 */
record ProcessIdentity(long pid, String start) {

    private static final Path PROC = Path.of("/proc");

    /**
     * The identity of the live process with a pid.
     *
     * @param pid the pid
     * @return its identity, or empty when no process has this pid or it has exited (a zombie)
     */
    static Optional<ProcessIdentity> of(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        if (Files.isDirectory(PROC.resolve("self"))) {
            return procStart(pid).map(ticks -> new ProcessIdentity(pid, "proc:" + ticks));
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().startInstant())
                .map(Instant::toEpochMilli)
                .map(millis -> new ProcessIdentity(pid, "instant:" + millis));
    }

    /**
     * Tells whether this very process is still running (same pid and same start time).
     *
     * @return {@code true} if it runs
     */
    boolean isAlive() {
        return start != null && of(pid).map(this::equals).orElse(false);
    }

    /**
     * The handle of this process, if it still runs.
     *
     * @return the handle, or empty when the process has exited or its pid is now another process's
     */
    Optional<ProcessHandle> handle() {
        return isAlive() ? ProcessHandle.of(pid) : Optional.empty();
    }

    /** The start time in ticks and the state of {@code /proc/<pid>/stat}; empty for a dead or zombie process. */
    private static Optional<String> procStart(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 20) {
            return Optional.empty();
        }
        String state = fields[0];
        if (state.equals("Z") || state.equals("X") || state.equals("x")) {
            return Optional.empty();
        }
        return Optional.of(fields[19]); // field 22 (starttime); fields[0] is field 3 (state)
    }
}
