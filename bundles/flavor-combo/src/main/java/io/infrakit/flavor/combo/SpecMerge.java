package io.infrakit.flavor.combo;

import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the spec a part returns is folded into the spec so far, so that the final init script is the original
 * one followed by each part's additions, in order, each exactly once, whatever style the part follows.
 *
 * <p>Each part is given the spec so far. A part that appends to the script it was given (vanilla does) is
 * taken as it answers. A part that answers only its own lines (the original combo handed every part the
 * untouched input and concatenated the answers, so Go flavors written for it may do that) has them appended
 * on a new line. A part that puts its lines in front of the given script has them moved after it. An empty
 * answer adds nothing and drops nothing.
 *
 * <p>Tags are merged, the part's winning over earlier ones; a tag a part leaves out is kept. Attachments are
 * the union, in order of first appearance. Properties are the part's when it returns any, else the earlier
 * ones. The logical ID is never changed by a flavor (the group relies on it): the input's is kept.
 */
final class SpecMerge {

    private SpecMerge() {
    }

    /**
     * Folds one part's answer into the spec so far.
     *
     * @param before the spec the part was given
     * @param after the spec the part returned
     * @return the combined spec
     */
    static InstanceSpec fold(InstanceSpec before, InstanceSpec after) {
        String init = init(before.init(), after.init());
        return new InstanceSpec(after.properties() != null ? after.properties() : before.properties(),
                tags(before.tags(), after.tags()), init, before.logicalID(),
                attachments(before.attachments(), after.attachments()));
    }

    /**
     * The init script after a part: the script it was given followed by what the part added.
     *
     * @param given the script the part was given
     * @param returned the script it returned
     * @return the combined script
     */
    static String init(String given, String returned) {
        if (given.isEmpty()) {
            return returned;
        }
        if (returned.isEmpty() || returned.equals(given)) {
            return given;
        }
        if (returned.startsWith(given)) {
            // the part appended to what it was given, its own way: take its answer as it is
            return returned;
        }
        String addition = returned;
        if (returned.endsWith(given)) {
            // the part put its lines in front: move them after the earlier ones, so that order is kept
            addition = returned.substring(0, returned.length() - given.length());
            if (addition.endsWith("\n")) {
                addition = addition.substring(0, addition.length() - 1);
            }
            if (addition.isEmpty()) {
                return given;
            }
        }
        // otherwise the part answered only its own lines, as flavors written for the original combo may
        return given + "\n" + addition;
    }

    private static Map<String, String> tags(Map<String, String> before, Map<String, String> after) {
        if (before == null && after == null) {
            return null;
        }
        Map<String, String> merged = new TreeMap<>();
        if (before != null) {
            merged.putAll(before);
        }
        if (after != null) {
            merged.putAll(after);
        }
        return merged;
    }

    private static List<Attachment> attachments(List<Attachment> before, List<Attachment> after) {
        if (before == null && after == null) {
            return null;
        }
        LinkedHashSet<Attachment> union = new LinkedHashSet<>();
        if (before != null) {
            union.addAll(before);
        }
        if (after != null) {
            union.addAll(after);
        }
        return new ArrayList<>(union);
    }
}
