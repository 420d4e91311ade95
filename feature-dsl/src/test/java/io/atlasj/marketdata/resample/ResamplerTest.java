package io.atlasj.marketdata.resample;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the resampler allocates for its output: the bars its input spans, never fewer than it makes (the series would
 * still be right, by growing, but the bound is what keeps an import from allocating half its input per timeframe),
 * and a series built to its exact capacity that no later use of its builder changes.
 */
class ResamplerTest {
    private static final Market M = new Market("binance-um", "filusdt");
    private static final long MINUTE = 60_000L;

    /** Minute candles from {@code start}, {@code n} of them, each missing with probability {@code gaps}. */
    private static CandleSeries minutes(long start, int n, double gaps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        CandleSeries.Builder b = CandleSeries.builder(M, Timeframe.M1);
        double price = 100;
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < gaps) {
                continue;
            }
            double open = price;
            price *= Math.exp(r.nextGaussian() * 0.001);
            b.add(start + i * MINUTE, open, Math.max(open, price) + 0.01, Math.min(open, price) - 0.01, price,
                    r.nextDouble() * 10, r.nextDouble() * 1000, r.nextInt(100), r.nextDouble() * 5,
                    CandleSource.IMPORTED);
        }
        return b.build();
    }

    @Test
    void theCapacityIsTheBarsSpannedExactWithoutGapsAndNeverBelowTheBarsMade() {
        // a calendar month of minutes starting mid-week and mid-day, as Binance's monthly files are
        long feb2023 = 1_675_209_600_000L; // 2023-02-01T00:00Z, a Wednesday
        for (double gaps : new double[] {0.0, 0.02, 0.5, 0.99}) {
            for (long seed = 1; seed <= 3; seed++) {
                CandleSeries in = minutes(feb2023 + 7 * MINUTE, 28 * 1440 - 11, gaps, seed);
                for (Timeframe tf : Timeframe.values()) {
                    if (!Timeframe.M1.divides(tf)) {
                        continue;
                    }
                    CandleSeries out = Resampler.candles(in, tf);
                    int cap = Resampler.spanned(in.openTimes(), in.size(), tf);
                    assertThat(cap).as("%s, gaps %s", tf, gaps).isGreaterThanOrEqualTo(out.size())
                            .isLessThanOrEqualTo(in.size());
                    if (gaps == 0.0) {
                        assertThat(cap).as("%s without gaps", tf).isEqualTo(out.size());
                    }
                }
            }
        }
        assertThat(Resampler.spanned(new long[0], 0, Timeframe.H1)).isZero();
    }

    @Test
    void theBarsSpannedFollowEachTimeframesOrigin() {
        long wed = 1_675_209_600_000L; // 2023-02-01T00:00Z, a Wednesday
        long day = 86_400_000L;
        long[] wedToFri = {wed, wed + day, wed + 2 * day + 3_600_000L};
        // weeks open on Mondays: Wednesday to Friday is one weekly bar (a week counted from Thursday 1970-01-01, the
        // epoch, would make two)
        assertThat(Resampler.spanned(wedToFri, 3, Timeframe.W1)).isEqualTo(1);
        long[] sunMon = {wed + 4 * day, wed + 5 * day}; // Sunday 5th, Monday 6th: two weeks
        assertThat(Resampler.spanned(sunMon, 2, Timeframe.W1)).isEqualTo(2);
        // the exchanges' other lengths, which stores do not keep
        long[] hours = new long[24];
        for (int i = 0; i < 24; i++) {
            hours[i] = wed + i * 3_600_000L;
        }
        assertThat(Resampler.spanned(hours, 24, Timeframe.parse("6h"))).isEqualTo(4);
        assertThat(Resampler.spanned(hours, 24, Timeframe.parse("8h"))).isEqualTo(3);
        long[] days = new long[10];
        for (int i = 0; i < 10; i++) {
            days[i] = wed + i * day;
        }
        int threeDays = Resampler.spanned(days, 10, Timeframe.parse("3d"));
        CandleSeries.Builder b = CandleSeries.builder(M, Timeframe.D1);
        for (long t : days) {
            b.add(t, 1, 1, 1, 1, 1, 1, 1, 1, CandleSource.IMPORTED);
        }
        assertThat(threeDays).isEqualTo(Resampler.candles(b.build(), Timeframe.parse("3d")).size());
        // only the first n times count; times out of order give 1, and the builder grows
        assertThat(Resampler.spanned(days, 2, Timeframe.D1)).isEqualTo(2);
        assertThat(Resampler.spanned(new long[] {wed + 5 * day, wed}, 2, Timeframe.D1)).isEqualTo(1);
    }

    @Test
    void aSeriesBuiltAtItsExactCapacityIsNotChangedByItsBuilderAfterwards() {
        CandleSeries.Builder b = CandleSeries.builder(M, Timeframe.H1, 16);
        for (int i = 0; i < 16; i++) {
            b.add(i * 3_600_000L, i, i + 1, i - 1, i, 1, 1, 1, 1, CandleSource.IMPORTED);
        }
        CandleSeries full = b.build();
        // filled to its capacity, the builder hands its arrays over instead of copying them
        assertThat(b.build().closes()).isSameAs(full.closes());
        b.add(16 * 3_600_000L, 99, 99, 99, 99, 9, 9, 9, 9, CandleSource.IMPORTED);
        CandleSeries more = b.build();
        assertThat(full.size()).isEqualTo(16);
        assertThat(full.openTimes()).hasSize(16);
        assertThat(full.close(15)).isEqualTo(15.0);
        assertThat(more.size()).isEqualTo(17);
        assertThat(more.close(16)).isEqualTo(99.0);
        assertThat(more.closes()).isNotSameAs(full.closes());
        assertThat(more.close(15)).isEqualTo(15.0);
    }
}
