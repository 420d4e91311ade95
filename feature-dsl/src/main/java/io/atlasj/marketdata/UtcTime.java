package io.atlasj.marketdata;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/** Reading ISO-8601 times as UTC, the one way every file reader and the CLI do it. */
public final class UtcTime {
    private UtcTime() {
    }

    /** {@code 2024-01-31T12:00:00Z} for epoch milliseconds; {@code N ms} for a time beyond the calendar. */
    public static String format(long millis) {
        try {
            return Instant.ofEpochMilli(millis).toString();
        } catch (java.time.DateTimeException e) {
            return millis + " ms";
        }
    }

    /**
     * Epoch milliseconds of {@code 2024-01-31T12:00:00Z}, {@code 2024-01-31T12:00}, {@code 2024-01-31 12:00:00}
     * (no zone: UTC) or {@code 2024-01-31} (midnight UTC); empty when the text is none of these.
     */
    public static OptionalLong parseIso(String text) {
        String s = text.trim();
        try {
            // with a Z or an offset; a space for the T as pandas writes (2023-03-01 00:00:00+00:00)
            return OptionalLong.of(Instant.parse(s.length() > 10 && s.charAt(10) == ' '
                    ? s.substring(0, 10) + 'T' + s.substring(11) : s).toEpochMilli());
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return OptionalLong.of(LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli());
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return OptionalLong.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
