package io.infrakit.rpc.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.infrakit.spi.InterfaceSpec;

import java.util.List;

/** Messages shared by every plugin: the empty request, {@code {"OK":true}} and the handshake. */
public final class CommonMessages {

    private CommonMessages() {
    }

    /** A request without params ({@code {}}). */
    public record Empty() {
    }

    /** {@code {"OK":true}}, the result of methods that return nothing. @param ok always true */
    public record Ok(boolean ok) {
        /** The one value. */
        public static final Ok TRUE = new Ok(true);
    }

    /** {@code {"Type":..,"OK":true}}, the result of typed methods that return nothing. @param type the sub-type @param ok always true */
    public record TypedOk(String type, boolean ok) {
    }

    /**
     * Who made a plugin: the bundle serving it, as the Go plugins name their binary.
     *
     * @param name the bundle's symbolic name
     * @param version the bundle's version
     * @param url the bundle's documentation address, {@code null} when it has none
     */
    public record Vendor(String name, String version, @JsonProperty("URL") String url) {
    }

    /**
     * The handshake result. Go v0.3 clients read {@code APIs}; the original documentation shows
     * {@code Interfaces}; both are written so either kind of client is served, and either is read.
     * {@code Vendor} is ours (the bundle and its version, as in {@code /info/api.json}); clients that do
     * not know it ignore it.
     *
     * @param apis the implemented interfaces
     * @param interfaces the same list, under the documented name
     * @param vendor the bundle serving the plugin, {@code null} when unknown (left out)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImplementsResponse(@JsonProperty("APIs") List<InterfaceSpec> apis,
                                     @JsonProperty("Interfaces") List<InterfaceSpec> interfaces,
                                     Vendor vendor) {
        /**
         * Both keys with the same list.
         *
         * @param specs the interfaces
         * @param vendor the bundle serving the plugin, or {@code null}
         * @return the result
         */
        public static ImplementsResponse of(List<InterfaceSpec> specs, Vendor vendor) {
            return new ImplementsResponse(specs, specs, vendor);
        }

        /**
         * The interfaces, whichever key the plugin used.
         *
         * @return the list, empty when neither key is present
         */
        public List<InterfaceSpec> specs() {
            return apis != null ? apis : interfaces != null ? interfaces : List.of();
        }
    }
}
