package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 3m, 30m, 2h and 12h bars: imported as such, and derived from minute bars exactly as aggregated by hand. */
class MoreTimeframesTest extends ImportFixture {
    private static final long T0 = Instant.parse("2023-03-01T00:00:00Z").toEpochMilli();

    @Test
    void minuteBarsDeriveThreeMinuteToTwelveHourBarsAsAggregatedByHand() throws IOException {
        int n = 2 * 1440; // two days of minutes
        double[][] bars = new double[n][5];
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder("time,open,high,low,close,volume\n");
        double p = 100;
        for (int i = 0; i < n; i++) {
            double o = p;
            double c = p * Math.exp(r.nextGaussian() * 0.001);
            double h = Math.max(o, c) * (1 + r.nextDouble() * 0.001);
            double l = Math.min(o, c) * (1 - r.nextDouble() * 0.001);
            double v = r.nextInt(100) + 1;
            bars[i] = new double[] {o, h, l, c, v};
            csv.append(T0 / 1000 + i * 60L).append(',').append(o).append(',').append(h).append(',').append(l)
                    .append(',').append(c).append(',').append(v).append('\n');
            p = c;
        }
        Path file = dir.resolve("minutes.csv");
        Files.writeString(file, csv);
        var s = new ImportJob(store).run(List.of(file), ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "abc"),
                ImportJob.Listener.NONE);
        assertThat(s.files().get(0).rejected()).as(s.files().get(0).error()).isFalse();
        Market m = new Market("x", "abc");
        for (Timeframe tf : List.of(Timeframe.M3, Timeframe.M30, Timeframe.H2, Timeframe.H12)) {
            int per = (int) (tf.millis() / 60_000L);
            CandleSeries c = store.candles(m, tf);
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
}
