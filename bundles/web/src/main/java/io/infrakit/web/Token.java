package io.infrakit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The console's access token, as Jupyter has one: 32 random bytes, new at each start of the endpoint, written to an
 * owner-only file that only the user running InfraKit (and root) can read. Actions need it; compared in constant time.
 */
final class Token {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;
    private final Path file;

    private Token(String value, Path file) {
        this.value = value;
        this.file = file;
    }

    /**
     * Makes a new token and writes it: the directory is created owner-only ({@code rwx------}), the file is written
     * owner-only ({@code rw-------}) beside it and moved into place, so no one ever reads half a token or a token
     * readable by others.
     *
     * @param file where to write it
     * @return the token
     * @throws IOException if it cannot be written
     */
    static Token create(Path file) throws IOException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = HexFormat.of().formatHex(bytes);
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path temp = Files.createTempFile(dir, ".token", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, value + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new Token(value, file);
    }

    String value() {
        return value;
    }

    Path file() {
        return file;
    }

    /**
     * Tells whether a presented token is this one, in time independent of where they differ.
     *
     * @param presented the token presented, or {@code null}
     * @return whether it matches
     */
    boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the file, when the endpoint stops: the token is good for nothing any more. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next start replaces it
        }
    }
}
