package io.infrakit.instance.vagrant;

import io.infrakit.spi.PluginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code vagrant} executable for one machine directory: always an argument list, never a shell
 * string, with {@code VAGRANT_CWD} set in the child's environment and the directory as its working
 * directory. Its output (stdout and stderr together) goes to a log file in that directory, not to a pipe:
 * a provider daemon that vagrant leaves running (VirtualBox's {@code VBoxSVC}) would keep a pipe open
 * forever, and the file stays for the user to read. The last lines are what an error reports.
 */
final class VagrantCli {

    /** Lines of output quoted in an error. */
    static final int TAIL_LINES = 20;
    private static final int TAIL_BYTES = 8192;
    /** How long a killed run (and what it started) may take to be gone. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(VagrantCli.class);

    /**
     * The outcome of one run.
     *
     * @param exitCode the exit code, {@code -1} when it was killed
     * @param timedOut whether it was killed at its timeout
     * @param interrupted whether it was killed because the calling thread was interrupted (flag kept set)
     * @param outputTail the last lines of its output
     */
    record Result(int exitCode, boolean timedOut, boolean interrupted, String outputTail) {
        boolean ok() {
            return !timedOut && !interrupted && exitCode == 0;
        }

        /** How it failed, for messages: {@code (exit code 1)}, {@code (timed out after 5000 ms)}, {@code (interrupted)}. */
        String failure(Duration timeout) {
            return timedOut ? "(timed out after " + timeout.toMillis() + " ms)" : interrupted ? "(interrupted)" : "(exit code " + exitCode + ")";
        }
    }

    private final String executable;
    private final Map<String, String> environment;

    /**
     * Creates a runner.
     *
     * @param executable a path ({@code /usr/bin/vagrant}) or a name looked up on the {@code PATH} of {@code environment}
     * @param environment the child's environment (without {@code VAGRANT_CWD}, which is set per call)
     */
    VagrantCli(String executable, Map<String, String> environment) {
        this.executable = executable;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Runs {@code vagrant <args>} for a machine and waits for it.
     *
     * @param machineDir the machine's directory ({@code VAGRANT_CWD} and working directory)
     * @param log the log file for the output, inside {@code machineDir}
     * @param timeout how long it may run before it and its descendants are killed
     * @param args the arguments after the executable
     * @return what happened; an interrupted wait kills the process and is reported in the result
     * @throws PluginException if the executable cannot be found or started
     */
    Result run(Path machineDir, Path log, Duration timeout, String... args) throws PluginException {
        List<String> command = new ArrayList<>();
        command.add(resolve());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(machineDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("VAGRANT_CWD", machineDir.toString());
        pb.environment().put("PWD", machineDir.toString());
        LOG.info("Running {} in {}", command, machineDir);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new PluginException("Cannot start " + command + " in " + machineDir + ": " + e.getMessage(), e);
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            LOG.warn("{} in {} killed: the calling thread was interrupted", command, machineDir);
            Thread.currentThread().interrupt();
            return new Result(-1, false, true, tail(log));
        }
        if (!finished) {
            kill(process);
            LOG.warn("{} in {} did not finish within {}; killed", command, machineDir, timeout);
            return new Result(-1, true, false, tail(log));
        }
        int exit = process.exitValue();
        LOG.info("{} in {} exited with {}", command, machineDir, exit);
        return new Result(exit, false, false, tail(log));
    }

    /** The executable to run: a path as it is, a bare name searched on the child's PATH (not Karaf's). */
    String resolve() throws PluginException {
        if (executable.indexOf('/') >= 0) {
            Path path = Path.of(executable).toAbsolutePath();
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new PluginException("Vagrant executable " + path + " is not an executable file (configuration key 'vagrant')");
            }
            return path.toString();
        }
        String searchPath = environment.getOrDefault("PATH", "");
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        throw new PluginException("Cannot find '" + executable + "' on PATH (" + searchPath
                + "): install Vagrant, or set 'vagrant' to its path in the plugin's configuration");
    }

    /**
     * Kills a run and everything it started, top down, then waits until all of it is gone.
     *
     * <p>Each process is killed before its children, whose list is taken just before: no process is left alive
     * to react to the death of its children (a shell printing {@code Killed} into the log, vagrant starting its
     * error handling and new children that nobody would kill), and the children, re-parented once their parent
     * is gone, are still known. Waiting for all of them (not only for vagrant itself) means the output is
     * complete when its tail is read, and that the cleanup does not run alongside a dying provider command. A
     * process started in the instant between the list and the kill, or one that left the tree (a daemon), is
     * not found.
     */
    private static void kill(Process process) {
        List<ProcessHandle> killed = new ArrayList<>();
        List<ProcessHandle> children = process.children().toList();
        process.destroyForcibly();
        killed.add(process.toHandle());
        children.forEach(child -> killTree(child, killed));
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        try {
            List<Long> running;
            while (!(running = killed.stream().filter(VagrantCli::running).map(ProcessHandle::pid).toList()).isEmpty()) {
                if (System.nanoTime() - deadline >= 0) {
                    LOG.warn("Processes {} of a vagrant run still run {} after they were killed", running, KILL_WAIT);
                    return;
                }
                try {
                    // polled: there is no notification for processes that are not this JVM's children
                    TimeUnit.MILLISECONDS.sleep(10);
                } catch (InterruptedException e) {
                    interrupted = true; // the caller gave up already: finish the bounded wait
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void killTree(ProcessHandle process, List<ProcessHandle> killed) {
        List<ProcessHandle> children = process.children().toList();
        process.destroyForcibly();
        killed.add(process);
        children.forEach(child -> killTree(child, killed));
    }

    /**
     * Whether a process still runs: alive, and not a zombie ({@link ProcessHandle#isAlive} counts zombies, and
     * a killed descendant re-parented to a PID 1 that does not reap, as in many containers, stays one).
     */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) S ...": the state follows the last ')', as comm may contain anything
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state != 'Z' && state != 'X' && process.isAlive();
        } catch (IOException e) {
            return process.isAlive(); // gone meanwhile, or no /proc (not Linux)
        }
    }

    /** The last lines of a log file (at most {@value #TAIL_LINES} lines from its last 8 KiB). */
    static String tail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long start = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n').strip();
            String[] lines = text.split("\n");
            int from = Math.max(0, lines.length - TAIL_LINES);
            return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * The environment a plugin gives vagrant by default: the JVM's own.
     *
     * @return a mutable copy of the process environment
     */
    static Map<String, String> processEnvironment() {
        return new HashMap<>(System.getenv());
    }
}
