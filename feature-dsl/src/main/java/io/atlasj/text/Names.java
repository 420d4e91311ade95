package io.atlasj.text;

import java.util.Collection;
import java.util.Comparator;

/** "Did you mean" hints for names the user mistyped (formats, features, fields, model types). */
public final class Names {
    private Names() {
    }

    /** {@code "; did you mean 'X'?"} for the closest known name, or nothing when none is close. */
    public static String suggest(String name, Collection<String> known) {
        String best = known.stream().min(Comparator.comparingInt(k -> distance(k.toLowerCase(), name.toLowerCase())))
                .orElse(null);
        if (best == null || distance(best.toLowerCase(), name.toLowerCase()) > Math.max(2, name.length() / 2)) {
            return "";
        }
        return "; did you mean '" + best + "'?";
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
