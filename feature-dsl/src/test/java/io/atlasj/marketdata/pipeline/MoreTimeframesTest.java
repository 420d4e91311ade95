package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 3m, 30m, 2h, 6h, 8h, 12h, three-day and weekly bars: imported as such, and derived from finer bars exactly as
 * aggregated by hand; weeks open on Monday 00:00 UTC, three days on every third day since the epoch.
 */
class MoreTimeframesTest extends ImportFixture {
    private static final long T0 = Instant.parse("2023-03-01T00:00:00Z").toEpochMilli();

    @Test
    void minuteBarsDeriveThreeMinuteToThreeDayBarsAsAggregatedByHand() throws IOException {
        int n = 2 * 1440; // two days of minutes
        double[][] bars = walk(n, 3, 0.001);
        StringBuilder csv = new StringBuilder("time,open,high,low,close,volume\n");
        for (int i = 0; i < n; i++) {
            csv.append(T0 / 1000 + i * 60L).append(',').append(row(bars[i])).append('\n');
        }
        Path file = dir.resolve("minutes.csv");
        Files.writeString(file, csv);
        var s = new ImportJob(store).run(List.of(file), ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "abc"),
                ImportJob.Listener.NONE);
        assertThat(s.files().get(0).rejected()).as(s.files().get(0).error()).isFalse();
        Market m = new Market("x", "abc");
        for (Timeframe tf : List.of(Timeframe.M3, Timeframe.M30, Timeframe.H2, Timeframe.H6, Timeframe.H8, Timeframe.H12)) {
            int per = (int) (tf.millis() / 60_000L);
            // 6h and 8h are not kept: read as every reader does, resampled from the 2h and 4h bars
            CandleSeries c = io.atlasj.features.eval.SeriesSource.of(store).candles(m, tf, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(c.size()).as(tf.label()).isEqualTo(n / per);
            for (int k = 0; k < c.size(); k++) {
                double hi = Double.NEGATIVE_INFINITY;
                double lo = Double.POSITIVE_INFINITY;
                double vol = 0;
                for (int i = k * per; i < (k + 1) * per; i++) {
                    hi = Math.max(hi, bars[i][1]);
                    lo = Math.min(lo, bars[i][2]);
                    vol += bars[i][4];
                }
                assertThat(c.openTime(k)).isEqualTo(T0 + k * tf.millis());
                assertThat(c.open(k)).as(tf.label()).isEqualTo(bars[k * per][0]);
                assertThat(c.high(k)).isEqualTo(hi);
                assertThat(c.low(k)).isEqualTo(lo);
                assertThat(c.close(k)).isEqualTo(bars[(k + 1) * per - 1][3]);
                assertThat(c.volume(k)).isCloseTo(vol, org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        // 2023-03-01 is day 19417 since the epoch: its three-day bar opened on 2023-02-28 and holds both days
        CandleSeries d3 = io.atlasj.features.eval.SeriesSource.of(store).candles(m, Timeframe.D3, Long.MIN_VALUE,
                Long.MAX_VALUE);
        assertThat(d3.openTimes()).containsExactly(T0 - DAY_MS);
        assertThat(d3.open(0)).isEqualTo(bars[0][0]);
        assertThat(d3.close(0)).isEqualTo(bars[n - 1][3]);
        assertThat(d3.high(0)).isEqualTo(java.util.Arrays.stream(bars).mapToDouble(b -> b[1]).max().orElseThrow());
        assertThat(d3.low(0)).isEqualTo(java.util.Arrays.stream(bars).mapToDouble(b -> b[2]).min().orElseThrow());
        assertThat(d3.volume(0)).isCloseTo(java.util.Arrays.stream(bars).mapToDouble(b -> b[4]).sum(),
                org.assertj.core.api.Assertions.within(1e-9));
        // 30-minute bars import as such, the timeframe told from their spacing
        Path half = dir.resolve("half-hours.csv");
        Files.writeString(half, "time,open,high,low,close,volume\n2023-03-01T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-03-01T00:30:00Z,1.5,2,1,1.2,5\n");
        var h = new ImportJob(store).run(List.of(half), ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "half"),
                ImportJob.Listener.NONE);
        assertThat(h.files().get(0).rejected()).as(h.files().get(0).error()).isFalse();
        assertThat(store.candles(new Market("x", "half"), Timeframe.M30).size()).isEqualTo(2);
        assertThat(Timeframe.parse("12H")).isEqualTo(Timeframe.H12);
    }

    private static final long HOUR = 3_600_000L;
    private static final long DAY_MS = 86_400_000L;

    /** {@code n} bars {open, high, low, close, volume} of a random walk with steps of {@code sigma}. */
    private static double[][] walk(int n, long seed, double sigma) {
        double[][] bars = new double[n][5];
        Random r = new Random(seed);
        double p = 100;
        for (int i = 0; i < n; i++) {
            double o = p;
            double c = p * Math.exp(r.nextGaussian() * sigma);
            double h = Math.max(o, c) * (1 + r.nextDouble() * sigma);
            double l = Math.min(o, c) * (1 - r.nextDouble() * sigma);
            bars[i] = new double[] {o, h, l, c, r.nextInt(100) + 1};
            p = c;
        }
        return bars;
    }

    private static String row(double[] b) {
        return b[0] + "," + b[1] + "," + b[2] + "," + b[3] + "," + b[4];
    }
    /** Wednesday 2023-03-01 00:00 UTC; its week opened on Monday 2023-02-27. */
    private static final long WED = T0;

    /** Hourly bars from Wednesday 2023-03-01 for 20 days, split into two files in the middle of a week. */
    private double[][] hourlyFiles(Path first, Path second, int split) throws IOException {
        int n = 20 * 24;
        double[][] bars = walk(n, 11, 0.01);
        StringBuilder a = new StringBuilder("time,open,high,low,close,volume\n");
        StringBuilder b = new StringBuilder("time,open,high,low,close,volume\n");
        for (int i = 0; i < n; i++) {
            (i < split ? a : b).append(Instant.ofEpochMilli(WED + i * HOUR)).append(',').append(row(bars[i]))
                    .append('\n');
        }
        Files.writeString(first, a);
        Files.writeString(second, b);
        return bars;
    }

    @Test
    void weeksOpenOnMondayAndAggregateWholeWeeksAcrossFiles() throws IOException {
        // split on Saturday 2023-03-11 12:00, inside the week of Monday 2023-03-06
        int split = 10 * 24 + 12;
        Path first = dir.resolve("hours-1.csv");
        Path second = dir.resolve("hours-2.csv");
        double[][] bars = hourlyFiles(first, second, split);
        for (Path f : List.of(first, second)) {
            var s = new ImportJob(store).run(List.of(f), ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "wk"),
                    ImportJob.Listener.NONE);
            assertThat(s.files().get(0).rejected()).as(s.files().get(0).error()).isFalse();
        }
        CandleSeries w = store.candles(new Market("x", "wk"), Timeframe.W1);
        long monday = Instant.parse("2023-02-27T00:00:00Z").toEpochMilli();
        // Wed 1 Mar .. Mon 20 Mar 23:00: the weeks of 27 Feb, 6 Mar, 13 Mar and 20 Mar
        assertThat(w.size()).isEqualTo(4);
        for (int k = 0; k < w.size(); k++) {
            long open = monday + k * Timeframe.W1.millis();
            assertThat(w.openTime(k)).isEqualTo(open);
            assertThat(Instant.ofEpochMilli(open).atZone(java.time.ZoneOffset.UTC).getDayOfWeek())
                    .isEqualTo(java.time.DayOfWeek.MONDAY);
            int from = (int) Math.max(0, (open - WED) / HOUR);
            int to = (int) Math.min(bars.length, (open + Timeframe.W1.millis() - WED) / HOUR);
            double hi = Double.NEGATIVE_INFINITY;
            double lo = Double.POSITIVE_INFINITY;
            double vol = 0;
            for (int i = from; i < to; i++) {
                hi = Math.max(hi, bars[i][1]);
                lo = Math.min(lo, bars[i][2]);
                vol += bars[i][4];
            }
            assertThat(w.open(k)).as("week %d", k).isEqualTo(bars[from][0]);
            assertThat(w.high(k)).isEqualTo(hi);
            assertThat(w.low(k)).isEqualTo(lo);
            assertThat(w.close(k)).isEqualTo(bars[to - 1][3]);
            assertThat(w.volume(k)).isCloseTo(vol, org.assertj.core.api.Assertions.within(1e-6));
        }
        assertThat(Timeframe.W1.floor(Instant.parse("2023-03-05T23:59:59Z").toEpochMilli())).isEqualTo(monday);
        // a weekly feature on hourly rows reads the week that closed last, from the Monday it closed on
        var set = io.atlasj.features.set.FeatureLabelSet.builder("weekly").base("x:wk", "1h")
                .features(io.atlasj.features.Dsl.Close(), io.atlasj.features.Dsl.Close().oneWeek()).build();
        var matrix = new io.atlasj.features.set.FeatureSetBuilder(io.atlasj.features.eval.SeriesSource.of(store))
                .build(set, 0, Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
        double[] weekly = matrix.feature("Close().market(\"x:wk\").timeframe(\"1w\")");
        assertThat(matrix.time()[0]).isEqualTo(Instant.parse("2023-03-05T23:00:00Z").toEpochMilli());
        assertThat(matrix.rows()).isEqualTo(bars.length - (int) ((matrix.time()[0] - WED) / HOUR));
        for (int r = 0; r < matrix.rows(); r++) {
            long closedWeek = Timeframe.W1.floor(matrix.time()[r] + HOUR) - Timeframe.W1.millis();
            int k = (int) ((closedWeek - monday) / Timeframe.W1.millis());
            assertThat(weekly[r]).as("row %s", Instant.ofEpochMilli(matrix.time()[r])).isEqualTo(w.close(k));
        }
        assertThat(Timeframe.D1.divides(Timeframe.W1)).isTrue();
        assertThat(Timeframe.parse("1W")).isEqualTo(Timeframe.W1);
        // a month as exchanges and freqtrade write it is never read as minutes
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Timeframe.parse("1M")).hasMessageContaining("a month");
        assertThat(Timeframe.parse("1m")).isEqualTo(Timeframe.M1);
    }

    @Test
    void weeklyFilesImportAsSuchAndAWeekNotOnMondayIsRefused() throws IOException {
        var ok = importFile("weeks.csv", "time,open,high,low,close,volume\n2023-02-27T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-03-06T00:00:00Z,1.5,2,1,1.2,5\n2023-03-13T00:00:00Z,1.2,1.3,1,1.1,7\n",
                ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "weekly"));
        assertThat(ok.rejected()).as(ok.error()).isFalse();
        assertThat(store.candles(new Market("x", "weekly"), Timeframe.W1).size()).isEqualTo(3);
        // Sunday-opened weeks (as some charting sites write them) are not Atlas's weeks
        var sunday = importFile("sunday.csv", "time,open,high,low,close,volume\n2023-02-26T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-03-05T00:00:00Z,1.5,2,1,1.2,5\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "sunday"));
        assertThat(sunday.rejected()).isTrue();
        assertThat(sunday.error()).contains("sunday.csv").contains("1w").contains("Monday 00:00 UTC");
    }

    @Test
    void threeDayFilesImportAsSuchAndOnesNotCountedFromTheEpochAreRefused() throws IOException {
        // Binance's 3d klines: 2023-02-28 is day 19416 since the epoch, a multiple of three
        var ok = importFile("3d.csv", "time,open,high,low,close,volume\n2023-02-28T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-03-03T00:00:00Z,1.5,2,1,1.2,5\n2023-03-06T00:00:00Z,1.2,1.3,1,1.1,7\n",
                ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "three"));
        assertThat(ok.rejected()).as(ok.error()).isFalse();
        assertThat(io.atlasj.features.eval.SeriesSource.of(store).candles(new Market("x", "three"), Timeframe.D3,
                Long.MIN_VALUE, Long.MAX_VALUE).closes()).containsExactly(1.5, 1.2, 1.1);
        assertThat(Timeframe.parse("3D")).isEqualTo(Timeframe.D3);
        assertThat(Timeframe.parse("6h").millis()).isEqualTo(6 * HOUR);
        assertThat(Timeframe.parse("8H").millis()).isEqualTo(8 * HOUR);
        // counted from a listing day instead, as some sites do: refused, naming where Atlas's bar would open
        var off = importFile("3d-off.csv", "time,open,high,low,close,volume\n2023-03-01T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-03-04T00:00:00Z,1.5,2,1,1.2,5\n", ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "off"));
        assertThat(off.rejected()).isTrue();
        assertThat(off.error()).contains("3d-off.csv").contains("not on a 3d boundary").contains("2023-02-28")
                .contains("import the daily bars");
    }

    @Test
    void binanceEightHourKlinesOfRealMinutesEqualTheEightHourBarsDerivedFromThem() throws IOException {
        Path minutes = io.atlasj.testing.TestData.shared("binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz");
        var a = new ImportJob(store).run(List.of(minutes), ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um",
                null), ImportJob.Listener.NONE);
        assertThat(a.rejectedFiles()).isZero();
        Market link = new Market("binance-um", "linkusdt");
        CandleSeries m1 = store.candles(link, Timeframe.M1);
        // the exchange's own 8h file, as data.binance.vision names and writes it, aggregated here from the minutes
        StringBuilder klines = new StringBuilder();
        long h8 = Timeframe.H8.millis();
        for (int i = 0; i < m1.size(); ) {
            long open = Math.floorDiv(m1.openTime(i), h8) * h8;
            double hi = Double.NEGATIVE_INFINITY;
            double lo = Double.POSITIVE_INFINITY;
            java.math.BigDecimal vol = java.math.BigDecimal.ZERO;
            java.math.BigDecimal quote = java.math.BigDecimal.ZERO;
            java.math.BigDecimal taker = java.math.BigDecimal.ZERO;
            long count = 0;
            int first = i;
            for (; i < m1.size() && m1.openTime(i) < open + h8; i++) {
                hi = Math.max(hi, m1.high(i));
                lo = Math.min(lo, m1.low(i));
                vol = vol.add(java.math.BigDecimal.valueOf(m1.volume(i)));
                quote = quote.add(java.math.BigDecimal.valueOf(m1.quoteVolume(i)));
                taker = taker.add(java.math.BigDecimal.valueOf(m1.takerBuyVolume(i)));
                count += m1.tradeCount(i);
            }
            klines.append(open).append(',').append(m1.open(first)).append(',').append(hi).append(',').append(lo)
                    .append(',').append(m1.close(i - 1)).append(',').append(vol.toPlainString()).append(',')
                    .append(open + h8 - 1).append(',').append(quote.toPlainString()).append(',').append(count)
                    .append(',').append(taker.toPlainString()).append(",0,0\n");
        }
        Path eight = dir.resolve("LINKUSDT-8h-2023-02.csv");
        Files.writeString(eight, klines);
        var b = new ImportJob(store).run(List.of(eight), ImportOptions.of(ImportFormat.BINANCE_KLINES, "exchange8h",
                null), ImportJob.Listener.NONE);
        assertThat(b.rejectedFiles()).as(b.files().get(0).error()).isZero();
        var source = io.atlasj.features.eval.SeriesSource.of(store);
        CandleSeries derived = source.candles(link, Timeframe.H8, Long.MIN_VALUE, Long.MAX_VALUE);
        CandleSeries imported = source.candles(new Market("exchange8h", "linkusdt"), Timeframe.H8, Long.MIN_VALUE,
                Long.MAX_VALUE);
        assertThat(derived.size()).isEqualTo(28 * 3);
        assertThat(imported.openTimes()).containsExactly(derived.openTimes());
        assertThat(imported.opens()).containsExactly(derived.opens());
        assertThat(imported.highs()).containsExactly(derived.highs());
        assertThat(imported.lows()).containsExactly(derived.lows());
        assertThat(imported.closes()).containsExactly(derived.closes());
        assertThat(imported.tradeCounts()).containsExactly(derived.tradeCounts());
        for (int k = 0; k < derived.size(); k++) {
            assertThat(imported.volume(k)).isCloseTo(derived.volume(k), org.assertj.core.api.Assertions.within(1e-6));
            assertThat(imported.quoteVolume(k)).isCloseTo(derived.quoteVolume(k),
                    org.assertj.core.api.Assertions.within(1e-4));
        }
        // and the 3-day bars of the imported 8h ones equal those of the minutes
        assertThat(source.candles(new Market("exchange8h", "linkusdt"), Timeframe.D3, Long.MIN_VALUE, Long.MAX_VALUE)
                .closes()).containsExactly(source.candles(link, Timeframe.D3, Long.MIN_VALUE, Long.MAX_VALUE).closes());
    }
}
