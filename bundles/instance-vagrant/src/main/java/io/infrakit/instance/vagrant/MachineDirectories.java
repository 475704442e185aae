package io.infrakit.instance.vagrant;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plugin's state on disk, in the Go plugin's layout: one directory per machine in the plugin's
 * directory, named by the instance ID, with a {@code tags} file (a JSON object) and, for a pet, an
 * {@code ip} file (the LogicalID). Instance IDs from callers are only ever plain names of directories
 * directly inside it; nothing here follows a symbolic link.
 */
final class MachineDirectories {

    static final String TAGS = "tags";
    static final String IP = "ip";

    private static final Logger LOG = LoggerFactory.getLogger(MachineDirectories.class);
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path dir;
    private final Object tagsLock = new Object();

    /**
     * Opens the directory, creating it (owner only) when missing.
     *
     * @param dir the plugin's directory
     * @throws IOException if it cannot be created
     */
    MachineDirectories(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.dir)) {
            Files.createDirectories(this.dir, OWNER_ONLY);
        }
    }

    Path root() {
        return dir;
    }

    /** Creates a new machine directory {@code infrakit-<random>} (0700), as {@code mktemp -d} did. */
    Path create() throws PluginException {
        try {
            return Files.createTempDirectory(dir, "infrakit-", OWNER_ONLY);
        } catch (IOException e) {
            throw new PluginException("Cannot create a machine directory in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory of an existing instance; refuses anything but a plain directory name inside. */
    Path existing(String instance) throws PluginException {
        if (instance == null || !INSTANCE_ID.matcher(instance).matches() || instance.contains("..")) {
            throw new PluginException("Invalid instance ID '" + instance + "': not a directory name in " + dir);
        }
        Path machine = dir.resolve(instance);
        if (!machine.getParent().equals(dir) || !Files.isDirectory(machine, LinkOption.NOFOLLOW_LINKS)) {
            throw new PluginException("Instance " + instance + " does not exist (no directory " + machine + ")");
        }
        return machine;
    }

    /**
     * The machines whose tags contain all of {@code filter}, sorted by ID.
     *
     * @param json the codec of the tags files, taken by the caller before the call: without one, nothing can be read
     */
    List<Description> describe(JsonCodec json, Map<String, String> filter) throws PluginException {
        List<Description> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path machine : entries) {
                String name = machine.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(machine, LinkOption.NOFOLLOW_LINKS)
                        || !Files.isRegularFile(machine.resolve(TAGS), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Map<String, String> tags = readTags(json, machine);
                if (tags != null && Tags.matches(tags, filter)) {
                    found.add(new Description(name, logicalID(machine), tags));
                }
            }
        } catch (IOException e) {
            throw new PluginException("Cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(Description::id));
        return found;
    }

    /** Merges labels into an instance's tags. */
    void label(JsonCodec json, String instance, Map<String, String> labels) throws PluginException {
        Path machine = existing(instance);
        synchronized (tagsLock) {
            Map<String, String> tags = readTags(json, machine);
            if (tags == null) {
                throw new PluginException("Instance " + instance + " has no readable tags file in " + machine);
            }
            Map<String, String> merged = new TreeMap<>(tags);
            if (labels != null) {
                merged.putAll(labels);
            }
            try {
                writeTags(json, machine, merged);
            } catch (IOException e) {
                throw new PluginException("Cannot write the tags of " + instance + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes {@code tags} through a temporary file renamed over it, so Describe never reads half a file. */
    void writeTags(JsonCodec json, Path machine, Map<String, String> tags) throws IOException {
        Path tmp = Files.createTempFile(machine, ".tags", ".tmp");
        try {
            Files.writeString(tmp, json.encode(new TreeMap<>(tags)).json(), StandardCharsets.UTF_8);
            Files.move(tmp, machine.resolve(TAGS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes a machine directory ({@code rm -rf}); symbolic links inside are removed, never followed. */
    void remove(Path machine) throws IOException {
        Files.walkFileTree(machine, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Removes a machine directory, logging a failure (used on paths that already report another error). */
    void removeQuietly(Path machine) {
        try {
            remove(machine);
        } catch (IOException e) {
            LOG.error("Cannot remove {}", machine, e);
        }
    }

    /** Reads a machine's tags; {@code null} (with a warning) when they cannot be decoded. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> readTags(JsonCodec json, Path machine) {
        String text;
        try {
            text = Files.readString(machine.resolve(TAGS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("Skipping {}: cannot read its tags ({})", machine, e.getMessage());
            return null;
        }
        try {
            Map<String, Object> raw = text.isBlank() ? null : json.decode(new RawJson(text), Map.class);
            Map<String, String> tags = new TreeMap<>();
            if (raw != null) {
                for (Map.Entry<String, Object> e : raw.entrySet()) {
                    if (!(e.getValue() instanceof String value)) {
                        throw new PluginException("tag " + e.getKey() + " is not a string");
                    }
                    tags.put(e.getKey(), value);
                }
            }
            return tags;
        } catch (PluginException | IllegalArgumentException | ClassCastException e) {
            LOG.warn("Skipping {}: its tags are not a JSON object of strings ({})", machine, e.getMessage());
            return null;
        }
    }

    private static String logicalID(Path machine) throws IOException {
        try {
            String ip = Files.readString(machine.resolve(IP), StandardCharsets.UTF_8).strip();
            return ip.isEmpty() ? null : ip;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
