package io.atlasj.marketdata.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text forms of times read without being told, the zone rules, and volumes named by their currency. */
class TimeTextTest {
    @Test
    void knownFormsAreToldFromOneTime() {
        assertThat(TimeText.detect("2023.03.13 18:05").orElseThrow().parse("2023.03.13 18:05"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 18, 5));
        assertThat(TimeText.detect("13.03.2023 18:05:00.250").orElseThrow().parse("13.03.2023 18:05:00.250"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 18, 5, 0, 250_000_000));
        assertThat(TimeText.detect("20230313 180500").orElseThrow().parse("20230313 180500"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 18, 5));
        assertThat(TimeText.detect("2023/3/13 8:05").orElseThrow().parse("2023/3/13 8:05"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 8, 5));
        assertThat(TimeText.detect("2023.03.13").orElseThrow().parse("2023.03.13"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 0, 0));
        // strict: no 31 April, no hour 24
        assertThatThrownBy(() -> TimeText.detect("31.04.2023 00:00").orElseThrow().parse("31.04.2023 00:00"))
                .isInstanceOf(java.time.DateTimeException.class);
        // slashes with the year last cannot be told: no form, a hint instead
        assertThat(TimeText.detect("03/04/2023 10:00")).isEmpty();
        assertThat(TimeText.hint("03/04/2023 10:00")).contains("--time-format");
        assertThat(TimeText.of("dd/MM/yyyy HH:mm").parse("03/04/2023 10:00"))
                .isEqualTo(LocalDateTime.of(2023, 4, 3, 10, 0));
        assertThat(TimeText.of("MM/dd/yyyy hh:mm a").parse("03/13/2023 06:00 PM"))
                .isEqualTo(LocalDateTime.of(2023, 3, 13, 18, 0));
        assertThat(TimeText.of("yyyy-MM-dd HH:mm:ssXXX").millis("2023-03-13 18:00:00+02:00", ZoneId.of("UTC"),
                new String[1])).isEqualTo(java.time.Instant.parse("2023-03-13T16:00:00Z").toEpochMilli());
        assertThat(TimeText.of("'y'yyyy-MM-dd").parse("y2023-01-01")).isEqualTo(LocalDateTime.of(2023, 1, 1, 0, 0));
        assertThat(TimeText.of("yyyy-MM-dd HH").parse("2023-03-13 13")).isEqualTo(LocalDateTime.of(2023, 3, 13, 13, 0));
        // time fields that make no time of day are refused, never read as midnight
        assertThatThrownBy(() -> TimeText.check("yyyy-MM-dd hh:mm")).hasMessageContaining("hh needs a");
        assertThatThrownBy(() -> TimeText.of("yyyy-MM-dd hh:mm").parse("2023-03-13 01:00"))
                .isInstanceOf(java.time.DateTimeException.class);
        TimeText.check("MM/dd/yyyy hh:mm a");
        TimeText.check("dd.MM.yyyy");
    }

    @Test
    void aHeaderBesideColumnsHasNoNumberEvenWithDecimalCommas() {
        assertThat(TickRows.isHeader(List.of("Datum", "Eroeffnung", "Hoch"), 0)).isTrue();
        assertThat(TickRows.isHeader(List.of("Mar 13 2023 18:00", "1673,58", "1677,62"), 0)).isFalse();
        assertThat(TickRows.isHeader(List.of("Mar 13 2023 18:00", "1673.58", "1677.62"), 0)).isFalse();
        assertThat(TickRows.isHeader(List.of("1678730400", "open"), 0)).isFalse();
    }

    @Test
    void localTimesTheClocksSkipOrRepeatAreRefused() {
        String[] why = new String[1];
        ZoneId ny = ZoneId.of("America/New_York");
        assertThat(TimeText.inZone(LocalDateTime.of(2023, 3, 12, 2, 30), ny, why)).isNull();
        assertThat(why[0]).contains("does not exist in America/New_York");
        assertThat(TimeText.inZone(LocalDateTime.of(2023, 11, 5, 1, 30), ny, why)).isNull();
        assertThat(why[0]).contains("occurs twice");
        assertThat(TimeText.inZone(LocalDateTime.of(2023, 11, 5, 3, 0), ny, why))
                .isEqualTo(java.time.Instant.parse("2023-11-05T08:00:00Z").toEpochMilli());
    }

    @Test
    void volumesNamedByCurrencyFollowTheSymbol() {
        CsvColumns c = CsvColumns.of(Map.of("open", "open", "high", "high", "low", "low", "close", "close",
                "volume", "volume"), List.of("time", "open", "high", "low", "close"), "time,open", "");
        Path f = Path.of("f.csv");
        List<String> quoteFirst = List.of("unix", "open", "high", "low", "close", "Volume USDT", "Volume BTC");
        Map<String, Integer> m = c.map(f, quoteFirst, "header", "BTC/USDT");
        assertThat(m).containsEntry("volume", 6).containsEntry("quote_volume", 5);
        m = c.map(f, List.of("unix", "open", "high", "low", "close", "Volume USD"), "header", "ethusd");
        assertThat(m).containsEntry("quote_volume", 5).doesNotContainKey("volume"); // the base volume is unknown
        // a currency the symbol does not name is passed over, never guessed from the order
        m = c.map(f, List.of("unix", "open", "high", "low", "close", "Volume BTC", "Volume USDT"), "header", "ethusd");
        assertThat(m).doesNotContainKeys("volume", "quote_volume");
        m = c.map(f, List.of("time", "open", "high", "low", "close", "volume", "volume_quote"), "header", "ethusd");
        assertThat(m).containsEntry("volume", 5).doesNotContainKey("quote_volume");
        m = c.map(f, List.of("<DATE>", "<TIME>", "open", "high", "low", "close"), "header", null);
        assertThat(m).containsEntry("time", 0).containsEntry(CsvColumns.TIME2, 1);
        assertThatThrownBy(() -> c.map(f, List.of("time", "open", "high", "low", "close", "close"), "header", null))
                .hasMessageContaining("names close twice (columns 5 and 6)");
    }
}
