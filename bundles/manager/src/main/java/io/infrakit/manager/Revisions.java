package io.infrakit.manager;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.Revision;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A group's revisions, free of I/O: a commit that changes the configuration adds one, numbered after the
 * last; only the last {@code limit} are kept (numbers are never reused).
 */
final class Revisions {

    private Revisions() {
    }

    /**
     * The revisions after a commit.
     *
     * @param revisions the revisions before, oldest first
     * @param spec the committed spec
     * @param sha its configuration
     * @param time when
     * @param source where it came from
     * @param reason why, when not a plain commit, or {@code null}
     * @param limit how many to keep
     * @return the revisions after: the same list when the configuration did not change
     */
    static List<Revision> add(List<Revision> revisions, GroupSpec spec, String sha, long time, String source, String reason, int limit) {
        Revision last = revisions.isEmpty() ? null : revisions.get(revisions.size() - 1);
        if (last != null && last.configSHA().equals(sha) && reason == null) {
            return revisions; // the same configuration (a scale, a repeated commit): no new revision
        }
        List<Revision> next = new ArrayList<>(revisions);
        next.add(new Revision(last == null ? 1 : last.revision() + 1, sha, time, source, reason, spec));
        return List.copyOf(next.subList(Math.max(0, next.size() - Math.max(1, limit)), next.size()));
    }

    /**
     * The revision to roll back to.
     *
     * @param revisions the revisions, oldest first
     * @param number a revision number, or 0 for the one before the latest
     * @return the revision
     * @throws PluginException if there is no such revision
     */
    static Revision find(List<Revision> revisions, int number) throws PluginException {
        if (number == 0) {
            if (revisions.size() < 2) {
                throw new PluginException("There is no revision before revision " + (revisions.isEmpty() ? 0 : revisions.get(0).revision())
                        + " to roll back to");
            }
            return revisions.get(revisions.size() - 2);
        }
        for (Revision r : revisions) {
            if (r.revision() == number) {
                return r;
            }
        }
        throw new PluginException("There is no revision " + number + (revisions.isEmpty() ? "" : "; the revisions kept are "
                + revisions.get(0).revision() + " to " + revisions.get(revisions.size() - 1).revision()));
    }

    /**
     * The latest revision with a configuration.
     *
     * @param revisions the revisions, oldest first
     * @param sha the configuration, or {@code null}
     * @return its number, or 0 if none has it
     */
    static int numberOf(List<Revision> revisions, String sha) {
        if (sha != null) {
            for (int i = revisions.size() - 1; i >= 0; i--) {
                if (revisions.get(i).configSHA().equals(sha)) {
                    return revisions.get(i).revision();
                }
            }
        }
        return 0;
    }

    /**
     * The latest revision with a spec.
     *
     * @param revisions the revisions, oldest first
     * @param spec the spec
     * @param text the spec as compact JSON (whitespace and key order as the codec writes them)
     * @return the revision, or {@code null}
     */
    static Revision of(List<Revision> revisions, GroupSpec spec, Function<GroupSpec, String> text) {
        String wanted = text.apply(spec);
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (text.apply(revisions.get(i).spec()).equals(wanted)) {
                return revisions.get(i);
            }
        }
        return null;
    }
}
