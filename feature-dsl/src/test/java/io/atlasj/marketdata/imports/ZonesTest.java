package io.atlasj.marketdata.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** new-york-close is New York time plus seven hours, on the US dates of change, in the past and in rule years. */
class ZonesTest {
    private static ZoneOffset at(ZoneId z, String instant) {
        return z.getRules().getOffset(Instant.parse(instant));
    }

    @Test
    void newYorkCloseIsNewYorkPlusSevenHoursOnTheUsDates() {
        ZoneId z = Zones.of("new-york-close");
        assertThat(z).isEqualTo(Zones.of("NEW-YORK-CLOSE"));
        // 2023: the US went to summer time on 12 March (07:00 UTC) and back on 5 November (06:00 UTC); Europe on 26 March
        assertThat(at(z, "2023-03-12T06:59:59Z")).isEqualTo(ZoneOffset.ofHours(2));
        assertThat(at(z, "2023-03-12T07:00:00Z")).isEqualTo(ZoneOffset.ofHours(3));
        assertThat(at(z, "2023-03-13T18:00:00Z")).isNotEqualTo(at(ZoneId.of("Europe/Athens"), "2023-03-13T18:00:00Z"));
        assertThat(at(z, "2023-11-05T05:59:59Z")).isEqualTo(ZoneOffset.ofHours(3));
        assertThat(at(z, "2023-11-05T06:00:00Z")).isEqualTo(ZoneOffset.ofHours(2));
        // a year past the tz database's explicit transitions, from the rules: 2041 changes on 10 March and 3 November
        assertThat(at(z, "2041-03-10T06:59:59Z")).isEqualTo(ZoneOffset.ofHours(2));
        assertThat(at(z, "2041-03-10T07:00:00Z")).isEqualTo(ZoneOffset.ofHours(3));
        assertThat(at(z, "2041-11-03T06:00:00Z")).isEqualTo(ZoneOffset.ofHours(2));
        assertThat(z.getRules().isDaylightSavings(Instant.parse("2023-07-01T00:00:00Z"))).isTrue();
        assertThat(z.getRules().isDaylightSavings(Instant.parse("2023-01-01T00:00:00Z"))).isFalse();
        // midnight on the server is 17:00 in New York, all year
        for (String day : new String[] {"2023-01-16", "2023-07-17", "2009-06-01", "2035-12-03"}) {
            Instant midnight = LocalDateTime.parse(day + "T00:00:00").atZone(z).toInstant();
            assertThat(midnight.atZone(ZoneId.of("America/New_York")).toLocalTime().getHour()).as(day).isEqualTo(17);
        }
        // the autumn hour the server's clock repeats (08:00 on the US date) is ambiguous, as in any zone
        assertThat(z.getRules().getValidOffsets(LocalDateTime.parse("2023-11-05T08:30:00"))).hasSize(2);
        String[] why = new String[1];
        assertThat(TimeText.inZone(LocalDateTime.parse("2023-11-05T08:30:00"), z, why)).isNull();
        assertThat(why[0]).contains("occurs twice in Atlas/New_York_Close");
    }

    @Test
    void otherZonesAreJavasAndAnUnknownOneNamesTheForms() {
        assertThat(Zones.of(" -05:00")).isEqualTo(ZoneOffset.ofHours(-5));
        assertThat(Zones.of("Europe/Athens")).isEqualTo(ZoneId.of("Europe/Athens"));
        assertThatThrownBy(() -> Zones.of("EST5EDT_NY")).hasMessageContaining("is not a zone")
                .hasMessageContaining("new-york-close");
    }
}
