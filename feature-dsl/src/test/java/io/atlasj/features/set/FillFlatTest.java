package io.atlasj.features.set;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gaps: fill-flat} on the bundled Bitstamp trades at 1 minute, whose minutes without a trade are missing bars
 * (2013-11-25 has 50 of them in 24 stretches between its first and last trade; a build under drop loses more rows
 * than that, since every window and label around a gap goes).
 */
class FillFlatTest {
    static final Market BTC = new Market("bitstamp", "btc_usd");
    static final long DAY = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
    static final long END = DAY + 86_400_000L;
    static final long MIN = 60_000L;
    @TempDir
    static Path dir;
    static MarketDataStore store;
    /** The same trades imported with {@code --fill-gaps}: filled candles stored. */
    static MarketDataStore storedFills;
    /** Close of every real 1-minute bar up to an hour after the day (labels read past it), by open time. */
    static final TreeMap<Long, Double> real = new TreeMap<>();

    @BeforeAll
    static void load() {
        store = MarketDataStore.open(dir.resolve("store"));
        storedFills = MarketDataStore.open(dir.resolve("filled"));
        Path files = BundledData.extract(dir.resolve("data"));
        new ImportJob(store).run(List.of(files), BundledData.options(), ImportJob.Listener.NONE);
        new ImportJob(storedFills).run(List.of(files), BundledData.options().withFillGaps(true), ImportJob.Listener.NONE);
        CandleSeries c = store.candles(BTC, Timeframe.M1, Long.MIN_VALUE / 4, END + 3_600_000L);
        for (int i = 0; i < c.size(); i++) {
            assertThat(c.source(i)).isNotEqualTo(CandleSource.FILLED);
            real.put(c.openTime(i), c.close(i));
        }
    }

    @AfterAll
    static void close() {
        store.close();
        storedFills.close();
    }

    /** A 1-minute set over the day with windows, a recursive indicator and a 5-minute input, and two labels. */
    static FeatureMatrix build(MarketDataStore s, GapPolicy gaps) {
        FeatureLabelSet set = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m").gaps(gaps)
                .features(LogReturns(), Volume(), Close(), RSI(14), Close().minus(SMA(20)).div(ATR(14)),
                        Close().fiveMin().zscore(12))
                .labels(FutureReturn(3), LogReturns().lookforward(1)).build();
        return new FeatureSetBuilder(SeriesSource.of(s)).build(set, DAY, END);
    }

    /** The day's minutes without a trade between its first and last trade, and the stretches they form. */
    static long[] missingMinutes() {
        long first = real.ceilingKey(DAY);
        long last = real.floorKey(END - 1);
        long missing = 0;
        long stretches = 0;
        for (long t = first; t <= last; t += MIN) {
            if (!real.containsKey(t)) {
                missing++;
                if (real.containsKey(t - MIN)) {
                    stretches++;
                }
            }
        }
        return new long[] {missing, stretches};
    }

    @Test
    void fillFlatKeepsMoreRowsThanDropAndCountsTheRowsBuiltOnFilledBars() throws Exception {
        long[] gaps = missingMinutes();
        assertThat(gaps).containsExactly(50, 24);
        FeatureMatrix drop = build(store, GapPolicy.DROP);
        FeatureMatrix fill = build(store, GapPolicy.FILL_FLAT);
        long realBars = real.subMap(DAY, END).size();
        assertThat(drop.report().baseBars()).isEqualTo(realBars);
        assertThat(drop.report().filledBars()).isZero();
        assertThat(drop.report().filledRows()).isZero();
        // the day's base bars are its real minutes and its 50 filled ones
        assertThat(fill.report().filledBars()).isEqualTo(50);
        assertThat(fill.report().baseBars()).isEqualTo(realBars + 50);
        assertThat(fill.rows()).isGreaterThan(drop.rows());
        System.out.printf("1m 2013-11-25: drop %d rows, fill-flat %d rows (%d built on filled bars)%n", drop.rows(),
                fill.rows(), fill.report().filledRows());
        assertThat(fill.report().filledRows()).isPositive();
        // the counts are kept in the cached file
        Path file = dir.resolve("fill.arrow");
        FeaturesetCache.write(fill, file);
        FeatureMatrix.BuildReport back = FeaturesetCache.read(file).report();
        assertThat(back.filledBars()).isEqualTo(fill.report().filledBars());
        assertThat(back.filledRows()).isEqualTo(fill.report().filledRows());

        // a row that read no filled bar is a row of the drop build with its values; the others are the filled rows
        Set<Long> fillTimes = new HashSet<>();
        Arrays.stream(fill.time()).forEach(fillTimes::add);
        assertThat(fillTimes).containsAll(Arrays.stream(drop.time()).boxed().toList());
        assertThat(fill.report().filledRows()).isEqualTo(fill.rows() - drop.rows());
        for (int r = 0, j = 0; r < drop.rows(); r++) {
            while (fill.time()[j] != drop.time()[r]) {
                j++;
            }
            for (int c = 0; c < drop.featureIds().size(); c++) {
                // equal; recursive indicators (RSI, ATR) restart after a gap under drop, differing by < 1e-9 of weight
                assertThat(fill.features()[c][j]).isCloseTo(drop.features()[c][r], within(1e-6));
            }
            for (int c = 0; c < drop.labelIds().size(); c++) {
                assertThat(fill.labels()[c][j]).isEqualTo(drop.labels()[c][r]);
            }
        }

        // labels never read a filled bar: every kept row's bar and the three after it are real
        double[] fr = fill.label("FutureReturn(3).market(\"bitstamp:btc_usd\").timeframe(\"1m\")");
        for (int r = 0; r < fill.rows(); r++) {
            long t = fill.time()[r];
            for (int k = 0; k <= 3; k++) {
                assertThat(real).containsKey(t + k * MIN);
            }
            assertThat(fr[r]).isEqualTo(Math.log(real.get(t + 3 * MIN) / real.get(t)));
        }
    }

    @Test
    void aFillLimitFillsTheFirstBarsOfEveryGapAndLeavesTheRestOfALongOneAGap() {
        // the day's gap stretches by length, in minutes
        long first = real.ceilingKey(DAY);
        long last = real.floorKey(END - 1);
        TreeMap<Long, Integer> stretches = new TreeMap<>(); // first missing minute -> length
        for (long t = first; t <= last; t += MIN) {
            if (!real.containsKey(t) && real.containsKey(t - MIN)) {
                int n = 0;
                while (!real.containsKey(t + n * MIN)) {
                    n++;
                }
                stretches.put(t, n);
            }
        }
        long single = stretches.values().stream().filter(n -> n == 1).count();
        long longer = stretches.values().stream().filter(n -> n > 1).count();
        assertThat(single).isPositive();
        assertThat(longer).isPositive();
        FeatureLabelSet set = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m")
                .fillFlat(java.time.Duration.ofMinutes(1))
                .features(LogReturns(), Volume(), Close(), RSI(14), Close().minus(SMA(20)).div(ATR(14)),
                        Close().fiveMin().zscore(12))
                .labels(FutureReturn(3), LogReturns().lookforward(1)).build();
        FeatureMatrix limited = new FeatureSetBuilder(SeriesSource.of(store)).build(set, DAY, END);
        FeatureMatrix drop = build(store, GapPolicy.DROP);
        FeatureMatrix all = build(store, GapPolicy.FILL_FLAT);
        // one-minute holes are filled, and the first minute of each longer one (a minute after the last trade): a bar
        // is filled by what came before it, as a live runner has to decide it, not by how long its gap will last
        assertThat(limited.report().filledBars()).isEqualTo(single + longer);
        assertThat(limited.report().baseBars()).isEqualTo(real.subMap(DAY, END).size() + single + longer);
        Set<Long> rows = new HashSet<>();
        Arrays.stream(limited.time()).forEach(rows::add);
        stretches.forEach((t, n) -> {
            for (int k = 0; n > 1 && k < n; k++) {
                assertThat(rows).as("a row in a gap of %d minutes", n).doesNotContain(t + k * MIN);
            }
        });
        // the same set without labels keeps its rows on filled bars: exactly the first minute of every gap
        FeatureLabelSet unlabelled = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m")
                .fillFlat(java.time.Duration.ofMinutes(1)).features(LogReturns(), Volume(), Close()).build();
        Set<Long> filledRows = new HashSet<>();
        Arrays.stream(new FeatureSetBuilder(SeriesSource.of(store)).build(unlabelled, DAY, END).time())
                .filter(t -> !real.containsKey(t)).forEach(filledRows::add);
        assertThat(filledRows).isEqualTo(new HashSet<>(stretches.keySet()));
        // a build without an end stops at the base's last real bar: nothing is filled after the data (before it ends,
        // a build up to a moment fills a gap still open then: aBuildOverTheDataUpToAMoment...)
        CandleSeries stored = store.candles(BTC, Timeframe.M1);
        FeatureMatrix open = new FeatureSetBuilder(SeriesSource.of(store)).build(unlabelled, Long.MIN_VALUE,
                Long.MAX_VALUE);
        assertThat(open.time()[open.rows() - 1]).isEqualTo(stored.openTime(stored.size() - 1));
        FeatureMatrix upTo = new FeatureSetBuilder(SeriesSource.of(store)).build(unlabelled, Long.MIN_VALUE,
                stored.openTime(stored.size() - 1) + 10 * MIN);
        assertThat(upTo.time()[upTo.rows() - 1]).isEqualTo(stored.openTime(stored.size() - 1) + MIN);
        // no window crosses a long gap: a row's RSI(14) and SMA(20) windows lie after the last long gap before it
        for (int r = 0; r < limited.rows(); r++) {
            long t = limited.time()[r];
            Long gapStart = stretches.floorKey(t);
            while (gapStart != null && stretches.get(gapStart) == 1) {
                gapStart = stretches.lowerKey(gapStart);
            }
            if (gapStart != null) {
                long gapEnd = gapStart + stretches.get(gapStart) * MIN;
                assertThat(t - gapEnd).as("row %s after the gap ending %s", Instant.ofEpochMilli(t),
                        Instant.ofEpochMilli(gapEnd)).isGreaterThanOrEqualTo(19 * MIN);
            }
        }
        assertThat(limited.rows()).isGreaterThan(drop.rows()).isLessThan(all.rows());
        // the limit is part of the set: its cache key and its YAML
        FeatureLabelSet back = FeatureSetYaml.read("round trip", FeatureSetYaml.write(set));
        assertThat(back.fillLimit()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(back.gapsText()).isEqualTo("fill-flat 1m");
        FeaturesetCache cache = new FeaturesetCache(dir.resolve("cache"));
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
        FeatureLabelSet unlimited = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m")
                .gaps(GapPolicy.FILL_FLAT).features(LogReturns()).build();
        FeatureLabelSet oneMinute = FeatureLabelSet.builder("one-minute").base("bitstamp:btc_usd", "1m")
                .fillFlat(java.time.Duration.ofMinutes(1)).features(LogReturns()).build();
        assertThat(cache.key(b.resolve(unlimited), DAY, END, SeriesSource.of(store)))
                .isNotEqualTo(cache.key(b.resolve(oneMinute), DAY, END, SeriesSource.of(store)));
    }

    @Test
    void aFilledBarIsFlatAtThePreviousCloseWithoutVolume() {
        FeatureLabelSet.Builder set = FeatureLabelSet.builder("flat").base("bitstamp:btc_usd", "1m")
                .features(LogReturns(), Volume(), Close()); // no label: rows on filled bars are kept
        FeatureMatrix fill = new FeatureSetBuilder(SeriesSource.of(store)).build(set.gaps(GapPolicy.FILL_FLAT).build(),
                DAY, END);
        FeatureMatrix drop = new FeatureSetBuilder(SeriesSource.of(store)).build(set.gaps(GapPolicy.DROP).build(),
                DAY, END);
        double[] ret = fill.feature("LogReturns(1).market(\"bitstamp:btc_usd\").timeframe(\"1m\")");
        double[] vol = fill.feature("Volume().market(\"bitstamp:btc_usd\").timeframe(\"1m\")");
        double[] close = fill.feature("Close().market(\"bitstamp:btc_usd\").timeframe(\"1m\")");
        Set<Long> dropTimes = new HashSet<>();
        Arrays.stream(drop.time()).forEach(dropTimes::add);
        int filledSeen = 0;
        int afterGapSeen = 0;
        for (int r = 0; r < fill.rows(); r++) {
            long t = fill.time()[r];
            if (!real.containsKey(t)) { // a minute without a trade: flat at the last trade's price, nothing traded
                double last = real.floorEntry(t).getValue();
                assertThat(ret[r]).isEqualTo(0.0);
                assertThat(vol[r]).isEqualTo(0.0);
                assertThat(close[r]).isEqualTo(last);
                assertThat(dropTimes).doesNotContain(t);
                filledSeen++;
            } else if (!real.containsKey(t - MIN) && t - MIN >= real.firstKey()) {
                // the first trade after a gap: its return is from the last trade's price, across the flat minutes;
                // under drop the bar starts a segment and has no return
                assertThat(ret[r]).isEqualTo(Math.log(real.get(t) / real.floorEntry(t - MIN).getValue()));
                assertThat(dropTimes).doesNotContain(t);
                afterGapSeen++;
            }
        }
        assertThat(filledSeen).isEqualTo(50);
        assertThat(afterGapSeen).isEqualTo(24);
        // the rows built on filled bars: the filled minutes, and the first trade after each gap (its return reads one)
        assertThat(fill.report().filledRows()).isEqualTo(50 + 24);
        assertThat(fill.rows() - drop.rows()).isEqualTo(50 + 24);
    }

    @Test
    void storedFilledCandlesGiveTheSameMatrixAsFillingInMemory() {
        CandleSeries stored = storedFills.candles(BTC, Timeframe.M1, DAY, END);
        long storedFilled = 0;
        for (int i = 0; i < stored.size(); i++) {
            storedFilled += stored.source(i) == CandleSource.FILLED ? 1 : 0;
        }
        assertThat(storedFilled).isPositive();
        for (GapPolicy gaps : List.of(GapPolicy.DROP, GapPolicy.FILL_FLAT)) {
            FeatureMatrix a = build(store, gaps);
            FeatureMatrix b = build(storedFills, gaps);
            assertThat(b.time()).isEqualTo(a.time());
            assertThat(b.features()).isDeepEqualTo(a.features());
            assertThat(b.labels()).isDeepEqualTo(a.labels());
            assertThat(b.report().filledRows()).isEqualTo(a.report().filledRows());
        }
    }

    @Test
    void sparseSecondsUnderFillFlatSayThatLabelsNeedRealBars() {
        FeatureLabelSet set = FeatureLabelSet.builder("seconds").base("bitstamp:btc_usd", "1s").gaps(GapPolicy.FILL_FLAT)
                .features(RSI(30)).labels(FutureReturn(5)).build();
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(set, DAY + 12 * 3_600_000L,
                DAY + 13 * 3_600_000L);
        assertThat(m.report().filledBars()).isGreaterThan(m.report().baseBars() / 2);
        assertThat(m.report().why()).hasValueSatisfying(h -> assertThat(h)
                .contains("under gaps: fill-flat (" + m.report().filledBars() + " of the bars filled flat)")
                .contains("labels are computed on real bars only").contains("longest stretch of real bars"));
        // under drop, the hint proposes fill-flat
        FeatureMatrix d = new FeatureSetBuilder(SeriesSource.of(store)).build(new FeatureLabelSet(set.name(),
                set.baseMarket(), set.baseTimeframe(), null, null, set.features(), set.labels(), GapPolicy.DROP),
                DAY + 12 * 3_600_000L, DAY + 13 * 3_600_000L);
        assertThat(d.report().why()).hasValueSatisfying(h -> assertThat(h).contains("gaps: fill-flat if the gaps are "
                + "bars in which nothing traded").contains("gaps: bridge"));
    }

    /**
     * No look-ahead in which bars are filled: a build over the data as it stood at a moment T (every bar from T on
     * absent, as a live runner sees it) has exactly the rows and values before T of a build over the whole day, under
     * a limit of two minutes, with T at every minute of the day's gaps and the minute after each. Under the earlier
     * rule (a gap filled whole when it was short, known only from the bar that ends it) the data at T could not tell,
     * and this failed.
     */
    @Test
    void aBuildOverTheDataUpToAMomentFillsWhatALaterBuildFillsBeforeIt() {
        FeatureLabelSet set = FeatureLabelSet.builder("causal").base("bitstamp:btc_usd", "1m")
                .fillFlat(java.time.Duration.ofMinutes(2)).features(LogReturns(), Volume(), RSI(14),
                        Close().fiveMin().zscore(3)).build(); // no label: rows on filled bars are kept
        FeatureMatrix whole = new FeatureSetBuilder(SeriesSource.of(store)).build(set, DAY, END);
        List<Long> moments = new java.util.ArrayList<>();
        for (long t = real.ceilingKey(DAY) + MIN; t < END; t += MIN) {
            if (!real.containsKey(t) || !real.containsKey(t - MIN)) {
                moments.add(t);
            }
        }
        assertThat(moments).hasSizeGreaterThan(70);
        int partly = 0;
        SeriesSource all = SeriesSource.of(store);
        for (long at : moments) {
            SeriesSource upTo = new SeriesSource() {
                @Override
                public CandleSeries candles(Market market, Timeframe tf, long from, long to) {
                    return all.candles(market, tf, from, Math.min(to, at));
                }

                @Override
                public io.atlasj.marketdata.QuoteCandleSeries quoteBars(Market market, Timeframe tf, long from, long to) {
                    return all.quoteBars(market, tf, from, Math.min(to, at));
                }

                @Override
                public List<Market> markets() {
                    return all.markets();
                }
            };
            FeatureMatrix then = new FeatureSetBuilder(upTo).build(set, DAY, at);
            int n = 0;
            while (n < whole.rows() && whole.time()[n] < at) {
                n++;
            }
            assertThat(then.time()).as("rows before %s", Instant.ofEpochMilli(at))
                    .isEqualTo(Arrays.copyOf(whole.time(), n));
            for (int c = 0; c < whole.features().length; c++) {
                assertThat(then.features()[c]).as("%s before %s", whole.featureIds().get(c), Instant.ofEpochMilli(at))
                        .isEqualTo(Arrays.copyOf(whole.features()[c], n));
            }
            partly += n > 0 && !real.containsKey(whole.time()[n - 1]) ? 1 : 0;
        }
        assertThat(partly).as("moments whose last row before them is a filled minute").isPositive();
    }

    /**
     * A range cut inside a short gap, at its start or at its end, built in pieces and joined, is the build of the
     * whole range: the gap is filled from the real bars before the cut (a build reads its reach, the limit included,
     * before its start), so every row, value and count of the report is the same. Cut at every missing minute of the day
     * under a limit of 10 minutes, with and without labels (a set without labels keeps its rows on filled bars).
     */
    @Test
    void aRangeCutInsideAGapAndJoinedIsTheWholeBuild() {
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
        List<Long> cuts = new java.util.ArrayList<>();
        for (long t = real.ceilingKey(DAY); t < END; t += MIN) {
            if (!real.containsKey(t) && real.containsKey(t - MIN)) {
                cuts.add(t); // the gap's first missing minute
                cuts.add(t + MIN); // its second (or the bar after it)
            }
        }
        assertThat(cuts).hasSizeGreaterThan(20);
        for (boolean labels : List.of(true, false)) {
            FeatureLabelSet.Builder sb = FeatureLabelSet.builder("cut").base("bitstamp:btc_usd", "1m")
                    .fillFlat(java.time.Duration.ofMinutes(10)).features(LogReturns(), Volume(), RSI(14),
                            Close().fiveMin().zscore(3));
            FeatureLabelSet set = labels ? sb.labels(FutureReturn(3)).build() : sb.build();
            FeatureMatrix whole = b.build(set, DAY, END);
            for (int i = 0; i < cuts.size(); i += 7) {
                long cut = cuts.get(i);
                FeatureMatrix joined = b.joined(set, List.of(b.buildPartition(set, DAY, cut),
                        b.buildPartition(set, cut, END)));
                assertThat(joined.time()).as("cut at %s, labels %s", Instant.ofEpochMilli(cut), labels)
                        .isEqualTo(whole.time());
                for (int c = 0; c < whole.features().length; c++) {
                    assertThat(joined.features()[c]).isEqualTo(whole.features()[c]);
                }
                var a = whole.report();
                var j = joined.report();
                assertThat(List.of(j.baseBars(), j.droppedFeatures(), j.droppedLabels(), j.filledBars(),
                        j.filledRows())).as("cut at %s", Instant.ofEpochMilli(cut)).isEqualTo(List.of(a.baseBars(),
                        a.droppedFeatures(), a.droppedLabels(), a.filledBars(), a.filledRows()));
                assertThat(j.missing()).isEqualTo(a.missing());
            }
        }
        // a partition that holds no real bar of the base, only minutes a gap's limit fills from the bar before it, is
        // not empty: joined with its neighbours it gives the whole build's rows (a set without labels keeps them) and
        // counts
        FeatureLabelSet unlabelled = FeatureLabelSet.builder("cut").base("bitstamp:btc_usd", "1m")
                .fillFlat(java.time.Duration.ofMinutes(10)).features(LogReturns(), Volume(), RSI(14)).build();
        FeatureMatrix whole = b.build(unlabelled, DAY, END);
        int inside = 0;
        for (long t = real.ceilingKey(DAY); t < END; t += MIN) {
            if (real.containsKey(t) || !real.containsKey(t - MIN) || real.containsKey(t + MIN)) {
                continue; // t: the first minute of a gap of two minutes or more
            }
            FeatureMatrix joined = b.joined(unlabelled, List.of(b.buildPartition(unlabelled, DAY, t + MIN),
                    b.buildPartition(unlabelled, t + MIN, t + 2 * MIN), b.buildPartition(unlabelled, t + 2 * MIN, END)));
            assertThat(joined.time()).as("a partition inside the gap at %s", Instant.ofEpochMilli(t))
                    .isEqualTo(whole.time());
            assertThat(joined.report().filledBars()).isEqualTo(whole.report().filledBars());
            inside++;
        }
        assertThat(inside).isPositive();
        // a range that holds no bar of the base fails as a build of it does, in pieces too
        CandleSeries all = store.candles(BTC, Timeframe.M1);
        long after = all.openTime(all.size() - 1) + 86_400_000L;
        FeatureLabelSet set = FeatureLabelSet.builder("none").base("bitstamp:btc_usd", "1m").features(LogReturns())
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.joined(set, List.of(
                b.buildPartition(set, after, after + 3_600_000L), b.buildPartition(set, after + 3_600_000L,
                        after + 7_200_000L)))).hasMessageContaining("has none");
    }
}
