package io.infrakit.instance.terraform;

import io.infrakit.spi.PluginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the {@code terraform} executable in the plugin's directory, one command at a time.
 *
 * <p>Every change to the directory and the {@code apply} after it run inside {@link #locked}: an in-JVM lock
 * per directory (so two plugin components on one directory in one Karaf serialise) and a POSIX file lock on
 * {@code <dir>/tf-apply.lck} (so two processes on one directory serialise too; the name is the Go plugin's,
 * which used a PID lock file instead, so the two do not exclude each other). Commands are
 * started from argument lists only, never through a shell; their output goes to {@code <dir>/tf-apply.log} and
 * {@code <dir>/tf-apply.err}, and their tail is put into the error when they fail.
 */
final class Terraform {

    /** Name of the lock file in the directory (as in the Go plugin). */
    static final String LOCK_FILE = "tf-apply.lck";
    /** Name of the file that keeps the standard output of the last command. */
    static final String LOG_FILE = "tf-apply.log";
    /** Name of the file that keeps the error output of the last command. */
    static final String ERR_FILE = "tf-apply.err";
    /**
     * A configuration file that is always there: without any, {@code terraform apply} refuses to run
     * ("No configuration files"), so destroying the last instance would never destroy its resource.
     */
    static final String ANCHOR_FILE = "infrakit.tf.json";
    /** How much of the output an error carries. */
    static final int TAIL_CHARS = 4000;

    private static final Logger LOG = LoggerFactory.getLogger(Terraform.class);
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Work done while the directory is locked. */
    @FunctionalInterface
    interface LockedWork<T> {
        T run() throws PluginException;
    }

    private final Path dir;
    private final String executable;
    private final Duration timeout;
    private final Map<String, String> env;
    private volatile boolean initialised;

    /**
     * @param dir the working directory (absolute, existing)
     * @param executable the configured executable: a name looked up on {@code PATH}, or a path
     * @param timeout the longest one command may run
     * @param env the environment to look {@code PATH} up in
     */
    Terraform(Path dir, String executable, Duration timeout, Map<String, String> env) {
        this.dir = dir;
        this.executable = executable;
        this.timeout = timeout;
        this.env = env;
    }

    /**
     * Finds the executable: a name with no {@code /} on {@code PATH}, a path as it is.
     *
     * @return the executable's path
     * @throws PluginException naming the executable and the {@code PATH} searched when it is not there
     */
    Path resolve() throws PluginException {
        String path = env.getOrDefault("PATH", "");
        if (executable.indexOf('/') >= 0) {
            Path p = Path.of(executable);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
            throw new PluginException("Terraform executable '" + executable + "' does not exist or is not executable; install Terraform"
                    + " or set 'terraform' in the plugin's configuration (etc/" + TerraformInstancePlugin.PID + "-<name>.cfg)");
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry, executable);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new PluginException("Terraform executable '" + executable + "' not found on PATH (" + path + "); install Terraform"
                + " or set 'terraform' to its full path in the plugin's configuration (etc/" + TerraformInstancePlugin.PID + "-<name>.cfg)");
    }

    /**
     * Runs work with the directory locked against every other change and apply, in this JVM and outside it.
     *
     * @param <T> the result type
     * @param work what to do
     * @return its result
     * @throws PluginException from the work, or when the lock cannot be taken
     */
    <T> T locked(LockedWork<T> work) throws PluginException {
        ReentrantLock lock = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return work.run();
        } catch (IOException e) {
            throw new PluginException("Cannot lock " + dir.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code terraform init} once per plugin (it is idempotent, and offline for built-in resources),
     * then {@code terraform apply -auto-approve}. Call it inside {@link #locked}.
     *
     * @throws PluginException with the command's output tail when it fails, times out or cannot start
     */
    void apply() throws PluginException {
        Path exe = resolve();
        Path anchor = dir.resolve(ANCHOR_FILE);
        if (!Files.exists(anchor)) {
            try {
                Files.writeString(anchor, "{\"//\": \"Managed by the InfraKit Terraform instance plugin: one instance-<n>.tf.json file per instance."
                        + " This file stays so that terraform applies (and destroys the last instance) when there is none.\"}\n");
            } catch (IOException e) {
                throw new PluginException("Cannot write " + anchor + ": " + e.getMessage(), e);
            }
        }
        if (!initialised) {
            run(exe, List.of("init", "-input=false", "-no-color"));
            initialised = true;
        }
        run(exe, List.of("apply", "-auto-approve", "-input=false", "-no-color"));
    }

    /**
     * Runs one terraform command and returns its output. Call it inside {@link #locked} when it touches state.
     *
     * @param args the arguments after the executable
     * @return the combined output
     * @throws PluginException with the command's output tail when it fails, times out or cannot start
     */
    String run(List<String> args) throws PluginException {
        return run(resolve(), args);
    }

    private String run(Path exe, List<String> args) throws PluginException {
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(args);
        Path log = dir.resolve(LOG_FILE);
        Path err = dir.resolve(ERR_FILE);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(log.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("TF_IN_AUTOMATION", "1");
        builder.environment().put("TF_INPUT", "0");
        String what = "terraform " + args.get(0) + " in " + dir;
        LOG.debug("Running {}", command);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new PluginException("Cannot run " + what + ": " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new PluginException(what + " did not finish within " + timeout.toSeconds() + " s and was killed: " + tail(read(log) + "\n" + read(err)));
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PluginException(what + " was interrupted", e);
        }
        String output = read(log);
        if (process.exitValue() != 0) {
            // terraform writes its diagnostics to stderr: put them last, where the tail keeps them
            throw new PluginException(what + " failed (exit " + process.exitValue() + "): " + tail(output + "\n" + read(err)));
        }
        return output;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** The last {@value #TAIL_CHARS} characters, without the box-drawing margins terraform puts around diagnostics. */
    static String tail(String output) {
        String text = output.replaceAll("(?m)^[╷│╵] ?", "").strip();
        return text.length() <= TAIL_CHARS ? text : "..." + text.substring(text.length() - TAIL_CHARS);
    }
}
