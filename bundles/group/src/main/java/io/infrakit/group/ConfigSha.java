package io.infrakit.group;

import io.infrakit.spi.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code infrakit.config_sha} tag: which configuration an instance was made from. Computed exactly as
 * the Go group plugin does, so instances made by either are recognised by both: URL-safe base64 of the
 * SHA-1 of the stable JSON form of the {@code Instance} section followed by that of the {@code Flavor}
 * section. The allocation is not part of it: resizing rolls nothing.
 */
public final class ConfigSha {

    /** The tag holding the hash. */
    public static final String TAG = "infrakit.config_sha";
    /** The tag holding the group ID: the membership tag. */
    public static final String GROUP_TAG = "infrakit.group";

    private ConfigSha() {
    }

    /**
     * Hashes a group's instance and flavor configuration.
     *
     * @param properties the group's properties
     * @param json the JSON codec
     * @return the hash, as tagged on instances
     */
    public static String of(GroupProperties properties, JsonCodec json) {
        String text = json.encodeStable(properties.instance(), "  ", "  ") + json.encodeStable(properties.flavor(), "  ", "  ");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this Java runtime", e);
        }
    }
}
