package io.atlasj.trainer.live;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where a runner's bars come from. A feed owns the bars' window ({@link #window()}) and hands out the base bars that
 * are complete, in time order.
 */
interface Feed extends AutoCloseable {
    /** What the feed is, for the journal and the user. */
    String describe();

    BarWindow window();

    /** The first bar the runner predicts when it has no journal yet. */
    long start();

    /**
     * The complete base bars with open time after {@code after}, in order; may wait up to about a second for new ones
     * and return none.
     */
    List<Long> next(long after);

    /** True when no bar will come any more (a replay's end). */
    boolean finished();

    /** Why base bars between two handed out can be missing, for the journal's record of them. */
    default String missingWhy() {
        return "the store has no real bar there (no trades then, the market closed or paused, a hole in the data; "
                + "bars an import filled are not predicted)";
    }

    @Override
    void close();

    /**
     * The model's real (not filled) base bars stored in {@code [from, to)}.
     */
    static List<Long> baseBars(MarketDataStore store, LiveModel m, long from, long to) {
        // the base candles as the featureset reads them: trades' candles, or quote-bar midpoints under prices: mid
        CandleSeries base = SeriesSource.withPrices(SeriesSource.of(store), m.featureset().prices())
                .candles(m.featureset().baseMarket(), m.baseTimeframe(), from, to);
        List<Long> bars = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (base.sources()[i] != CandleSource.FILLED.code()) {
                bars.add(base.openTime(i));
            }
        }
        return bars;
    }

    /**
     * Imports the files waiting in {@code folder}, oldest name first, each through {@link #importFile}; names starting
     * with {@code .} or ending in {@code .tmp} or {@code .part} are still being written and are left alone. Each
     * imported file is handed to {@code imported} with its outcome (to move or delete it). Returns the first time from which the
     * imports may have changed stored bars ({@link io.atlasj.marketdata.store.IngestResult#changedBarsFrom}), or
     * {@link Long#MAX_VALUE} when they changed none.
     */
    static long importWaiting(MarketDataStore store, Path folder, ImportOptions options, Consumer<String> out,
                             java.util.function.BiConsumer<Path, ImportJob.FileOutcome> imported) {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && !n.endsWith(".tmp") && !n.endsWith(".part");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        long changed = Long.MAX_VALUE;
        for (Path f : files) {
            ImportJob.FileOutcome o = importFile(store, f, options, folder, out);
            if (o != null) {
                imported.accept(f, o);
                changed = Math.min(changed, io.atlasj.marketdata.store.IngestResult.changedBarsFrom(o.changedFrom()));
            }
        }
        return changed;
    }

    /**
     * Imports {@code f} as {@code atlas data import} would (one transaction, resampled to every timeframe); its outcome
     * when imported, null when refused. A refused file is moved to {@code folder/rejected/} with its reason in a
     * {@code .error} file beside it.
     */
    static ImportJob.FileOutcome importFile(MarketDataStore store, Path f, ImportOptions options, Path folder,
                                            Consumer<String> out) {
        ImportJob.FileOutcome o = new ImportJob(store).run(List.of(f), options, ImportJob.Listener.NONE).files().get(0);
        if (!o.rejected()) {
            return o;
        }
        try {
            Path to = move(f, folder, "rejected");
            Files.writeString(to.resolveSibling(to.getFileName() + ".error"), o.error() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + f + ": " + e.getMessage(), e);
        }
        out.accept("rejected " + f.getFileName() + ": " + o.error() + " (moved to rejected/)");
        return null;
    }

    private static Path move(Path f, Path folder, String sub) throws IOException {
        Path dir = folder.resolve(sub);
        Files.createDirectories(dir);
        return Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * How much history beyond the features' lead (and the label's horizon, for matching outcomes) a long-running feed's
     * window holds: a week, which fine-tuning's replay buffer draws its frames from (older frames are skipped, their
     * inputs no longer held).
     */
    long KEPT_HISTORY = 7 * Timeframe.D1.millis();

    /** Stored bars in time order, once: the test period by default. */
    final class Replay implements Feed {
        private final List<Long> bars;
        private final BarWindow window;
        private final String text;
        private final long from;
        private boolean done;

        Replay(MarketDataStore store, LiveModel m, FeatureSetBuilder.Resolved r, long lead, long from, long to,
               double speed) {
            long horizon = m.targetTime(to) - to;
            this.from = from;
            bars = baseBars(store, m, from, to);
            if (bars.isEmpty()) {
                throw new IllegalArgumentException("no " + m.baseTimeframe() + " bars of " + m.featureset().baseMarket()
                        + " between " + Instant.ofEpochMilli(from) + " and " + Instant.ofEpochMilli(to)
                        + " in the store");
            }
            window = new BarWindow(SeriesSource.of(store), r, from - lead - Timeframe.D1.millis(), to + horizon);
            text = "replay " + m.featureset().baseMarket() + " " + m.baseTimeframe() + " " + Instant.ofEpochMilli(from)
                    + " to " + Instant.ofEpochMilli(to) + " at speed " + speed;
        }

        @Override
        public String describe() {
            return text;
        }

        @Override
        public BarWindow window() {
            return window;
        }

        @Override
        public long start() {
            return from;
        }

        @Override
        public List<Long> next(long after) {
            done = true;
            return bars.stream().filter(b -> b > after).toList();
        }

        @Override
        public boolean finished() {
            return done;
        }

        @Override
        public void close() {
        }
    }

    /**
     * A folder a collector drops market-data files into. Each file is imported into the market-data store as
     * {@code atlas data import} would (one transaction, resampled to every timeframe) and moved to
     * {@code imported/}, or to {@code rejected/} with the reason beside it; names starting with {@code .} or ending in
     * {@code .tmp} or {@code .part} are left alone (write a file under such a name, then rename it). A base bar is
     * complete once a later base bar has data: the newest bar can still grow. The store stays open, and this runner
     * the only writer, while it runs.
     */
    final class Dir implements Feed {
        private final MarketDataStore store;
        private final LiveModel m;
        private final Path folder;
        private final ImportOptions options;
        private final BarWindow window;
        private final Consumer<String> out;
        private final long start;
        /** {@link #baseVersion()} after the last import: a file that leaves it unchanged is said to add nothing. */
        private String baseVersion;

        /**
         * @param resumeAfter the journal's last bar of this model, or null: a restarted runner goes on after it, so the
         *                    bars stored while it was down (or completed by a file it imported before it was killed)
         *                    are predicted too
         */
        Dir(Path home, LiveModel m, FeatureSetBuilder.Resolved r, long lead, Long from, Long resumeAfter, Path folder,
            ImportOptions options, Consumer<String> out) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("--dir " + folder + ": no such folder");
            }
            this.store = MarketDataStore.open(home);
            this.m = m;
            this.folder = folder;
            this.options = options;
            this.out = out;
            this.baseVersion = baseVersion();
            List<Long> stored = baseBars(store, m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            // a resumed runner goes on after its journal's last bar; a new one from --from, or else from the newest
            // stored bar (which may still be growing), so that only new bars are predicted
            start = resumeAfter != null ? resumeAfter + 1 : from != null ? from
                    : stored.isEmpty() ? Long.MIN_VALUE / 4 : stored.get(stored.size() - 1);
            window = new BarWindow(SeriesSource.of(store), r, Math.max(Long.MIN_VALUE / 4, start - lead
                    - Timeframe.D1.millis()), Long.MAX_VALUE / 4);
            window.keepOnly(lead + Timeframe.D1.millis() + KEPT_HISTORY + (m.targetTime(start) - start));
        }

        @Override
        public String missingWhy() {
            return "no file brought them before a later bar (no trades then, the market closed or paused, the "
                    + "collector missed them, or the import refused the file: see " + folder.resolve("rejected") + ")";
        }

        @Override
        public String describe() {
            return "dir " + folder + " (" + options.format().id() + ") for " + m.featureset().baseMarket() + " "
                    + m.baseTimeframe();
        }

        @Override
        public BarWindow window() {
            return window;
        }

        @Override
        public long start() {
            return start;
        }

        @Override
        public List<Long> next(long after) {
            long until = System.currentTimeMillis() + 1000;
            do {
                long changed = importNewFiles();
                if (changed != Long.MAX_VALUE) {
                    window.reload(store, Long.MAX_VALUE / 4, changed);
                    List<Long> bars = complete(after);
                    if (!bars.isEmpty()) {
                        return bars;
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            } while (System.currentTimeMillis() < until);
            return complete(after); // bars may have become complete by files imported in an earlier call
        }

        /** The stored base bars after {@code after} (and from the start on) but the newest, which may still grow. */
        private List<Long> complete(long after) {
            List<Long> bars = baseBars(store, m, Math.max(after + 1, start), Long.MAX_VALUE / 4);
            return bars.size() > 1 ? bars.subList(0, bars.size() - 1) : List.of();
        }

        /** Imports the files waiting in the folder, oldest name first; returns where stored bars may have changed. */
        private long importNewFiles() {
            return importWaiting(store, folder, options, out, (f, o) -> {
                try {
                    move(f, folder, "imported");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot move " + f + ": " + e.getMessage(), e);
                }
                String now = baseVersion();
                if (o.inserted() > 0 && now.equals(baseVersion)) {
                    out.accept("warning: imported " + f.getFileName() + ", but it added nothing to "
                            + m.featureset().baseMarket() + " " + m.baseTimeframe() + (readsQuotes() ? " quote bars" : " bars")
                            + ", the series " + m.name() + " is predicted on (it holds another market"
                            + (readsQuotes() ? ", or trades or candles where the model reads quote midpoints" : "")
                            + "): no bar of it will be predicted");
                }
                baseVersion = now;
            });
        }

        private boolean readsQuotes() {
            return m.featureset().prices() != io.atlasj.features.eval.PriceBasis.TRADES;
        }

        /** The version of the stored series the model's base bars come from: it changes with every import into it. */
        private String baseVersion() {
            // through the source the model reads: a timeframe the store does not keep changes with its finer bars
            return String.valueOf(SeriesSource.withPrices(SeriesSource.of(store), m.featureset().prices())
                    .fingerprint(m.featureset().baseMarket(), m.baseTimeframe(), false));
        }

        @Override
        public boolean finished() {
            return false;
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
