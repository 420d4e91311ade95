package io.atlasj.features.spark;

import io.atlasj.features.eval.Evaluator;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.marketdata.lake.Lake;
import java.io.Serializable;
import java.util.ArrayList;
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
 * <p>A featureset's range is split into time partitions of about {@link #PARTITION_BARS} base bars (never fewer than
 * its reach, {@link FeatureSetBuilder#reachMillis}), one task each: a task reads its partition and the reach before
 * it, and since every kernel's value depends on that reach only ({@link io.atlasj.features.eval.Timeline}), the
 * partitions joined in order ({@link FeatureSetBuilder#joined}) are the local engine's build bit for bit. A set whose
 * reach is unbounded (a feature that depends on where reading began, {@code gaps: bridge}, fill-flat without a limit)
 * is one task over its whole range, reading from the first bar as a local build does.
 *
 * <p>The master is {@code local[N]} or {@code local[*]} (Spark inside this JVM, no install) or
 * {@code spark://HOST:PORT}, a standalone cluster whose executors have Atlas's classes (the driver's class path is
 * given to them as {@code spark.executor.extraClassPath}: install Atlas at the same path on every worker host) and
 * reach the lake at the same location (a shared folder or a Hadoop filesystem URI).
 */
public final class SparkEngine implements FeatureSetBuilder.Engine, AutoCloseable {
    /** Spark inside this JVM on every core. */
    public static final String DEFAULT_MASTER = "local[*]";

    /**
     * Base bars a task builds, about: a year of minutes. Enough that the reach a task reads before its partition (a few
     * thousand bars for most sets) is a small share of its work, few enough that one market of years of minutes or of
     * seconds spreads over the cluster.
     */
    public static final long PARTITION_BARS = 500_000;

    /**
     * Sets handed over (written into the featureset cache) at once, at most: one a core up to this, since each holds
     * its matrix and a disk gains little from more writers.
     */
    static final int HAND_OVERS = 4;

    private final String master;
    private final Lake lake;
    private final boolean owned;
    private final long partitionBars;
    private SparkSession spark;
    private List<String> lastPlan = List.of();

    private SparkEngine(String master, SparkSession spark, Lake lake, boolean owned, long partitionBars) {
        if (partitionBars < 1) {
            throw new IllegalArgumentException("a partition needs at least one bar, got " + partitionBars);
        }
        this.master = master;
        this.spark = spark;
        this.lake = lake;
        this.owned = owned;
        this.partitionBars = partitionBars;
    }

    /**
     * An engine that builds over {@code lake} (open, and closed by the caller; executors open its location) with a
     * Spark driver for {@code master}, started at the first build (after the lake was found to hold what the sets
     * need) and stopped by {@link #close()}.
     */
    public static SparkEngine start(String master, Lake lake) {
        return new SparkEngine(master, null, lake, true, PARTITION_BARS);
    }

    /** Builds over the lake with a session the caller owns (and stops). */
    public static SparkEngine on(SparkSession spark, Lake lake) {
        return new SparkEngine(spark.sparkContext().master(), spark, lake, false, PARTITION_BARS);
    }

    /**
     * The same engine with time partitions of about {@code bars} base bars (tests, and sets of unusual sizes), on the
     * session the caller owns: an engine made by {@link #on}.
     */
    public SparkEngine withPartitionBars(long bars) {
        if (owned) {
            throw new IllegalStateException("withPartitionBars is for an engine on a session the caller owns (on)");
        }
        return new SparkEngine(master, spark, lake, false, bars);
    }

    /** The tasks of the last build, one line each: the set, and the range of its partition. */
    public List<String> lastPlan() {
        return lastPlan;
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
                if (master.equals("local") || master.startsWith("local[")) {
                    // in one process a task's matrix is handed to the driver as it is, not stored in the block
                    // manager and fetched from it (results over 1 MB did that): 7% of a 16x build (benchmarks)
                    b.config("spark.task.maxDirectResultSize", "2047m").config("spark.rpc.message.maxSize", "2047");
                }
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
     * Builds the sets in Spark tasks, a task per set and time partition. A set whose series the lake lacks is refused
     * here, before any task runs; a task that fails on the user's data (after Spark's retries) throws its own
     * exception, not Spark's wrapper of it. Partitions come back to the driver as their tasks end; a set is joined and
     * handed to {@code done} as soon as its last partition is in, on one of as many threads as the machine has cores
     * (at most {@link #HAND_OVERS}) while the other tasks run (hand-overs that write the featureset cache write side by
     * side), so the driver holds the partitions that arrived and were not yet handed over, not every matrix of the
     * build. When handing over fails, the job is cancelled, no other set is handed over, and the first hand-over to
     * fail throws its failure once those under way have ended.
     */
    @Override
    public void build(List<FeatureLabelSet> sets, long from, long to,
                      java.util.function.ObjIntConsumer<FeatureMatrix> done) {
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
        List<Task> tasks = new ArrayList<>();
        List<String> plan = new ArrayList<>();
        int[] partsOf = new int[sets.size()];
        int[] firstTask = new int[sets.size()]; // a set's tasks follow each other, from this index
        for (int i = 0; i < sets.size(); i++) {
            FeatureLabelSet set = sets.get(i);
            String yaml = FeatureSetYaml.write(set);
            firstTask[i] = tasks.size();
            for (long[] p : partitions(set, builder.resolve(set), from, to)) {
                tasks.add(new Task(yaml, lake.location(), p[0], p[1], i));
                plan.add(set.name() + " " + set.baseMarket() + " " + range(p[0]) + " .. " + range(p[1]));
                partsOf[i]++;
            }
        }
        lastPlan = List.copyOf(plan);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session().sparkContext());
        // results as tasks end (Spark's scheduler thread only queues them); this thread collects each set's partitions
        // and passes the whole set to the hand-over threads
        java.util.concurrent.BlockingQueue<Object[]> arrived = new java.util.concurrent.LinkedBlockingQueue<>();
        Object end = new Object();
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        String group = "atlas-build-" + java.util.UUID.randomUUID();
        Thread job = new Thread(() -> {
            try {
                jsc.setJobGroup(group, "atlas features build", true);
                jsc.sc().runJob(jsc.parallelize(tasks, Math.max(1, tasks.size())).rdd(), new RunTask(),
                        new scala.runtime.AbstractFunction2<Object, FeatureMatrix, scala.runtime.BoxedUnit>() {
                            @Override
                            public scala.runtime.BoxedUnit apply(Object index, FeatureMatrix m) {
                                arrived.add(new Object[] {index, m});
                                return scala.runtime.BoxedUnit.UNIT;
                            }
                        }, scala.reflect.ClassTag$.MODULE$.apply(FeatureMatrix.class));
            } catch (Exception e) { // SparkException is a checked exception, thrown here undeclared
                failed.set(e);
            } catch (Error e) {
                failed.set(new IllegalStateException("the Spark job failed: " + e, e));
                throw e;
            } finally {
                arrived.add(new Object[] {end});
            }
        }, "atlas-spark-job");
        job.setDaemon(true);
        job.start();
        java.util.Map<Integer, FeatureMatrix[]> pending = new java.util.HashMap<>();
        // sets are handed over on as many threads as this machine has cores, at most HAND_OVERS (a hand-over writes
        // the matrix into the featureset cache, and each one under way holds a matrix), so that writes run side by
        // side, as the local engine's do, not one after the other behind the tasks; a failed hand-over wakes this
        // thread, which stops the job
        java.util.concurrent.atomic.AtomicInteger handerCount = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService handers = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(Math.min(Runtime.getRuntime().availableProcessors(), HAND_OVERS), sets.size())),
                r -> {
                    Thread th = new Thread(r, "atlas-spark-handover-" + handerCount.incrementAndGet());
                    th.setDaemon(true);
                    return th;
                });
        List<java.util.concurrent.Future<?>> handed = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> handOverFailed =
                new java.util.concurrent.atomic.AtomicReference<>();
        Object handOverFailure = new Object();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        boolean finished = false;
        try {
            while (true) {
                Object[] next = arrived.take();
                if (next[0] == end) {
                    break;
                }
                if (next[0] == handOverFailure) {
                    throw rethrown(handOverFailed.get());
                }
                int t = (Integer) next[0];
                int set = tasks.get(t).set();
                FeatureMatrix[] parts = pending.computeIfAbsent(set, k -> new FeatureMatrix[partsOf[k]]);
                parts[t - firstTask[set]] = (FeatureMatrix) next[1];
                if (java.util.Arrays.stream(parts).allMatch(java.util.Objects::nonNull)) {
                    pending.remove(set);
                    handed.add(handers.submit(() -> {
                        if (handOverFailed.get() != null || stopping.get()) {
                            return; // the build failed: no set is handed over after it
                        }
                        try {
                            done.accept(builder.joined(sets.get(set), List.of(parts)), set);
                        } catch (Throwable e) { // whatever the caller's code throws stops the build
                            handOverFailed.compareAndSet(null, e);
                            arrived.add(new Object[] {handOverFailure});
                            throw e;
                        }
                    }));
                }
            }
            for (java.util.concurrent.Future<?> f : handed) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw rethrown(handOverFailed.get() != null ? handOverFailed.get() : e.getCause());
                }
            }
            job.join();
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Spark built the sets", e);
        } finally {
            // hand-overs under way end their writes (a cache write is not interrupted half-way); after a failure none
            // starts, and this thread returns once those under way have ended (they are the caller's own code: none
            // is still running when the build has thrown)
            stopping.set(!finished);
            handers.shutdown();
            if (!finished) { // handing over failed, or this thread was interrupted: stop the tasks, even a job that
                // has not been submitted yet, and wait, whatever interrupts, for the hand-overs under way to end and
                // (up to a minute) for the job
                jsc.sc().cancelJobGroupAndFutureJobs(group);
                awaitEnd(handers);
                boolean interrupted = Thread.interrupted();
                long until = System.nanoTime() + 60_000_000_000L;
                while (job.isAlive() && System.nanoTime() < until) {
                    try {
                        job.join(1_000);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Exception e = failed.get();
        if (e != null) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException || c instanceof Lake.LakeException) {
                    throw (RuntimeException) c;
                }
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("Spark: " + e.getMessage(), e);
        }
    }

    /** Waits for {@code pool}'s tasks to end, whatever interrupts (the interrupt is kept). */
    private static void awaitEnd(java.util.concurrent.ExecutorService pool) {
        boolean interrupted = Thread.interrupted();
        while (!pool.isTerminated()) {
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A hand-over's failure as this thread throws it: unchecked exceptions and errors as they are. */
    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("handing a built set over failed: " + t, t);
    }

    /** Runs a partition's one task on the executor. */
    static final class RunTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Task>, FeatureMatrix>
            implements Serializable {
        @Override
        public FeatureMatrix apply(scala.collection.Iterator<Task> it) {
            return it.next().run();
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

    /**
     * The time partitions of a build of {@code set} over {@code [from, to)}: about {@link #partitionBars} base bars
     * each (at least the set's reach), the first beginning at {@code from} and the last ending at {@code to}; the
     * whole range when the reach is unbounded or the range holds one partition. The base market's extent comes from
     * the lake's catalogue (its series of every timeframe), so planning reads no bars.
     */
    List<long[]> partitions(FeatureLabelSet set, FeatureSetBuilder.Resolved r, long from, long to) {
        long reach = FeatureSetBuilder.reachMillis(r);
        long bar = set.baseTimeframe().millis();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Lake.Kind kind = set.prices() == io.atlasj.features.eval.PriceBasis.MID ? Lake.Kind.QUOTE_BARS
                : Lake.Kind.CANDLES;
        for (Lake.Series s : lake.series()) {
            // the base market's bars at the base timeframe or finer (coarser bars end later than the data does)
            if (s.key().kind() == kind && s.key().market().equals(set.baseMarket()) && s.rows() > 0
                    && s.key().timeframe().millis() <= bar) {
                first = Math.min(first, s.first());
                last = Math.max(last, s.last() + s.key().timeframe().millis());
            }
        }
        long lo = Math.max(from, first);
        long hi = Math.min(to, last);
        long size = Math.max(partitionBars, (Math.min(reach, Long.MAX_VALUE / 4) + bar - 1) / bar) * bar;
        if (reach >= io.atlasj.features.eval.Evaluator.UNBOUNDED || hi <= lo || hi - lo <= size) {
            return List.of(new long[] {from, to});
        }
        // n partitions of bars/n bars (rounded down or up), each at least 'size': no short one that reads its reach
        // for a few bars
        long bars = (hi - lo) / bar;
        long n = bars / (size / bar);
        List<long[]> out = new ArrayList<>();
        long start = from;
        long base = Math.floorDiv(lo, bar) * bar;
        for (long k = 1; k < n; k++) {
            long b = base + k * bars / n * bar;
            out.add(new long[] {start, b});
            start = b;
        }
        out.add(new long[] {start, to});
        return out;
    }

    private static String range(long t) {
        return t <= Long.MIN_VALUE / 4 ? "start" : t >= Long.MAX_VALUE / 4 ? "end" : java.time.Instant.ofEpochMilli(t)
                .toString();
    }

    /**
     * One time partition of one featureset, as the executor receives it: the set's YAML (an equal set is read back),
     * and which of the build's sets it is.
     */
    record Task(String yaml, String lake, long from, long to, int set) implements Serializable {
        FeatureMatrix run() {
            FeatureLabelSet fls = FeatureSetYaml.read("the featureset sent to a Spark task", yaml);
            try (Lake l = Lake.open(lake)) {
                return new FeatureSetBuilder(new LakeSource(l)).buildPartition(fls, from, to);
            }
        }
    }
}
