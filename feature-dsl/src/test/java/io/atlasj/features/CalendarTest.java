package io.atlasj.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.Bars;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The calendar features' arithmetic gives java.time's UTC hour, minute and day of week, bit for bit (the cyclic ones
 * and the integer Hour() and DayOfWeek()).
 */
class CalendarTest {
    @Test
    void hourAndDayOfWeekAreJavaTimes() {
        Random r = new Random(7);
        int n = 20_000;
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            // from 1950 to 2100, on minutes, plus the epoch's neighbourhood
            t[i] = i < 100 ? (i - 50) * 60_000L : (-631_152_000_000L + (long) (r.nextDouble() * 4_733_510_400_000L))
                    / 60_000L * 60_000L;
        }
        Bars b = new Bars(t, 60_000L, null, null, null, null, null, null, null, null, null, null, null, null);
        double[] hs = Library.calendar(b, true, true);
        double[] hc = Library.calendar(b, true, false);
        double[] ds = Library.calendar(b, false, true);
        double[] dc = Library.calendar(b, false, false);
        double[] hour = Library.calendarInteger(b, true);
        double[] dow = Library.calendarInteger(b, false);
        for (int i = 0; i < n; i++) {
            ZonedDateTime z = Instant.ofEpochMilli(t[i]).atZone(ZoneOffset.UTC);
            double h = 2 * Math.PI * (z.getHour() + z.getMinute() / 60.0) / 24;
            double d = 2 * Math.PI * (z.getDayOfWeek().getValue() - 1) / 7.0;
            assertThat(hs[i]).as("%s", z).isEqualTo(Math.sin(h));
            assertThat(hc[i]).as("%s", z).isEqualTo(Math.cos(h));
            assertThat(ds[i]).as("%s", z).isEqualTo(Math.sin(d));
            assertThat(dc[i]).as("%s", z).isEqualTo(Math.cos(d));
            assertThat(hour[i]).as("%s", z).isEqualTo(z.getHour());
            assertThat(dow[i]).as("%s", z).isEqualTo(z.getDayOfWeek().getValue() - 1);
        }
    }
}
