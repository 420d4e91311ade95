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
        CandleSeries bars;
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("one"))) {
            new ImportJob(s).run(List.of(whole), BundledData.options(), ImportJob.Listener.NONE);
            all = s.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            bars = s.candles(m, Timeframe.M5);
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
            CandleSeries b = s.candles(m, Timeframe.M5);
            assertThat(b.openTimes()).isEqualTo(bars.openTimes());
            assertThat(b.closes()).isEqualTo(bars.closes());
            assertThat(b.volumes()).isEqualTo(bars.volumes());
            // a piece again: every trade is present, nothing is added
            ImportJob.Summary again = new ImportJob(s).run(List.of(pieces.get(3)), BundledData.options(),
                    ImportJob.Listener.NONE);
            assertThat(again.inserted()).isZero();
            assertThat(again.present()).isEqualTo(Files.readAllLines(pieces.get(3)).size() - 1);
            assertThat(s.trades(m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4).size()).isEqualTo(all.size());
        }
    }

    private static String second(String line) {
        return line.substring(0, line.indexOf(','));
    }
}
