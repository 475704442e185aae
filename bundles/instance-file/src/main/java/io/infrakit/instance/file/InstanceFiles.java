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
import java.nio.file.FileAlreadyExistsException;
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
    /** New files this plugin wrote in place, whose write event is not someone else's. */
    private final Set<String> created = ConcurrentHashMap.newKeySet();

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
     * Creates a new instance's file in place: it is opened only if no file has its name, and written in one
     * piece, with no temporary file and rename (that halves the directory operations of a creation, which
     * is what bounds how fast a group grows). The caller holds the ID's lock, so this plugin's own listing
     * never reads it half-written; a crash in the middle leaves a file that is not an instance (empty or
     * cut JSON), which is never listed.
     *
     * @param json the codec
     * @param file the new file
     * @param instance the content
     * @return the stamp of what was written, or {@code null} if a file of that name exists already
     * @throws PluginException if the file could not be written; no file is left then
     */
    FileStamp create(JsonCodec json, Path file, InstanceFile instance) throws PluginException {
        byte[] bytes = json.encodeIndented(instance, "", "").getBytes(StandardCharsets.UTF_8);
        created.add(file.getFileName().toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (FileAlreadyExistsException e) {
            created.remove(file.getFileName().toString());
            return null;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the write already failed; report that
            }
            throw new PluginException("Cannot write instance file " + file + ": " + e.getMessage(), e);
        }
        try {
            return FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new PluginException("Cannot read back instance file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tells whether a write event is that of a file this plugin created, and forgets it.
     *
     * @param name the file's name
     * @return {@code true} the first time it is asked after this plugin created the file
     */
    boolean createdHere(String name) {
        return created.remove(name);
    }

    /**
     * Tells, without forgetting it, whether this plugin created a file whose write event no listing has taken yet.
     *
     * @param name the file's name
     * @return {@code true} for a file this plugin has just created
     */
    boolean isCreatedHere(String name) {
        return created.contains(name);
    }

    /** Forgets the files created here whose write event has not come (there is no watch to bring it). */
    void forgetCreated() {
        created.clear();
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
