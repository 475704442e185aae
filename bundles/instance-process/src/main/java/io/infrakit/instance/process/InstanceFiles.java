package io.infrakit.instance.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/** File operations of the plugin: owner-only files, atomic replacement, removal that never follows a link. */
final class InstanceFiles {

    /** Owner-only directories. */
    static final FileAttribute<?> DIR_0700 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private static final FileAttribute<?> FILE_0600 = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private InstanceFiles() {
    }

    /**
     * Writes a file through a temporary file renamed over it, so a reader never sees half of it.
     *
     * @param file the file
     * @param text its new content
     * @throws IOException if it cannot be written
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_0600)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates a new owner-only file with a content; fails if it exists.
     *
     * @param file the file
     * @param text its content
     * @throws IOException if it cannot be created
     */
    static void create(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_0600)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Removes a directory and everything in it. Symbolic links are removed, never followed, so a link the
     * instance's script left in its directory cannot make this delete anything outside it. A missing
     * directory is not an error.
     *
     * @param dir the directory
     * @throws IOException if something cannot be removed
     */
    static void deleteTree(Path dir) throws IOException {
        if (Files.notExists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The last lines of a log file, for a message that explains why a process ended.
     *
     * @param log the file
     * @param maxBytes how much of its end to read at most
     * @return the text, or {@code ""} when there is none
     */
    static String tail(Path log, int maxBytes) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, maxBytes));
            channel.read(buffer, size - buffer.capacity());
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            Deque<String> lines = new ArrayDeque<>();
            for (String line : text.split("\n")) {
                lines.addLast(line);
                if (lines.size() > 10) {
                    lines.removeFirst();
                }
            }
            return String.join("\n", lines);
        } catch (IOException e) {
            return "";
        }
    }
}
