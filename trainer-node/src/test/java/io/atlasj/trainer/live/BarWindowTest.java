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
 * the first day it touched), and then holds exactly what a window read whole from the store holds: the bundled
 * Bitstamp trades imported in two files, the second starting mid-day.
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
                .features(LogReturns(), RSI(14), Close().oneHour().zscore(4), Close().oneWeek()).build();
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            new ImportJob(store).run(List.of(first), BundledData.options(), ImportJob.Listener.NONE);
            FeatureSetBuilder.Resolved r = new FeatureSetBuilder(SeriesSource.of(store)).resolve(set);
            long from = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
            BarWindow held = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            BarWindow stale = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            ImportJob.FileOutcome o = new ImportJob(store).run(List.of(second), BundledData.options(),
                    ImportJob.Listener.NONE).files().get(0);
            assertThat(o.rejected()).as(o.error()).isFalse();
            // the second file's first day, and for the weekly bars that day's Monday
            assertThat(o.changedFrom()).isEqualTo(Instant.parse("2013-11-29T00:00:00Z").toEpochMilli());
            long since = IngestResult.changedBarsFrom(o.changedFrom());
            assertThat(since).isEqualTo(Instant.parse("2013-11-25T00:00:00Z").toEpochMilli());
            held.reload(store, Long.MAX_VALUE / 4, since);
            // what only the second day's bars were read again from: the 5m and 1h bars of the days before stay held
            stale.reload(store, Long.MAX_VALUE / 4, o.changedFrom());
            BarWindow whole = new BarWindow(SeriesSource.of(store), r, from, Long.MAX_VALUE / 4);
            for (BarWindow w : List.of(held, stale, whole)) {
                w.advanceTo(Long.MAX_VALUE / 8);
            }
            for (Timeframe tf : List.of(Timeframe.M5, Timeframe.H1, Timeframe.W1)) {
                CandleSeries want = whole.candles(btc, tf, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                CandleSeries got = held.candles(btc, tf, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                assertThat(want.size()).as(tf.label()).isPositive();
                assertThat(got.openTimes()).as(tf.label()).isEqualTo(want.openTimes());
                assertThat(got.closes()).as(tf.label()).isEqualTo(want.closes());
                assertThat(got.volumes()).as(tf.label()).isEqualTo(want.volumes());
                assertThat(got.tradeCounts()).as(tf.label()).isEqualTo(want.tradeCounts());
            }
            // refreshing from the changed day only would have kept the week's first, partial bar: the Monday matters
            assertThat(stale.candles(btc, Timeframe.W1, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).closes())
                    .isNotEqualTo(whole.candles(btc, Timeframe.W1, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).closes());
        }
    }
}
