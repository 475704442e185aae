package io.infrakit.instance.process;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Stops a process and its descendants: SIGTERM, then SIGKILL to whatever still runs after a grace period. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Terminates a process and every descendant it has now.
     *
     * <p>The descendants are collected before the first signal: once their parent is gone they are re-parented
     * and can no longer be found from it. A process that daemonised itself away from the tree is not found.
     *
     * @param root the process
     * @param grace how long to wait after SIGTERM before SIGKILL
     * @return {@code true} if SIGKILL was needed
     * @throws InterruptedException if interrupted while waiting
     */
    static boolean terminate(ProcessHandle root, Duration grace) throws InterruptedException {
        Set<ProcessHandle> tree = tree(root);
        tree.forEach(ProcessHandle::destroy);
        if (awaitExit(tree, grace)) {
            return false;
        }
        // children started after the first snapshot (a trap handler that goes on looping, say)
        tree.addAll(tree(root));
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, Duration.ofSeconds(5));
        return true;
    }

    private static Set<ProcessHandle> tree(ProcessHandle root) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(root);
        tree.addAll(root.descendants().collect(Collectors.toList()));
        return tree;
    }

    /** Polls, because {@code onExit()} waits for a zombie that nobody reaps (PID 1 in a container may not). */
    private static boolean awaitExit(Set<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(h -> ProcessIdentity.of(h.pid()).isPresent())) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }
}
