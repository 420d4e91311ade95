package io.atlasj.marketdata.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast number parser of CSV fields gives what {@link Double#parseDouble} gives, bit for bit, or refuses alike. */
class CsvRowTest {

    private static void same(String s) {
        Double expected;
        try {
            expected = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            expected = null;
        }
        Double actual;
        try {
            actual = CsvRow.parseDouble(s);
        } catch (NumberFormatException e) {
            actual = null;
        }
        agree(s, expected, actual);
        // the path of CSV files: the characters of a field in a record's buffer, never a String
        CsvFields f = new CsvFields();
        f.startRecord();
        f.addText("x");
        f.addText(s);
        Double fromChars;
        try {
            fromChars = f.parseDouble(1);
        } catch (NumberFormatException e) {
            fromChars = null;
        }
        agree(s, expected, fromChars);
    }

    private static void agree(String s, Double expected, Double actual) {
        if (expected == null) {
            assertThat(actual).as("'" + s + "' is refused").isNull();
        } else {
            assertThat(actual).as("'" + s + "'").isNotNull();
            assertThat(Double.doubleToRawLongBits(actual)).as("'" + s + "'")
                    .isEqualTo(Double.doubleToRawLongBits(expected));
        }
    }

    @Test
    void integersFromCharactersAgreeWithLongParseLong() {
        List<String> cases = new ArrayList<>(List.of("0", "-0", "+7", "1677628800000", " 1677628800000 ",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "", " ", "1.0", "1e3", "12a",
                "--1", "+", "-", "\t42\t", "+-1", "-+1", "000000000000000000123", "999999999999999999",
                "-999999999999999999", "1000000000000000000", "1 2", "\u0661\u0662\u0663", "12\u0663", "\uff11"));
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            cases.add(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
        // every length of digits, the 18 read without Long.parseLong and the 19 with it, signed and zero-padded
        for (int digits = 1; digits <= 19; digits++) {
            for (int k = 0; k < 50; k++) {
                StringBuilder b = new StringBuilder();
                for (int d = 0; d < digits; d++) {
                    b.append((char) ('0' + r.nextInt(10)));
                }
                cases.add(b.toString());
                cases.add("-" + b);
                cases.add("+" + b);
            }
        }
        for (String s : cases) {
            CsvFields f = new CsvFields();
            f.startRecord();
            f.addText(s);
            Long expected;
            try {
                expected = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                expected = null;
            }
            Long actual;
            try {
                actual = f.parseLong(0);
            } catch (NumberFormatException e) {
                actual = null;
            }
            assertThat(actual).as("'" + s + "'").isEqualTo(expected);
        }
    }

    @Test
    void theFastParserAgreesWithDoubleParseDoubleOnEveryFormAFileGives() {
        List<String> cases = new ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "1", "6.949", "30020.25",
                "208718.48852", "1e10", "1E-7", "1.0E12", "1678.0", ".5", "5.", "+3.25", "00012.5000",
                "4.9e-324", "2.2250738585072014E-308", "1.7976931348623157e308", "1e309", "-1e400", "1e-400",
                "NaN", "Infinity", "-Infinity", "0x1.8p1", "1d", "2.5f", "", " ", "abc", "1,5", "1.2.3", "--1", "e5",
                "1e", " 2.5 ", "\t3\t", "0.1000000000000000055511151231257827", "9007199254740993", "123456789012345678901234567890"));
        Random r = new Random(17);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * 100_000;
                case 1 -> Math.round(r.nextDouble() * 1e8) / 1e4; // prices with four decimals
                case 2 -> Double.longBitsToDouble(r.nextLong());
                default -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            };
            cases.add(Double.toString(v));
            cases.add(String.format(Locale.ROOT, "%.8f", v));
            cases.add(new BigDecimal(r.nextLong()).movePointLeft(r.nextInt(25)).toPlainString());
        }
        for (String s : cases) {
            same(s);
        }
    }
}
