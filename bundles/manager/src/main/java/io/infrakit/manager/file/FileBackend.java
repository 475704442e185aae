package io.infrakit.manager.file;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.LeadershipListener;
import io.infrakit.spi.manager.StoredGroups;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.nio.file.Path;
import java.util.Map;

/**
 * The file backend of the manager, for one machine: the leader is named by a leader file, the groups are
 * stored in {@code <store dir>/global.config}, both in the format of the original's {@code os} manager.
 * Several managers (Karaf instances) on one machine share them; the default distribution runs one that
 * creates the leader file with its own name and so leads itself.
 */
@Component(service = {Leadership.class, GroupStore.class}, configurationPid = FileBackend.PID,
        property = Leadership.BACKEND_PROPERTY + "=" + FileBackend.NAME)
@Designate(ocd = FileBackend.Config.class)
public final class FileBackend implements Leadership, GroupStore {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.manager.file";

    /** The backend's name. */
    public static final String NAME = "file";

    /** Configuration of the file backend. */
    @ObjectClassDefinition(name = "InfraKit manager: file backend", description = "Leadership by a shared leader file, groups stored in global.config.")
    public @interface Config {
        /** @return the leader file */
        @AttributeDefinition(name = "Leader file", required = false,
                description = "The manager whose name this file holds leads. Empty: $INFRAKIT_LEADER_FILE, else $INFRAKIT_HOME/leader.")
        String leader_file() default "";

        /** @return the store directory */
        @AttributeDefinition(name = "Store directory", required = false,
                description = "Where global.config is kept. Empty: $INFRAKIT_STORE_DIR, else $INFRAKIT_HOME/configs.")
        String store_dir() default "";

        /** @return how often the leader file is read */
        @AttributeDefinition(name = "Poll interval (ms)", description = "How often the leader file is read. The original read it every 5000.")
        long poll_interval_ms() default 1000;

        /** @return whether a missing leader file is created */
        @AttributeDefinition(name = "Create the leader file",
                description = "When the leader file is missing, the first manager to start writes its own name into it and leads.")
        boolean create_leader_file() default true;
    }

    private final LeaderFile leader;
    private final FileStore store;

    /**
     * Creates the backend from its configuration (DS).
     *
     * @param config the configuration
     */
    @Activate
    public FileBackend(Config config) {
        this(leaderFile(config.leader_file(), System.getenv(), System.getProperty("user.home")),
                storeDir(config.store_dir(), System.getenv(), System.getProperty("user.home")),
                config.poll_interval_ms(), config.create_leader_file());
    }

    /**
     * Creates the backend.
     *
     * @param leaderFile the leader file
     * @param storeDir the directory of {@code global.config}
     * @param pollMillis how often the leader file is read
     * @param createLeaderFile whether a missing leader file is created with the first joiner's name
     */
    public FileBackend(Path leaderFile, Path storeDir, long pollMillis, boolean createLeaderFile) {
        if (pollMillis < 10) {
            throw new IllegalArgumentException("poll.interval.ms must be at least 10, not " + pollMillis);
        }
        this.leader = new LeaderFile(leaderFile, pollMillis, createLeaderFile);
        this.store = new FileStore(storeDir);
    }

    /** Stops reading the leader file. */
    @Deactivate
    public void close() {
        leader.close();
    }

    @Override
    public Election join(String name, LeadershipListener listener) {
        return leader.join(name, listener);
    }

    @Override
    public StoredGroups load() throws PluginException {
        return store.load();
    }

    @Override
    public long save(String json, long expectedVersion) throws PluginException {
        return store.save(json, expectedVersion);
    }

    @Override
    public String toString() {
        return "file backend (leader file " + leader.file() + ", store " + store.file() + ")";
    }

    /** The leader file: configured, else {@code $INFRAKIT_LEADER_FILE}, else {@code $INFRAKIT_HOME/leader}. */
    static Path leaderFile(String configured, Map<String, String> env, String userHome) {
        return path(configured, env.get("INFRAKIT_LEADER_FILE"), env, userHome, "leader");
    }

    /** The store directory: configured, else {@code $INFRAKIT_STORE_DIR}, else {@code $INFRAKIT_HOME/configs}. */
    static Path storeDir(String configured, Map<String, String> env, String userHome) {
        return path(configured, env.get("INFRAKIT_STORE_DIR"), env, userHome, "configs");
    }

    private static Path path(String configured, String fromEnv, Map<String, String> env, String userHome, String inHome) {
        if (configured != null && !configured.isBlank()) {
            return InfrakitHome.expand(configured.trim(), userHome);
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            return InfrakitHome.expand(fromEnv.trim(), userHome);
        }
        return InfrakitHome.path(env, userHome).resolve(inHome);
    }
}
