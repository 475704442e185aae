package io.infrakit.flavor.zookeeper;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checked properties of a ZooKeeper flavor group:
 * {@code {"Type": "member", "UseDocker": false, "Mode": "apt"|"docker"|"process", "ClientPort": 2181}}.
 *
 * <p>An unknown key is refused with the key most likely meant, in Validate, Prepare and Healthy alike (as before
 * that check named it). Every value that ends up in an init script is checked here strictly (a mode from a fixed set, a port
 * number, IPv4 logical IDs), so nothing a user writes can change the meaning of the script.
 *
 * @param mode how a member is installed and started
 * @param clientPort the port ZooKeeper clients (and the health check) use
 */
record MemberProperties(Mode mode, int clientPort) {

    /** The only member type, as in the original. */
    static final String MEMBER = "member";
    /** ZooKeeper's default client port. */
    static final int DEFAULT_CLIENT_PORT = 2181;
    /** The original's message when the group has no logical IDs. */
    static final String LOGICAL_IDS_REQUIRED = "IP addresses are required as LogicalIDs for a ZooKeeper ensemble";

    /** The plugin's kind, which its messages about the shape of properties start with. */
    static final String KIND = "flavor-zookeeper";

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** How a member is installed and started. */
    enum Mode {
        /** The original's default: apt-get installs zookeeperd, systemd runs it (on a machine of its own). */
        APT,
        /** The original's {@code UseDocker}: the official {@code zookeeper} image. */
        DOCKER,
        /** A local process started by the init script itself, each member on its own 127.0.0.x. */
        PROCESS;

        /** @return the name used in the properties */
        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The raw shape, as decoded. */
    record Raw(String type, Boolean useDocker, String mode, Integer clientPort) {
    }

    /**
     * Decodes and checks the properties (not the allocation).
     *
     * @param json the codec
     * @param properties the group's flavor properties, or {@code null}
     * @return the checked properties
     * @throws PluginException naming the field that is wrong
     */
    static MemberProperties parse(JsonCodec json, RawJson properties) throws PluginException {
        if (properties == null) {
            throw new PluginException("Invalid properties: Type is required and must be '" + MEMBER + "'");
        }
        Raw raw;
        try {
            raw = json.decodeStrict(properties, Raw.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
        if (raw == null) {
            throw new PluginException("Invalid properties: expected an object like {\"Type\": \"member\"}");
        }
        if (!MEMBER.equals(raw.type())) {
            throw new PluginException("Invalid properties: Type must be '" + MEMBER + "', not "
                    + (raw.type() == null ? "missing" : "'" + raw.type() + "'"));
        }
        boolean useDocker = Boolean.TRUE.equals(raw.useDocker());
        Mode mode;
        if (raw.mode() == null) {
            mode = useDocker ? Mode.DOCKER : Mode.APT;
        } else {
            mode = switch (raw.mode()) {
                case "apt" -> Mode.APT;
                case "docker" -> Mode.DOCKER;
                case "process" -> Mode.PROCESS;
                default -> throw new PluginException("Invalid properties: Mode must be 'apt', 'docker' or 'process', not '"
                        + raw.mode() + "'");
            };
            if (useDocker && mode != Mode.DOCKER) {
                throw new PluginException("Invalid properties: UseDocker true contradicts Mode '" + raw.mode() + "'");
            }
        }
        int port = raw.clientPort() == null ? DEFAULT_CLIENT_PORT : raw.clientPort();
        if (port < 1 || port > 65535) {
            throw new PluginException("Invalid properties: ClientPort must be between 1 and 65535, not " + port);
        }
        return new MemberProperties(mode, port);
    }

    /**
     * Checks the logical IDs of the group: present, IPv4 addresses (loopback 127.x.x.x in process mode), unique.
     *
     * @param allocation the group's allocation
     * @return the logical IDs
     * @throws PluginException naming the bad ID
     */
    List<String> checkLogicalIDs(Allocation allocation) throws PluginException {
        List<String> ids = allocation == null ? null : allocation.logicalIDs();
        if (ids == null || ids.isEmpty()) {
            throw new PluginException(LOGICAL_IDS_REQUIRED);
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            checkAddress(id, "LogicalIDs");
            if (!seen.add(id)) {
                throw new PluginException("Invalid LogicalIDs: '" + id + "' appears more than once");
            }
        }
        if (ids.size() > 255) {
            throw new PluginException("Invalid LogicalIDs: a ZooKeeper ensemble of " + ids.size() + " members is not supported (at most 255)");
        }
        return ids;
    }

    /**
     * Checks one address as this mode needs it.
     *
     * @param id the logical ID
     * @param field the field name for the message
     * @throws PluginException if it is not an IPv4 address (of the loopback network in process mode)
     */
    void checkAddress(String id, String field) throws PluginException {
        if (id == null || !IPV4.matcher(id).matches()) {
            throw new PluginException("Invalid " + field + ": '" + id + "' is not an IPv4 address (like 10.0.0.1)");
        }
        if (mode == Mode.PROCESS && !id.startsWith("127.")) {
            throw new PluginException("Invalid " + field + ": '" + id
                    + "' is not a loopback address 127.x.x.x, which Mode 'process' needs (every member runs on this machine)");
        }
    }
}
