package io.infrakit.spi;

import java.util.Objects;

/**
 * The identity of a plugin interface, as exchanged by the handshake ({@code {"Name":..,"Version":..}}).
 *
 * @param name interface name, for example {@code Instance}
 * @param version interface version, for example {@code 0.3.0}
 */
public record InterfaceSpec(String name, String version) {

    /**
     * Checks that both parts are present.
     *
     * @throws NullPointerException if a part is {@code null}
     */
    public InterfaceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    @Override
    public String toString() {
        return "{" + name + " " + version + "}";
    }
}
