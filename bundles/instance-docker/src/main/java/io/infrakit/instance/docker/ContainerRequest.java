package io.infrakit.instance.docker;

import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code POST /containers/create} for an instance: the properties, the instance's tags as labels
 * beside the plugin's own, its ID and logical ID in the environment, and {@code Init} as the command when the
 * properties give none.
 */
final class ContainerRequest {

    /** The shell that runs {@code Init}: {@code ["/bin/sh", "-c", init]}. */
    static final List<String> SHELL = List.of("/bin/sh", "-c");

    private ContainerRequest() {
    }

    /**
     * The container of an instance.
     *
     * @param p the checked properties
     * @param spec the instance's spec (tags, init, logical ID)
     * @param name the container's name (the instance ID)
     * @param plugin the plugin's name
     * @return the body, to be encoded as JSON
     */
    static Map<String, Object> instance(DockerProperties p, InstanceSpec spec, String name, String plugin) {
        Map<String, String> labels = new TreeMap<>(p.labels());
        if (spec.tags() != null) {
            // the group's tags win over Labels: they are how it finds its instances
            labels.putAll(spec.tags());
        }
        labels.put(ContainerLabels.PLUGIN, plugin);
        if (spec.logicalID() != null) {
            labels.put(ContainerLabels.LOGICAL_ID, spec.logicalID());
        }
        List<String> env = env(p);
        env.add("INFRAKIT_INSTANCE_ID=" + name);
        if (spec.logicalID() != null) {
            env.add("INFRAKIT_LOGICAL_ID=" + spec.logicalID());
        }
        List<String> cmd = p.cmd();
        if (cmd == null && !spec.init().isBlank()) {
            cmd = new ArrayList<>(SHELL);
            cmd.add(spec.init());
        }
        return body(p, cmd, env, labels);
    }

    /**
     * A validation's throw-away container: the properties alone, labelled as a probe of the plugin.
     *
     * @param p the checked properties
     * @param plugin the plugin's name
     * @return the body
     */
    static Map<String, Object> probe(DockerProperties p, String plugin) {
        Map<String, String> labels = new TreeMap<>(p.labels());
        labels.put(ContainerLabels.PROBE, plugin);
        return body(p, p.cmd(), env(p), labels);
    }

    private static List<String> env(DockerProperties p) {
        List<String> env = new ArrayList<>();
        p.env().forEach((k, v) -> env.add(k + "=" + v));
        return env;
    }

    private static Map<String, Object> body(DockerProperties p, List<String> cmd, List<String> env, Map<String, String> labels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", p.image());
        if (cmd != null) {
            body.put("Cmd", cmd);
        }
        if (p.entrypoint() != null) {
            body.put("Entrypoint", p.entrypoint());
        }
        body.put("Env", env);
        body.put("Labels", labels);
        Map<String, Object> host = new LinkedHashMap<>();
        if (!p.ports().isEmpty()) {
            Map<String, Object> exposed = new LinkedHashMap<>();
            Map<String, List<Map<String, String>>> bindings = new LinkedHashMap<>();
            for (DockerProperties.Port port : p.ports()) {
                exposed.put(port.key(), Map.of());
                Map<String, String> binding = new LinkedHashMap<>();
                binding.put("HostIp", port.hostIP() == null ? "" : port.hostIP());
                // the engine checks the range, in its own words
                binding.put("HostPort", port.hostPort() == null || port.hostPort() == 0 ? "" : Integer.toString(port.hostPort()));
                bindings.computeIfAbsent(port.key(), k -> new ArrayList<>()).add(binding);
            }
            body.put("ExposedPorts", exposed);
            host.put("PortBindings", bindings);
        }
        if (!p.mounts().isEmpty()) {
            List<Map<String, Object>> mounts = new ArrayList<>();
            for (DockerProperties.Mount m : p.mounts()) {
                Map<String, Object> mount = new LinkedHashMap<>();
                mount.put("Type", m.type());
                if (m.source() != null) {
                    mount.put("Source", m.source());
                }
                mount.put("Target", m.target());
                if (Boolean.TRUE.equals(m.readOnly())) {
                    mount.put("ReadOnly", true);
                }
                mounts.add(mount);
            }
            host.put("Mounts", mounts);
        }
        if (p.network() != null) {
            host.put("NetworkMode", p.network());
        }
        if (p.memory() != null) {
            host.put("Memory", p.memory());
        }
        if (p.nanoCpus() != null) {
            host.put("NanoCpus", p.nanoCpus());
        }
        body.put("HostConfig", host);
        return body;
    }
}
