package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bar the store resampled from part of its period (an import of minutes that ends mid-hour) gives way to the
 * exchange's own bar of that hour when it is imported: real Coinbase minutes of 2017-09-03, the first 38 minutes of an
 * hour imported, then the whole hour as one Binance kline. Before, the kline counted as present and the partial hour
 * stayed.
 */
class ImportedBarsWinTest extends ImportFixture {
    static final Market BTC = new Market("coinbase", "btcusd");

    @Test
    void anImportedBarReplacesOneResampledFromPartOfItsPeriod() throws IOException {
        CandleSeries minutes = minutes();
        long hour = minutes.openTime(0) + 10 * 3_600_000L;
        int first = java.util.Arrays.binarySearch(minutes.openTimes(), hour);
        StringBuilder part = new StringBuilder();
        for (int i = first; i < first + 38; i++) {
            part.append(row(minutes, i)).append('\n');
        }
        ImportOptions m1 = new ImportOptions(ImportFormat.BINANCE_KLINES, "coinbase", "btcusd", Timeframe.M1, false,
                false, null);
        assertThat(importFile("BTCUSD-1m-part.csv", part.toString(), m1).error()).isNull();
        CandleSeries partial = store.candles(BTC, Timeframe.H1, hour, hour + 1);
        assertThat(partial.size()).isEqualTo(1);
        assertThat(partial.sources()[0]).isEqualTo(CandleSource.DERIVED.code());
        // the whole hour, as the exchange's kline
        double high = Double.NEGATIVE_INFINITY;
        double low = Double.POSITIVE_INFINITY;
        double volume = 0;
        for (int i = first; i < first + 60; i++) {
            high = Math.max(high, minutes.highs()[i]);
            low = Math.min(low, minutes.lows()[i]);
            volume += minutes.volumes()[i];
        }
        double close = minutes.closes()[first + 59];
        assertThat(close).as("the hour goes on after its 38th minute").isNotEqualTo(partial.closes()[0]);
        ImportOptions h1 = new ImportOptions(ImportFormat.BINANCE_KLINES, "coinbase", "btcusd", Timeframe.H1, false,
                false, null);
        var whole = importFile("BTCUSD-1h-whole.csv", kline(hour, 3_600_000, minutes.opens()[first], high, low, close,
                volume) + "\n", h1);
        assertThat(whole.error()).isNull();
        assertThat(whole.inserted()).isEqualTo(1);
        CandleSeries now = store.candles(BTC, Timeframe.H1, hour, hour + 1);
        assertThat(now.sources()[0]).isEqualTo(CandleSource.IMPORTED.code());
        assertThat(new double[] {now.opens()[0], now.highs()[0], now.lows()[0], now.closes()[0]})
                .containsExactly(minutes.opens()[first], high, low, close);
        // imported again, it is present; and the minutes imported again leave the imported hour alone
        assertThat(importFile("BTCUSD-1h-again.csv", kline(hour, 3_600_000, minutes.opens()[first], high, low, close,
                volume) + "\n", h1).present()).isEqualTo(1);
        importFile("BTCUSD-1m-part-again.csv", part.toString(), m1);
        assertThat(store.candles(BTC, Timeframe.H1, hour, hour + 1).closes()[0]).isEqualTo(close);
    }

    /**
     * A collector's files each end with the bar forming then (real Coinbase minutes, the tenth written as its first
     * half showed it): the next file, holding that bar whole and later ones, replaces it, and the hour made from the
     * minutes is the whole minutes' hour. A file that gives an older bar other values is refused, nothing of it written.
     */
    @Test
    void theNewestBarImportedWhileFormingIsReplacedAnOlderOneIsNot() throws IOException {
        CandleSeries minutes = minutes();
        long hour = minutes.openTime(0) + 10 * 3_600_000L;
        int first = java.util.Arrays.binarySearch(minutes.openTimes(), hour);
        int forming = first + 9;
        double o = minutes.opens()[forming];
        ImportOptions m1 = new ImportOptions(ImportFormat.BINANCE_KLINES, "coinbase", "btcusd", Timeframe.M1, false,
                false, null);
        assertThat(importFile("a.csv", endingForming(minutes, first, forming), m1).error()).isNull();
        StringBuilder b = new StringBuilder();
        for (int i = forming; i < first + 60; i++) {
            b.append(row(minutes, i)).append('\n');
        }
        var next = importFile("b.csv", b.toString(), m1);
        assertThat(next.error()).isNull();
        assertThat(next.inserted()).isEqualTo(60 - 9); // the forming bar replaced, and the 50 after it
        CandleSeries got = store.candles(BTC, Timeframe.M1, hour, hour + 3_600_000L);
        assertThat(got.size()).isEqualTo(60);
        assertThat(got.closes()).isEqualTo(java.util.Arrays.copyOfRange(minutes.closes(), first, first + 60));
        assertThat(got.volumes()).isEqualTo(java.util.Arrays.copyOfRange(minutes.volumes(), first, first + 60));
        CandleSeries h = store.candles(BTC, Timeframe.H1, hour, hour + 1);
        double high = Double.NEGATIVE_INFINITY;
        for (int i = first; i < first + 60; i++) {
            high = Math.max(high, minutes.highs()[i]);
        }
        assertThat(h.highs()[0]).isEqualTo(high);
        assertThat(h.closes()[0]).isEqualTo(minutes.closes()[first + 59]);

        // the newest bar again with another open (not that bar grown on: another market's, or a revision): refused
        int n = first + 59;
        String moved = kline(minutes.openTime(n), 60_000, minutes.opens()[n] + 1, minutes.highs()[n] + 1,
                minutes.lows()[n], minutes.closes()[n], minutes.volumes()[n]) + "\n";
        assertThat(importFile("moved.csv", moved, m1).error()).contains("1 of its 1m candles of coinbase:btcusd "
                + "differ");
        // an older bar with other values: refused whole, and the stored bars stay
        String older = kline(minutes.openTime(first + 3), 60_000, o, o, o, o, 1) + "\n" + row(minutes, first + 60) + "\n";
        var refused = importFile("c.csv", older, m1);
        assertThat(refused.error()).contains("1 of its 1m candles of coinbase:btcusd differ from the ones already imported")
                .contains("nothing of it was written");
        assertThat(store.candles(BTC, Timeframe.M1, hour, hour + 2 * 3_600_000L).closes())
                .isEqualTo(got.closes());
    }

    /**
     * A vendor's revised file (an hour of real Coinbase minutes, four of them given more volume and one a lower low,
     * as late trades would): refused without {@code --revise}, naming it (the newest of the four is taken for that bar
     * grown on since it was imported, so three differ); with it, the four bars are replaced and counted as revised (not inserted, not present), the hour made from the minutes is rebuilt, the series' fingerprint
     * changes (so no cached featureset built on the old bars is served). The same file again is all present.
     */
    @Test
    void aRevisedFileReplacesTheBarsItCorrectsOnlyWhenSaidSo() throws IOException {
        CandleSeries minutes = minutes();
        long hour = minutes.openTime(0) + 10 * 3_600_000L;
        int first = java.util.Arrays.binarySearch(minutes.openTimes(), hour);
        ImportOptions m1 = new ImportOptions(ImportFormat.BINANCE_KLINES, "coinbase", "btcusd", Timeframe.M1, false,
                false, null);
        StringBuilder original = new StringBuilder();
        StringBuilder revised = new StringBuilder();
        double volume = 0;
        double low = Double.POSITIVE_INFINITY;
        for (int i = first; i < first + 60; i++) {
            original.append(row(minutes, i)).append('\n');
            int k = i - first;
            double v = k == 5 || k == 20 || k == 40 || k == 59 ? minutes.volumes()[i] + 0.5 : minutes.volumes()[i];
            double l = k == 20 ? minutes.lows()[i] - 1 : minutes.lows()[i];
            revised.append(kline(minutes.openTime(i), 60_000, minutes.opens()[i], minutes.highs()[i], l,
                    minutes.closes()[i], v)).append('\n');
            volume += v;
            low = Math.min(low, l);
        }
        assertThat(importFile("BTCUSD-1m.csv", original.toString(), m1).error()).isNull();
        String before = store.fingerprint(BTC, Timeframe.M1, false);

        var refused = importFile("BTCUSD-1m-revised.csv", revised.toString(), m1);
        assertThat(refused.error()).contains("3 of its 1m candles of coinbase:btcusd differ").contains("--revise");
        assertThat(store.fingerprint(BTC, Timeframe.M1, false)).isEqualTo(before);

        var r = importFile("BTCUSD-1m-revised.csv", revised.toString(), m1, true);
        assertThat(r.error()).isNull();
        assertThat(r.revised()).as("the newest bar, grown on, counted as revised too").isEqualTo(4);
        assertThat(r.inserted()).isZero();
        assertThat(r.present()).isEqualTo(56);
        assertThat(r.revisions()).singleElement().asString()
                .startsWith("revised 4 1m candles of coinbase:btcusd (first at "
                        + java.time.Instant.ofEpochMilli(minutes.openTime(first + 5)));
        CandleSeries got = store.candles(BTC, Timeframe.M1, hour, hour + 3_600_000L);
        assertThat(got.volumes()[5]).isEqualTo(minutes.volumes()[first + 5] + 0.5);
        assertThat(got.lows()[20]).isEqualTo(minutes.lows()[first + 20] - 1);
        assertThat(got.volumes()[6]).isEqualTo(minutes.volumes()[first + 6]);
        CandleSeries h = store.candles(BTC, Timeframe.H1, hour, hour + 1);
        assertThat(h.volumes()[0]).isCloseTo(volume, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h.lows()[0]).isEqualTo(low);
        assertThat(store.fingerprint(BTC, Timeframe.M1, false)).isNotEqualTo(before);

        var again = importFile("BTCUSD-1m-revised.csv", revised.toString(), m1, true);
        assertThat(again.revised()).isZero();
        assertThat(again.present()).isEqualTo(60);
    }

    /** The real Coinbase BTC/USD minutes of 2017-09-03 (LEAN trade bars), as a store holds them. */
    private CandleSeries minutes() {
        try (MarketDataStore lean = MarketDataStore.open(dir.resolve("lean"))) {
            TestData.importLeanCoinbaseDay(lean, false);
            return lean.candles(BTC, Timeframe.M1);
        }
    }

    /**
     * Bars the store made from trades of a later month (a real Binance capture of 2024 under the same name) are not
     * imported bars: the 2017 minute imported while forming is still the series' newest imported one, and replaced.
     */
    @Test
    void barsMadeFromLaterTradesDoNotStopTheFormingBarsReplacement() throws IOException {
        CandleSeries minutes = minutes();
        int first = java.util.Arrays.binarySearch(minutes.openTimes(), minutes.openTime(0) + 10 * 3_600_000L);
        int forming = first + 9;
        ImportOptions m1 = new ImportOptions(ImportFormat.BINANCE_KLINES, "coinbase", "btcusd", Timeframe.M1, false,
                false, null);
        assertThat(importFile("a.csv", endingForming(minutes, first, forming), m1).error()).isNull();
        var later = new ImportJob(store).run(List.of(TestData.fixture("binance-ws/btcusdt_20240808_trades.gz")),
                ImportOptions.of(ImportFormat.BINANCE_WS, "coinbase", "btcusd"), ImportJob.Listener.NONE);
        assertThat(later.files().get(0).error()).isNull();
        assertThat(store.candles(BTC, Timeframe.M1).size()).as("minutes made from the 2024 trades").isGreaterThan(12);
        var next = importFile("b.csv", row(minutes, forming) + "\n" + row(minutes, forming + 1) + "\n", m1);
        assertThat(next.error()).isNull();
        assertThat(next.inserted()).isEqualTo(2);
        assertThat(store.candles(BTC, Timeframe.M1, minutes.openTime(forming), minutes.openTime(forming) + 1).closes())
                .containsExactly(minutes.closes()[forming]);
    }

    /**
     * Klines of the minutes {@code [first, forming)} and then the minute {@code forming} as its first trades made it:
     * the open, at the open's price since, with a tenth of its volume.
     */
    private static String endingForming(CandleSeries m, int first, int forming) {
        StringBuilder a = new StringBuilder();
        for (int i = first; i < forming; i++) {
            a.append(row(m, i)).append('\n');
        }
        double o = m.opens()[forming];
        return a.append(kline(m.openTime(forming), 60_000, o, o, o, o, m.volumes()[forming] / 10)).append('\n')
                .toString();
    }

    private static String row(CandleSeries m, int i) {
        return kline(m.openTime(i), 60_000, m.opens()[i], m.highs()[i], m.lows()[i], m.closes()[i], m.volumes()[i]);
    }

    /** A row of Binance's kline CSV, numbers written as plain decimals (read back to the same doubles). */
    private static String kline(long open, long tf, double o, double h, double l, double c, double v) {
        return open + "," + t(o) + "," + t(h) + "," + t(l) + "," + t(c) + "," + t(v) + "," + (open + tf - 1) + ","
                + t(v * c) + ",7,0,0,0";
    }

    private static String t(double d) {
        return BigDecimal.valueOf(d).toPlainString();
    }
}
