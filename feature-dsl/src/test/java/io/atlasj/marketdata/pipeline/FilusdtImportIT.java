package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.quality.Gaps;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 21 monthly FILUSDT 1-minute kline files of ../shared/data (902,880 rows): counts, the gaps between the months
 * present, a second import that inserts nothing, and 1h/4h candles equal to an aggregation the test computes itself
 * from the raw files. Skipped when ../shared/data is absent.
 */
class FilusdtImportIT {
    private static final Market FIL = new Market("binance-um", "filusdt");

    @TempDir
    Path dir;

    @Test
    void importsAllMonthsKeepsGapsAndResamplesExactly() throws IOException {
        Path folder = TestData.shared("binance-um-1m/FILUSDT");
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
        }
        assertThat(files).hasSize(21);
        ImportOptions options = ImportOptions.of(ImportFormat.BINANCE_KLINES, "binance-um", null);
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            ImportJob.Summary first = new ImportJob(store).run(files, options, ImportJob.Listener.NONE);
            assertThat(first.rejectedFiles()).isZero();
            assertThat(first.inserted()).isEqualTo(902_880);

            CandleSeries m1 = store.candles(FIL, Timeframe.M1);
            assertThat(m1.size()).isEqualTo(902_880);
            // Gaps: one per break in the sequence of months present (read from the file names).
            List<YearMonth> months = files.stream()
                    .map(p -> YearMonth.parse(p.getFileName().toString().substring("FILUSDT-1m-".length(), "FILUSDT-1m-".length() + 7)))
                    .toList();
            long breaks = 0;
            for (int i = 1; i < months.size(); i++) {
                if (!months.get(i).equals(months.get(i - 1).plusMonths(1))) {
                    breaks++;
                }
            }
            Gaps gaps = Gaps.of(m1.openTimes(), Timeframe.M1);
            assertThat(gaps.count()).isEqualTo(breaks).isEqualTo(13);

            ImportJob.Summary second = new ImportJob(store).run(files, options, ImportJob.Listener.NONE);
            assertThat(second.inserted()).isZero();
            assertThat(second.present()).isEqualTo(902_880);
            assertThat(second.derived()).isZero();
            assertThat(store.candles(FIL, Timeframe.M1).size()).isEqualTo(902_880);

            for (Timeframe tf : List.of(Timeframe.H1, Timeframe.H4)) {
                TreeMap<Long, double[]> expected = aggregate(files, tf.millis());
                CandleSeries c = store.candles(FIL, tf);
                assertThat(c.size()).as(tf.label()).isEqualTo(expected.size());
                int i = 0;
                for (var e : expected.entrySet()) {
                    double[] b = e.getValue();
                    assertThat(c.openTime(i)).isEqualTo(e.getKey());
                    assertThat(c.open(i)).isEqualTo(b[0]);
                    assertThat(c.high(i)).isEqualTo(b[1]);
                    assertThat(c.low(i)).isEqualTo(b[2]);
                    assertThat(c.close(i)).isEqualTo(b[3]);
                    assertThat(c.volume(i)).isCloseTo(b[4], within(1e-6 * Math.max(1, b[4])));
                    assertThat(c.quoteVolume(i)).isCloseTo(b[5], within(1e-6 * Math.max(1, b[5])));
                    assertThat(c.tradeCount(i)).isEqualTo((long) b[6]);
                    assertThat(c.takerBuyVolume(i)).isCloseTo(b[7], within(1e-6 * Math.max(1, b[7])));
                    i++;
                }
            }
        }
    }

    /** OHLCV per bar of {@code step} ms, read straight from the gzip CSVs (independent of the importer). */
    private static TreeMap<Long, double[]> aggregate(List<Path> files, long step) throws IOException {
        TreeMap<Long, double[]> bars = new TreeMap<>();
        for (Path f : files) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("open_time")) {
                        continue;
                    }
                    String[] x = line.split(",");
                    long bar = Long.parseLong(x[0]) / step * step;
                    double o = Double.parseDouble(x[1]);
                    double h = Double.parseDouble(x[2]);
                    double l = Double.parseDouble(x[3]);
                    double c = Double.parseDouble(x[4]);
                    double v = Double.parseDouble(x[5]);
                    double qv = Double.parseDouble(x[7]);
                    double n = Double.parseDouble(x[8]);
                    double tb = Double.parseDouble(x[9]);
                    double[] b = bars.get(bar);
                    if (b == null) {
                        bars.put(bar, new double[] {o, h, l, c, v, qv, n, tb});
                    } else {
                        b[1] = Math.max(b[1], h);
                        b[2] = Math.min(b[2], l);
                        b[3] = c;
                        b[4] += v;
                        b[5] += qv;
                        b[6] += n;
                        b[7] += tb;
                    }
                }
            }
        }
        return bars;
    }
}
