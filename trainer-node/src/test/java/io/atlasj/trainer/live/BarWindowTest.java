package io.atlasj.trainer.live;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.IngestResult;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live runner's window after a feed's import reads again only what the import may have changed (from the Monday of
 * the first day it touched, and for each timeframe from the open of the bar that time falls in), and then holds
 * exactly what a window read whole from the store holds: the bundled Bitstamp trades imported in two files, the
 * second starting mid-day, read at kept timeframes and at 90 minutes, which the store resamples.
 */
class BarWindowTest {
    @TempDir
    Path dir;

    @Test
    void aWindowRefreshedFromTheChangedBarsEqualsOneReadWhole() throws Exception {
        List<String> lines = Files.readAllLines(BundledData.extract(dir.resolve("bundled")));
        long cut = Instant.parse("2013-11-29T13:37:00Z").getEpochSecond();
        List<String> before = new ArrayList<>(List.of(lines.get(0)));
        List<String> after = new ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
            (Long.parseLong(l.substring(0, l.indexOf(','))) < cut ? before : after).add(l);
        }
        Path first = Files.write(dir.resolve("before.csv"), before);
        Path second = Files.write(dir.resolve("after.csv"), after);
        Market btc = new Market("bitstamp", "btc_usd");
        FeatureLabelSet set = FeatureLabelSet.builder("live").base("bitstamp:btc_usd", "5m")
                .features(LogReturns(), RSI(14), Close().oneHour().zscore(4), Close().oneWeek(),
                        Close().timeframe("90m"), Close().timeframe("3d")).build();
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            new ImportJob(store).run(List.of(first), BundledData.options(), ImportJob.Listener.NONE);
            FeatureSetBuilder.Resolved r = new FeatureSetBuilder(SeriesSource.of(store)).resolve(set);
            long from = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
            BarWindow held = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            BarWindow fromTheDay = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            BarWindow fromTheMinute = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            ImportJob.FileOutcome o = new ImportJob(store).run(List.of(second), BundledData.options(),
                    ImportJob.Listener.NONE).files().get(0);
            assertThat(o.rejected()).as(o.error()).isFalse();
            // the second file's first day, and for the weekly bars that day's Monday
            assertThat(o.changedFrom()).isEqualTo(Instant.parse("2013-11-29T00:00:00Z").toEpochMilli());
            long since = IngestResult.changedBarsFrom(o.changedFrom());
            assertThat(since).isEqualTo(Instant.parse("2013-11-25T00:00:00Z").toEpochMilli());
            held.reload(store, Long.MAX_VALUE / 4, since);
            // from the changed day, or the first changed minute: each timeframe is read again from the open of the bar
            // that time falls in (the week's Monday, the hour, the 90 minutes), never keeping a bar's stale head
            fromTheDay.reload(store, Long.MAX_VALUE / 4, o.changedFrom());
            fromTheMinute.reload(store, Long.MAX_VALUE / 4, cut * 1000);
            BarWindow whole = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            for (BarWindow w : List.of(held, fromTheDay, fromTheMinute, whole)) {
                w.advanceTo(Long.MAX_VALUE / 8);
            }
            for (BarWindow w : List.of(held, fromTheDay, fromTheMinute)) {
                for (Timeframe tf : List.of(Timeframe.M5, Timeframe.H1, Timeframe.parse("90m"), Timeframe.D3,
                        Timeframe.W1)) {
                    CandleSeries want = whole.candles(btc, tf, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                    CandleSeries got = w.candles(btc, tf, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                    assertThat(want.size()).as(tf.label()).isPositive();
                    assertThat(got.openTimes()).as(tf.label()).isEqualTo(want.openTimes());
                    assertThat(got.closes()).as(tf.label()).isEqualTo(want.closes());
                    assertThat(got.volumes()).as(tf.label()).isEqualTo(want.volumes());
                    assertThat(got.tradeCounts()).as(tf.label()).isEqualTo(want.tradeCounts());
                }
            }
        }
    }

    @Test
    void aLongRunningWindowKeepsOnlyTheRecentBars() throws Exception {
        Market btc = new Market("bitstamp", "btc_usd");
        FeatureLabelSet set = FeatureLabelSet.builder("live").base("bitstamp:btc_usd", "5m")
                .features(LogReturns(), Close().oneHour().zscore(4)).build();
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("bundled"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            FeatureSetBuilder.Resolved r = new FeatureSetBuilder(SeriesSource.of(store)).resolve(set);
            long from = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
            long now = Instant.parse("2013-12-01T12:00:00Z").toEpochMilli();
            long span = 2 * Timeframe.D1.millis();
            BarWindow w = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            w.keepOnly(span);
            w.advanceTo(now);
            assertThat(w.candles(btc, Timeframe.M5, Long.MIN_VALUE / 4, now).openTime(0)).isEqualTo(from);
            // a feed's refresh drops what lies more than the span before now, and holds the rest as a whole read would
            w.reload(store, Long.MAX_VALUE / 4, now - Timeframe.H1.millis());
            for (Timeframe tf : List.of(Timeframe.M5, Timeframe.H1)) {
                CandleSeries got = w.candles(btc, tf, Long.MIN_VALUE / 4, now);
                CandleSeries want = store.candles(btc, tf, now - span, now - tf.millis() + 1);
                assertThat(got.openTime(0)).as(tf.label()).isGreaterThanOrEqualTo(now - span);
                assertThat(got.openTimes()).as(tf.label()).isEqualTo(want.openTimes());
                assertThat(got.closes()).as(tf.label()).isEqualTo(want.closes());
            }
        }
    }
}
