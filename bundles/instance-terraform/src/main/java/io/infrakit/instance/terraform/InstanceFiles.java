package io.infrakit.instance.terraform;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.InstanceSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The instance files {@code <dir>/instance-<n>.tf.json}: {@code {"//": Meta, "resource": {"<type>": {"<ID>": body}}}}.
 * Only names made from {@code instance-<digits>} are ever resolved, so no path leaves the directory; every
 * write goes to a temporary file (a name terraform does not read) renamed over the target.
 */
final class InstanceFiles {

    /** The property under which terraform ignores what the plugin keeps in a file. */
    static final String COMMENT = "//";
    static final String SUFFIX = ".tf.json";

    private static final Logger LOG = LoggerFactory.getLogger(InstanceFiles.class);
    private static final Pattern ID = Pattern.compile("instance-[0-9]{1,19}");

    /**
     * The comment kept in each file: the instance as InfraKit sees it.
     *
     * @param id the instance ID
     * @param logicalID its logical ID, or {@code null}
     * @param tags its tags
     * @param spec the spec it was provisioned from, or {@code null} for a file the Go plugin wrote
     */
    record Meta(String id, String logicalID, Map<String, String> tags, InstanceSpec spec) {
    }

    /**
     * One instance file, read.
     *
     * @param id the instance ID
     * @param type the resource type
     * @param body the resource body
     * @param logicalID the logical ID, or {@code null}
     * @param tags the tags
     * @param meta the comment, or {@code null} when the file has none
     */
    record Resource(String id, String type, Map<String, Object> body, String logicalID, Map<String, String> tags, Meta meta) {
    }

    private final Path dir;

    InstanceFiles(Path dir) {
        this.dir = dir;
    }

    /** The first free ID {@code instance-<seconds>}, counting up from {@code seconds}. Call it under the lock. */
    String freeId(long seconds) {
        long n = seconds;
        while (Files.exists(dir.resolve("instance-" + n + SUFFIX), LinkOption.NOFOLLOW_LINKS)) {
            n++;
        }
        return "instance-" + n;
    }

    /** The file of an instance ID, which must be {@code instance-<digits>}: nothing else is ever a file name. */
    Path fileOf(String instance) throws PluginException {
        if (instance == null || !ID.matcher(instance).matches()) {
            throw new PluginException("Invalid instance ID '" + instance + "': not an ID of the Terraform instance plugin (instance-<number>)");
        }
        return dir.resolve(instance + SUFFIX);
    }

    /**
     * Reads every instance file; those that are not instances are skipped with a warning.
     *
     * @param json the codec, taken by the caller before the call: without one, nothing can be read
     */
    List<Resource> readAll(JsonCodec json) throws PluginException {
        List<Resource> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "instance-*" + SUFFIX)) {
            for (Path file : files) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    Resource r = read(json, file);
                    if (r != null) {
                        found.add(r);
                    }
                } catch (PluginException e) {
                    // removed since it was listed: not an instance any more
                }
            }
        } catch (IOException e) {
            throw new PluginException("Cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** Reads an instance file; one that is not an instance is skipped with a warning ({@code null}). */
    Resource read(JsonCodec json, Path file) throws PluginException {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PluginException("open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            LOG.warn("Skipping unreadable instance file {}: {}", file, e.getMessage());
            return null;
        }
        try {
            Map<?, ?> top = json.decode(new RawJson(text.isBlank() ? "null" : text), Map.class);
            if (top == null || !(top.get("resource") instanceof Map<?, ?> resource) || resource.size() != 1) {
                throw new IllegalArgumentException("not one resource");
            }
            Map.Entry<?, ?> typed = resource.entrySet().iterator().next();
            if (!(typed.getValue() instanceof Map<?, ?> named) || !(named.get(id) instanceof Map<?, ?> body)) {
                throw new IllegalArgumentException("no resource named " + id);
            }
            String type = String.valueOf(typed.getKey());
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) body;
            Meta meta = top.get(COMMENT) instanceof Map<?, ?> comment ? json.decode(json.encode(comment), Meta.class) : null;
            if (meta != null && id.equals(meta.id())) {
                return new Resource(id, type, b, meta.logicalID(), meta.tags() == null ? Map.of() : meta.tags(), meta);
            }
            // written by the Go plugin: the tags are in the body
            Map<String, String> tags = Placement.tagsOf(type, b);
            return new Resource(id, type, b, tags.get("LogicalID"), tags, null);
        } catch (PluginException | IllegalArgumentException e) {
            LOG.warn("Skipping instance file {}: not an instance ({})", file, e.getMessage());
            return null;
        }
    }

    /** Writes an instance file atomically. */
    void write(JsonCodec json, Path file, String type, String id, Map<String, Object> body, Meta meta) throws PluginException {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put(id, body);
        Map<String, Object> top = new LinkedHashMap<>();
        top.put(COMMENT, meta);
        top.put("resource", Map.of(type, named));
        byte[] bytes = (json.encodeIndented(top, "", "  ") + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new PluginException("Cannot write instance file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file if it is there, logging a failure. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.getMessage());
        }
    }
}
