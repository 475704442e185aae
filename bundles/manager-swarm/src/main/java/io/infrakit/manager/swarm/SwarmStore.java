package io.infrakit.manager.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The groups stored in the swarm, as the original stored them: the cluster spec's label {@value #LABEL}
 * holds base64 of the zlib-compressed JSON text. The version is the swarm object's {@code Version.Index},
 * which the engine advances at every change of the swarm; an update names the version it was made from
 * and the engine refuses it ({@code update out of sequence}) if the swarm changed since. So a change of
 * any part of the swarm's spec between a load and a save is a conflict, even if the label itself did not
 * change: the caller loads again and retries.
 */
final class SwarmStore {

    /** The label of the swarm spec that holds the groups. */
    static final String LABEL = "infrakit";

    /** The engine's answer to an update made from a stale version. */
    private static final String OUT_OF_SEQUENCE = "update out of sequence";

    private static final Logger LOG = LoggerFactory.getLogger(SwarmStore.class);

    private final SwarmApi api;

    SwarmStore(SwarmApi api) {
        this.api = api;
    }

    StoredGroups load() throws PluginException {
        SwarmApi.Swarm swarm = readSwarm("read the groups from");
        String label = labels(swarm).get(LABEL);
        if (label == null || label.isEmpty()) {
            return new StoredGroups(null, StoredGroups.NONE);
        }
        return new StoredGroups(decode(label), swarm.version().index());
    }

    long save(String json, long expectedVersion) throws PluginException {
        Objects.requireNonNull(json, "json");
        SwarmApi.Swarm swarm = readSwarm("save the groups in");
        Map<String, String> labels = labels(swarm);
        String current = labels.get(LABEL);
        long index = swarm.version().index();
        long currentVersion = current == null || current.isEmpty() ? StoredGroups.NONE : index;
        if (currentVersion != expectedVersion) {
            throw new StoreConflictException("The groups stored in the swarm changed since version " + expectedVersion
                    + " (now " + currentVersion + "): load them again");
        }
        String encoded = LabelCodec.encode(json);
        labels.put(LABEL, encoded);
        JsonCodec codec = api.json();
        // every other field of the spec goes back as the exact text the engine sent
        Map<String, RawJson> spec = new LinkedHashMap<>(swarm.spec());
        spec.put("Labels", codec.encode(labels));
        try {
            api.updateSwarm(index, codec.encode(spec));
        } catch (DockerException e) {
            if (e.getMessage() != null && e.getMessage().contains(OUT_OF_SEQUENCE)) {
                throw new StoreConflictException("The swarm changed while the groups were saved (from version " + index + "): load them again");
            }
            throw new PluginException("Cannot save the groups in the swarm (Docker engine at " + api.host() + "): " + e.getMessage(), e);
        }
        // The update answers nothing: read the new version back. If another writer already changed the
        // label again, the version read is theirs; answer the old one instead, which the next save will
        // find stale, so that their change is never overwritten unseen.
        try {
            SwarmApi.Swarm after = api.swarm();
            return encoded.equals(labels(after).get(LABEL)) ? after.version().index() : index;
        } catch (PluginException e) {
            // saved, but the new version is not known: the old one makes the next save reload first
            LOG.warn("Saved the groups in the swarm, but cannot read its new version back (Docker engine at {}): {}", api.host(), e.getMessage());
            return index;
        }
    }

    private SwarmApi.Swarm readSwarm(String what) throws PluginException {
        try {
            return api.swarm();
        } catch (PluginException e) {
            throw new PluginException("Cannot " + what + " the swarm (Docker engine at " + api.host() + "): " + e.getMessage(), e);
        }
    }

    /** The spec's labels, in a map the caller may change. */
    private Map<String, String> labels(SwarmApi.Swarm swarm) throws PluginException {
        RawJson raw = swarm.spec().get("Labels");
        Map<?, ?> decoded = api.json().decode(raw, Map.class);
        Map<String, String> labels = new LinkedHashMap<>();
        if (decoded != null) {
            for (Map.Entry<?, ?> e : decoded.entrySet()) {
                if (!(e.getValue() instanceof String value)) {
                    throw new PluginException("The swarm's label " + e.getKey() + " is not a string");
                }
                labels.put(String.valueOf(e.getKey()), value);
            }
        }
        return labels;
    }

    private static String decode(String label) throws PluginException {
        try {
            return LabelCodec.decode(label);
        } catch (IllegalArgumentException e) {
            throw new PluginException("The swarm label " + LABEL + " does not hold groups stored by InfraKit (base64 of zlib-compressed JSON): "
                    + e.getMessage(), e);
        }
    }
}
