package io.infrakit.instance.docker;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plugin's {@code Properties}, as the user writes them, checked: what the engine would not check when the
 * container is created (the shape of every field, names of variables, a port's protocol, a host address) is
 * refused here, naming the field; what the engine checks (an image reference, a host port's range, a mount, a
 * memory or CPU limit) is left to it, so that its own words reach the user (see {@code Validate}).
 *
 * @param image the image reference (required)
 * @param cmd the command, or {@code null} for the image's (or {@code Init})
 * @param entrypoint the entrypoint, or {@code null} for the image's
 * @param env the environment variables to add
 * @param labels the labels to add
 * @param ports the host bindings
 * @param mounts the mounts, passed to the engine as they are
 * @param network the network mode or network name, or {@code null} for the engine's default
 * @param memory the memory limit in bytes, or {@code null} for none
 * @param nanoCpus the CPU limit in billionths of a CPU, or {@code null} for none
 * @param pullPolicy when the image is pulled
 */
record DockerProperties(String image, List<String> cmd, List<String> entrypoint, Map<String, String> env, Map<String, String> labels,
                        List<Port> ports, List<Mount> mounts, String network, Long memory, Long nanoCpus, PullPolicy pullPolicy) {

    /** The plugin's kind, which its messages about properties start with. */
    static final String KIND = "instance-docker";

    /** Variables the plugin sets itself, which {@code Env} may not override. */
    static final Set<String> RESERVED_ENV = Set.of("INFRAKIT_INSTANCE_ID", "INFRAKIT_LOGICAL_ID");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CONTAINER_PORT = Pattern.compile("\\d{1,5}(/(tcp|udp|sctp))?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /** When the image is pulled before a container is created. */
    enum PullPolicy {
        /** Pulled when the engine does not have it (the default). */
        IfNotPresent,
        /** Pulled before every container, so a moving tag is followed. */
        Always,
        /** Never pulled: an image the engine does not have is an error (machines without a registry). */
        Never
    }

    /**
     * A host binding of a container port.
     *
     * @param container the container's port, {@code 80} or {@code 80/tcp} ({@code tcp}, {@code udp}, {@code sctp})
     * @param hostPort the host's port, or {@code null} (or 0) for one the engine picks
     * @param hostIP the host address to bind, or {@code null} for every address
     */
    record Port(String container, Integer hostPort, String hostIP) {

        /** @return the container port with its protocol: {@code 80/tcp} */
        String key() {
            return container.contains("/") ? container : container + "/tcp";
        }
    }

    /**
     * A mount, as the engine's {@code HostConfig.Mounts} takes it.
     *
     * @param type {@code bind}, {@code volume} or {@code tmpfs}
     * @param source the host path or the volume's name
     * @param target the path in the container
     * @param readOnly whether it is mounted read-only
     */
    record Mount(String type, String source, String target, Boolean readOnly) {
    }

    /** The properties as written: names match without regard to case, as Go's decoder does. */
    record Fields(String image, List<String> cmd, List<String> entrypoint, Map<String, String> env, Map<String, String> labels,
                  List<Port> ports, List<Mount> mounts, String network, RawJson memory, Double cpus, String pullPolicy) {
    }

    /**
     * Decodes and checks properties.
     *
     * @param json the codec
     * @param properties the {@code Instance.Properties}, or {@code null}
     * @return the checked properties
     * @throws PluginException naming the field at fault, starting with {@value #KIND}
     */
    static DockerProperties parse(JsonCodec json, RawJson properties) throws PluginException {
        Fields f;
        try {
            f = json.decodeStrict(properties, Fields.class, "Properties");
        } catch (PluginException e) {
            throw invalid(e.getMessage());
        }
        if (f == null || f.image() == null || f.image().isBlank()) {
            throw invalid("Properties.Image is required: the image of the containers, for example busybox:1.36");
        }
        checkList("Cmd", f.cmd());
        checkList("Entrypoint", f.entrypoint());
        ContainerLabels.checkKeys("Properties.Labels key", f.labels());
        checkPorts(f.ports());
        checkMounts(f.mounts());
        if (f.network() != null && f.network().isBlank()) {
            throw invalid("Properties.Network is empty: leave it out for the engine's default network");
        }
        if (f.cpus() != null && (f.cpus().isNaN() || f.cpus().isInfinite())) {
            throw invalid("Properties.CPUs must be a number of CPUs, such as 0.5");
        }
        return new DockerProperties(f.image().strip(), copy(f.cmd()), copy(f.entrypoint()), env(f.env()),
                f.labels() == null ? Map.of() : new TreeMap<>(f.labels()), f.ports() == null ? List.of() : List.copyOf(f.ports()),
                f.mounts() == null ? List.of() : List.copyOf(f.mounts()), f.network() == null ? null : f.network().strip(),
                memory(json, f.memory()), f.cpus() == null ? null : Math.round(f.cpus() * 1e9), pullPolicy(f.pullPolicy()));
    }

    private static List<String> copy(List<String> list) {
        return list == null ? null : List.copyOf(list);
    }

    private static void checkList(String field, List<String> list) throws PluginException {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw invalid("Properties." + field + "[" + i + "] is null: every word of " + field + " is a string");
            }
        }
    }

    private static Map<String, String> env(Map<String, String> env) throws PluginException {
        if (env == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> var : env.entrySet()) {
            String name = var.getKey();
            if (!ENV_NAME.matcher(name).matches()) {
                throw invalid("Properties.Env name '" + (name.length() <= 40 ? name : name.substring(0, 40) + "...")
                        + "' is not a variable name (letters, digits and _, not starting with a digit)");
            }
            if (RESERVED_ENV.contains(name)) {
                throw invalid("Properties.Env." + name + " is set by the plugin and cannot be overridden");
            }
            if (var.getValue() == null) {
                throw invalid("Properties.Env." + name + " must be a string");
            }
            if (var.getValue().indexOf('\0') >= 0) {
                throw invalid("Properties.Env." + name + " contains a NUL character");
            }
        }
        return new TreeMap<>(env);
    }

    private static void checkPorts(List<Port> ports) throws PluginException {
        if (ports == null) {
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            Port p = ports.get(i);
            String at = "Properties.Ports[" + i + "]";
            if (p == null || p.container() == null) {
                throw invalid(at + ".Container is required: the container's port, such as 80/tcp");
            }
            if (!CONTAINER_PORT.matcher(p.container()).matches()) {
                throw invalid(at + ".Container '" + p.container() + "' is not a port with an optional protocol: 80, 80/tcp, 53/udp or 9/sctp");
            }
            if (p.hostIP() != null && !p.hostIP().isEmpty() && !isIpAddress(p.hostIP())) {
                throw invalid(at + ".HostIP '" + p.hostIP() + "' is not an IP address (a host name is not accepted by the engine)");
            }
        }
    }

    private static void checkMounts(List<Mount> mounts) throws PluginException {
        if (mounts == null) {
            return;
        }
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            if (m == null || m.target() == null || m.type() == null) {
                throw invalid("Properties.Mounts[" + i + "] needs a Type (bind, volume or tmpfs) and a Target (the path in the container)");
            }
        }
    }

    private static boolean isIpAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (text.indexOf(':') < 0) {
            return false;
        }
        try {
            // with a colon the text is parsed as an IPv6 literal, never looked up
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    private static Long memory(JsonCodec json, RawJson memory) throws PluginException {
        if (memory == null) {
            return null;
        }
        String text = memory.json().strip();
        if (text.startsWith("\"")) {
            try {
                return MemorySize.parse(json.decode(memory, String.class));
            } catch (IllegalArgumentException e) {
                throw invalid("Properties.Memory: " + e.getMessage());
            }
        }
        if (!text.matches("\\d+")) {
            throw invalid("Properties.Memory: expected bytes (a whole number) or a size such as \"512m\", got " + text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid("Properties.Memory: " + text + " is too large");
        }
    }

    private static PullPolicy pullPolicy(String text) throws PluginException {
        if (text == null) {
            return PullPolicy.IfNotPresent;
        }
        for (PullPolicy p : PullPolicy.values()) {
            if (p.name().equals(text)) {
                return p;
            }
        }
        throw invalid("Properties.PullPolicy '" + text + "' is not one of IfNotPresent (the default), Always, Never");
    }

    private static PluginException invalid(String message) {
        return new PluginException(KIND + ": " + message);
    }
}
