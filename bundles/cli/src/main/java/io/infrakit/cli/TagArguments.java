package io.infrakit.cli;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Tags on the command line ({@code --tags k=v,k2=v2}) and in tables ({@code k=v} sorted, comma-joined). */
final class TagArguments {

    private TagArguments() {
    }

    /**
     * Parses {@code key=value} arguments. As the original: a value may be empty, and an argument without
     * {@code =} is a key with an empty value.
     *
     * @param arguments the arguments, already split at commas; may be {@code null}
     * @return the tags, sorted by key (empty when there are none)
     * @throws CliException if a key is empty
     */
    static Map<String, String> parse(List<String> arguments) {
        Map<String, String> tags = new TreeMap<>();
        if (arguments == null) {
            return tags;
        }
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            String key = eq < 0 ? argument : argument.substring(0, eq);
            if (key.isEmpty()) {
                throw new CliException("Invalid tag '" + argument + "': use key=value");
            }
            tags.put(key, eq < 0 ? "" : argument.substring(eq + 1));
        }
        return tags;
    }

    /**
     * Formats tags as {@code k=v} pairs sorted by key and joined by commas.
     *
     * @param tags the tags, may be {@code null}
     * @return the text, empty when there are no tags
     */
    static String format(Map<String, String> tags) {
        StringJoiner joined = new StringJoiner(",");
        if (tags != null) {
            new TreeMap<>(tags).forEach((k, v) -> joined.add(k + "=" + v));
        }
        return joined.toString();
    }
}
