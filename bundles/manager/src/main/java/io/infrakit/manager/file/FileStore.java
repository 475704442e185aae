package io.infrakit.manager.file;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store of the file backend: {@code <dir>/global.config}, as the original's {@code os} manager kept it.
 * A save re-reads the file under an exclusive lock ({@code <dir>/global.config.lock}, which also excludes
 * other processes) and fails with a conflict if it changed since it was read; the new text is written to
 * a temporary file, flushed to disk and moved over the old one, so a crash leaves the old or the new
 * document, never a mix. The version is a digest of the file's bytes.
 */
final class FileStore implements GroupStore {

    /** The file name the original used. */
    static final String FILE_NAME = "global.config";

    private static final ConcurrentMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;
    private final Path lockFile;

    FileStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.lockFile = dir.resolve(FILE_NAME + ".lock");
    }

    Path file() {
        return file;
    }

    @Override
    public StoredGroups load() throws PluginException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new StoredGroups(new String(bytes, StandardCharsets.UTF_8), version(bytes));
        } catch (NoSuchFileException e) {
            return new StoredGroups(null, StoredGroups.NONE);
        } catch (IOException e) {
            throw new PluginException("Cannot read the group store " + file + ": " + e, e);
        }
    }

    @Override
    public long save(String json, long expectedVersion) throws PluginException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        // a file lock excludes other processes; within this JVM, one lock per file (FileChannel.lock would throw)
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
        local.lock();
        try {
            OwnerOnly.createDirectories(dir);
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock.lock()) {
                long current = load().version();
                if (current != expectedVersion) {
                    throw new StoreConflictException("The group store " + file + " changed since it was read (another manager wrote it)");
                }
                Path temp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp");
                try {
                    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                        ByteBuffer buffer = ByteBuffer.wrap(bytes);
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                        out.force(true);
                    }
                    move(temp);
                } finally {
                    Files.deleteIfExists(temp);
                }
                syncDirectory();
            }
        } catch (IOException e) {
            throw new PluginException("Cannot write the group store " + file + ": " + e, e);
        } finally {
            local.unlock();
        }
        return version(bytes);
    }

    private void move(Path temp) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable (where the platform lets a directory be opened). */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here: the rename is still atomic
        }
    }

    /** A non-negative digest of the content, never {@link StoredGroups#NONE}. */
    static long version(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
