package io.infrakit.flavor.swarm;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The swarm flavor of one role (manager or worker), as the original's {@code flavor-swarm/manager} and
 * {@code flavor-swarm/worker}: Prepare writes an init script that labels the engine with a random link and
 * joins the swarm with the join token read from the engine; Healthy looks the link up in the swarm's
 * node list; Drain removes a worker's node.
 */
final class SwarmFlavor implements FlavorPlugin {

    /** The two roles, the plugin's two types. */
    enum Role {
        MANAGER, WORKER;

        String type() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The flavor's properties (the original's field names). */
    record Spec(String swarmJoinIP, DockerConnect docker, Map<String, List<Attachment>> attachments, String initScriptTemplateURL) {
    }

    /** {@code Docker}: how to reach the engine. */
    record DockerConnect(String host, RawJson tls) {
    }

    /** The plugin's kind, which its messages about the shape of properties start with. */
    static final String KIND = "flavor-swarm";

    static final String LINK = "infrakit-link";
    static final String LINK_CONTEXT = "infrakit-link-context";
    static final String SWARM_ID = "swarm-id";

    private static final Logger LOG = LoggerFactory.getLogger(SwarmFlavor.class);
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Role role;
    private final String host;
    private final InitScript defaultScript;
    private final SwarmApi api;

    /**
     * @param role the role
     * @param host the engine's default address (a {@code unix://} socket)
     * @param template the init script template text, or {@code null} for the built-in one
     * @param api the engine
     */
    SwarmFlavor(Role role, String host, String template, SwarmApi api) {
        this.role = role;
        this.host = host;
        this.defaultScript = new InitScript(template != null ? template : role == Role.MANAGER ? InitScript.MANAGER : InitScript.WORKER);
        this.api = api;
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        Spec spec = spec(properties, true);
        List<String> ids = allocation.logicalIDs() == null ? List.of() : allocation.logicalIDs();
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new PluginException("Allocation.LogicalIDs must be unique: " + id + " appears twice");
            }
        }
        if (role == Role.MANAGER) {
            if (ids.size() % 2 == 0) {
                throw new PluginException("Allocation.LogicalIDs must have odd number for quorum, not " + ids.size());
            }
            if (blank(spec.swarmJoinIP())) {
                throw new PluginException("SwarmJoinIP is required for managers: the address of the manager that initializes the swarm");
            }
        }
        if (spec.attachments() != null) {
            Set<String> attachmentIds = new HashSet<>();
            for (Map.Entry<String, List<Attachment>> e : spec.attachments().entrySet()) {
                if (!seen.contains(e.getKey())) {
                    throw new PluginException("Attachments: " + e.getKey() + " is not one of Allocation.LogicalIDs");
                }
                for (Attachment a : e.getValue() == null ? List.<Attachment>of() : e.getValue()) {
                    if (a == null || !attachmentIds.add(a.id())) {
                        throw new PluginException("Attachments: attachment ID " + (a == null ? null : a.id()) + " is used twice");
                    }
                    if (!"ebs".equals(a.type())) {
                        throw new PluginException("Attachments: " + e.getKey() + ": attachment " + a.id() + " has Type '" + a.type() + "', only ebs is supported");
                    }
                }
            }
        }
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec instance, Allocation allocation) throws PluginException {
        Spec spec = spec(properties, false);
        InitScript script = script(spec);
        if (role == Role.MANAGER && blank(spec.swarmJoinIP())) {
            throw new PluginException("SwarmJoinIP is required for managers: the address of the manager that initializes the swarm");
        }
        String engine = engineHost(spec);
        SwarmApi.SwarmInfo info = info(engine);
        String logicalID = instance.logicalID();
        boolean initSwarm = role == Role.MANAGER && !info.active() && logicalID != null && logicalID.equals(spec.swarmJoinIP());
        String swarmId = "?";
        String token = "";
        String managerAddr = "";
        if (!initSwarm) {
            if (!info.active()) {
                throw new PluginException("The Docker engine at " + engine + " is not part of a swarm (LocalNodeState " + info.localNodeState()
                        + "): only the manager whose LogicalID is SwarmJoinIP can be prepared before the swarm exists");
            }
            SwarmApi.Swarm swarm = api.swarm(engine);
            if (swarm == null || swarm.joinTokens() == null) {
                throw new PluginException("The Docker engine at " + engine + " answered GET /swarm without JoinTokens");
            }
            swarmId = swarm.id();
            token = role == Role.MANAGER ? swarm.joinTokens().manager() : swarm.joinTokens().worker();
            managerAddr = role == Role.MANAGER ? spec.swarmJoinIP() + ":2377" : managerAddr(engine, info);
        }
        String link = randomLink();
        String context = "swarm/" + swarmId + "/" + role.type();
        Map<String, String> values = new HashMap<>();
        values.put("DAEMON_JSON", "{\"labels\": " + api.json().encode(List.of(LINK + "=" + link, LINK_CONTEXT + "=" + context)).json() + "}");
        values.put("INFRAKIT_LINK", link);
        values.put("INFRAKIT_LINK_CONTEXT", context);
        values.put("SWARM_ID", swarmId);
        values.put("SWARM_JOIN_IP", spec.swarmJoinIP() == null ? "" : spec.swarmJoinIP());
        values.put("LOGICAL_ID", logicalID == null ? "" : logicalID);
        values.put("JOIN_TOKEN", token == null ? "" : token);
        values.put("MANAGER_ADDR", managerAddr);
        values.put("INIT_SWARM", Boolean.toString(initSwarm));

        Map<String, String> tags = new TreeMap<>(instance.tags() == null ? Map.of() : instance.tags());
        tags.put(SWARM_ID, swarmId);
        tags.put(LINK, link);
        tags.put(LINK_CONTEXT, context);
        List<Attachment> attachments = new ArrayList<>(instance.attachments() == null ? List.of() : instance.attachments());
        if (logicalID != null && spec.attachments() != null && spec.attachments().get(logicalID) != null) {
            attachments.addAll(spec.attachments().get(logicalID));
        }
        return new InstanceSpec(instance.properties(), tags, script.render(values), logicalID, attachments.isEmpty() ? instance.attachments() : attachments);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        String link = instance.tags() == null ? null : instance.tags().get(LINK);
        if (blank(link)) {
            LOG.info("Reporting unhealthy for instance {} without an {} tag", instance.id(), LINK);
            return Health.UNHEALTHY;
        }
        // the instance may not have joined yet: no node is Unknown, not Unhealthy
        return nodes(engineHost(spec(properties, false)), link).isEmpty() ? Health.UNKNOWN : Health.HEALTHY;
    }

    @Override
    public void drain(RawJson properties, Description instance) throws PluginException {
        if (role == Role.MANAGER) {
            return; // managers are long-lived; removing one from the raft is an operator's decision
        }
        String link = instance.tags() == null ? null : instance.tags().get(LINK);
        if (blank(link)) {
            throw new PluginException("Unable to drain " + instance.id() + " without an " + LINK + " tag");
        }
        String engine = engineHost(spec(properties, false));
        List<SwarmApi.Node> nodes = nodes(engine, link);
        if (nodes.isEmpty()) {
            throw new PluginException("Unable to drain " + instance.id() + ": no swarm node has the label " + LINK + "=" + link);
        }
        if (nodes.size() > 1) {
            throw new PluginException("Unable to drain " + instance.id() + ": " + nodes.size() + " swarm nodes have the label " + LINK + "=" + link);
        }
        String id = nodes.get(0).id();
        try {
            api.removeNode(engine, id);
        } catch (PluginException e) {
            throw new PluginException("Unable to remove swarm node " + id + " of " + instance.id() + ": " + e.getMessage(), e);
        }
    }

    /** The nodes carrying the link: as an engine label (set by the init script), else as a node label. */
    private List<SwarmApi.Node> nodes(String engine, String link) throws PluginException {
        List<SwarmApi.Node> nodes = api.nodesWithLabel(engine, SwarmApi.ENGINE_LABEL, LINK, link);
        return nodes.isEmpty() ? api.nodesWithLabel(engine, SwarmApi.NODE_LABEL, LINK, link) : nodes;
    }

    private SwarmApi.SwarmInfo info(String engine) throws PluginException {
        SwarmApi.Info info = api.info(engine);
        if (info == null || info.swarm() == null) {
            throw new PluginException("The Docker engine at " + engine + " answered GET /info without Swarm");
        }
        return info.swarm();
    }

    private static String managerAddr(String engine, SwarmApi.SwarmInfo info) throws PluginException {
        if (info.remoteManagers() != null) {
            for (SwarmApi.Peer peer : info.remoteManagers()) {
                if (peer != null && !blank(peer.addr())) {
                    return peer.addr();
                }
            }
        }
        throw new PluginException("The Docker engine at " + engine + " knows no swarm manager (Swarm.RemoteManagers is empty)");
    }

    /**
     * The properties, checked. Validate reads them strictly (an unknown key is refused with the key most likely
     * meant, {@code flavor-swarm: unknown key Properties.SwarmJoinIp: did you mean SwarmJoinIP?}); Prepare reads
     * them leniently, so that a group committed before Validate checked keys keeps converging.
     */
    private Spec spec(RawJson properties, boolean strict) throws PluginException {
        Spec spec;
        if (strict) {
            try {
                spec = api.json().decodeStrict(properties, Spec.class, "Properties");
            } catch (PluginException e) {
                throw new PluginException(KIND + ": " + e.getMessage());
            }
        } else {
            spec = api.json().decode(properties, Spec.class);
        }
        if (spec == null) {
            spec = new Spec(null, null, null, null);
        }
        if (spec.docker() != null && spec.docker().tls() != null) {
            throw new PluginException("Docker.TLS is not supported: the engine is reached over its Unix socket (Docker.Host unix://...)");
        }
        if (spec.docker() != null && !blank(spec.docker().host()) && !spec.docker().host().startsWith(DockerEngine.UNIX)) {
            throw new PluginException("Docker.Host " + spec.docker().host() + " is not supported: only unix:// addresses are");
        }
        script(spec);
        return spec;
    }

    private String engineHost(Spec spec) {
        return spec.docker() == null || blank(spec.docker().host()) ? host : spec.docker().host();
    }

    /** The group's template (a {@code file:} URL), else the configured or built-in one. */
    private InitScript script(Spec spec) throws PluginException {
        String url = spec.initScriptTemplateURL();
        if (blank(url)) {
            return defaultScript;
        }
        try {
            URI uri = new URI(url);
            if (!"file".equals(uri.getScheme())) {
                throw new PluginException("InitScriptTemplateURL " + url + " is not supported: only file: URLs are");
            }
            return new InitScript(Files.readString(Path.of(uri), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException | java.net.URISyntaxException | java.nio.file.FileSystemNotFoundException e) {
            throw new PluginException("InitScriptTemplateURL " + url + ": " + e.getMessage(), e);
        }
    }

    private static String randomLink() {
        StringBuilder s = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            s.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
