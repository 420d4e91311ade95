package io.atlasj.workspec.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * Which Atlas made a result: the version and git commit the build stamped into {@code atlas-build.properties}
 * (written by workspec's pom), and whether the tree had uncommitted changes to tracked files when it was built.
 *
 * @param version the project version, or {@code development} when the classes were not built by Maven
 * @param commit  the full commit id, or {@code unknown} (built without git or outside a checkout)
 * @param dirty   {@code true}, {@code false} or {@code unknown}
 */
public record BuildInfo(String version, String commit, String dirty) {
    public static final String RESOURCE = "atlas-build.properties";
    private static final BuildInfo CURRENT = load(BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE));

    /** This build's stamp, read once. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** Reads a stamp; a missing stream or value reads as development / unknown. */
    static BuildInfo load(InputStream in) {
        Properties p = new Properties();
        if (in != null) {
            try (in) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
            }
        }
        return new BuildInfo(value(p, "version", "development"), value(p, "commit", "unknown"),
                value(p, "dirty", "unknown"));
    }

    private static String value(Properties p, String key, String otherwise) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() || v.startsWith("${") ? otherwise : v;
    }

    /** The commit, abbreviated to 12 characters, with {@code +changes} when the tree was dirty. */
    public String shortCommit() {
        String c = commit.length() > 12 && !commit.equals("unknown") ? commit.substring(0, 12) : commit;
        return "true".equals(dirty) ? c + "+changes" : c;
    }

    /** The provenance entries of a result: {@code atlas}, {@code git}, {@code gitDirty}. */
    public Map<String, String> provenance() {
        return Map.of("atlas", version, "git", commit, "gitDirty", dirty);
    }
}
