package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Files parsed ahead on other threads are still written and reported one at a time, in the order given, with every
 * listener call on the importing thread, and a bad file among them rejected alone.
 */
class ImportJobTest extends ImportFixture {

    /** Bitstamp trades as CSV: {@code rows} lines from {@code from} (epoch seconds), {@code step} seconds apart. */
    private static StringBuilder trades(long from, int rows, long step, String priceAndAmount) {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            csv.append(from + step * i).append(',').append(priceAndAmount).append('\n');
        }
        return csv;
    }

    @Test
    void filesParsedAheadAreWrittenAndReportedInOrderOnTheCallersThread() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < 7; f++) {
            StringBuilder csv = trades(1385337600L + 86_400L * f, 2_000, 10, (800 + f) + ",1");
            if (f == 3) {
                csv.append("not a time,800,1\n");
            }
            Path p = dir.resolve("day-" + f + ".csv");
            Files.writeString(p, csv);
            files.add(p);
        }
        Thread caller = Thread.currentThread();
        List<String> calls = new ArrayList<>();
        ImportJob.Listener listener = new ImportJob.Listener() {
            @Override
            public void fileStarted(Path file, long bytes, int index, int total) {
                assertThat(Thread.currentThread()).isSameAs(caller);
                calls.add("start " + index);
            }

            @Override
            public void bytesRead(long bytes) {
                assertThat(Thread.currentThread()).isSameAs(caller);
                assertThat(bytes).isNotNegative();
            }

            @Override
            public void fileDone(ImportJob.FileOutcome outcome) {
                assertThat(Thread.currentThread()).isSameAs(caller);
                calls.add("done " + outcome.file().getFileName());
            }
        };
        var summary = new ImportJob(store).run(files,
                ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"), listener);
        List<String> expected = new ArrayList<>();
        for (int f = 0; f < 7; f++) {
            expected.add("start " + f);
            expected.add("done day-" + f + ".csv");
        }
        assertThat(calls).isEqualTo(expected);
        assertThat(summary.files()).extracting(o -> o.file().getFileName().toString())
                .containsExactly("day-0.csv", "day-1.csv", "day-2.csv", "day-3.csv", "day-4.csv", "day-5.csv",
                        "day-6.csv");
        assertThat(summary.files().get(3).error()).contains("day-3.csv:2001");
        assertThat(summary.rejectedFiles()).isEqualTo(1);
        assertThat(summary.inserted()).isEqualTo(6 * 2_000);
        Market m = new Market("bitstamp", "btc_usd");
        assertThat(store.candles(m, Timeframe.D1).closes()).containsExactly(800.0, 801.0, 802.0, 804.0, 805.0, 806.0);
    }

    @Test
    void progressIsEachFilesBytesReadSoFarEndingAtItsSize() throws Exception {
        // files of several reads each, parsed ahead on other threads: what the listener hears of each is a total that
        // only grows, never past the file's size, and ends at it (the parse-ahead path once added up the totals)
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            StringBuilder csv = trades(1385337600L + 86_400L * f, 30_000, 2, (800 + f) + ".25,1.5");
            Path p = dir.resolve("big-" + f + ".csv");
            Files.writeString(p, csv);
            assertThat(Files.size(p)).isGreaterThan(4 * 65_536L);
            files.add(p);
        }
        List<List<Long>> heard = new ArrayList<>();
        ImportJob.Listener listener = new ImportJob.Listener() {
            @Override
            public void fileStarted(Path file, long bytes, int index, int total) {
                heard.add(new ArrayList<>());
            }

            @Override
            public void bytesRead(long bytes) {
                heard.get(heard.size() - 1).add(bytes);
            }
        };
        var summary = new ImportJob(store).run(files,
                ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"), listener);
        assertThat(summary.rejectedFiles()).isZero();
        assertThat(heard).hasSize(3);
        for (int f = 0; f < 3; f++) {
            long size = Files.size(files.get(f));
            List<Long> h = heard.get(f);
            assertThat(h).as("file %d", f).isNotEmpty().isSorted().allMatch(b -> b >= 0 && b <= size);
            assertThat(h.get(h.size() - 1)).as("file %d", f).isEqualTo(size);
        }
    }
}
