package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bitstamp's trades have no id: a trade is its second and its place in that second. The bundled file cut into pieces
 * in the middle of seconds (as a collector writing a file a minute does) and imported piece by piece stores exactly
 * the trades and bars of the whole file imported at once; importing a piece again adds nothing. (Found by the live
 * runner's folder feed: the second piece's trades in the first piece's last second were taken for duplicates.)
 * Quote ticks of {@code quotes-csv} files are keyed the same way and checked the same way.
 */
class SplitTradeFilesTest {
    @TempDir
    Path dir;

    @Test
    void piecesCutInsideASecondStoreWhatTheWholeFileStores() throws Exception {
        Path whole = BundledData.extract(dir.resolve("b"));
        List<String> lines = Files.readAllLines(whole);
        String header = lines.get(0);
        // cut points inside seconds that have several trades
        List<Integer> cuts = new ArrayList<>();
        for (int i = 2; i < lines.size() - 1 && cuts.size() < 6; i += 9_000) {
            int k = i;
            while (k < lines.size() - 1 && !second(lines.get(k)).equals(second(lines.get(k - 1)))) {
                k++;
            }
            cuts.add(k);
        }
        assertThat(cuts).hasSize(6);
        List<Path> pieces = new ArrayList<>();
        int from = 1;
        for (int c = 0; c <= cuts.size(); c++) {
            int to = c < cuts.size() ? cuts.get(c) : lines.size();
            List<String> part = new ArrayList<>(List.of(header));
            part.addAll(lines.subList(from, to));
            Path p = dir.resolve("piece-" + c + ".csv");
            Files.write(p, part);
            pieces.add(p);
            from = to;
        }
        Market m = new Market(BundledData.EXCHANGE, BundledData.SYMBOL);
        TradeSeries all;
        java.util.Map<Timeframe, CandleSeries> bars = new java.util.LinkedHashMap<>();
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("one"))) {
            new ImportJob(s).run(List.of(whole), BundledData.options(), ImportJob.Listener.NONE);
            all = s.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            for (Timeframe tf : Timeframe.values()) {
                bars.put(tf, s.candles(m, tf));
            }
        }
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("pieces"))) {
            for (Path p : pieces) {
                ImportJob.Summary sum = new ImportJob(s).run(List.of(p), BundledData.options(), ImportJob.Listener.NONE);
                assertThat(sum.present()).as(p.toString()).isZero();
            }
            TradeSeries got = s.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            assertThat(got.size()).isEqualTo(all.size()).isEqualTo(lines.size() - 1);
            assertThat(got.times()).isEqualTo(all.times());
            assertThat(got.prices()).isEqualTo(all.prices());
            assertThat(got.quantities()).isEqualTo(all.quantities());
            // every timeframe's bars, each piece remaking only those from the bar its first trade falls in
            for (Timeframe tf : Timeframe.values()) {
                CandleSeries b = s.candles(m, tf);
                CandleSeries w = bars.get(tf);
                assertThat(b.openTimes()).as(tf.label()).isEqualTo(w.openTimes()).isNotEmpty();
                assertThat(b.opens()).as(tf.label()).isEqualTo(w.opens());
                assertThat(b.highs()).as(tf.label()).isEqualTo(w.highs());
                assertThat(b.lows()).as(tf.label()).isEqualTo(w.lows());
                assertThat(b.closes()).as(tf.label()).isEqualTo(w.closes());
                assertThat(b.volumes()).as(tf.label()).isEqualTo(w.volumes());
                assertThat(b.quoteVolumes()).as(tf.label()).isEqualTo(w.quoteVolumes());
                assertThat(b.tradeCounts()).as(tf.label()).isEqualTo(w.tradeCounts());
            }
            // a piece again: every trade is present, nothing is added
            ImportJob.Summary again = new ImportJob(s).run(List.of(pieces.get(3)), BundledData.options(),
                    ImportJob.Listener.NONE);
            assertThat(again.inserted()).isZero();
            assertThat(again.present()).isEqualTo(Files.readAllLines(pieces.get(3)).size() - 1);
            assertThat(s.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).size()).isEqualTo(all.size());
        }
    }

    /**
     * The same for quote ticks of a {@code quotes-csv} file, which are keyed by their time and their order within it:
     * ticks made from the bundled trades (bid and ask half a dollar around each price, several a second), cut inside
     * seconds, store what the whole file stores.
     */
    @Test
    void quoteTicksCutInsideASecondStoreWhatTheWholeFileStores() throws Exception {
        List<String> trades = Files.readAllLines(BundledData.extract(dir.resolve("b")));
        List<String> ticks = new ArrayList<>(List.of("time,bid,ask,bid_size,ask_size"));
        for (String l : trades.subList(1, 20_001)) {
            String[] f = l.split(",");
            double p = Double.parseDouble(f[1]);
            ticks.add(f[0] + "," + (p - 0.5) + "," + (p + 0.5) + "," + f[2] + ",1.0");
        }
        Path whole = dir.resolve("ticks.csv");
        Files.write(whole, ticks);
        List<Path> pieces = new ArrayList<>();
        int from = 1;
        int piece = 0;
        for (int i = 2_000; from < ticks.size(); i += 4_000) {
            int k = Math.min(i, ticks.size());
            while (k < ticks.size() - 1 && !second(ticks.get(k)).equals(second(ticks.get(k - 1)))) {
                k++;
            }
            List<String> part = new ArrayList<>(List.of(ticks.get(0)));
            part.addAll(ticks.subList(from, k));
            Path p = dir.resolve("ticks-" + piece++ + ".csv");
            Files.write(p, part);
            pieces.add(p);
            from = k;
        }
        assertThat(pieces).hasSizeGreaterThan(4);
        io.atlasj.marketdata.imports.ImportOptions options = io.atlasj.marketdata.imports.ImportOptions.of(
                io.atlasj.marketdata.imports.ImportFormat.QUOTES_CSV, "fx", "btc_usd");
        Market m = new Market("fx", "btc_usd");
        io.atlasj.marketdata.QuoteSeries all;
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("q1"))) {
            ImportJob.Summary sum = new ImportJob(s).run(List.of(whole), options, ImportJob.Listener.NONE);
            assertThat(sum.rejectedFiles()).as(sum.files().get(0).error()).isZero();
            all = s.quotes(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        }
        assertThat(all.size()).isEqualTo(20_000);
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("q2"))) {
            for (Path p : pieces) {
                ImportJob.Summary sum = new ImportJob(s).run(List.of(p), options, ImportJob.Listener.NONE);
                assertThat(sum.present()).as(p.toString()).isZero();
            }
            io.atlasj.marketdata.QuoteSeries got = s.quotes(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            assertThat(got.size()).isEqualTo(all.size());
            assertThat(got.times()).isEqualTo(all.times());
            assertThat(got.bids()).isEqualTo(all.bids());
            assertThat(got.bidSizes()).isEqualTo(all.bidSizes());
            assertThat(got.asks()).isEqualTo(all.asks());
            assertThat(got.askSizes()).isEqualTo(all.askSizes());
            ImportJob.Summary again = new ImportJob(s).run(List.of(pieces.get(2)), options, ImportJob.Listener.NONE);
            assertThat(again.inserted()).isZero();
            assertThat(s.quotes(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).size()).isEqualTo(all.size());
        }
    }

    /**
     * A day whose bars were filled by a {@code --fill-gaps} import of its first trades, then given its later trades
     * without it, keeps no filled bar of any timeframe (the day is made again whole, as before a later batch remade
     * only the bars from its first one): the same bars as the day imported without filling at all.
     */
    @Test
    void aLaterImportWithoutFillingTakesTheFillOutOfTheWholeDay() throws Exception {
        List<String> lines = Files.readAllLines(BundledData.extract(dir.resolve("b")));
        String header = lines.get(0);
        long day = 1_385_337_600L; // 2013-11-25, the bundled trades' first day
        List<String> morning = new ArrayList<>(List.of(header));
        List<String> rest = new ArrayList<>(List.of(header));
        for (String l : lines.subList(1, lines.size())) {
            long t = Long.parseLong(second(l));
            if (t < day + 86_400) {
                (t < day + 43_200 ? morning : rest).add(l);
            }
        }
        Path a = Files.write(dir.resolve("morning.csv"), morning);
        Path b = Files.write(dir.resolve("rest.csv"), rest);
        Market m = new Market(BundledData.EXCHANGE, BundledData.SYMBOL);
        java.util.Map<Timeframe, CandleSeries> plain = new java.util.LinkedHashMap<>();
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("plain"))) {
            new ImportJob(s).run(List.of(a, b), BundledData.options(), ImportJob.Listener.NONE);
            for (Timeframe tf : Timeframe.values()) {
                plain.put(tf, s.candles(m, tf));
            }
        }
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("filled"))) {
            new ImportJob(s).run(List.of(a), BundledData.options().withFillGaps(true), ImportJob.Listener.NONE);
            assertThat(s.candles(m, Timeframe.S1).sources()).as("the morning filled")
                    .contains(io.atlasj.marketdata.CandleSource.FILLED.code());
            new ImportJob(s).run(List.of(b), BundledData.options(), ImportJob.Listener.NONE);
            for (Timeframe tf : Timeframe.values()) {
                CandleSeries got = s.candles(m, tf);
                assertThat(got.sources()).as(tf.label()).doesNotContain(io.atlasj.marketdata.CandleSource.FILLED.code());
                assertThat(got.openTimes()).as(tf.label()).isEqualTo(plain.get(tf).openTimes());
                assertThat(got.closes()).as(tf.label()).isEqualTo(plain.get(tf).closes());
            }
        }
    }

    private static String second(String line) {
        return line.substring(0, line.indexOf(','));
    }
}
