package io.infrakit.instance.file;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The instance files of one directory: their names, their format (the Go file plugin's) and how they are
 * written (a temporary file {@code .<ID>.tmp-<hex>} renamed over the target).
 *
 * <p><b>No fsync.</b> A write is not forced to disk. The rename alone makes every write all or nothing for
 * any reader and across a crash of the process (the kernel has the data either way). After a power loss or
 * a kernel crash, the instances written in the last seconds may be missing, empty or cut short; an empty or
 * cut file is not valid JSON (the object's closing brace is its last byte), so it is never listed as an
 * instance, and the group provisions a replacement, as for any lost instance. Forcing each file cost about
 * three quarters of the provisioning rate on the reference machine (median 1,300 against 5,200 provisions
 * per second from 10 threads; see the module README), which the target of 10,000 instances in 1.4 s cannot
 * afford; the Go plugin never forced its files either.
 */
final class InstanceFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceFiles.class);

    /** {@code .<name>.tmp-<hex>}: a temporary file of this plugin (or one left by a crash of it). */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp-[0-9a-f]+");

    /** A temporary file older than this is left over by a crash: no write takes this long. */
    static final Duration STALE_TEMPORARY = Duration.ofMinutes(1);

    private final Path dir;
    /** The temporary files being written now, never removed as stale whatever their age. */
    private final Set<String> writing = ConcurrentHashMap.newKeySet();

    InstanceFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /**
     * Tells whether a file of the directory may hold an instance: every name but hidden ones (temporary
     * files, editors' swap files).
     */
    static boolean isInstanceName(String name) {
        return !name.startsWith(".");
    }

    static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /** The file of an instance ID, which must be a plain file name in the directory. */
    Path fileOf(String instance) throws PluginException {
        if (instance == null || instance.isEmpty() || instance.equals(".") || instance.equals("..")
                || instance.startsWith(".") || instance.indexOf('/') >= 0 || instance.indexOf('\\') >= 0 || instance.indexOf('\0') >= 0) {
            throw new PluginException("Invalid instance ID '" + instance + "': not a file name in " + dir);
        }
        return dir.resolve(instance);
    }

    /**
     * Reads an instance file.
     *
     * @param json the codec, taken by the caller before the call (a missing one must fail the call, not make
     *     a file "not an instance")
     * @param file the file
     * @return its content, or {@code null} when it cannot be read or is not an instance (logged)
     * @throws NoSuchFileException when there is no such file
     */
    InstanceFile read(JsonCodec json, Path file) throws NoSuchFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            LOG.warn("Skipping unreadable instance file {}: {}", file, e.getMessage());
            return null;
        }
        try {
            return json.decode(new RawJson(text.isBlank() ? "null" : text), InstanceFile.class);
        } catch (PluginException | IllegalArgumentException e) {
            LOG.warn("Skipping instance file {}: not an instance ({})", file, e.getMessage());
            return null;
        }
    }

    /**
     * Writes an instance file: a temporary file renamed over the target, so a reader sees the old file or
     * the new one, never a part.
     *
     * @param json the codec
     * @param file the target
     * @param instance the content
     * @return the stamp of what was written (taken before the rename, which keeps it)
     * @throws PluginException if the file could not be written; the target is then unchanged
     */
    FileStamp write(JsonCodec json, Path file, InstanceFile instance) throws PluginException {
        byte[] bytes = json.encodeIndented(instance, "", "").getBytes(StandardCharsets.UTF_8);
        String name = "." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path tmp = dir.resolve(name);
        writing.add(name);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            FileStamp stamp = FileStamp.of(Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return stamp;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; report that
            }
            throw new PluginException("Cannot write instance file " + file + ": " + e.getMessage(), e);
        } finally {
            writing.remove(name);
        }
    }

    /**
     * Removes a temporary file left over by a crash: one older than {@link #STALE_TEMPORARY} that no
     * write of this plugin is using.
     *
     * @param name the name of a temporary file in the directory
     */
    void removeIfStale(String name) {
        if (writing.contains(name)) {
            return;
        }
        Path tmp = dir.resolve(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            FileTime staleBefore = FileTime.from(Instant.now().minus(STALE_TEMPORARY));
            if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(staleBefore) < 0 && !writing.contains(name)) {
                Files.deleteIfExists(tmp);
                LOG.info("Removed {}, a temporary file left over by an interrupted write", tmp);
            }
        } catch (NoSuchFileException e) {
            // gone meanwhile: nothing to remove
        } catch (IOException e) {
            LOG.warn("Cannot remove the stale temporary file {}: {}", tmp, e.getMessage());
        }
    }
}
