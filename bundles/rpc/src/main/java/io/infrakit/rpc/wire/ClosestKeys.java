package io.infrakit.rpc.wire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The "did you mean" of an unknown key: the known keys closest to it by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbouring letters, without regard to case, as keys are matched).
 */
final class ClosestKeys {

    private ClosestKeys() {
    }

    /**
     * The known keys a mistyped key most likely meant: those at the smallest edit distance, if it is small for
     * the key's length (1 for up to 5 letters, 2 up to 8, else 3), or else the one known key the typed key is the
     * start of ({@code HealthTimeout} for {@code HealthTimeoutSeconds}).
     *
     * <p>Worked example, known keys {@code Allocation, Flavor, Instance, Update}: {@code Updte} is 1 deletion from
     * {@code Update} and at least 5 from the others, so {@code [Update]}; {@code Falvor} is 1 swap from
     * {@code Flavor}; {@code Colour} is 5 or more from every key, above its limit of 2, so {@code []}.
     *
     * @param key the unknown key
     * @param known the keys of the object
     * @return the suggestions in the order of {@code known}, best first; empty when none is close
     */
    static List<String> of(String key, Collection<String> known) {
        String typed = key.toLowerCase(Locale.ROOT);
        int limit = typed.length() <= 5 ? 1 : typed.length() <= 8 ? 2 : 3;
        int best = Integer.MAX_VALUE;
        List<String> closest = new ArrayList<>();
        for (String candidate : known) {
            int d = distance(typed, candidate.toLowerCase(Locale.ROOT));
            if (d > limit || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                closest.clear();
            }
            closest.add(candidate);
        }
        if (closest.isEmpty() && typed.length() >= 3) {
            for (String candidate : known) {
                if (candidate.toLowerCase(Locale.ROOT).startsWith(typed)) {
                    closest.add(candidate);
                }
            }
            if (closest.size() > 1) {
                closest.clear();
            }
        }
        return List.copyOf(closest);
    }

    /**
     * The optimal string alignment distance (Damerau-Levenshtein where no substring is edited twice).
     *
     * @param a a string
     * @param b another
     * @return the fewest insertions, deletions, substitutions and swaps of neighbours turning {@code a} into {@code b}
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
