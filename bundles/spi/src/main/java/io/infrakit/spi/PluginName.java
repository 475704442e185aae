package io.infrakit.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A plugin name as used for discovery: {@code name} or {@code name/type}. The name is the socket file in
 * the plugins directory (and the {@value #SERVICE_PROPERTY} service property); the type selects one of
 * several plugins served on that socket, sent as the {@code "Type"} field of Instance and Flavor calls.
 *
 * @param name the plugin (socket) name
 * @param type the sub-type, {@code ""} when there is none
 */
public record PluginName(String name, String type) {

    /** Service property that names a plugin service; every service carrying it is served on a socket. */
    public static final String SERVICE_PROPERTY = "infrakit.plugin.name";

    /** Optional service property selecting the sub-type a service answers ({@code name/type}). */
    public static final String TYPE_SERVICE_PROPERTY = "infrakit.plugin.type";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    private static final Pattern TYPE = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9._-]{0,99})?");

    /**
     * Checks both parts.
     *
     * @throws IllegalArgumentException if the name or type contains anything but letters, digits,
     *     {@code .}, {@code _} and {@code -} (the name may not start with a dot or dash and may not be empty)
     */
    public PluginName {
        Objects.requireNonNull(name, "name");
        type = type == null ? "" : type;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid plugin name '" + name
                    + "': use letters, digits, '.', '_' and '-' (at most 100, not starting with '.' or '-')");
        }
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("Invalid plugin type '" + type + "' in plugin name '" + name
                    + "/" + type + "': use letters, digits, '.', '_' and '-'");
        }
    }

    /**
     * Parses {@code name} or {@code name/type}; the part after the first {@code /} is the type.
     *
     * @param text the name to parse
     * @return the parsed name
     * @throws IllegalArgumentException if the text is not a valid plugin name
     */
    public static PluginName parse(String text) {
        Objects.requireNonNull(text, "plugin name");
        int slash = text.indexOf('/');
        return slash < 0 ? new PluginName(text, "") : new PluginName(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * Tells whether a text is a valid plugin name without a type.
     *
     * @param name the text to check
     * @return {@code true} if it can be used as a socket name
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    @Override
    public String toString() {
        return type.isEmpty() ? name : name + "/" + type;
    }
}
