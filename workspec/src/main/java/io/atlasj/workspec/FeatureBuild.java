package io.atlasj.workspec;

import java.util.regex.Pattern;

/**
 * How a unit's featureset is built: by the local engine (the default), or by Apache Spark over a market-data lake
 * ({@code featureset: {name: ..., engine: spark, master: ..., lake: ...}} in a WorkSpec). Both give the same matrix
 * bit for bit, so the choice is not part of a model's key: a model trained on a Spark build is the model trained on a
 * local one.
 *
 * @param engine {@code local} or {@code spark}
 * @param master Spark's master ({@code local[*]}, {@code local[2]}, {@code spark://host:7077}); null for the default,
 *               Spark inside the JVM on every core
 * @param lake   the lake to read (a folder or Hadoop filesystem URI, used as it is); null for the home's own lake,
 *               brought up to date from the store before the build
 */
public record FeatureBuild(String engine, String master, String lake) {
    /** The local engine. */
    public static final FeatureBuild LOCAL = new FeatureBuild("local", null, null);

    private static final Pattern MASTER = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)])?|spark://[^\\s/:]+:[0-9]+");

    public FeatureBuild {
        if (!"local".equals(engine) && !"spark".equals(engine)) {
            throw new IllegalArgumentException("engine must be local or spark, got '" + engine + "'");
        }
        if ("local".equals(engine) && (master != null || lake != null)) {
            throw new IllegalArgumentException((master != null ? "master" : "lake") + " is for engine: spark only");
        }
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new IllegalArgumentException("master must be local, local[N], local[*] or spark://HOST:PORT, got '"
                    + master + "'");
        }
    }

    public boolean spark() {
        return "spark".equals(engine);
    }
}
