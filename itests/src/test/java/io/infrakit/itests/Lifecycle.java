package io.infrakit.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/**
 * What the plugin lifecycle tests share: the container (the assembly with a short plugins directory),
 * new versions of a bundle made from its jar, and bundle lookups by symbolic name.
 */
final class Lifecycle {

    /** System property (test JVM and container): the plugins directory of this run. */
    static final String PLUGINS_DIR = "infrakit.itest.plugins.dir";

    /** System property (container): the directory of the default file instance plugin. */
    static final String INSTANCES_DIR = "infrakit.itest.instances.dir";

    /** System property (from Maven): the examples/ directory of the source tree. */
    static final String EXAMPLES_DIR = "infrakit.itest.examples.dir";

    /** System property (from Maven): the jar of examples/java-plugin. */
    static final String EXAMPLE_PLUGIN_JAR = "infrakit.itest.example.plugin.jar";

    /** System property (from Maven): where tests write the figures they measured. */
    static final String REPORT_DIR = "infrakit.itest.report.dir";

    /** Replacement timeout of the plugin host in these tests: how long a name may go without a service. */
    static final long REPLACEMENT_TIMEOUT_MS = 2000;

    /** The symbolic names of the bundles the tests handle. */
    static final String INSTANCE_FILE_BSN = "io.infrakit.instance.file";
    static final String FLAVOR_VANILLA_BSN = "io.infrakit.flavor.vanilla";
    static final String EXAMPLE_BSN = "io.infrakit.examples.plugin";

    private Lifecycle() {
    }

    /**
     * The container: the assembly under test as it is shipped, with the real local Maven repository, a
     * short plugins directory under /tmp (Pax Exam's unpack path would exceed the 107-byte socket path
     * limit) and a directory of its own for the default file instance plugin.
     *
     * <p>{@code useDeployFolder(false)} only tells Pax Exam to provision its own bundles (the probe) by a
     * feature instead of copying them into {@code deploy/}; the assembly's
     * {@code etc/org.apache.felix.fileinstall-deploy.cfg} still has Felix FileInstall watch {@code deploy/}
     * (every second), which the hot deploy test relies on.
     *
     * @param replacementTimeoutMs how long the plugin host waits for a plugin's replacement
     * @param extra more options
     * @return the options
     * @throws IOException if the directories cannot be created
     */
    static Option[] container(long replacementTimeoutMs, Option... extra) throws IOException {
        Path plugins = tempDirectory("ikit");
        Path instances = tempDirectory("ikit-instances");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven()
                                .groupId("io.infrakit")
                                .artifactId("infrakit-karaf-assembly")
                                .version(required("infrakit.version"))
                                .type("tar.gz"))
                        .karafVersion(required("karaf.version"))
                        .name("InfraKit")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository", required("org.ops4j.pax.url.mvn.localRepository")),
                editConfigurationFilePut("etc/io.infrakit.rpc.cfg", "plugins.dir", plugins.toString()),
                editConfigurationFilePut("etc/io.infrakit.rpc.cfg", "replacement.timeout.ms",
                        Long.toString(replacementTimeoutMs)),
                editConfigurationFilePut("etc/io.infrakit.instance.file-default.cfg", "dir", instances.toString()),
                editConfigurationFilePut("etc/io.infrakit.manager.file.cfg", "leader.file", instances.resolveSibling(instances.getFileName() + "-leader").toString()),
                editConfigurationFilePut("etc/io.infrakit.manager.file.cfg", "store.dir", instances.resolveSibling(instances.getFileName() + "-configs").toString()),
                systemProperty(PLUGINS_DIR).value(plugins.toString()),
                systemProperty(INSTANCES_DIR).value(instances.toString()),
                systemProperty(EXAMPLES_DIR).value(required(EXAMPLES_DIR)),
                systemProperty(EXAMPLE_PLUGIN_JAR).value(required(EXAMPLE_PLUGIN_JAR)),
                systemProperty(REPORT_DIR).value(required(REPORT_DIR))));
        Collections.addAll(options, extra);
        return options(options.toArray(Option[]::new));
    }

    /** The longest wait for a plugin's socket file once its service is there, or its feature installed. */
    static final Duration PLUGIN_SOCKET_WAIT = Duration.ofSeconds(30);

    /**
     * Waits for the socket of a plugin name in the plugins directory of this run.
     *
     * @param name the plugin name
     * @return the socket's path
     * @throws AssertionError if it does not appear in {@link #PLUGIN_SOCKET_WAIT}
     */
    static Path awaitPluginSocket(String name) throws IOException, InterruptedException {
        Path socket = Path.of(required(PLUGINS_DIR)).resolve(name);
        SocketFiles.awaitPresent(socket, PLUGIN_SOCKET_WAIT);
        return socket;
    }

    /**
     * Nanoseconds as whole milliseconds, for reports.
     *
     * @param nanos a duration in nanoseconds
     * @return the milliseconds, rounded
     */
    static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    /**
     * A new directory for a run under {@code /tmp} (short: socket paths have at most 106 bytes), or the
     * JVM's temporary directory when {@code /tmp} is not writable.
     *
     * @param prefix the start of its name
     * @return the directory
     * @throws IOException if it cannot be created
     */
    static Path tempDirectory(String prefix) throws IOException {
        Path tmp = Path.of("/tmp");
        Path dir = Files.createTempDirectory(Files.isWritable(tmp) ? tmp : Path.of(System.getProperty("java.io.tmpdir")), prefix);
        dir.toFile().deleteOnExit();
        return dir;
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests with Maven");
        }
        return value;
    }

    /**
     * Writes a copy of a bundle jar that differs only by its {@code Bundle-Version}: the same bundle
     * "built from the same sources with a bumped version".
     *
     * @param jar the original jar
     * @param version the new version
     * @param target the file to write
     * @return {@code target}
     */
    static Path withVersion(InputStream jar, Version version, Path target) throws IOException {
        try (JarInputStream in = new JarInputStream(jar)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version.toString());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * The jar a bundle was installed from (its location: {@code mvn:}, {@code file:}), as the framework
     * reads it.
     *
     * @param bundle the bundle
     * @return the jar's content
     */
    static InputStream jarOf(Bundle bundle) throws IOException {
        return new URL(bundle.getLocation()).openStream();
    }

    /**
     * The version of the jar of a file.
     *
     * @param jar the jar
     * @return its {@code Bundle-Version}
     */
    static Version versionOf(Path jar) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            return Version.parseVersion(in.getManifest().getMainAttributes().getValue("Bundle-Version"));
        }
    }

    /**
     * The version after another: the micro part raised by {@code steps}, the qualifier kept.
     *
     * @param version the version
     * @param steps how far to go
     * @return the later version
     */
    static Version bumped(Version version, int steps) {
        return new Version(version.getMajor(), version.getMinor(), version.getMicro() + steps, version.getQualifier());
    }

    /**
     * The installed bundles of a symbolic name.
     *
     * @param context a bundle context
     * @param symbolicName the symbolic name
     * @return the bundles, in installation order
     */
    static List<Bundle> bundles(BundleContext context, String symbolicName) {
        List<Bundle> found = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                found.add(bundle);
            }
        }
        return found;
    }

    /**
     * The one installed bundle of a symbolic name.
     *
     * @param context a bundle context
     * @param symbolicName the symbolic name
     * @return the bundle
     * @throws AssertionError if there is none or more than one
     */
    static Bundle bundle(BundleContext context, String symbolicName) {
        List<Bundle> found = bundles(context, symbolicName);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " bundles " + symbolicName + " installed: " + found);
        }
        return found.get(0);
    }

    /**
     * Appends lines to a report file of the run (target/), and prints them.
     *
     * @param file the report's file name
     * @param lines the lines
     */
    static void report(String file, List<String> lines) throws IOException {
        lines.forEach(System.out::println);
        Path dir = Path.of(required(REPORT_DIR));
        Files.createDirectories(dir);
        Files.write(dir.resolve(file), lines, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
