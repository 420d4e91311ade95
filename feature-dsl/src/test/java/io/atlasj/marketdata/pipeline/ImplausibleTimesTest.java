package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.imports.TimeWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Times in the wrong unit are never stored: a file whose epoch unit changes is refused at the line where it does,
 * times of another unit than the format's are refused with the format named, and any time outside the plausible
 * window (2009-01-01 to a day after now, or --time-range) is a bad row, in every importer.
 */
class ImplausibleTimesTest extends ImportFixture {
    private static final Market FIL = new Market("binance-um", "filusdt");

    private static ImportOptions klines() {
        return ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", "filusdt").withTimeframe(Timeframe.M1);
    }

    private static String kline(long openTime, long close) {
        return openTime + ",5.1,5.2,5.0,5.1,10," + close + ",50,3,4,20,0\n";
    }

    private void assertNothingStored() {
        assertThat(store.markets()).isEmpty();
        assertThat(store.summaries()).isEmpty();
    }

    @Test
    void aKlinesFileWhoseUnitChangesFromMillisToMicrosIsRefusedAtThatLine() throws IOException {
        long t = 1_675_209_600_000L; // 2023-02-01
        String body = kline(t, t + 59_999) + kline(t + 60_000, t + 119_999)
                + kline((t + 120_000) * 1000, (t + 179_999) * 1000) + kline(t + 180_000, t + 239_999);
        var o = importFile("FILUSDT-1m-2023-02.csv", body, klines().withSkipBadRows(true));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("FILUSDT-1m-2023-02.csv:3: open_time: the time unit changes from ms (line 1 on)"
                + " to us (" + (t + 120_000) * 1000 + ")").contains("a file must keep one time unit");
        assertNothingStored();
        // a whole file in microseconds (Binance spot from 2025) is read as such
        String micros = kline(t * 1000, (t + 59_999) * 1000 + 999) + kline((t + 60_000) * 1000, (t + 119_999) * 1000 + 999);
        var ok = importFile("FILUSDT-1m-2023-02-us.csv", micros, klines());
        assertThat(ok.rejected()).as(ok.error()).isFalse();
        assertThat(store.candles(FIL, Timeframe.M1).openTime(0)).isEqualTo(t);
    }

    @Test
    void millisecondTimesGivenToBitstampTradesAreRefusedNotStoredAsTheYear45000() throws IOException {
        var o = importFile("trades.csv", "timestamp,price,amount\n1385337600000,800.01,0.1\n1385337601000,800.02,0.2\n",
                ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("trades.csv:2: timestamp: 1385337600000 is epoch ms by its size, but "
                + "bitstamp-trades takes epoch s (is this the right --format?)");
        assertNothingStored();
    }

    @Test
    void aTimeOutsideThePlausibleWindowIsABadRowInEveryBarImporter() throws IOException {
        // seconds read as if milliseconds: 1970; a bar in 2040
        String csv = "time,open,high,low,close,volume\n2023-02-01T00:00:00Z,1,2,0.5,1.5,10\n"
                + "2023-02-01T00:01:00Z,1,2,0.5,1.5,10\n2040-02-01T00:02:00Z,1,2,0.5,1.5,10\n";
        ImportOptions ohlcv = ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "abc").withTimeframe(Timeframe.M1);
        var o = importFile("bars.csv", csv, ohlcv);
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("bars.csv:4: time: time 2040-02-01T00:02:00Z is outside the plausible range "
                + "2009-01-01T00:00:00Z to").contains("give --time-range FROM..TO");
        assertNothingStored();
        var skipped = importFile("bars.csv", csv, ohlcv.withSkipBadRows(true));
        assertThat(skipped.rejected()).isFalse();
        assertThat(skipped.badRows()).isEqualTo(1);
        // the user who knows better widens the window
        var wide = importFile("bars2.csv", csv.replace("abc", "abc"), ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "def")
                .withTimeframe(Timeframe.M1).withTimeWindow(TimeWindow.parse("2009-01-01..2041-01-01")));
        assertThat(wide.rejected()).as(wide.error()).isFalse();
        assertThat(wide.badRows()).isZero();
        // epoch seconds of 1970 in a klines file (a unit mix-up upstream)
        var early = importFile("FILUSDT-1m-1970.csv", kline(1_675_209_600L, 1_675_209_659L), klines());
        assertThat(early.rejected()).isTrue();
        assertThat(early.error()).contains("open_time: 1675209600 is epoch s by its size, but binance-klines takes "
                + "epoch ms or us");
    }

    @Test
    void anOhlcvFileWhoseEpochUnitChangesIsRefused() throws IOException {
        String csv = "time,open,high,low,close,volume\n1675209600,1,2,0.5,1.5,10\n1675209660,1,2,0.5,1.5,10\n"
                + "1675209720000,1,2,0.5,1.5,10\n";
        var o = importFile("mixed.csv", csv, ImportOptions.of(ImportFormat.OHLCV_CSV, "x", "abc")
                .withTimeframe(Timeframe.M1).withSkipBadRows(true));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("mixed.csv:4: time: the time unit changes from s (line 2 on) to ms");
        assertNothingStored();
    }

    @Test
    void theTimeRangeOptionIsCheckedAndReadInUtc() {
        TimeWindow w = TimeWindow.parse("2005-01-01..2030-12-31");
        assertThat(w.from()).isEqualTo(Instant.parse("2005-01-01T00:00:00Z").toEpochMilli());
        assertThat(w.to()).isEqualTo(Instant.parse("2031-01-01T00:00:00Z").toEpochMilli() - 1);
        assertThat(TimeWindow.parse("..2030-01-01").from()).isEqualTo(TimeWindow.DEFAULT_FROM);
        assertThatThrownBy(() -> TimeWindow.parse("2005")).hasMessageContaining("expected FROM..TO");
        assertThatThrownBy(() -> TimeWindow.parse("2005-13-01..")).hasMessageContaining("is not a date");
        assertThatThrownBy(() -> TimeWindow.parse("2030-01-01..2020-01-01")).hasMessageContaining("starts after it ends");
    }
}
