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
import org.junit.jupiter.api.Test;

/**
 * The CSV dialects of real exports import to the same bars: pandas' default datetime with an offset, {@code ;} and
 * tab delimiters, RFC 4180 quoted fields, a UTF-8 byte-order mark, header synonyms, newest-first order. A file of
 * which no row can be read says why (its rows' problems), and skipped rows are summarised by kind.
 */
class CsvDialectsTest extends ImportFixture {
    private static final Market ABC = new Market("x", "abc");
    private static final long T0 = Instant.parse("2023-03-01T00:00:00Z").toEpochMilli();

    private static ImportOptions ohlcv(String symbol) {
        return ImportOptions.of(ImportFormat.OHLCV_CSV, "x", symbol);
    }

    /** The three bars every dialect below holds: 00:00, 00:01, 00:02 on 2023-03-01. */
    private void assertThreeBars(String symbol) {
        CandleSeries c = store.candles(new Market("x", symbol), Timeframe.M1);
        assertThat(c.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(c.openTime(i)).isEqualTo(T0 + i * 60_000L);
            assertThat(c.open(i)).isEqualTo(100.0 + i);
            assertThat(c.close(i)).isEqualTo(100.5 + i);
            assertThat(c.volume(i)).isEqualTo(10.0 * (i + 1));
        }
    }

    @Test
    void pandasDatetimesWithAnOffsetAndTheIndexName() throws IOException {
        String csv = "date,open,high,low,close,volume\n"
                + "2023-03-01 00:00:00+00:00,100,101,99,100.5,10\n"
                + "2023-03-01 00:01:00+00:00,101,102,100,101.5,20\n"
                + "2023-03-01 00:02:00+00:00,102,103,101,102.5,30\n";
        var o = importFile("pandas.csv", csv, ohlcv("pandas"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThreeBars("pandas");
        // an offset other than UTC is converted
        var paris = importFile("paris.csv", csv.replace("+00:00", "+01:00").replace("2023-03-01 00:", "2023-03-01 01:"),
                ohlcv("paris"));
        assertThat(paris.rejected()).as(paris.error()).isFalse();
        assertThreeBars("paris");
    }

    @Test
    void aGivenDelimiterReadsWhatDetectionCannot() throws IOException {
        // space-separated, without a header: none of , ; tab | occurs, so detection would take a comma
        String csv = "2023-03-01T00:00:00Z 100 101 99 100.5 10\n2023-03-01T00:01:00Z 101 102 100 101.5 20\n"
                + "2023-03-01T00:02:00Z 102 103 101 102.5 30\n";
        var told = importFile("spaces.txt", csv, ohlcv("spaces").withColumns("time,open,high,low,close,volume"));
        assertThat(told.rejected()).isTrue();
        var given = importFile("spaces2.txt", csv, ohlcv("spaces").withColumns("time,open,high,low,close,volume")
                .withDelimiter(ImportOptions.parseDelimiter("space")));
        assertThat(given.rejected()).as(given.error()).isFalse();
        assertThreeBars("spaces");
        // a header whose names hold commas inside a semicolon file: detection counts the commas, --delimiter wins
        String commas = "time;open (a,b,c);high (a,b,c);low (a,b,c);close (a,b,c);volume\n"
                + csv.replace(' ', ';');
        var guessed = importFile("commas.csv", commas, ohlcv("commas").withColumns("time,open,high,low,close,volume"));
        assertThat(guessed.rejected()).isTrue();
        var semi = importFile("commas2.csv", commas, ohlcv("commas").withColumns("time,open,high,low,close,volume")
                .withDelimiter(';'));
        assertThat(semi.rejected()).as(semi.error()).isFalse();
        assertThreeBars("commas");
        assertThat(ImportOptions.parseDelimiter("tab")).isEqualTo('\t');
        assertThat(ImportOptions.parseDelimiter("\\t")).isEqualTo('\t');
        assertThat(ImportOptions.parseDelimiter("|")).isEqualTo('|');
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImportOptions.parseDelimiter(";;"))
                .hasMessageContaining("one character");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImportOptions.of(ImportFormat.BINANCE_KLINES, "b", "c")
                .withDelimiter(';')).hasMessageContaining("ohlcv-csv and quotes-csv files only");
    }

    @Test
    void semicolonsTabsQuotesAndAByteOrderMark() throws IOException {
        String rows = "2023-03-01T00:00:00Z;100;101;99;100.5;10\n2023-03-01T00:01:00Z;101;102;100;101.5;20\n"
                + "2023-03-01T00:02:00Z;102;103;101;102.5;30\n";
        var semi = importFile("semi.csv", "\uFEFFtimestamp_utc;open;high;low;close;vol\n" + rows, ohlcv("semi"));
        assertThat(semi.rejected()).as(semi.error()).isFalse();
        assertThreeBars("semi");
        var tab = importFile("tab.tsv", ("time;open;high;low;close;volume\n" + rows).replace(';', '\t'), ohlcv("tab"));
        assertThat(tab.rejected()).as(tab.error()).isFalse();
        assertThreeBars("tab");
        String quoted = "\"time\",\"open\",\"high\",\"low\",\"close\",\"volume\",\"note\"\n"
                + "\"2023-03-01T00:00:00Z\",\"100\",\"101\",\"99\",\"100.5\",\"10\",\"a, \"\"quoted\"\" note\"\n"
                + "\"2023-03-01T00:01:00Z\",\"101\",\"102\",\"100\",\"101.5\",\"20\",\"\"\n"
                + "\"2023-03-01T00:02:00Z\",\"102\",\"103\",\"101\",\"102.5\",\"30\",\"two\nlines\"\n";
        var q = importFile("quoted.csv", quoted, ohlcv("quoted").withColumns("time,open,high,low,close,volume,_"));
        assertThat(q.rejected()).as(q.error()).isFalse();
        assertThreeBars("quoted");
    }

    @Test
    void aNewestFirstFileIsReadInTimeOrder() throws IOException {
        String csv = "time,open,high,low,close,volume\n"
                + "2023-03-01T00:02:00Z,102,103,101,102.5,30\n"
                + "2023-03-01T00:01:00Z,101,102,100,101.5,20\n"
                + "2023-03-01T00:00:00Z,100,101,99,100.5,10\n";
        var o = importFile("newest-first.csv", csv, ohlcv("desc"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(o.badRows()).isZero();
        assertThreeBars("desc");
        // a file in neither order is still refused, at the row out of order
        String mixed = "time,open,high,low,close,volume\n"
                + "2023-03-01T00:02:00Z,102,103,101,102.5,30\n"
                + "2023-03-01T00:00:00Z,100,101,99,100.5,10\n"
                + "2023-03-01T00:03:00Z,101,102,100,101.5,20\n"
                + "2023-03-01T00:01:00Z,101,102,100,101.5,20\n";
        var m = importFile("mixed.csv", mixed, ohlcv("mixed").withTimeframe(Timeframe.M1));
        assertThat(m.rejected()).isTrue();
        assertThat(m.error()).contains("out of order");
    }

    @Test
    void aFileOfWhichNoRowReadsSaysWhyNotThatTheTimeframeIsUnknown() throws IOException {
        String csv = "time,open,high,low,close,volume\n01/03/2023 00:00,100,101,99,100.5,10\n"
                + "01/03/2023 00:01,101,102,100,101.5,20\n";
        var o = importFile("slashes.csv", csv, ohlcv("slashes").withSkipBadRows(true));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("slashes.csv:2: time: not an epoch number or ISO-8601 date-time: "
                + "'01/03/2023 00:00'; a date with slashes and the year last is day first in some places and month "
                + "first in others").contains("give --time-format").contains("no more than 0 of 2 rows could be read")
                .doesNotContain("cannot tell the timeframe");
        assertThat(store.markets()).isEmpty();
        assertThat(importFile("empty.csv", "", ohlcv("e")).error()).contains("empty.csv: no data rows (an empty file?)");
        assertThat(importFile("header.csv", "time,open,high,low,close,volume\n", ohlcv("h")).error())
                .contains("header.csv: a header but no data rows");
    }

    @Test
    void skippedRowsAreSummarisedByKind() throws IOException {
        StringBuilder csv = new StringBuilder("time,open,high,low,close,volume\n");
        for (int i = 0; i < 12; i++) {
            String price = i % 4 == 3 ? "-1" : "100";
            csv.append(Instant.ofEpochMilli(T0 + i * 60_000L)).append(',').append(price).append(",101,99,100,")
                    .append(i % 4 == 2 ? "x" : "5").append('\n');
        }
        var o = importFile("mixed-bad.csv", csv.toString(), ohlcv("bad").withSkipBadRows(true));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(o.badRows()).isEqualTo(6);
        assertThat(o.reasons()).containsEntry("volume: not a number: '...'", 3L)
                .containsEntry("open: must be positive, got <n>", 3L);
    }
}
