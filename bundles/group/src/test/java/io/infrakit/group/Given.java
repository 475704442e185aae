package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain values for the tests of the pure decision classes: declarations parsed as a user writes them, and
 * members tagged with a configuration ("old", "new"...).
 */
final class Given {

    /** The time "now" of every decision test, in milliseconds. */
    static final long NOW = 1_700_000_000_000L;
    /** Long enough ago to be "always". */
    static final long LONG_AGO = 24 * 3_600_000L;

    private static final WireJsonCodec JSON = new WireJsonCodec();

    private Given() {
    }

    /**
     * A Size group.
     *
     * @param size the size
     * @param update the members of the {@code Update} object, e.g. {@code "MaxSurge":2}, or {@code ""}
     * @return the parsed properties
     */
    static GroupProperties size(long size, String update) {
        return parse("{\"Allocation\":{\"Size\":" + size + "}" + instanceAndFlavor("1") + update(update) + "}");
    }

    /**
     * A quorum.
     *
     * @param logicalIDs the declared logical IDs, comma separated
     * @param update the members of the {@code Update} object, or {@code ""}
     * @return the parsed properties
     */
    static GroupProperties quorum(String logicalIDs, String update) {
        String ids = Arrays.stream(logicalIDs.split(",")).map(s -> "\"" + s.trim() + "\"").collect(Collectors.joining(","));
        return parse("{\"Allocation\":{\"LogicalIDs\":[" + ids + "]}" + instanceAndFlavor("1") + update(update) + "}");
    }

    private static String instanceAndFlavor(String version) {
        return ",\"Instance\":{\"Plugin\":\"instance-mem\",\"Properties\":{\"Note\":\"version " + version + "\"}}"
                + ",\"Flavor\":{\"Plugin\":\"flavor-test\"}";
    }

    private static String update(String update) {
        return update.isEmpty() ? "" : ",\"Update\":{" + update + "}";
    }

    static GroupProperties parse(String json) {
        try {
            return GroupProperties.parse(new RawJson(json), JSON);
        } catch (PluginException e) {
            throw new AssertionError("the test's declaration is invalid: " + json, e);
        }
    }

    /** A member of group "g" at a configuration. */
    static Description member(String id, String sha) {
        return pet(id, null, sha);
    }

    /** A member of group "g" with a logical ID ({@code null} for none) at a configuration. */
    static Description pet(String id, String logicalID, String sha) {
        Map<String, String> tags = new HashMap<>();
        tags.put(ConfigSha.GROUP_TAG, "g");
        tags.put(ConfigSha.TAG, sha);
        return new Description(id, logicalID, tags);
    }

    /** Members at one configuration. */
    static List<Description> members(String sha, String... ids) {
        List<Description> out = new ArrayList<>();
        for (String id : ids) {
            out.add(member(id, sha));
        }
        return out;
    }

    /** IDs {@code prefix00} to {@code prefix(n-1)}, two digits, so that they sort as numbered. */
    static String[] ids(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = String.format("%s%02d", prefix, i);
        }
        return out;
    }
}
