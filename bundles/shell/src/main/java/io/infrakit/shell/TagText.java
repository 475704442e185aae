package io.infrakit.shell;

import org.apache.karaf.shell.support.CommandException;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tags as users type and read them: {@code k=v} pairs separated by commas, as the Go CLI's
 * {@code --tags} flag takes them and its describe tables show them.
 */
final class TagText {

    private TagText() {
    }

    /**
     * Parses the values of a repeatable {@code --tags} option, each a comma-separated list of
     * {@code key=value}; the value may itself contain {@code =}. Empty items are skipped; a key given twice
     * keeps its last value.
     *
     * @param values the option values, or {@code null}
     * @return the tags sorted by key, empty when none were given
     * @throws CommandException naming the first item that is not {@code key=value}
     */
    static SortedMap<String, String> parse(List<String> values) throws CommandException {
        TreeMap<String, String> tags = new TreeMap<>();
        if (values == null) {
            return tags;
        }
        for (String value : values) {
            for (String item : value.split(",")) {
                String pair = item.strip();
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandException("Invalid tag '" + pair + "': expected key=value (for example tier=web)");
                }
                tags.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return tags;
    }

    /**
     * Formats tags as the Go CLI does: {@code k=v} strings sorted, joined by commas.
     *
     * @param tags the tags, or {@code null}
     * @return the text, {@code ""} when there are no tags
     */
    static String format(Map<String, String> tags) {
        Map<String, String> all = tags == null ? Collections.emptyMap() : tags;
        return all.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .collect(Collectors.joining(","));
    }
}
