package io.infrakit.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Karaf of the distribution, run as an operating system process the way a user runs it: unpacked
 * from the assembly's tar.gz, configured by editing its {@code etc/*.cfg} files, started with
 * {@code bin/karaf server} and stopped with {@code bin/stop}. Its console output goes to
 * {@code <home>.console.log} next to its home; Karaf's own log stays in {@code data/log/karaf.log}.
 *
 * <p>The script runs with {@code KARAF_EXEC=exec}, so the started process is Karaf's JVM itself and
 * stopping or killing it leaves nothing behind. A shutdown hook of the test JVM kills it if the test
 * JVM ends while it runs.
 */
final class KarafProcess {

    /** Environment variables of the test JVM that would point the node at other places than its own. */
    private static final Pattern FOREIGN_ENV = Pattern.compile("(INFRAKIT_|KARAF_|JAVA_OPTS|EXTRA_JAVA_OPTS|JAVA_HOME).*");

    private final String name;
    private final Path home;
    private final Path javaHome;
    private final Map<String, String> extraEnv;
    private Process process;
    private Thread killer;

    /**
     * Describes a node; nothing is started.
     *
     * @param name its name in messages
     * @param home its Karaf home (unpacked by {@link #unpack})
     * @param javaHome the JDK it runs on
     * @param extraEnv environment variables of its own (INFRAKIT_HOME…)
     */
    KarafProcess(String name, Path home, Path javaHome, Map<String, String> extraEnv) {
        this.name = name;
        this.home = home;
        this.javaHome = javaHome;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** @return the node's name */
    String name() {
        return name;
    }

    /** @return the node's Karaf home */
    Path home() {
        return home;
    }

    /** @return Karaf's log file */
    Path karafLog() {
        return home.resolve("data/log/karaf.log");
    }

    /** @return where the process's stdout and stderr go */
    Path consoleLog() {
        return home.resolveSibling(home.getFileName() + ".console.log");
    }

    /**
     * Unpacks the distribution into the node's home, replacing what a previous run left there.
     *
     * @param tarGz the assembly archive (one top-level folder)
     */
    void unpack(Path tarGz) throws IOException, InterruptedException {
        deleteTree(home);
        Files.deleteIfExists(consoleLog());
        Files.createDirectories(home);
        run(List.of("tar", "-xzf", tarGz.toString(), "--strip-components=1", "-C", home.toString()),
                Duration.ofSeconds(60), "unpack " + tarGz);
    }

    /**
     * Sets a key of an {@code etc/} configuration file: the settings of the key (with their continuation
     * lines) are dropped and {@code key = value} is appended; commented examples are left as they are.
     *
     * @param file the file name in {@code etc/}
     * @param key the key
     * @param value the value
     */
    void configure(String file, String key, String value) throws IOException {
        Path cfg = home.resolve("etc").resolve(file);
        List<String> lines = Files.exists(cfg) ? Files.readAllLines(cfg, StandardCharsets.UTF_8) : List.of();
        Pattern setting = Pattern.compile("\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        List<String> kept = new ArrayList<>();
        boolean continuation = false;
        boolean dropping = false;
        for (String line : lines) {
            // a value goes on over the next line when this one ends with an odd number of backslashes
            if (!continuation) {
                dropping = setting.matcher(line).matches();
            }
            if (!dropping) {
                kept.add(line);
            }
            boolean comment = !continuation && (line.stripLeading().startsWith("#") || line.stripLeading().startsWith("!"));
            continuation = !comment && endsWithOddBackslashes(line);
        }
        kept.add(key + " = " + value);
        Files.write(cfg, kept, StandardCharsets.UTF_8);
    }

    private static boolean endsWithOddBackslashes(String line) {
        int count = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    /**
     * Starts {@code bin/karaf server}; returns at once.
     *
     * @throws IllegalStateException if it runs already
     */
    synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        environment(builder.environment());
        process = builder.start();
        Process started = process;
        killer = new Thread(() -> kill(started), "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** @return whether the node's process runs */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the process ID of the running node */
    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /**
     * Asks Karaf to stop ({@code bin/stop}, through its shutdown port) and waits for its process to end;
     * kills it if it does not end in time.
     *
     * @param timeout how long the orderly stop may take
     * @return whether it stopped by itself (false: it had to be killed, or {@code bin/stop} failed)
     */
    synchronized boolean stop(Duration timeout) throws InterruptedException {
        if (process == null) {
            return true;
        }
        Process stopping = process;
        boolean orderly = false;
        try {
            if (stopping.isAlive()) {
                long deadline = System.nanoTime() + timeout.toNanos();
                try {
                    run(List.of(home.resolve("bin/stop").toString()), timeout, "bin/stop of " + name);
                } catch (IOException | AssertionError e) {
                    System.err.println("[" + name + "] " + e.getMessage());
                }
                long left = Math.max(0, deadline - System.nanoTime());
                orderly = stopping.waitFor(left, TimeUnit.NANOSECONDS);
            } else {
                orderly = true;
            }
        } finally {
            kill(stopping);
            if (killer != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(killer);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
                killer = null;
            }
            process = null;
        }
        return orderly;
    }

    /**
     * The end of Karaf's log and of the console output, for a failure report.
     *
     * @param maxLines the most lines of each
     * @return the text
     */
    String logs(int maxLines) {
        StringBuilder text = new StringBuilder();
        for (Path log : List.of(karafLog(), consoleLog())) {
            text.append("===== ").append(name).append(": ").append(log).append(" =====\n");
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                if (lines.size() > maxLines) {
                    text.append("[... ").append(lines.size() - maxLines).append(" lines before ...]\n");
                    lines = lines.subList(lines.size() - maxLines, lines.size());
                }
                lines.forEach(line -> text.append(line).append('\n'));
            } catch (IOException e) {
                text.append("(cannot read: ").append(e).append(")\n");
            }
        }
        return text.toString();
    }

    private void environment(Map<String, String> env) {
        env.keySet().removeIf(key -> FOREIGN_ENV.matcher(key).matches());
        env.put("JAVA_HOME", javaHome.toString());
        // the JVM is the started process itself, not a child of the script
        env.put("KARAF_EXEC", "exec");
        env.putAll(extraEnv);
    }

    private static void kill(Process process) {
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).forEach(ProcessHandle::destroyForcibly);
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception notDeadYet) {
            // reported by whoever needs it gone
        }
    }

    /** Runs a short command with this node's environment and fails if it does not succeed in time. */
    private void run(List<String> command, Duration timeout, String what) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()));
        environment(builder.environment());
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(p);
            throw new AssertionError(what + " did not end within " + timeout.toMillis() + " ms");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(what + " failed with exit code " + p.exitValue() + " (see " + consoleLog() + ")");
        }
    }

    /**
     * Ports free on the loopback interface now, all different (held open together while choosing).
     *
     * @param count how many
     * @return the ports
     */
    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * Deletes a directory tree if it exists.
     *
     * @param root the tree
     */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
