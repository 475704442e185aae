package io.infrakit.rpc.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file-system side of plugin sockets: the plugins directory and its permissions, the length limit of
 * socket paths, and telling a stale socket (left by a dead process) from a live one.
 */
public final class SocketFiles {

    /**
     * The longest socket path that works, in bytes: the kernel's {@code sun_path} holds 107 bytes and a NUL,
     * but the JDK (17 and later) refuses a 107-byte path with "Unix domain path too long" (measured).
     */
    public static final int MAX_PATH_BYTES = 106;

    private static final Logger LOG = LoggerFactory.getLogger(SocketFiles.class);
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private SocketFiles() {
    }

    /**
     * Creates the plugins directory if it is missing, readable only by its owner (and the group, if one is
     * allowed). An existing directory is left as it is, with a warning if others may enter it.
     *
     * @param dir the directory
     * @param group a group allowed to use the sockets, or empty
     * @throws IOException if it cannot be created or the group does not exist
     */
    public static void ensureDirectory(Path dir, String group) throws IOException {
        boolean shared = group != null && !group.isBlank();
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(shared ? "rwxr-x---" : "rwx------");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(perms));
            Files.setPosixFilePermissions(dir, perms);
            if (shared) {
                setGroup(dir, group);
            }
            return;
        }
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(dir);
        if (actual.contains(PosixFilePermission.OTHERS_EXECUTE) || (!shared && actual.contains(PosixFilePermission.GROUP_EXECUTE))) {
            LOG.warn("Plugins directory {} is {}: other users can reach its sockets; consider chmod 700",
                    dir, PosixFilePermissions.toString(actual));
        }
    }

    /**
     * Checks the length of a socket path.
     *
     * @param socket the path
     * @throws IOException naming the path if it is longer than {@value #MAX_PATH_BYTES} bytes
     */
    public static void checkLength(Path socket) throws IOException {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new IOException("Socket path " + socket + " is " + length + " bytes long; Unix sockets allow at most "
                    + MAX_PATH_BYTES + ". Use a shorter plugins directory (plugins.dir in etc/io.infrakit.rpc.cfg or INFRAKIT_PLUGINS_DIR) or a shorter plugin name.");
        }
    }

    /**
     * Tells whether a path is a socket file (without following links).
     *
     * @param path the path
     * @return {@code true} if it is a socket
     */
    public static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & TYPE_MASK) == SOCKET_TYPE;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Makes a socket path free to bind: removes a stale socket left by a process that is gone, and refuses
     * to touch a live socket or anything that is not a socket.
     *
     * @param socket the path
     * @throws IOException if the path is in use or is not a socket
     */
    public static void claim(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new IOException(socket + " exists and is not a socket; remove it or choose another plugin name");
        }
        if (isLive(socket)) {
            throw new IOException("Socket " + socket + " is in use by another process; stop that plugin or choose another plugin name");
        }
        LOG.info("Removing stale socket {}", socket);
        try {
            Files.delete(socket);
        } catch (NoSuchFileException e) {
            // gone meanwhile: fine
        }
    }

    /**
     * Tells whether something accepts connections on a socket.
     *
     * @param socket the path
     * @return {@code true} if a connection succeeds
     */
    public static boolean isLive(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Restricts a new socket to its owner, or to its owner and a group.
     *
     * @param socket the socket path
     * @param group the allowed group, or empty
     * @throws IOException if the permissions cannot be set
     */
    public static void restrict(Path socket, String group) throws IOException {
        boolean shared = group != null && !group.isBlank();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(shared ? "rw-rw----" : "rw-------"));
        if (shared) {
            setGroup(socket, group);
        }
    }

    private static void setGroup(Path path, String group) throws IOException {
        GroupPrincipal principal = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.trim());
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(principal);
    }
}
