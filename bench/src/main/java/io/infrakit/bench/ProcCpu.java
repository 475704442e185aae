package io.infrakit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from {@code /proc/<pid>/stat} (user + system, all threads), for CPU per call. */
final class ProcCpu {

    /** Clock ticks per second of {@code /proc} times; 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /**
     * CPU time used so far.
     *
     * @param pid a process id
     * @return nanoseconds, or -1 when unknown
     */
    static long nanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time all processes of the machine have used so far ({@code /proc/stat}: everything but idle and
     * iowait), to tell how much of a measurement other programs took.
     *
     * @return nanoseconds summed over all cores, or -1 when unknown
     */
    static long machineBusyNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
