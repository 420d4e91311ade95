package io.atlasj.features.spark;

import io.atlasj.features.eval.Evaluator;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.marketdata.lake.Lake;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The feature build on Apache Spark: one Spark task per featureset and market, each reading its bars from the lake
 * ({@link Lake}) on the executor and building them with {@link FeatureSetBuilder}'s own code, the same Java kernels as
 * the local engine, never a second implementation. The matrices come back to the driver, which stores them in the
 * featureset cache ({@link FeatureSetBuilder#buildAll(List, long, long,
 * io.atlasj.features.set.FeaturesetCache, FeatureSetBuilder.Engine)}).
 *
 * <p>A task reads its series from their first bar, as a local build does, so recursive features (EMAs, cumulative
 * sums) start where the local engine's start and the two engines agree bit for bit. The unit of parallelism is
 * therefore a featureset on one market; splitting one market's history into time partitions would need every kernel's
 * value to depend on a bounded window (not done).
 *
 * <p>The master is {@code local[N]} or {@code local[*]} (Spark inside this JVM, no install) or
 * {@code spark://HOST:PORT}, a standalone cluster whose executors have Atlas's classes (the driver's class path is
 * given to them as {@code spark.executor.extraClassPath}: install Atlas at the same path on every worker host) and
 * reach the lake at the same location (a shared folder or a Hadoop filesystem URI).
 */
public final class SparkEngine implements FeatureSetBuilder.Engine, AutoCloseable {
    /** Spark inside this JVM on every core. */
    public static final String DEFAULT_MASTER = "local[*]";

    private final String master;
    private final Lake lake;
    private final boolean owned;
    private SparkSession spark;

    private SparkEngine(String master, SparkSession spark, Lake lake, boolean owned) {
        this.master = master;
        this.spark = spark;
        this.lake = lake;
        this.owned = owned;
    }

    /**
     * An engine that builds over {@code lake} (open, and closed by the caller; executors open its location) with a
     * Spark driver for {@code master}, started at the first build (after the lake was found to hold what the sets
     * need) and stopped by {@link #close()}.
     */
    public static SparkEngine start(String master, Lake lake) {
        return new SparkEngine(master, null, lake, true);
    }

    /** Builds over the lake with a session the caller owns (and stops). */
    public static SparkEngine on(SparkSession spark, Lake lake) {
        return new SparkEngine(spark.sparkContext().master(), spark, lake, false);
    }

    private SparkSession session() {
        if (spark == null) {
            SparkSession.Builder b = SparkSession.builder().master(master).appName("atlas features build")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.task.maxFailures", "4") // a lost worker's task runs again elsewhere
                    // the matrices come back to the driver (31 columns of 352k rows are 87 MB): no cap of 1 GB in all
                    .config("spark.driver.maxResultSize", "0");
            if (master.startsWith("local")) {
                b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
            } else {
                b.config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                        .config("spark.executor.extraJavaOptions", String.join(" ", JVM_OPTIONS));
            }
            spark = b.getOrCreate();
        }
        return spark;
    }

    public String master() {
        return master;
    }

    /**
     * Builds the sets in Spark tasks. A set whose series the lake lacks is refused here, before any task runs; a task
     * that fails on the user's data (after Spark's retries) throws its own exception, not Spark's wrapper of it.
     */
    @Override
    public List<FeatureMatrix> build(List<FeatureLabelSet> sets, long from, long to) {
        LakeSource source = new LakeSource(lake);
        FeatureSetBuilder builder = new FeatureSetBuilder(source);
        for (FeatureLabelSet set : sets) {
            for (FeatureSetBuilder.Need n : builder.resolve(set).needs()) {
                lake.requireComplete(new Lake.SeriesKey(n.quotes() ? Lake.Kind.QUOTE_BARS : Lake.Kind.CANDLES,
                        n.market(), n.timeframe()));
                if (source.fingerprint(n.market(), n.timeframe(), n.quotes()) == null) {
                    throw Evaluator.missing("featureset " + set.name(), n.toString(), from, to, source);
                }
            }
        }
        List<Task> tasks = sets.stream().map(s -> new Task(FeatureSetYaml.write(s), lake.location(), from, to)).toList();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session().sparkContext());
        try {
            return jsc.parallelize(tasks, Math.max(1, tasks.size())).map(Task::run).collect();
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException || c instanceof Lake.LakeException) {
                    throw (RuntimeException) c;
                }
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (owned && spark != null) {
            spark.stop();
        }
    }

    /**
     * The options a JVM that runs Spark 4 on JDK 17 needs (Spark's own launcher adds them; an embedded driver and the
     * executors of a standalone cluster started by Atlas get them from Atlas's launch scripts and this list).
     */
    public static final List<String> JVM_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    /** One featureset on one market, as the executor receives it: the set's YAML (an equal set is read back). */
    record Task(String yaml, String lake, long from, long to) implements Serializable {
        FeatureMatrix run() {
            FeatureLabelSet set = FeatureSetYaml.read("the featureset sent to a Spark task", yaml);
            try (Lake l = Lake.open(lake)) {
                return new FeatureSetBuilder(new LakeSource(l)).build(set, from, to);
            }
        }
    }
}
